/**
 * Locale → what the analysis needs about a language: how to stem and which
 * words carry no topic (Orama's maintained Snowball stemmers and stop-word
 * lists), which Flesch adaptation scores it, and how its syllables are
 * counted. Everything is loaded once per language and then shared.
 */

/** A Flesch adaptation: average sentence length (words) and syllables per word in, score out. */
export type FleschFormula = {
	/** Who published it, for the docs table and the check message. */
	name: string;
	score: ( wordsPerSentence: number, syllablesPerWord: number ) => number;
};

export type Language = {
	/** The language part of the locale (`en`, `de`…), or the raw tag when unknown. */
	code: string;
	/** The tag `Intl.Segmenter` gets: ICU's word and sentence rules for this language. */
	segmenter: string;
	stem: ( word: string ) => string;
	stops: ReadonlySet< string >;
	/** null when no published formula exists for the language. */
	flesch: FleschFormula | null;
	/** Vowel letters for the vowel-group syllable count (every language but English). */
	vowels: RegExp | null;
};

/**
 * Published Flesch adaptations, each with the constants of its source
 * (see docs/optimizer-checks.md). `asl` is words per sentence, `asw`
 * syllables per word.
 */
const FORMULAS: Record< string, FleschFormula > = {
	// Flesch (1948), "A new readability yardstick".
	en: {
		name: 'Flesch (1948)',
		score: ( asl, asw ) => 206.835 - 1.015 * asl - 84.6 * asw,
	},
	// Amstad (1978), Wie verständlich sind unsere Zeitungen?
	de: {
		name: 'Amstad (1978)',
		score: ( asl, asw ) => 180 - asl - 58.5 * asw,
	},
	// Fernández Huerta (1959): 206.84 − 0.60 P − 1.02 F, P syllables per 100 words, F sentences per 100 words.
	es: {
		name: 'Fernández Huerta (1959)',
		score: ( asl, asw ) =>
			206.84 - 0.6 * ( asw * 100 ) - 1.02 * ( 100 / asl ),
	},
	// Kandel & Moles (1958).
	fr: {
		name: 'Kandel & Moles (1958)',
		score: ( asl, asw ) => 207 - 1.015 * asl - 73.6 * asw,
	},
	// Franchina & Vacca (1972, 1986): 217 − 1.3 ASL − 0.6 S, S syllables per 100 words.
	it: {
		name: 'Franchina & Vacca (1986)',
		score: ( asl, asw ) => 217 - 1.3 * asl - 0.6 * ( asw * 100 ),
	},
	// Douma (1960).
	nl: {
		name: 'Douma (1960)',
		score: ( asl, asw ) => 206.835 - 0.93 * asl - 77 * asw,
	},
	// Martins et al. (1996), the Brazilian Portuguese adaptation.
	pt: {
		name: 'Martins et al. (1996)',
		score: ( asl, asw ) => 248.835 - 1.015 * asl - 84.6 * asw,
	},
	// Oborneva (2006).
	ru: {
		name: 'Oborneva (2006)',
		score: ( asl, asw ) => 206.835 - 1.3 * asl - 60.1 * asw,
	},
};

/**
 * Vowel letters per language for the vowel-group count: a run of vowels is
 * one syllable, which is exact enough for the Romance and Germanic languages
 * and for Russian (one vowel, one syllable).
 */
const VOWELS: Record< string, RegExp > = {
	de: /[aeiouyäöü]+/g,
	es: /[aeiouyáéíóúü]+/g,
	fr: /[aeiouyàâæèéêëîïôœùûüÿ]+/g,
	it: /[aeiouyàèéìíîòóùú]+/g,
	nl: /[aeiouyáéíóúäëïöüè]+/g,
	pt: /[aeiouyáàâãéêíóôõúü]+/g,
	ru: /[аеёиоуыэюя]+/g,
};

/** Language code → Orama's package name. */
const ORAMA: Record< string, string > = {
	da: 'danish',
	de: 'german',
	en: 'english',
	es: 'spanish',
	fi: 'finnish',
	fr: 'french',
	it: 'italian',
	nb: 'norwegian',
	nl: 'dutch',
	nn: 'norwegian',
	no: 'norwegian',
	pt: 'portuguese',
	ro: 'romanian',
	ru: 'russian',
	sv: 'swedish',
	tr: 'turkish',
};

/** Stems remembered per language: a post repeats its vocabulary. */
const CACHE_LIMIT = 50_000;

/**
 * Orama's packages ship ESM types beside their CommonJS builds and the cloud
 * compiles to CommonJS, so they are required, and only when a language is
 * first analyzed.
 */
function loadOrama( name: string ): {
	stem: ( word: string ) => string;
	stops: string[];
} {
	/* eslint-disable @typescript-eslint/no-require-imports */
	const stemmer = require( `@orama/stemmers/${ name }` ) as {
		stemmer: ( word: string ) => string;
	};
	const stopwords = require( `@orama/stopwords/${ name }` ) as {
		stopwords: string[];
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
	return { stem: stemmer.stemmer, stops: stopwords.stopwords };
}

function makeLanguage( code: string ): Language {
	const orama = ORAMA[ code ] ? loadOrama( ORAMA[ code ] ) : null;
	const cache = new Map< string, string >();
	const stem = orama
		? ( word: string ): string => {
				let stemmed = cache.get( word );
				if ( stemmed === undefined ) {
					// Snowball leaves short words and numbers alone anyway; skipping them saves the call.
					stemmed =
						word.length > 2 && ! /\d/.test( word )
							? orama.stem( word )
							: word;
					if ( cache.size >= CACHE_LIMIT ) {
						cache.clear();
					}
					cache.set( word, stemmed );
				}
				return stemmed;
			}
		: ( word: string ): string => word;
	return {
		code,
		segmenter: ORAMA[ code ] || FORMULAS[ code ] ? code : 'und',
		stem,
		stops: new Set(
			( orama?.stops ?? [] ).map( ( word ) =>
				word.toLowerCase().replace( /['’]/g, '' )
			)
		),
		flesch: FORMULAS[ code ] ?? null,
		vowels: code === 'en' ? null : ( VOWELS[ code ] ?? null ),
	};
}

const languages = new Map< string, Language >();

/** The language of a WordPress locale (`en_US`, `de_DE_formal`, `pt-BR`, `fr`); English when empty. */
export function languageFor( locale: string ): Language {
	const code = ( locale || 'en' ).toLowerCase().split( /[_-]/ )[ 0 ] || 'en';
	let language = languages.get( code );
	if ( ! language ) {
		language = makeLanguage( code );
		languages.set( code, language );
	}
	return language;
}

/**
 * Text → comparable words for the Linker, in the site's language: Snowball
 * stemmers and stop-word lists from Orama's maintained packages
 * (`@orama/stemmers`, `@orama/stopwords`), chosen by the WordPress locale.
 */

export type Token = {
	/** The word's stem: what two words are compared by. */
	stem: string;
	/** UTF-16 offsets of the word in the text given to `tokens()`. */
	start: number;
	end: number;
	/** A stop word: never a phrase on its own, never weighs in a profile. */
	stop: boolean;
};

export type Analyzer = {
	/** The language used, e.g. `en`; `none` when the locale has no stemmer. */
	language: string;
	tokens( text: string ): Token[];
};

type Language = {
	stem: ( word: string ) => string;
	stops: readonly string[];
};

/**
 * Orama's packages ship ESM types beside their CommonJS builds; the cloud
 * compiles to CommonJS, so they are required (and only when a site of that
 * language is first seen).
 */
function load( name: string ): Language {
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

/** Language code (a WordPress locale's first part) → Orama's name for it. */
const LANGUAGES: Record< string, string > = {
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

/**
 * A word: letters (with their combining marks) and digits, with inner
 * apostrophes ("don't", "l'été" stays one).
 */
const WORD =
	/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;
const APOSTROPHES = /['’]/g;
/** Stems remembered per language: posts repeat their vocabulary. */
const CACHE_LIMIT = 50_000;

const ASCII = /^[\x20-\x7e]*$/;

/** Lower case, compatibility forms folded ("ﬁ" → "fi"), apostrophes dropped. */
function normalizeWord( raw: string, turkic: boolean ): string {
	const folded = ASCII.test( raw ) ? raw : raw.normalize( 'NFKC' );
	const lower = turkic
		? folded.toLocaleLowerCase( 'tr' )
		: folded.toLowerCase();
	return lower.includes( "'" ) || lower.includes( '’' )
		? lower.replace( APOSTROPHES, '' )
		: lower;
}

function makeAnalyzer(
	language: string,
	spec: Language | undefined
): Analyzer {
	const stops = new Set(
		( spec?.stops ?? [] ).map( ( word ) =>
			word.toLowerCase().replace( APOSTROPHES, '' )
		)
	);
	const cache = new Map< string, string >();
	const stemOf = ( word: string ): string => {
		let stem = cache.get( word );
		if ( stem === undefined ) {
			// Snowball stemmers expect lower case; digits and short words stay as they are.
			stem =
				spec && word.length > 2 && ! /\d/.test( word )
					? spec.stem( word )
					: word;
			if ( cache.size >= CACHE_LIMIT ) {
				cache.clear();
			}
			cache.set( word, stem );
		}
		return stem;
	};
	// Only Turkish and Azeri lower-case "I" differently; the locale-free path is much faster.
	const turkic = language === 'tr' || language === 'az';
	return {
		language,
		tokens( text ) {
			const out: Token[] = [];
			for ( const match of text.matchAll( WORD ) ) {
				const word = normalizeWord( match[ 0 ], turkic );
				out.push( {
					stem: stemOf( word ),
					start: match.index,
					end: match.index + match[ 0 ].length,
					// One letter is never a topic ("a", "I", "y"), whatever a list forgot.
					stop:
						stops.has( word ) ||
						( spec !== undefined &&
							word.length === 1 &&
							/\p{L}/u.test( word ) ),
				} );
			}
			return out;
		},
	};
}

const analyzers = new Map< string, Analyzer >();

/**
 * The analyzer for a WordPress locale (`en_US`, `de_DE`, `pt-BR`…): English
 * when none is given; for a language with no stemmer, words are compared as
 * written (lower case), with no stop words.
 */
export function analyzerFor( locale?: string | null ): Analyzer {
	const language =
		( locale ?? 'en' ).toLowerCase().split( /[_-]/ )[ 0 ] || 'en';
	let analyzer = analyzers.get( language );
	if ( ! analyzer ) {
		const name = LANGUAGES[ language ];
		analyzer = name
			? makeAnalyzer( language, load( name ) )
			: makeAnalyzer( 'none', undefined );
		analyzers.set( language, analyzer );
	}
	return analyzer;
}

/** A run of 1–4 meaningful words in a text, as stems and as offsets. */
export type Gram = {
	/** The stems of its non-stop words, joined by one space. */
	phrase: string;
	/** Words in the phrase. */
	size: number;
	start: number;
	end: number;
};

/**
 * Between two words of one phrase: spaces and hyphens, or one dot, slash,
 * underscore, at or colon with no space ("package.json", "node.js"); a comma
 * or a sentence's full stop ends the phrase.
 */
const JOINER = /^(?:[\s\u00a0\-\u2010\u2011]*|[./_@:])$/;
/** Stop words a phrase may step over ("installation of packages"), never start or end with. */
const MAX_INNER_STOPS = 2;

/**
 * Every phrase of `min`..`max` non-stop words in the text: stop words may sit
 * inside one, never at its ends, and punctuation other than a hyphen splits.
 */
export function gramsOf(
	text: string,
	tokens: Token[],
	min = 1,
	max = 4
): Gram[] {
	const grams: Gram[] = [];
	/** The current chain of joined words: content words with their positions. */
	let chain: Token[] = [];
	let stops = 0;
	let previous: Token | undefined;
	const emit = () => {
		const last = chain.length - 1;
		const end = chain[ last ]!;
		// Grown leftwards one word at a time: "shoe", "run shoe", "trail run shoe".
		let phrase = end.stem;
		for ( let size = 1; size <= max && size <= chain.length; size++ ) {
			const first = chain[ last - size + 1 ]!;
			if ( size > 1 ) {
				phrase = `${ first.stem } ${ phrase }`;
			}
			if ( size >= min ) {
				grams.push( {
					phrase,
					size,
					start: first.start,
					end: end.end,
				} );
			}
		}
	};
	for ( const token of tokens ) {
		const joined =
			previous !== undefined &&
			JOINER.test( text.slice( previous.end, token.start ) );
		if ( ! joined ) {
			chain = [];
			stops = 0;
		}
		previous = token;
		if ( token.stop ) {
			stops += 1;
			if ( stops > MAX_INNER_STOPS ) {
				chain = [];
			}
			continue;
		}
		stops = 0;
		chain.push( token );
		if ( chain.length > max ) {
			chain.shift();
		}
		emit();
	}
	return grams;
}

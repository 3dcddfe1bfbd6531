/**
 * Syllable counts for the Flesch formulas. English uses the maintained
 * `syllable` package (its own rules plus an exception list); the other
 * languages with a formula count vowel groups, the method their published
 * adaptations were calibrated with.
 */
import type { Language } from './language';

/*
 * `syllable` is an ES module; the cloud compiles to CommonJS and Node 24
 * loads ES modules through require().
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { syllable } = require( 'syllable' ) as {
	syllable: ( value: string ) => number;
};

/**
 * Adjectives whose "-ed" is its own syllable although the rule below says
 * it is silent ("a wicked plan", "naked", "rugged").
 */
const SYLLABIC_ED = new Set( [
	'aged',
	'beloved',
	'blessed',
	'crabbed',
	'crooked',
	'cursed',
	'dogged',
	'jagged',
	'learned',
	'naked',
	'ragged',
	'rugged',
	'sacred',
	'wicked',
	'wretched',
] );

/**
 * Where `syllable`'s heuristics miss English inflection rules, counted by
 * the rule instead (see docs/optimizer-checks.md, "Syllables"):
 * - "-ed" is a syllable only after t or d ("landed" 2, "packed" 1,
 *   "proved" 1); the package counts "packed" as 2;
 * - "-es" is a syllable after a sibilant ("inches", "glasses", "ashes" 2);
 *   the package counts "inches" as 1 and "ashes" as 3;
 * - "-ing" after a stem is a syllable of its own ("going", "doing" 2,
 *   "seeing" 2); the package counts "going" as 1 and "seeing" as 3.
 * Each returns null when the rule does not apply and the package decides.
 */
function inflected( word: string ): number | null {
	const length = word.length;
	if ( length > 4 && word.endsWith( 'ed' ) && ! SYLLABIC_ED.has( word ) ) {
		const stem = word.slice( 0, -2 );
		const before = stem[ stem.length - 1 ]!;
		if ( /[^aeiouy]/.test( before ) && /[aeiouy]/.test( stem ) ) {
			if ( before === 't' || before === 'd' ) {
				return syllable( stem ) + 1;
			}
			// A syllabic "-le" stays one ("wrinkled" = wrin-kled): count the "-le" form.
			if ( before === 'l' && /[^aeiouyl]l$/.test( stem ) ) {
				return syllable( stem + 'e' );
			}
			return syllable( stem );
		}
	}
	if ( length > 4 && word.endsWith( 'es' ) ) {
		const stem = word.slice( 0, -2 );
		if ( /(?:[sxz]|ch|sh)$/.test( stem ) ) {
			return syllable( stem ) + 1;
		}
		// "piece" → "pieces", "house" → "houses": the stem's silent e becomes a syllable.
		const singular = word.slice( 0, -1 );
		if (
			/[^aeiouy][cgsz]e$/.test( singular ) ||
			/[aeiouy]se$/.test( singular )
		) {
			return syllable( singular ) + 1;
		}
	}
	if ( length > 4 && word.endsWith( 'ing' ) && ! word.endsWith( 'thing' ) ) {
		const stem = word.slice( 0, -3 );
		if ( /[aeiouy]/.test( stem ) ) {
			return syllable( stem ) + 1;
		}
	}
	return null;
}

/** Counts remembered for English: prose repeats its words. */
const englishCache = new Map< string, number >();
const CACHE_LIMIT = 50_000;

function englishSyllables( word: string ): number {
	let count = englishCache.get( word );
	if ( count === undefined ) {
		// A word always has at least one syllable ("hmm", "rhythm's" apostrophe forms).
		count = Math.max( 1, inflected( word ) ?? syllable( word ) );
		if ( englishCache.size >= CACHE_LIMIT ) {
			englishCache.clear();
		}
		englishCache.set( word, count );
	}
	return count;
}

/**
 * Syllables in one lower-case word of `language`; hyphenated compounds are
 * counted part by part, as the formulas' authors counted them by hand.
 */
export function syllablesIn( word: string, language: Language ): number {
	if ( language.code === 'en' ) {
		if ( word.includes( '-' ) ) {
			let total = 0;
			for ( const part of word.split( '-' ) ) {
				total += part ? englishSyllables( part ) : 0;
			}
			return Math.max( 1, total );
		}
		return englishSyllables( word );
	}
	if ( ! language.vowels ) {
		return 1;
	}
	language.vowels.lastIndex = 0;
	let groups = 0;
	while ( language.vowels.exec( word ) ) {
		groups += 1;
	}
	return Math.max( 1, groups );
}

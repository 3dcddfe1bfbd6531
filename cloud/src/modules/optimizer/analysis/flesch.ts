/**
 * Flesch reading ease with the language's published adaptation. Counting
 * follows Yoast's analysis so scores agree with what editors already know:
 * number-only words are left out, a hyphenated compound is one word, and
 * fewer than 50 words give no score (the formulas are averages; a handful
 * of words says nothing).
 */
import type { Language } from './language';
import { syllablesIn } from './syllables';
import type { Sentence } from './tokens';

export const FLESCH_MIN_WORDS = 50;

export type FleschResult = {
	/** 0–100, one decimal; null when the language has no formula or the text is too short. */
	score: number | null;
	words: number;
	sentences: number;
	syllables: number;
};

export function fleschOf(
	sentences: readonly Sentence[],
	language: Language
): FleschResult {
	let words = 0;
	let counted = 0;
	let syllables = 0;
	for ( const sentence of sentences ) {
		let inSentence = 0;
		for ( const word of sentence.words ) {
			if ( word.numeric ) {
				continue;
			}
			inSentence += 1;
			if ( language.flesch ) {
				syllables += syllablesIn( word.text, language );
			}
		}
		if ( inSentence > 0 ) {
			words += inSentence;
			counted += 1;
		}
	}
	if ( ! language.flesch || counted === 0 || words < FLESCH_MIN_WORDS ) {
		return { score: null, words, sentences: counted, syllables };
	}
	const raw = language.flesch.score( words / counted, syllables / words );
	const score = Math.round( Math.min( 100, Math.max( 0, raw ) ) * 10 ) / 10;
	return { score, words, sentences: counted, syllables };
}

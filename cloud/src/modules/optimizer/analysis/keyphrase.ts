/**
 * Keyphrase matching as Yoast does it: case-insensitive and word-form
 * tolerant. A sentence (or title, slug, alt text) "contains" a keyphrase
 * when every content word of it appears there in some form (same stem),
 * in any order; stop words are ignored unless the keyphrase is nothing but
 * stop words.
 */
import type { Language } from './language';
import { wordsOf, type Word } from './tokens';

export type Phrase = {
	/** As the editor typed it, trimmed. */
	text: string;
	/** Stems that must all be present. */
	stems: string[];
	/** Words in the phrase, stop words included (for density). */
	length: number;
};

export function phraseOf( text: string, language: Language ): Phrase | null {
	const trimmed = text.trim();
	const words = wordsOf( trimmed, language );
	if ( words.length === 0 ) {
		return null;
	}
	const content = words.filter( ( word ) => ! word.stop );
	const chosen = content.length > 0 ? content : words;
	return {
		text: trimmed,
		stems: [ ...new Set( chosen.flatMap( ( word ) => word.stems ) ) ],
		length: words.length,
	};
}

/** Counts already taken of a sentence's words: several checks ask about the same sentences. */
const cached = new WeakMap< readonly Word[], Map< string, number > >();

/** Stem → how often it occurs, over some words. */
export function stemCounts( words: readonly Word[] ): Map< string, number > {
	const known = cached.get( words );
	if ( known ) {
		return known;
	}
	const counts = new Map< string, number >();
	for ( const word of words ) {
		for ( const stem of word.stems ) {
			counts.set( stem, ( counts.get( stem ) ?? 0 ) + 1 );
		}
	}
	cached.set( words, counts );
	return counts;
}

/**
 * How many times the phrase occurs in these words: the fewest occurrences
 * of any of its stems (two "shoe" and one "running" make one "running
 * shoes"), 0 when one is missing.
 */
export function occurrences(
	phrase: Phrase,
	counts: ReadonlyMap< string, number >
): number {
	let least = Infinity;
	for ( const stem of phrase.stems ) {
		least = Math.min( least, counts.get( stem ) ?? 0 );
		if ( least === 0 ) {
			return 0;
		}
	}
	return least === Infinity ? 0 : least;
}

/** Any of the phrases (keyphrase or a synonym) wholly present in the words. */
export function containsAny(
	phrases: readonly Phrase[],
	words: readonly Word[]
): boolean {
	if ( phrases.length === 0 ) {
		return false;
	}
	const counts = stemCounts( words );
	return phrases.some( ( phrase ) => occurrences( phrase, counts ) > 0 );
}

/** Free text (a title, a slug, an alt text) as words, for matching. */
export function textWords( text: string, language: Language ): Word[] {
	return wordsOf( text, language );
}

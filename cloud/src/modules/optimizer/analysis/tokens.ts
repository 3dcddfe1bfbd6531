/**
 * Blocks of text → sentences and words, with ICU's locale-aware rules
 * (`Intl.Segmenter`). Each word is lower-cased and stemmed once here, so the
 * checks compare stems and never tokenize again.
 */
import type { Language } from './language';
import type { Block, BlockKind } from './text';

export type Word = {
	/** Lower case, as written (hyphenated compounds stay one word). */
	text: string;
	/** Stems of the word's parts: one, or one per part of a hyphenated compound. */
	stems: string[];
	/** A stop word: ignored when matching a keyphrase. */
	stop: boolean;
	/** Digits only ("1851"): left out of the Flesch counts, as Yoast leaves them out. */
	numeric: boolean;
};

export type Sentence = {
	text: string;
	words: Word[];
};

export type TextBlock = {
	kind: BlockKind;
	level: number;
	code: boolean;
	text: string;
	sentences: Sentence[];
	wordCount: number;
};

/** Hyphens that join a compound ("well-known"); a dash between spaces does not. */
const HYPHENS = new Set( [ '-', '\u2010', '\u2011' ] );
const NUMERIC = /^[\d.,]+$/;
const APOSTROPHES = /['’]/g;
const CURLY_APOSTROPHE = /’/g;

type Segmenters = { words: Intl.Segmenter; sentences: Intl.Segmenter };
const segmenters = new Map< string, Segmenters >();

function segmentersFor( tag: string ): Segmenters {
	let found = segmenters.get( tag );
	if ( ! found ) {
		found = {
			words: new Intl.Segmenter( tag, { granularity: 'word' } ),
			sentences: new Intl.Segmenter( tag, { granularity: 'sentence' } ),
		};
		segmenters.set( tag, found );
	}
	return found;
}

/** Turns word-like segments into words, joining hyphenated compounds back together. */
class WordBuilder {
	readonly words: Word[] = [];
	/** UTF-16 offset where each word of `words` starts. */
	readonly starts: number[] = [];
	private pending: string | null = null;
	private pendingStart = 0;
	private joinNext = false;
	private lastEnd = -1;

	constructor( private readonly language: Language ) {}

	add( segment: Intl.SegmentData ): void {
		if ( segment.isWordLike ) {
			if (
				this.joinNext &&
				this.pending !== null &&
				segment.index === this.lastEnd
			) {
				this.pending += '-' + segment.segment;
			} else {
				this.emit();
				this.pending = segment.segment;
				this.pendingStart = segment.index;
			}
			this.joinNext = false;
			this.lastEnd = segment.index + segment.segment.length;
		} else if (
			this.pending !== null &&
			HYPHENS.has( segment.segment ) &&
			segment.index === this.lastEnd
		) {
			this.joinNext = true;
			this.lastEnd = segment.index + 1;
		} else {
			this.joinNext = false;
		}
	}

	emit(): void {
		if ( this.pending === null ) {
			return;
		}
		// One apostrophe form, so "it’s" and "it's" are the same word to the word lists.
		const lower = this.pending
			.toLowerCase()
			.replace( CURLY_APOSTROPHE, "'" );
		const parts = lower.includes( '-' ) ? lower.split( '-' ) : [ lower ];
		const stems: string[] = [];
		let stop = true;
		for ( const part of parts ) {
			const bare = part.replace( APOSTROPHES, '' );
			if ( bare === '' ) {
				continue;
			}
			stems.push( this.language.stem( bare ) );
			if ( ! this.language.stops.has( bare ) ) {
				stop = false;
			}
		}
		this.words.push( {
			text: lower,
			stems,
			stop: stems.length === 0 || stop,
			numeric: NUMERIC.test( lower ),
		} );
		this.starts.push( this.pendingStart );
		this.pending = null;
	}
}

/**
 * The words of a text. ICU splits "old-fashioned" in two; a hyphen with word
 * characters right on both sides joins them back, because Flesch (and
 * Yoast) count a hyphenated compound as one word.
 */
export function wordsOf( text: string, language: Language ): Word[] {
	const builder = new WordBuilder( language );
	for ( const segment of segmentersFor( language.segmenter ).words.segment(
		text
	) ) {
		builder.add( segment );
	}
	builder.emit();
	return builder.words;
}

/**
 * Every block's sentences and words. The blocks are joined by line feeds
 * (a hard sentence break in ICU's rules) and segmented into words once and
 * into sentences once for the whole post: each `segment()` call costs a
 * break-iterator set-up, and a post can have thousands of blocks. Each word
 * then goes to the sentence, and each sentence to the block, its offset
 * falls in.
 */
export function tokenizeBlocks(
	blocks: readonly Block[],
	language: Language
): TextBlock[] {
	const { words: wordSegmenter, sentences: sentenceSegmenter } =
		segmentersFor( language.segmenter );
	const ends: number[] = [];
	let length = 0;
	for ( const block of blocks ) {
		length += block.text.length;
		ends.push( length );
		length += 1;
	}
	const text = blocks.map( ( block ) => block.text ).join( '\n' );

	const builder = new WordBuilder( language );
	for ( const segment of wordSegmenter.segment( text ) ) {
		builder.add( segment );
	}
	builder.emit();
	const { words, starts } = builder;

	const out: TextBlock[] = blocks.map( ( block ) => ( {
		kind: block.kind,
		level: block.level,
		code: block.code,
		text: block.text,
		sentences: [],
		wordCount: 0,
	} ) );
	let next = 0;
	let at = 0;
	for ( const segment of sentenceSegmenter.segment( text ) ) {
		const end = segment.index + segment.segment.length;
		const first = next;
		while ( next < words.length && starts[ next ]! < end ) {
			next += 1;
		}
		if ( next === first ) {
			continue;
		}
		const start = starts[ first ]!;
		while ( at < ends.length - 1 && ends[ at ]! < start ) {
			at += 1;
		}
		const block = out[ at ]!;
		block.sentences.push( {
			text: segment.segment.trim(),
			words: words.slice( first, next ),
		} );
		block.wordCount += next - first;
	}
	return out;
}

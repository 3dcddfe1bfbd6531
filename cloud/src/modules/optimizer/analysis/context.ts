/**
 * What every check reads: the input, its language, and the text tokenized
 * once. Built by `index.ts`, shared by all checks so a 10,000-word post is
 * segmented and stemmed a single time.
 */
import {
	OPTIMIZER_AI_FIXABLE,
	type OptimizerCheck,
	type OptimizerCheckId,
} from '@igny8/shared-types';
import type { FleschResult } from './flesch';
import type { Phrase } from './keyphrase';
import type { Language } from './language';
import type { HtmlStructure } from './text';
import type { Sentence, TextBlock } from './tokens';

export interface AnalysisInput {
	html: string;
	title: string;
	keyphrase: string;
	synonyms: string[];
	metaDescription: string;
	slug: string;
	locale: string;
	siteUrl: string | null;
	previousUses: { title: string; url: string | null }[];
	/**
	 * What the Linker's index knows of this post, when it is indexed: how
	 * many of the site's posts link to it (null until it is published: no
	 * link can reach it yet), and how many links it could add (open
	 * suggestions). Null or absent: not indexed.
	 */
	linker?: { inbound: number | null; suggestions: number } | null;
}

export type Context = {
	input: AnalysisInput;
	language: Language;
	structure: HtmlStructure;
	/** Every block, code included, in document order. */
	blocks: TextBlock[];
	/** Blocks of prose (paragraphs and headings, no code). */
	prose: TextBlock[];
	/** Paragraph blocks of prose: what readability reads. */
	paragraphs: TextBlock[];
	/** Sentences of `paragraphs`, in order. */
	sentences: Sentence[];
	/** Words in the body, code included: the text length. */
	wordCount: number;
	keyphrase: Phrase | null;
	/** The keyphrase first, then the synonyms: where Yoast accepts either. */
	phrases: Phrase[];
	flesch: FleschResult;
};

const FIXABLE = new Set< OptimizerCheckId >( OPTIMIZER_AI_FIXABLE );

/**
 * One check's result. The rating follows Yoast's traffic light from the
 * score (8–9 good, 5–7 ok, below bad), so a score and its colour never
 * disagree; the fix is only given when something is to be done.
 */
export function result(
	id: OptimizerCheckId,
	group: 'seo' | 'readability',
	score: number,
	message: string,
	fix?: string
): OptimizerCheck {
	const clamped = Math.max( 0, Math.min( 9, Math.round( score ) ) );
	const rating = clamped >= 8 ? 'good' : clamped >= 5 ? 'ok' : 'bad';
	return {
		id,
		group,
		rating,
		score: clamped,
		message,
		...( rating !== 'good' && fix ? { fix } : {} ),
		ai_fixable: FIXABLE.has( id ),
	};
}

/** "1 time" / "3 times". */
export function plural( count: number, one: string, many: string ): string {
	return `${ count.toLocaleString( 'en-US' ) } ${ count === 1 ? one : many }`;
}

export const NO_KEYPHRASE = 'No focus keyphrase is set.';
export const SET_KEYPHRASE =
	'Set a focus keyphrase: the search phrase this post should rank for.';

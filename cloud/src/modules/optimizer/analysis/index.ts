/**
 * The Optimizer's analysis: Yoast-grade SEO and readability checks on a
 * post, as a pure function (no database, no I/O) so the service can run it
 * on a request and a benchmark can time it alone. The HTML is parsed,
 * segmented and stemmed once; every check reads that shared structure.
 */
import {
	OPTIMIZER_CHECKS,
	type OptimizerCheck,
	type OptimizerCheckId,
} from '@igny8/shared-types';
import {
	competingLinks,
	imageKeyphrase,
	images,
	internalLinks,
	keyphraseDensity,
	keyphraseDistribution,
	keyphraseInIntroduction,
	keyphraseInMetaDescription,
	keyphraseInSlug,
	keyphraseInSubheadings,
	keyphraseInTitle,
	keyphraseLength,
	metaDescriptionLength,
	outboundLinks,
	previouslyUsedKeyphrase,
	singleTitle,
	textLength,
	titleWidthCheck,
} from './checks/seo';
import {
	consecutiveSentences,
	fleschReadingEase,
	paragraphLength,
	passiveVoice,
	sentenceLength,
	subheadingDistribution,
	textPresence,
	transitionWords,
} from './checks/readability';
import type { AnalysisInput, Context } from './context';
import { fleschOf } from './flesch';
import { phraseOf, type Phrase } from './keyphrase';
import { languageFor } from './language';
import { groupScore } from './score';
import { parseHtml } from './text';
import { tokenizeBlocks } from './tokens';

export type { AnalysisInput } from './context';

export interface AnalysisResult {
	score: number;
	seoScore: number;
	readabilityScore: number;
	fleschReadingEase: number | null;
	wordCount: number;
	locale: string;
	checks: OptimizerCheck[];
}

const CHECKS: Record< OptimizerCheckId, ( ctx: Context ) => OptimizerCheck > = {
	keyphrase_length: keyphraseLength,
	keyphrase_in_title: keyphraseInTitle,
	keyphrase_in_introduction: keyphraseInIntroduction,
	keyphrase_in_meta_description: keyphraseInMetaDescription,
	keyphrase_in_slug: keyphraseInSlug,
	keyphrase_in_subheadings: keyphraseInSubheadings,
	keyphrase_density: keyphraseDensity,
	keyphrase_distribution: keyphraseDistribution,
	text_length: textLength,
	title_width: titleWidthCheck,
	meta_description_length: metaDescriptionLength,
	internal_links: internalLinks,
	outbound_links: outboundLinks,
	competing_links: competingLinks,
	images,
	image_keyphrase: imageKeyphrase,
	single_title: singleTitle,
	previously_used_keyphrase: previouslyUsedKeyphrase,
	flesch_reading_ease: fleschReadingEase,
	sentence_length: sentenceLength,
	paragraph_length: paragraphLength,
	subheading_distribution: subheadingDistribution,
	passive_voice: passiveVoice,
	transition_words: transitionWords,
	consecutive_sentences: consecutiveSentences,
	text_presence: textPresence,
};

function contextOf( input: AnalysisInput ): Context {
	const language = languageFor( input.locale );
	const structure = parseHtml( input.html );
	const blocks = tokenizeBlocks( structure.blocks, language );
	const prose = blocks.filter( ( block ) => ! block.code );
	const paragraphs = prose.filter( ( block ) => block.kind === 'paragraph' );
	const sentences = paragraphs.flatMap( ( block ) => block.sentences );
	const keyphrase = phraseOf( input.keyphrase, language );
	const synonyms = input.synonyms
		.map( ( synonym ) => phraseOf( synonym, language ) )
		.filter( ( phrase ): phrase is Phrase => phrase !== null );
	return {
		input,
		language,
		structure,
		blocks,
		prose,
		paragraphs,
		sentences,
		wordCount: blocks.reduce( ( sum, block ) => sum + block.wordCount, 0 ),
		keyphrase,
		phrases: keyphrase ? [ keyphrase, ...synonyms ] : [],
		flesch: fleschOf( sentences, language ),
	};
}

export function analyze( input: AnalysisInput ): AnalysisResult {
	const ctx = contextOf( input );
	const checks = OPTIMIZER_CHECKS.map( ( id ) => CHECKS[ id ]( ctx ) );
	const seoScore = groupScore( checks, 'seo' );
	const readabilityScore = groupScore( checks, 'readability' );
	return {
		score: groupScore( checks ),
		seoScore,
		readabilityScore,
		fleschReadingEase: ctx.flesch.score,
		wordCount: ctx.wordCount,
		locale: input.locale,
		checks,
	};
}

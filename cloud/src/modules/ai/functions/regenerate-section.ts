import { z } from 'zod';
import { ValidationError } from '../../../http/errors';
import { siteFilter } from '../../auth';
import {
	plainTextOf,
	sanitizeContentHtml,
	sectionsOf,
	type Section,
} from '../../writer';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition, Workload } from '../types';

/**
 * regenerate_section: one section of a draft (a heading and its body, up to
 * the next heading of the same level) rewritten by the model, the rest of
 * the article left as it is. The article, its task's keywords and the
 * writer's instructions go to the model; the answer is the section's new
 * HTML, sanitized like every article.
 *
 * Decisions:
 * - The section is named by its position among the headings; the heading's
 *   text travels with the run, and the save checks both, so an article
 *   edited while the run worked is not patched in the wrong place (the run
 *   then succeeds with the reason in its summary and changes nothing).
 * - The heading itself is kept: the model rewrites the body only, and the
 *   saved section starts with the original heading. A writer renames a
 *   heading in the editor, not with credits.
 * - The new section is in the run's summary too, so the block editor can
 *   put it in place of the old blocks without reloading the post.
 * - Priced per section (one request each).
 */

const inputSchema = z.object( {
	content_id: z.number().int().positive(),
	heading_index: z.number().int().min( 0 ),
	instructions: z.string().max( 1000 ).default( '' ),
} );
export type RegenerateSectionInput = z.infer< typeof inputSchema >;

/** A section longer than this is refused: the answer would not fit a request. */
const MAX_SECTION_CHARS = 40_000;
/** How much of the surrounding article the model sees, for tone and to avoid repeating it. */
const CONTEXT_CHARS = 6000;

export const sectionAnswerSchema = z.object( {
	section_html: z
		.string()
		.min( 1 )
		.refine(
			( html ) => plainTextOf( sanitizeContentHtml( html ) ).length > 0,
			'the section HTML has no text once reduced to the allowed tags (h3–h6, p, ul, ol, li, strong, em, a, blockquote, table)'
		),
} );

export const sectionAnswer = defineAnswer( {
	name: 'section',
	schema: sectionAnswerSchema,
	missing: 'did not contain the section',
} );

export const sectionPromptDefinition = definePrompt( {
	key: 'regenerate_section',
	function: 'regenerate_section',
	description: 'One section of an article, rewritten',
	variables: {
		title: "The article's title",
		keywords: 'Target keywords, comma-separated, or "(none)"',
		heading: "The section's heading (kept as it is)",
		section_html: "The section's current HTML, heading included",
		article: 'The whole article as plain text (shortened when long)',
		instructions: 'What the writer asked for, or "(none)"',
	},
	template: {
		system: 'You are an experienced SEO copywriter. You rewrite one section of an article so it reads better and serves the reader, in the same language and voice as the rest of the article, without repeating what other sections say.',
		user: [
			'Article: "{{title}}"',
			'Target keywords: {{keywords}}',
			'The whole article, for context:',
			'{{article}}',
			'',
			'Rewrite the section under the heading "{{heading}}". Its current HTML:',
			'{{section_html}}',
			'',
			"The writer's instructions: {{instructions}}",
			'',
			'Answer with section_html: the new body of the section as HTML, WITHOUT its heading (it is kept), using p, ul/ol/li, strong, em, a, blockquote, table and sub-headings h3–h6 only; no inline styles, no scripts.',
		].join( '\n' ),
	},
} );

type Prepared = {
	title: string;
	keywords: string[];
	article: string;
	section: Section;
	sectionHtml: string;
	headingHtml: string;
};
type Result = { section_html: string };

export function estimateSection(): Workload {
	return { items: 1, requests: 1 };
}

/** The content's section the input names, or a 400 that says what is wrong. */
function pickSection( html: string, index: number ): Section {
	const sections = sectionsOf( html );
	const section = sections[ index ];
	if ( ! section ) {
		throw new ValidationError( 'Invalid body.', {
			heading_index: [
				sections.length === 0
					? 'the article has no headings to pick a section by'
					: `the article has ${ sections.length } headings; pick 0 to ${ sections.length - 1 }`,
			],
		} );
	}
	if ( section.end - section.start > MAX_SECTION_CHARS ) {
		throw new ValidationError( 'Invalid body.', {
			heading_index: [
				'that section is too long to rewrite at once; pick one of its sub-sections',
			],
		} );
	}
	return section;
}

export const regenerateSection: AiFunctionDefinition<
	RegenerateSectionInput,
	Prepared,
	Result
> = {
	name: 'regenerate_section',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const content = await models.Content.findOne( {
			where: {
				id: input.content_id,
				account_id: principal.account.id,
				...siteFilter( principal ),
			},
		} );
		if ( ! content ) {
			throw new ValidationError( 'Invalid body.', {
				content_id: [ `content ${ input.content_id } does not exist` ],
			} );
		}
		pickSection( content.content_html, input.heading_index );
		return {
			site_id: Number( content.site_id ),
			sector_id: Number( content.sector_id ),
		};
	},

	estimate: estimateSection,

	async prepare( input, run, { models } ) {
		const content = await models.Content.findOne( {
			where: {
				id: input.content_id,
				account_id: run.account_id,
				site_id: run.site_id,
			},
		} );
		if ( ! content ) {
			throw new Error( 'The content no longer exists.' );
		}
		const task = content.task_id
			? await models.Task.findOne( {
					where: { id: content.task_id, account_id: run.account_id },
				} )
			: null;
		const section = pickSection(
			content.content_html,
			input.heading_index
		);
		const sectionHtml = content.content_html.slice(
			section.start,
			section.end
		);
		const headingHtml = /^<h[2-6]\b[^>]*>[\s\S]*?<\/h[2-6]\s*>/i.exec(
			sectionHtml
		)![ 0 ];
		return {
			title: content.title,
			keywords: task?.target_keywords ?? [],
			article: content.content_plain.slice( 0, CONTEXT_CHARS ),
			section,
			sectionHtml,
			headingHtml,
		};
	},

	async execute( prepared, input, { ai, progress, checkpoint, prompt } ) {
		checkpoint();
		await progress(
			'writing',
			20,
			`Rewriting "${ prepared.section.heading }"`
		);
		const answer = await ai.structured(
			sectionAnswer,
			prompt( sectionPromptDefinition, {
				title: prepared.title,
				keywords: prepared.keywords.length
					? prepared.keywords.join( ', ' )
					: '(none)',
				heading: prepared.section.heading,
				section_html: prepared.sectionHtml,
				article: prepared.article,
				instructions: input.instructions.trim() || '(none)',
			} )
		);
		// The heading stays the writer's, whatever the model put first.
		const body = sanitizeContentHtml( answer.section_html ).replace(
			/^\s*<h[1-2]\b[^>]*>[\s\S]*?<\/h[1-2]\s*>/i,
			''
		);
		return { section_html: `${ prepared.headingHtml }${ body }` };
	},

	async save( result, prepared, run, { owners, transaction } ) {
		const input = run.input as RegenerateSectionInput;
		const outcome = await owners.writer.replaceSection(
			transaction,
			run.account_id,
			input.content_id,
			input.heading_index,
			prepared.section.heading,
			result.section_html
		);
		return {
			summary: {
				content_id: input.content_id,
				heading: prepared.section.heading,
				section_html: result.section_html,
				...( outcome.replaced
					? { sections_rewritten: 1 }
					: { sections_rewritten: 0, skipped: outcome.reason } ),
			},
			items: outcome.replaced ? 1 : 0,
		};
	},
};

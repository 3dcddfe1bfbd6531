import { Op } from 'sequelize';
import { z } from 'zod';
import type { ContentRow } from '../../../db/content-models';
import { ValidationError } from '../../../http/errors';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition, Workload } from '../types';
import { validateTasks } from './generate-content';

/**
 * generate_image_prompts: the content of writing tasks → image prompts, one
 * featured image and N in the article, each with alt text and its position
 * (0 = featured, then 1…N in reading order). One structured request per
 * content. Saved as image rows with a prompt and no picture yet, which
 * generate_images fills in.
 *
 * Saving replaces the content's earlier prompts that were never turned into
 * pictures; images already generated (or added by hand) stay, but stop being
 * featured when the new set brings a featured one (one featured image per
 * content, as the writer's rule). Priced per prompt saved.
 */

const MAX_IN_ARTICLE = 6;

const inputSchema = z.object( {
	task_ids: z.array( z.number().int().positive() ).min( 1 ).max( 20 ),
	in_article_images: z.number().int().min( 0 ).max( MAX_IN_ARTICLE ),
} );
export type GenerateImagePromptsInput = z.infer< typeof inputSchema >;

const promptItem = z.object( {
	prompt: z.string().trim().min( 10 ).max( 2000 ),
	alt_text: z.string().trim().min( 1 ).max( 500 ),
} );
export const imagePromptsAnswerSchema = z.object( {
	featured: promptItem,
	in_article: z.array( promptItem ).max( MAX_IN_ARTICLE ).default( [] ),
} );
type Answer = z.infer< typeof imagePromptsAnswerSchema >;

export const imagePromptsAnswer = defineAnswer( {
	name: 'image_prompts',
	schema: imagePromptsAnswerSchema,
	missing: 'had no usable image prompts',
} );

export const imagePromptsDefinition = definePrompt( {
	key: 'generate_image_prompts',
	function: 'generate_image_prompts',
	description: 'Image prompts (featured + in-article) for one article',
	variables: {
		title: "The article's title",
		excerpt: 'Its excerpt, or "(none)"',
		headings: 'Its section headings, one per line, or "(none)"',
		text: 'The start of its plain text',
		count: 'How many in-article images to propose',
	},
	template: {
		system: "You are an art director for a content website. You describe photographs and illustrations that an image model can draw: concrete subjects, setting, composition, light and style; never text, logos or real people's likenesses.",
		user: [
			'Article: {{title}}',
			'Excerpt: {{excerpt}}',
			'Sections:',
			'{{headings}}',
			'',
			'Beginning of the article:',
			'{{text}}',
			'',
			'Propose one featured image for the whole article and {{count}} in-article images, in reading order (one per major section). For each give the prompt for the image model and a short alt_text describing the picture for screen readers.',
		].join( '\n' ),
	},
} );

/** Characters of article text that go into the prompt. */
const TEXT_CHARS = 4000;

type Prepared = ContentRow[];
type Result = { content: ContentRow; answer: Answer }[];

/** The most the run makes: one featured + N in-article prompts per task, in one request per task. */
export function estimateImagePrompts(
	input: GenerateImagePromptsInput
): Workload {
	const tasks = new Set( input.task_ids ).size;
	return {
		items: tasks * ( 1 + input.in_article_images ),
		requests: tasks,
	};
}

export function imagePromptValues(
	content: ContentRow,
	count: number
): Record< string, string | number > {
	const headings = [
		...content.content_html.matchAll(
			/<h[2-4][^>]*>([\s\S]*?)<\/h[2-4]>/gi
		),
	]
		.map( ( m ) => `- ${ m[ 1 ]!.replace( /<[^>]+>/g, '' ).trim() }` )
		.filter( ( line ) => line.length > 2 );
	return {
		title: content.title,
		excerpt: content.excerpt.replace( /<[^>]+>/g, '' ).trim() || '(none)',
		headings: headings.length ? headings.join( '\n' ) : '(none)',
		text: content.content_plain.slice( 0, TEXT_CHARS ),
		count,
	};
}

export const generateImagePrompts: AiFunctionDefinition<
	GenerateImagePromptsInput,
	Prepared,
	Result
> = {
	name: 'generate_image_prompts',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const { scope, tasks } = await validateTasks(
			input.task_ids,
			principal,
			models
		);
		const contents = await models.Content.findAll( {
			attributes: [ 'task_id' ],
			where: {
				task_id: { [ Op.in ]: tasks.map( ( t ) => t.id ) },
				account_id: principal.account.id,
			},
		} );
		const withContent = new Set(
			contents.map( ( c ) => Number( c.task_id ) )
		);
		const missing = input.task_ids.filter(
			( id ) => ! withContent.has( id )
		);
		if ( missing.length ) {
			throw new ValidationError( 'Invalid body.', {
				ids: missing.map(
					( id ) =>
						`task ${ id } has no content yet: generate its content first`
				),
			} );
		}
		return scope;
	},

	estimate: estimateImagePrompts,

	async prepare( input, run, { models } ) {
		const contents = await models.Content.findAll( {
			where: {
				task_id: { [ Op.in ]: input.task_ids },
				account_id: run.account_id,
				site_id: run.site_id,
			},
			order: [ [ 'id', 'ASC' ] ],
		} );
		if ( contents.length === 0 ) {
			throw new Error( 'None of the tasks has content any more.' );
		}
		return contents;
	},

	async execute( contents, input, { ai, progress, checkpoint, prompt } ) {
		const result: Result = [];
		for ( const [ index, content ] of contents.entries() ) {
			checkpoint();
			await progress(
				'describing',
				10 + Math.round( ( 80 * index ) / contents.length ),
				`Image ideas for "${ content.title }" (${ index + 1 } of ${ contents.length })`
			);
			const answer = await ai.structured(
				imagePromptsAnswer,
				prompt(
					imagePromptsDefinition,
					imagePromptValues( content, input.in_article_images )
				)
			);
			result.push( {
				content,
				answer: {
					featured: answer.featured,
					in_article: answer.in_article.slice(
						0,
						input.in_article_images
					),
				},
			} );
		}
		return result;
	},

	async save( result, _contents, run, { owners, transaction } ) {
		const saved: { content_id: number; image_ids: number[] }[] = [];
		for ( const { content, answer } of result ) {
			const ids = await owners.writer.replaceImagePrompts(
				transaction,
				run.account_id,
				Number( content.id ),
				[ answer.featured, ...answer.in_article ]
			);
			if ( ids ) {
				saved.push( {
					content_id: Number( content.id ),
					image_ids: ids,
				} );
			}
		}
		const total = saved.reduce( ( n, s ) => n + s.image_ids.length, 0 );
		return {
			summary: { prompts_created: total, content: saved },
			items: total,
		};
	},
};

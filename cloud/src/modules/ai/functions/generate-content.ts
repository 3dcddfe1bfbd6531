import { Op } from 'sequelize';
import { z } from 'zod';
import type { Transaction } from 'sequelize';
import type { TaskRow } from '../../../db/content-models';
import type { Models } from '../../../db/models';
import { ValidationError } from '../../../http/errors';
import { confinedSiteId, siteFilter, type Principal } from '../../auth';
import { profilesForRun } from '../../system';
import {
	deriveContent,
	plainTextOf,
	sanitizeContentHtml,
	type GeneratedDraft,
} from '../../writer';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition, RunScope, Workload } from '../types';
import {
	productFactsText,
	productsForTasks,
	type ProductFacts,
} from './product-facts';

/**
 * generate_content: writing tasks → one article each. One structured request
 * per task (title, brief, keywords, cluster, target length, and the author
 * profile and strategy when the account has them); the articles are written
 * together at the end.
 *
 * Decisions:
 * - One content per task, ever (the table's unique task_id): a task that
 *   already has content gets that row rewritten in place — same id, so its
 *   publishing record and WordPress post stay linked — never a second row.
 *   Retries of a run are skipped by the engine; a second run rewrites.
 * - The task's status moves only when the article is saved, in the same
 *   transaction: pending / in_progress → completed (both allowed by the
 *   transition table). It does not move to in_progress while the run works:
 *   a cancelled or failed run then leaves the task exactly as it was, and
 *   the run itself shows that work is under way.
 * - Published tasks are refused: rewriting would silently diverge from the
 *   live post. Moving the task back to completed (allowed) opts in.
 * - HTML goes through the writer's allow-list; plain text and the word count
 *   are derived from what is stored, never taken from the model.
 * - Priced per article written (estimate: every task named).
 * - A product (the idea's content type, or a task whose `assigned_post_id`
 *   is a product the site sync knows) gets its own prompt: a description
 *   with benefits, specifications and use, and a short description stored
 *   as the excerpt. Rewriting an existing product puts what the shop says
 *   about it (name, price, SKU, terms, current copy) in the prompt and keeps
 *   its name and terms; the publisher writes the draft into that product.
 */

const MAX_TASKS = 20;

const inputSchema = z.object( {
	task_ids: z.array( z.number().int().positive() ).min( 1 ).max( MAX_TASKS ),
	author_profile_id: z.number().int().positive().nullable().default( null ),
	strategy_id: z.number().int().positive().nullable().default( null ),
} );
export type GenerateContentInput = z.infer< typeof inputSchema >;

/** What the model must answer, per task. */
export const contentAnswerSchema = z.object( {
	title: z.string().trim().min( 1 ).max( 500 ),
	content_html: z
		.string()
		.min( 1 )
		.refine(
			( html ) => plainTextOf( sanitizeContentHtml( html ) ).length > 0,
			'the article HTML has no text once reduced to the allowed tags (h2–h6, p, ul, ol, li, strong, em, a, blockquote, table)'
		),
	excerpt: z.string().max( 2000 ).default( '' ),
	meta_description: z.string().max( 1000 ).default( '' ),
	categories: z
		.array( z.string().trim().min( 1 ).max( 100 ) )
		.max( 5 )
		.default( [] ),
	tags: z
		.array( z.string().trim().min( 1 ).max( 100 ) )
		.max( 15 )
		.default( [] ),
} );
type Answer = z.infer< typeof contentAnswerSchema >;

export const contentAnswer = defineAnswer( {
	name: 'article',
	schema: contentAnswerSchema,
	missing: 'did not contain the article',
} );

export const contentPromptDefinition = definePrompt( {
	key: 'generate_content',
	function: 'generate_content',
	description: 'A full article for one writing task',
	variables: {
		title: "The task's working title",
		brief: 'The brief: what the article must cover, or "(none)"',
		keywords: 'Target keywords, comma-separated, or "(none)"',
		cluster_name: 'The topic cluster the article belongs to, or "(none)"',
		cluster_description: 'What the cluster covers, or "(none)"',
		content_type: 'post, page, product or service',
		target_word_count: 'About how many words to write',
		author_tone: 'Tone of voice from the author profile, or "(not set)"',
		author_audience:
			'Who reads it, from the author profile, or "(not set)"',
		author_style: 'Style notes from the author profile, or "(not set)"',
		language: 'The language to write in (e.g. en, de)',
		strategy: 'The content strategy\'s instructions, or "(none)"',
	},
	template: {
		system: [
			"You are an experienced SEO copywriter. You write accurate, original, well-structured articles that answer the reader's intent and use the target keywords naturally.",
			'Voice — tone: {{author_tone}}; audience: {{author_audience}}; style: {{author_style}}.',
			'Write in this language: {{language}}.',
		].join( '\n' ),
		user: [
			'Write a {{content_type}} titled "{{title}}".',
			'Brief: {{brief}}',
			'Target keywords: {{keywords}}',
			'Topic cluster: {{cluster_name}} — {{cluster_description}}',
			'Length: about {{target_word_count}} words.',
			'Strategy: {{strategy}}',
			'',
			'Answer with: title (the final headline), content_html (the body as HTML using h2–h4, p, ul/ol/li, strong, em, a, blockquote and table only; no h1, no inline styles, no scripts), excerpt (one or two sentences), meta_description (at most 155 characters), categories (1–3) and tags (3–8).',
		].join( '\n' ),
	},
} );

/**
 * A WooCommerce product: the description (the product page's body) and the
 * short description (shown beside the price; stored as the excerpt), from
 * what the shop already says about the product when the task rewrites one.
 * The answer has the article's shape so one parser and one save serve both.
 */
export const productPromptDefinition = definePrompt( {
	key: 'generate_product_content',
	function: 'generate_content',
	description:
		'A WooCommerce product description and short description for one writing task',
	variables: {
		title: "The task's working title (the product's name when it rewrites one)",
		brief: 'The brief: what the description must cover, or "(none)"',
		keywords: 'Target keywords, comma-separated, or "(none)"',
		cluster_name: 'The topic cluster the product belongs to, or "(none)"',
		cluster_description: 'What the cluster covers, or "(none)"',
		target_word_count: 'About how many words the description has',
		product_facts:
			'What the shop knows about the product (name, price, SKU, stock, categories, tags, current short description and description), or "(a new product: no shop data yet)"',
		author_tone: 'Tone of voice from the author profile, or "(not set)"',
		author_audience:
			'Who reads it, from the author profile, or "(not set)"',
		author_style: 'Style notes from the author profile, or "(not set)"',
		language: 'The language to write in (e.g. en, de)',
		strategy: 'The content strategy\'s instructions, or "(none)"',
	},
	template: {
		system: [
			'You are an experienced e-commerce copywriter. You write accurate, persuasive product copy that helps a shopper decide, uses the target keywords naturally and never invents facts (prices, sizes, materials, certifications) the shop data does not give.',
			'Voice — tone: {{author_tone}}; audience: {{author_audience}}; style: {{author_style}}.',
			'Write in this language: {{language}}.',
		].join( '\n' ),
		user: [
			'Write the product description for "{{title}}".',
			'Shop data:',
			'{{product_facts}}',
			'Brief: {{brief}}',
			'Target keywords: {{keywords}}',
			'Topic cluster: {{cluster_name}} — {{cluster_description}}',
			'Length: about {{target_word_count}} words.',
			'Strategy: {{strategy}}',
			'',
			"Answer with: title (the product name; keep the shop's name when it has one), content_html (the description as HTML using h2–h4, p, ul/ol/li, strong, em, a, blockquote and table only, with sections for the benefits, the specifications (a table or list of the known facts) and how to use it; no h1, no price, no inline styles, no scripts), excerpt (the short description: one to three plain sentences shown next to the price), meta_description (at most 155 characters), categories (1–3 product categories) and tags (3–8 product tags).",
		].join( '\n' ),
	},
} );

type Voice = {
	author: {
		tone: string;
		audience: string;
		style: string;
		language: string;
	} | null;
	strategy: { instructions: string; description: string } | null;
};

type TaskBrief = {
	task: TaskRow;
	cluster: { name: string; description: string } | null;
	content_type: 'post' | 'page' | 'product' | 'service';
	target_word_count: number;
	/** The existing product the task rewrites (its `assigned_post_id`), as the site sync last saw it. */
	product: ProductFacts | null;
};
type Prepared = { briefs: TaskBrief[]; voice: Voice };
type Result = { task_id: number; answer: Answer }[];

const DEFAULT_WORD_COUNT = 1500;
/** A product page is read next to a buy button: shorter than an article. */
const DEFAULT_PRODUCT_WORD_COUNT = 400;

/** The most the run does: one article (one request) per task named. Exported so pricing can be swapped. */
export function estimateContent( input: GenerateContentInput ): Workload {
	const tasks = new Set( input.task_ids ).size;
	return { items: tasks, requests: tasks };
}

/** The prompt and its values for one task: a product's own prompt, or the article's. */
export function promptFor(
	brief: TaskBrief,
	voice: Voice
): {
	definition: typeof contentPromptDefinition;
	values: Record< string, string | number >;
} {
	const values = contentPromptValues( brief, voice );
	if ( brief.content_type !== 'product' ) {
		return { definition: contentPromptDefinition, values };
	}
	const { content_type: _type, ...rest } = values;
	return {
		definition: productPromptDefinition,
		values: {
			...rest,
			...( brief.product ? { title: brief.product.title } : {} ),
			product_facts: productFactsText( brief.product ),
		},
	};
}

export function contentPromptValues(
	brief: TaskBrief,
	voice: Voice
): Record< string, string | number > {
	const notSet = ( value: string | undefined ) =>
		value?.trim() ? value.trim() : '(not set)';
	const strategy = voice.strategy
		? [ voice.strategy.description, voice.strategy.instructions ]
				.map( ( s ) => s.trim() )
				.filter( Boolean )
				.join( '\n' )
		: '';
	return {
		title: brief.task.title,
		brief: brief.task.brief.trim() || '(none)',
		keywords: brief.task.target_keywords.length
			? brief.task.target_keywords.join( ', ' )
			: '(none)',
		cluster_name: brief.cluster?.name || '(none)',
		cluster_description: brief.cluster?.description || '(none)',
		content_type: brief.content_type,
		target_word_count: brief.target_word_count,
		author_tone: notSet( voice.author?.tone ),
		author_audience: notSet( voice.author?.audience ),
		author_style: notSet( voice.author?.style ),
		language: voice.author?.language?.trim() || 'en',
		strategy: strategy || '(none)',
	};
}

/**
 * The caller's tasks named by a writer AI action, all of one site, or a 400
 * naming each that is missing. Shared by the three writer functions.
 */
export async function validateTasks(
	taskIds: number[],
	principal: Principal,
	models: Models,
	refuse?: ( task: TaskRow ) => string | null
): Promise< { scope: RunScope; tasks: TaskRow[] } > {
	const tasks = await models.Task.findAll( {
		where: {
			id: { [ Op.in ]: taskIds },
			account_id: principal.account.id,
			...siteFilter( principal ),
		},
	} );
	const found = new Set( tasks.map( ( t ) => Number( t.id ) ) );
	const problems = taskIds
		.filter( ( id ) => ! found.has( id ) )
		.map( ( id ) => `task ${ id } does not exist` );
	for ( const task of tasks ) {
		const reason = refuse?.( task );
		if ( reason ) {
			problems.push( reason );
		}
	}
	if (
		! problems.length &&
		new Set( tasks.map( ( t ) => t.site_id ) ).size > 1
	) {
		problems.push( 'the tasks of one run must belong to one site' );
	}
	if ( problems.length ) {
		throw new ValidationError( 'Invalid body.', { ids: problems } );
	}
	const sectors = new Set( tasks.map( ( t ) => Number( t.sector_id ) ) );
	return {
		tasks,
		scope: {
			site_id: Number( tasks[ 0 ]!.site_id ),
			sector_id: sectors.size === 1 ? [ ...sectors ][ 0 ]! : null,
		},
	};
}

/** The run's tasks as they are now, row-locked until the save commits. */
export async function lockTasks(
	models: Models,
	accountId: number,
	taskIds: number[],
	transaction: Transaction
): Promise< Map< number, TaskRow > > {
	const rows = await models.Task.findAll( {
		where: { id: { [ Op.in ]: taskIds }, account_id: accountId },
		order: [ [ 'id', 'ASC' ] ],
		lock: transaction.LOCK.UPDATE,
		transaction,
	} );
	return new Map( rows.map( ( t ) => [ Number( t.id ), t ] ) );
}

const refusePublished = ( task: TaskRow ) =>
	task.status === 'published'
		? `task ${ task.id } is published: move it back to completed to rewrite it`
		: null;

export const generateContent: AiFunctionDefinition<
	GenerateContentInput,
	Prepared,
	Result
> = {
	name: 'generate_content',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const { scope } = await validateTasks(
			input.task_ids,
			principal,
			models,
			refusePublished
		);
		// A profile or strategy of another account is a 400 here, before any charge.
		// A site's session may not borrow another site's strategy either.
		await profilesForRun(
			models,
			principal.account.id,
			{
				author_profile_id: input.author_profile_id,
				strategy_id: input.strategy_id,
			},
			confinedSiteId( principal )
		);
		return scope;
	},

	estimate: estimateContent,

	async prepare( input, run, { models } ) {
		const tasks = await models.Task.findAll( {
			where: {
				id: { [ Op.in ]: input.task_ids },
				account_id: run.account_id,
				site_id: run.site_id,
			},
			order: [ [ 'id', 'ASC' ] ],
		} );
		if ( tasks.length === 0 ) {
			throw new Error( 'None of the tasks exist any more.' );
		}
		const clusterIds = tasks
			.map( ( t ) => t.cluster_id )
			.filter( ( id ): id is number => id !== null );
		const ideaIds = tasks
			.map( ( t ) => t.content_idea_id )
			.filter( ( id ): id is number => id !== null );
		const clusters = clusterIds.length
			? await models.Cluster.findAll( {
					where: {
						id: { [ Op.in ]: clusterIds },
						account_id: run.account_id,
					},
				} )
			: [];
		const ideas = ideaIds.length
			? await models.Idea.findAll( {
					where: {
						id: { [ Op.in ]: ideaIds },
						account_id: run.account_id,
					},
				} )
			: [];
		const { author, strategy } = await profilesForRun(
			models,
			run.account_id,
			{
				author_profile_id: input.author_profile_id,
				strategy_id: input.strategy_id,
			}
		);
		const products = await productsForTasks( models, run, tasks );
		return {
			voice: { author, strategy },
			briefs: tasks.map( ( task ) => {
				const cluster = clusters.find(
					( c ) => Number( c.id ) === Number( task.cluster_id )
				);
				const idea = ideas.find(
					( i ) => Number( i.id ) === Number( task.content_idea_id )
				);
				const product = products.get( Number( task.id ) ) ?? null;
				return {
					task,
					cluster: cluster
						? {
								name: cluster.name,
								description: cluster.description,
							}
						: null,
					// A task naming an existing product writes a product, whatever its idea said.
					content_type: product
						? ( 'product' as const )
						: ( idea?.content_type ?? 'post' ),
					target_word_count:
						idea?.target_word_count ??
						( product || idea?.content_type === 'product'
							? DEFAULT_PRODUCT_WORD_COUNT
							: DEFAULT_WORD_COUNT ),
					product,
				};
			} ),
		};
	},

	async execute(
		{ briefs, voice },
		_input,
		{ ai, progress, checkpoint, prompt }
	) {
		const result: Result = [];
		for ( const [ index, brief ] of briefs.entries() ) {
			checkpoint();
			await progress(
				'writing',
				10 + Math.round( ( 80 * index ) / briefs.length ),
				`Writing "${ brief.task.title }" (${ index + 1 } of ${ briefs.length })`
			);
			const { definition, values } = promptFor( brief, voice );
			const answer = await ai.structured(
				contentAnswer,
				prompt( definition, values )
			);
			result.push( { task_id: Number( brief.task.id ), answer } );
		}
		return result;
	},

	async save( result, { briefs }, run, { models, owners, transaction } ) {
		const tasks = await lockTasks(
			models,
			run.account_id,
			result.map( ( r ) => r.task_id ),
			transaction
		);
		const written: {
			task_id: number;
			content_id: number;
			created: boolean;
		}[] = [];
		const skipped: { task_id: number; reason: string }[] = [];
		for ( const { task_id, answer } of result ) {
			const task = tasks.get( task_id );
			if ( ! task ) {
				skipped.push( { task_id, reason: 'the task was deleted' } );
				continue;
			}
			if ( task.status === 'published' ) {
				skipped.push( {
					task_id,
					reason: 'the task was published meanwhile',
				} );
				continue;
			}
			const brief = briefs.find(
				( b ) => Number( b.task.id ) === task_id
			);
			const derived = deriveContent( answer.content_html );
			const excerpt = sanitizeContentHtml( answer.excerpt );
			const meta = plainTextOf( answer.meta_description ).replace(
				/\n/g,
				' '
			);
			const entityType = brief?.content_type ?? ( 'post' as const );
			const draft: GeneratedDraft = {
				// An existing product keeps its name: the shop chose it.
				title: brief?.product?.title || answer.title,
				...derived,
				excerpt:
					excerpt || firstSentences( derived.content_plain, 300 ),
				meta_description: (
					meta || firstSentences( derived.content_plain, 155 )
				).slice( 0, 320 ),
				entity_type: entityType,
				taxonomies: draftTaxonomies(
					entityType,
					answer,
					brief?.product ?? null
				),
			};
			const { contentId, created } =
				await owners.writer.saveGeneratedDraft(
					transaction,
					task,
					draft,
					Number( run.id )
				);
			written.push( { task_id, content_id: contentId, created } );
		}
		return {
			summary: {
				articles_written: written.length,
				content: written,
				...( skipped.length ? { skipped } : {} ),
			},
			items: written.length,
		};
	},
};

/**
 * Where the draft is filed: a product under product categories and tags —
 * an existing product under the ones the shop gave it (rewriting a
 * description must not re-file the product), a new one under the model's
 * suggestions; anything else under the model's categories and tags.
 */
function draftTaxonomies(
	entityType: TaskBrief[ 'content_type' ],
	answer: Answer,
	product: ProductFacts | null
): Record< string, string[] > {
	if ( entityType !== 'product' ) {
		return {
			category: unique( answer.categories ),
			post_tag: unique( answer.tags ),
		};
	}
	return product
		? { product_cat: product.categories, product_tag: product.tags }
		: {
				product_cat: unique( answer.categories ),
				product_tag: unique( answer.tags ),
			};
}

const unique = ( values: string[] ) => [
	...new Map( values.map( ( v ) => [ v.toLowerCase(), v ] ) ).values(),
];

/** Whole sentences from the start of a text, up to `limit` characters. */
function firstSentences( text: string, limit: number ): string {
	const flat = text.replace( /\s+/g, ' ' ).trim();
	if ( flat.length <= limit ) {
		return flat;
	}
	const cut = flat.slice( 0, limit );
	const end = Math.max(
		cut.lastIndexOf( '. ' ),
		cut.lastIndexOf( '! ' ),
		cut.lastIndexOf( '? ' )
	);
	return end > limit / 3
		? cut.slice( 0, end + 1 )
		: `${ cut.slice( 0, cut.lastIndexOf( ' ' ) ) }…`;
}

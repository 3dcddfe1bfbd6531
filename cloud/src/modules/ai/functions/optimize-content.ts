import {
	OPTIMIZER_AI_FIXABLE,
	optimizerCheckIdSchema,
	type OptimizerCheck,
	type OptimizerCheckId,
} from '@igny8/shared-types';
import { z } from 'zod';
import { ValidationError } from '../../../http/errors';
import { siteFilter } from '../../auth';
import {
	analyze,
	analyzeDraft,
	DraftReader,
	type Draft,
} from '../../optimizer';
import { plainTextOf, sanitizeContentHtml } from '../../writer';
import { definePrompt } from '../prompts';
import { defineAnswer } from '../structured/answer';
import type { AiFunctionDefinition, Workload } from '../types';

/**
 * optimize_content: a draft rewritten by the model to pass the optimizer's
 * failing checks, kept as a proposed revision (optimizer_revisions) that
 * an editor compares and accepts or rejects — the draft itself is never
 * changed by the run.
 *
 * Decisions:
 * - One function for "Fix with AI" (one draft, the checks the editor
 *   named) and the bulk run (many drafts, every failing check a rewrite
 *   can fix, drafts already at `min_score` left alone).
 * - The model sees the draft, the keyphrase and each failing check's
 *   finding and fix, and is told to change only what those need; the
 *   answer is sanitized like every article, then analyzed again so the
 *   review shows the score before and after.
 * - In a bulk run one draft whose answer never validates is reported in
 *   the summary and the run goes on; only the drafts rewritten are
 *   charged. A single fix that fails fails the run (and is refunded).
 * - A proposal is written from the draft's revision at prepare time;
 *   accepting it later checks the draft has not moved on.
 */

const inputSchema = z.object( {
	content_ids: z.array( z.number().int().positive() ).min( 1 ).max( 1000 ),
	/** Named by the editor; without them: every failing check a rewrite can fix. */
	check_ids: z.array( optimizerCheckIdSchema ).optional(),
	/** Drafts scoring this or more are left as they are (bulk). */
	min_score: z.number().int().min( 0 ).max( 100 ).optional(),
} );
export type OptimizeContentInput = z.infer< typeof inputSchema >;

export const optimizedAnswer = defineAnswer( {
	name: 'optimized_draft',
	schema: z.object( {
		title: z.string().trim().min( 1 ).max( 500 ),
		meta_description: z.string().max( 1000 ),
		content_html: z
			.string()
			.min( 1 )
			.refine(
				( html ) =>
					plainTextOf( sanitizeContentHtml( html ) ).length > 0,
				'the HTML has no text once reduced to the allowed tags'
			),
	} ),
	missing: 'did not contain the revised draft',
} );

export const optimizePromptDefinition = definePrompt( {
	key: 'optimize_content',
	function: 'optimize_content',
	description: 'A draft revised to pass the optimizer’s failing checks',
	variables: {
		title: "The draft's SEO title",
		keyphrase: 'The focus keyphrase, or "(none)"',
		meta_description: 'The current meta description, or "(none)"',
		checks: 'The failing checks: what was found and what to do, one per line',
		content_html: "The draft's HTML",
	},
	template: {
		system: 'You are an experienced SEO editor. You revise a draft so it passes the named SEO and readability checks, changing only what those checks need and keeping the facts, structure, links, images, voice and language of the original.',
		user: [
			'Title: {{title}}',
			'Focus keyphrase: {{keyphrase}}',
			'Meta description: {{meta_description}}',
			'',
			'Checks that fail, with what to do:',
			'{{checks}}',
			'',
			'The draft:',
			'{{content_html}}',
			'',
			'Answer with title (the SEO title, under 60 characters when the checks ask for it), meta_description (120–156 characters when the checks ask for it) and content_html: the whole revised body as HTML using h2–h4, p, ul/ol/li, strong, em, a, img, blockquote and table only; keep every link and image that is there; no h1, no inline styles, no scripts.',
		].join( '\n' ),
	},
} );

type Job = {
	draft: Draft;
	checks: OptimizerCheck[];
	score_before: number;
	locale: string;
	site_url: string | null;
};
type Prepared = {
	jobs: Job[];
	skipped: { content_id: number; reason: string }[];
};
type Revised = {
	content_id: number;
	base_revision: number;
	check_ids: OptimizerCheckId[];
	title: string;
	meta_description: string;
	content_html: string;
	score_before: number;
	score_after: number;
};
type Result = {
	revised: Revised[];
	failed: { content_id: number; error: string }[];
	skipped: Prepared[ 'skipped' ];
};

/** Longest draft sent whole: its answer must fit one response. */
const MAX_DRAFT_CHARS = 60_000;

export function estimateOptimize( input: OptimizeContentInput ): Workload {
	return {
		items: input.content_ids.length,
		requests: input.content_ids.length,
	};
}

function failingChecks(
	checks: OptimizerCheck[],
	named: OptimizerCheckId[] | undefined
): OptimizerCheck[] {
	return checks.filter(
		( check ) =>
			check.rating !== 'good' &&
			OPTIMIZER_AI_FIXABLE.includes( check.id ) &&
			( ! named || named.includes( check.id ) )
	);
}

export const optimizeContent: AiFunctionDefinition<
	OptimizeContentInput,
	Prepared,
	Result
> = {
	name: 'optimize_content',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const ids = [ ...new Set( input.content_ids ) ];
		const rows = await models.Content.findAll( {
			attributes: [ 'id', 'site_id', 'sector_id', 'content_html' ],
			where: {
				id: ids,
				account_id: principal.account.id,
				...siteFilter( principal ),
			},
		} );
		const found = new Set( rows.map( ( row ) => Number( row.id ) ) );
		const missing = ids.filter( ( id ) => ! found.has( id ) );
		if ( missing.length ) {
			throw new ValidationError( 'Invalid body.', {
				content_ids: [
					`content ${ missing.join( ', ' ) } does not exist`,
				],
			} );
		}
		const sites = new Set( rows.map( ( row ) => Number( row.site_id ) ) );
		if ( sites.size > 1 ) {
			throw new ValidationError( 'Invalid body.', {
				content_ids: [ 'choose drafts of one site per run' ],
			} );
		}
		const long = rows.filter(
			( row ) => row.content_html.length > MAX_DRAFT_CHARS
		);
		if ( long.length && ids.length === 1 ) {
			throw new ValidationError( 'Invalid body.', {
				content_ids: [
					'this draft is too long to rewrite in one request; split it or fix the checks in the editor',
				],
			} );
		}
		return {
			site_id: Number( rows[ 0 ]!.site_id ),
			sector_id: Number( rows[ 0 ]!.sector_id ),
			items: ids.length,
		};
	},

	estimate: estimateOptimize,

	async prepare( input, run, { db } ) {
		const drafts = new DraftReader( db.sequelize );
		const jobs: Job[] = [];
		const skipped: Prepared[ 'skipped' ] = [];
		const site = await drafts.site( run.site_id );
		for ( const id of new Set( input.content_ids ) ) {
			const draft = await drafts.draft( run.account_id, id, run.site_id );
			if ( ! draft ) {
				skipped.push( { content_id: id, reason: 'deleted' } );
				continue;
			}
			if ( draft.html.length > MAX_DRAFT_CHARS ) {
				skipped.push( { content_id: id, reason: 'too long' } );
				continue;
			}
			const analysis = await analyzeDraft( drafts, draft );
			const checks = failingChecks( analysis.checks, input.check_ids );
			if (
				( input.min_score !== undefined &&
					analysis.score >= input.min_score ) ||
				checks.length === 0
			) {
				skipped.push( { content_id: id, reason: 'already passes' } );
				continue;
			}
			jobs.push( {
				draft,
				checks,
				score_before: analysis.score,
				locale: site.locale,
				site_url: site.site_url,
			} );
		}
		return { jobs, skipped };
	},

	async execute(
		prepared,
		input,
		{ ai, progress, checkpoint, prompt, signal }
	) {
		const result: Result = {
			revised: [],
			failed: [],
			skipped: prepared.skipped,
		};
		const single = input.content_ids.length === 1;
		for ( const [ index, job ] of prepared.jobs.entries() ) {
			checkpoint();
			await progress(
				'optimizing',
				Math.round(
					( index / Math.max( 1, prepared.jobs.length ) ) * 95
				),
				`Optimizing "${ job.draft.title }" (${ index + 1 } of ${ prepared.jobs.length })`
			);
			try {
				const answer = await ai.structured(
					optimizedAnswer,
					prompt( optimizePromptDefinition, {
						title: job.draft.seo_title,
						keyphrase: job.draft.keyphrase || '(none)',
						meta_description:
							job.draft.meta_description || '(none)',
						checks: job.checks
							.map(
								( check ) =>
									`- ${ check.id }: ${ check.message }${ check.fix ? ` ${ check.fix }` : '' }`
							)
							.join( '\n' ),
						content_html: job.draft.html,
					} )
				);
				const html = sanitizeContentHtml( answer.content_html );
				const meta = plainTextOf( answer.meta_description ).trim();
				const after = analyze( {
					html,
					title: answer.title,
					keyphrase: job.draft.keyphrase,
					synonyms: [],
					metaDescription: meta,
					slug: job.draft.slug,
					locale: job.locale,
					siteUrl: job.site_url,
					previousUses: [],
				} );
				result.revised.push( {
					content_id: job.draft.content_id,
					base_revision: job.draft.revision,
					check_ids: job.checks.map( ( check ) => check.id ),
					title: answer.title,
					meta_description: meta,
					content_html: html,
					score_before: job.score_before,
					score_after: after.score,
				} );
			} catch ( error ) {
				// A stop ends the run; one draft's bad answer ends only that draft, unless it was the only one.
				if ( single || signal.aborted ) {
					throw error;
				}
				result.failed.push( {
					content_id: job.draft.content_id,
					error: ( error as Error ).message,
				} );
			}
		}
		if ( prepared.jobs.length > 0 && result.revised.length === 0 ) {
			throw new Error(
				`No draft could be revised: ${ result.failed[ 0 ]?.error ?? 'no answer' }`
			);
		}
		return result;
	},

	async save( result, prepared, run, { owners, transaction } ) {
		const revisionIds: number[] = [];
		const drafts = new Map(
			prepared.jobs.map( ( job ) => [ job.draft.content_id, job.draft ] )
		);
		for ( const revised of result.revised ) {
			const draft = drafts.get( revised.content_id )!;
			revisionIds.push(
				await owners.optimizer.propose(
					transaction,
					{
						account_id: run.account_id,
						site_id: draft.site_id,
						content_id: revised.content_id,
					},
					{ ...revised, run_id: Number( run.id ) }
				)
			);
		}
		return {
			summary: {
				revision_ids: revisionIds,
				revised: result.revised.map( ( revised ) => ( {
					content_id: revised.content_id,
					score_before: revised.score_before,
					score_after: revised.score_after,
				} ) ),
				failed: result.failed,
				skipped: result.skipped,
			},
			items: result.revised.length,
		};
	},
};

import {
	OPTIMIZER_AI_FIXABLE,
	type Content,
	type OptimizerAnalysis,
	type OptimizerAnalyzeInput,
	type OptimizerBulkResult,
	type OptimizerCheckId,
	type OptimizerHistoryEntry,
	type OptimizerRating,
	type OptimizerRevision,
	type OptimizerScoreRow,
	type OptimizerSummary,
} from '@igny8/shared-types';
import type { Request } from 'express';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors';
import {
	containsPattern,
	orderBySql,
	listPage,
	pageLimits,
	type ListPage,
	type PageQuery,
} from '../../http/pagination';
import {
	actingUserId,
	narrowedSiteId,
	siteFilter,
	type Principal,
} from '../auth';
import { serializeContent, type WriterPipeline } from '../writer';
import { analyze, type AnalysisInput, type AnalysisResult } from './analysis';
import { analyzeDraft, slugOf, type Draft, type DraftReader } from './drafts';
import {
	serializeRevision,
	type ContentKey,
	type OptimizerStore,
} from './store';

/** What the optimizer needs of the AI engine: price a run, start one. */
export type OptimizerAi = {
	quote(
		functionName: string,
		input: unknown,
		principal: Principal
	): Promise< { credits: number } >;
	runAiTask(
		functionName: string,
		input: unknown,
		principal: Principal
	): Promise< { id: number; credits_reserved: number } >;
};

/** Score bands of the dashboard and the score filter: Yoast's traffic light on 0–100. */
export const RATING_FLOOR: Record<
	Exclude< OptimizerRating, 'bad' >,
	number
> = { good: 70, ok: 40 };

export function ratingOf( score: number ): OptimizerRating {
	if ( score >= RATING_FLOOR.good ) {
		return 'good';
	}
	return score >= RATING_FLOOR.ok ? 'ok' : 'bad';
}

type Page = PageQuery;

/**
 * The seed's Optimizer module: analysis of what the editor holds or of a
 * saved draft, each saved revision's score kept as history, the dashboard's
 * scores, and AI rewrites that wait as proposed revisions until an editor
 * accepts (compare-and-set on the draft's revision) or rejects them.
 */
export class OptimizerService {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			store: OptimizerStore;
			drafts: DraftReader;
			writer: WriterPipeline;
			ai: OptimizerAi;
		}
	) {}

	/**
	 * Analyzes the saved revision of a content and keeps it in the history;
	 * what the `optimizer.score` subscriber runs after every save. Null when
	 * the content is gone.
	 */
	async scoreSaved(
		contentId: number
	): Promise< { result: AnalysisResult; historyId: number } | null > {
		const [ owner ] = await this.deps.sequelize.query< {
			account_id: number;
		} >(
			'SELECT account_id::int AS account_id FROM content WHERE id = $1',
			{
				bind: [ contentId ],
				type: QueryTypes.SELECT,
			}
		);
		const draft = owner
			? await this.deps.drafts.draft( owner.account_id, contentId )
			: null;
		if ( ! draft ) {
			return null;
		}
		const result = await analyzeDraft( this.deps.drafts, draft );
		const historyId = await this.deps.store.keep(
			keyOf( draft ),
			draft.revision,
			draft.keyphrase,
			result
		);
		return { result, historyId };
	}

	async analyze(
		principal: Principal,
		body: OptimizerAnalyzeInput
	): Promise< OptimizerAnalysis > {
		const draft =
			body.content_id !== undefined
				? await this.draftOf( principal, body.content_id )
				: null;
		if ( draft && body.html === undefined ) {
			// The saved revision: analyzed as saved, and kept.
			const result = await analyzeDraft( this.deps.drafts, draft );
			const historyId = await this.deps.store.keep(
				keyOf( draft ),
				draft.revision,
				draft.keyphrase,
				result
			);
			return toAnalysis( result, draft.keyphrase, historyId );
		}
		const siteId =
			draft?.site_id ??
			( await this.siteOf( principal, body.site_id, 'body' ) );
		const site =
			siteId !== null ? await this.deps.drafts.site( siteId ) : null;
		const title = body.title ?? draft?.seo_title ?? '';
		const keyphrase = ( body.keyphrase ?? draft?.keyphrase ?? '' ).trim();
		const input: AnalysisInput = {
			html: body.html ?? '',
			title,
			keyphrase,
			synonyms: body.synonyms ?? [],
			metaDescription:
				body.meta_description ?? draft?.meta_description ?? '',
			slug: body.slug ?? draft?.slug ?? slugOf( title ),
			locale: body.locale ?? site?.locale ?? 'en_US',
			siteUrl: site?.site_url ?? null,
			previousUses: [],
		};
		if ( siteId !== null ) {
			// The post being edited, by its content or its WordPress id.
			const self = {
				content_id: draft?.content_id ?? body.content_id,
				wp_post_id: body.post_id ?? draft?.wp_post_id ?? undefined,
			};
			[ input.previousUses, input.linker ] = await Promise.all( [
				this.deps.drafts.previousUses( siteId, keyphrase, self ),
				this.deps.drafts.linkerFacts(
					siteId,
					self.content_id !== undefined
						? { content_id: self.content_id }
						: { wp_post_id: self.wp_post_id }
				),
			] );
		}
		return toAnalysis( analyze( input ), keyphrase, null );
	}

	async history(
		principal: Principal,
		req: Request,
		query: Page & { content_id: number }
	): Promise< ListPage< OptimizerHistoryEntry > > {
		await this.draftOf( principal, query.content_id );
		const { count, rows } = await this.deps.store.history(
			query.content_id,
			pageLimits( query )
		);
		return listPage( req, query, count, rows );
	}

	/** Every content of the site (or the account) with its latest score: the dashboard's list. */
	async scores(
		principal: Principal,
		req: Request,
		query: Page & {
			site_id?: number;
			rating?: OptimizerRating;
			search?: string;
			ordering?: string;
		}
	): Promise< ListPage< OptimizerScoreRow > > {
		const siteId = await this.siteOf( principal, query.site_id, 'query' );
		const conditions = [ 'c.account_id = $1' ];
		const bind: unknown[] = [ principal.account.id ];
		if ( siteId !== null ) {
			bind.push( siteId );
			conditions.push( `c.site_id = $${ bind.length }` );
		}
		if ( query.search ) {
			bind.push( containsPattern( query.search ) );
			conditions.push( `c.title ILIKE $${ bind.length }` );
		}
		if ( query.rating === 'good' ) {
			conditions.push( `a.score >= ${ RATING_FLOOR.good }` );
		} else if ( query.rating === 'ok' ) {
			conditions.push(
				`a.score >= ${ RATING_FLOOR.ok } AND a.score < ${ RATING_FLOOR.good }`
			);
		} else if ( query.rating === 'bad' ) {
			conditions.push( `a.score < ${ RATING_FLOOR.ok }` );
		}
		const base = `
			FROM content c
			LEFT JOIN LATERAL (SELECT score, seo_score, readability_score, keyphrase, created_at
			  FROM optimizer_analyses WHERE content_id = c.id ORDER BY revision DESC LIMIT 1) a ON TRUE
			LEFT JOIN LATERAL (SELECT id FROM optimizer_revisions
			  WHERE content_id = c.id AND status = 'proposed' ORDER BY id DESC LIMIT 1) p ON TRUE
			WHERE ${ conditions.join( ' AND ' ) }`;
		const order = orderBySql(
			query.ordering,
			{
				orderingFields: [ 'title', 'score', 'analyzed_at', 'id' ],
				searchFields: [],
				defaultOrdering: 'title',
			},
			'r',
			( field ) => field === 'title'
		);
		const [ [ counted ], rows ] = await Promise.all( [
			this.deps.sequelize.query< { n: number } >(
				`SELECT count(*)::int AS n ${ base }`,
				{ bind, type: QueryTypes.SELECT }
			),
			this.deps.sequelize.query<
				Omit< OptimizerScoreRow, 'rating' | 'analyzed_at' > & {
					id: number;
					analyzed_at: Date | null;
				}
			>(
				`SELECT * FROM (
				   SELECT c.id::int AS id, c.id::int AS content_id, c.site_id::int AS site_id, c.title, c.entity_type,
				     COALESCE(a.keyphrase, '') AS keyphrase, a.score, a.seo_score, a.readability_score,
				     a.created_at AS analyzed_at, p.id::int AS pending_revision_id
				   ${ base }) r
				 ORDER BY ${ order } NULLS LAST
				 LIMIT ${ query.page_size } OFFSET ${ pageLimits( query ).offset }`,
				{ bind, type: QueryTypes.SELECT }
			),
		] );
		return listPage(
			req,
			query,
			counted?.n ?? 0,
			rows.map( ( { id: _id, analyzed_at: analyzedAt, ...row } ) => ( {
				...row,
				rating: row.score === null ? null : ratingOf( row.score ),
				analyzed_at: analyzedAt ? analyzedAt.toISOString() : null,
			} ) )
		);
	}

	/** The dashboard's figures: counts by rating, the average, reviews pending — one query over the latest scores. */
	async summary(
		principal: Principal,
		requestedSite?: number
	): Promise< OptimizerSummary > {
		const siteId = await this.siteOf( principal, requestedSite, 'query' );
		const [ row ] = await this.deps.sequelize.query< OptimizerSummary >(
			`SELECT count(*)::int AS total,
			   count(*) FILTER (WHERE a.score >= ${ RATING_FLOOR.good })::int AS good,
			   count(*) FILTER (WHERE a.score >= ${ RATING_FLOOR.ok } AND a.score < ${ RATING_FLOOR.good })::int AS ok,
			   count(*) FILTER (WHERE a.score < ${ RATING_FLOOR.ok })::int AS bad,
			   count(*) FILTER (WHERE a.score IS NULL)::int AS unanalyzed,
			   round(avg(a.score))::int AS average,
			   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM optimizer_revisions r
			     WHERE r.content_id = c.id AND r.status = 'proposed'))::int AS pending
			 FROM content c
			 LEFT JOIN LATERAL (SELECT score FROM optimizer_analyses
			   WHERE content_id = c.id ORDER BY revision DESC LIMIT 1) a ON TRUE
			 WHERE c.account_id = $1 ${ siteId !== null ? 'AND c.site_id = $2' : '' }`,
			{
				bind: [
					principal.account.id,
					...( siteId !== null ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return row!;
	}

	/**
	 * Per site of the account (or of one): the average of its contents'
	 * latest scores, rounded as summary() rounds it. One grouped query; sites
	 * with nothing scored are absent.
	 */
	async averageBySite(
		accountId: number,
		siteId?: number
	): Promise< Map< number, number > > {
		const rows = await this.deps.sequelize.query< {
			site_id: number;
			average: number;
		} >(
			`SELECT c.site_id::int AS site_id, round(avg(a.score))::int AS average
			 FROM content c
			 JOIN LATERAL (SELECT score FROM optimizer_analyses
			   WHERE content_id = c.id ORDER BY revision DESC LIMIT 1) a ON TRUE
			 WHERE c.account_id = $1 ${ siteId !== undefined ? 'AND c.site_id = $2' : '' }
			 GROUP BY c.site_id`,
			{
				bind: [
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return new Map( rows.map( ( row ) => [ row.site_id, row.average ] ) );
	}

	/** "Fix with AI" for one draft: a queued run that proposes a revision. */
	async fix(
		principal: Principal,
		body: { content_id: number; check_ids: OptimizerCheckId[] }
	): Promise< { run_id: number } > {
		const refused = body.check_ids.filter(
			( id ) => ! OPTIMIZER_AI_FIXABLE.includes( id )
		);
		if ( refused.length ) {
			throw new ValidationError( 'Invalid body.', {
				check_ids: [
					`a rewrite cannot fix ${ refused.join( ', ' ) }: change ${ refused.length === 1 ? 'it' : 'them' } in the editor`,
				],
			} );
		}
		const run = await this.deps.ai.runAiTask(
			'optimize_content',
			{ content_ids: [ body.content_id ], check_ids: body.check_ids },
			principal
		);
		return { run_id: run.id };
	}

	/**
	 * Optimizes a selection of drafts as one run whose reservation stays
	 * within the credit cap: the drafts that fit, in the order given, go in;
	 * the rest are named so they can be sent in another run.
	 */
	async bulk(
		principal: Principal,
		body: { content_ids: number[]; credit_cap: number; min_score: number }
	): Promise< OptimizerBulkResult > {
		const ids = [ ...new Set( body.content_ids ) ];
		const inputFor = ( count: number ) => ( {
			content_ids: ids.slice( 0, count ),
			min_score: body.min_score,
		} );
		const quote = ( count: number ) =>
			this.deps.ai.quote(
				'optimize_content',
				inputFor( count ),
				principal
			);
		// The reservation grows with the number of drafts: the largest
		// prefix within the cap, by bisection (a quote per step, no run).
		let fits = 0;
		let low = 1;
		let high = ids.length;
		while ( low <= high ) {
			const middle = Math.floor( ( low + high ) / 2 );
			if ( ( await quote( middle ) ).credits <= body.credit_cap ) {
				fits = middle;
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}
		if ( fits === 0 ) {
			const one = await quote( 1 );
			throw new ValidationError( 'Invalid body.', {
				credit_cap: [
					`one draft may cost up to ${ one.credits } credits; raise the cap to at least that`,
				],
			} );
		}
		const run = await this.deps.ai.runAiTask(
			'optimize_content',
			inputFor( fits ),
			principal
		);
		return {
			run_id: run.id,
			content_ids: ids.slice( 0, fits ),
			left_out: ids.slice( fits ),
			credits_reserved: run.credits_reserved,
		};
	}

	async revisions(
		principal: Principal,
		req: Request,
		query: Page & { content_id?: number; status?: string }
	): Promise< ListPage< OptimizerRevision > > {
		const { count, rows } = await this.deps.store.revisions(
			{
				account_id: principal.account.id,
				...siteFilter( principal ),
				content_id: query.content_id,
				status: query.status,
			},
			pageLimits( query )
		);
		return listPage( req, query, count, rows.map( serializeRevision ) );
	}

	async revision(
		principal: Principal,
		id: number
	): Promise< OptimizerRevision > {
		return serializeRevision( await this.revisionOf( principal, id ) );
	}

	/**
	 * Puts a proposed revision in place of the draft. Refused (409) when it
	 * was decided already or when the draft changed since it was proposed:
	 * the editor's later work is never overwritten.
	 */
	async accept( principal: Principal, id: number ): Promise< Content > {
		const revision = await this.revisionOf( principal, id );
		const saved = await this.deps.sequelize.transaction(
			async ( transaction ) => {
				await this.decide(
					transaction,
					principal,
					revision,
					'accepted'
				);
				const content = await this.deps.writer.replaceDraft(
					transaction,
					principal.account.id,
					revision.content_id,
					revision.base_revision,
					revision
				);
				if ( ! content ) {
					throw new ApiError(
						'conflict',
						'The draft was edited after this revision was proposed, so accepting it would undo those edits. Run “Fix with AI” again on the current draft.'
					);
				}
				return content;
			}
		);
		const [ content ] = await serializeContent( [ saved ] );
		return content!;
	}

	async reject(
		principal: Principal,
		id: number
	): Promise< OptimizerRevision > {
		const revision = await this.revisionOf( principal, id );
		await this.decide( undefined, principal, revision, 'rejected' );
		return this.revision( principal, id );
	}

	/** Moves a proposed revision to its decision, or 409 when it is not proposed (any more). */
	private async decide(
		transaction: Transaction | undefined,
		principal: Principal,
		revision: { id: number; status: string },
		status: 'accepted' | 'rejected'
	): Promise< void > {
		if ( revision.status !== 'proposed' ) {
			throw decided( revision.status );
		}
		if (
			! ( await this.deps.store.decide(
				transaction,
				revision.id,
				status,
				actingUserId( principal )
			) )
		) {
			throw decided( 'decided' );
		}
	}

	private async revisionOf( principal: Principal, id: number ) {
		const row = await this.deps.store.revision(
			principal.account.id,
			id,
			siteFilter( principal ).site_id
		);
		if ( ! row ) {
			throw new NotFoundError( `Revision ${ id } does not exist.` );
		}
		return row;
	}

	private async draftOf( principal: Principal, contentId: number ) {
		const draft = await this.deps.drafts.draft(
			principal.account.id,
			contentId,
			siteFilter( principal ).site_id
		);
		if ( ! draft ) {
			throw new NotFoundError( `Content ${ contentId } does not exist.` );
		}
		return draft;
	}

	/** The site a request means (its own for a site session), checked to be the account's; null: none named. */
	private async siteOf(
		principal: Principal,
		requested: number | undefined,
		where: 'body' | 'query'
	): Promise< number | null > {
		const siteId = narrowedSiteId( principal, requested );
		if ( siteId === undefined ) {
			return null;
		}
		const [ site ] = await this.deps.sequelize.query< { id: number } >(
			'SELECT id FROM sites WHERE id = $1 AND account_id = $2',
			{
				bind: [ siteId, principal.account.id ],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! site ) {
			throw new ValidationError( `Invalid ${ where }.`, {
				site_id: [ `site ${ siteId } does not exist` ],
			} );
		}
		return siteId;
	}
}

function keyOf( draft: Draft ): ContentKey {
	return {
		account_id: draft.account_id,
		site_id: draft.site_id,
		content_id: draft.content_id,
	};
}

function decided( status: string ): ApiError {
	return new ApiError(
		'conflict',
		status === 'decided'
			? 'This revision was decided by someone else a moment ago; reload to see it.'
			: `This revision was ${ status } already; only a proposed revision can be accepted or rejected.`
	);
}

function toAnalysis(
	result: AnalysisResult,
	keyphrase: string,
	historyId: number | null
): OptimizerAnalysis {
	return {
		score: result.score,
		seo_score: result.seoScore,
		readability_score: result.readabilityScore,
		flesch_reading_ease: result.fleschReadingEase,
		word_count: result.wordCount,
		keyphrase,
		locale: result.locale,
		checks: result.checks,
		history_id: historyId,
	};
}

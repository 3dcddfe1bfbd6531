import type {
	OptimizerCheckId,
	OptimizerHistoryEntry,
	OptimizerRevision,
} from '@igny8/shared-types';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { AnalysisResult } from './analysis';

/** Where an analysis or a revision belongs. */
export type ContentKey = {
	account_id: number;
	site_id: number;
	content_id: number;
};

type HistoryRow = Omit< OptimizerHistoryEntry, 'created_at' > & {
	created_at: Date;
};
type RevisionRow = Omit< OptimizerRevision, 'created_at' | 'decided_at' > & {
	account_id: number;
	created_at: Date;
	decided_at: Date | null;
};

const HISTORY_COLUMNS = `id::int AS id, content_id::int AS content_id, revision, score, seo_score,
	readability_score, flesch_reading_ease, word_count, keyphrase, failing, created_at`;
const REVISION_COLUMNS = `id::int AS id, account_id::int AS account_id, site_id::int AS site_id,
	content_id::int AS content_id, run_id::int AS run_id, base_revision, status, check_ids, title,
	meta_description, content_html, score_before, score_after, created_at, decided_at`;

/** The optimizer's tables: the only code that writes optimizer_analyses and optimizer_revisions. */
export class OptimizerStore {
	constructor( private readonly sequelize: Sequelize ) {}

	/**
	 * Keeps the analysis of one saved revision. Analyzing the same revision
	 * again replaces its entry (the site's other posts may have changed the
	 * result), so the history has one point per revision however often the
	 * editor looks.
	 */
	async keep(
		key: ContentKey,
		revision: number,
		keyphrase: string,
		result: AnalysisResult
	): Promise< number > {
		const failing = result.checks
			.filter( ( check ) => check.rating !== 'good' )
			.map( ( check ) => check.id );
		const [ row ] = await this.sequelize.query< { id: number } >(
			`INSERT INTO optimizer_analyses (account_id, site_id, content_id, revision, score, seo_score,
			   readability_score, flesch_reading_ease, word_count, keyphrase, locale, checks, failing)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			 ON CONFLICT (content_id, revision) DO UPDATE SET score = EXCLUDED.score,
			   seo_score = EXCLUDED.seo_score, readability_score = EXCLUDED.readability_score,
			   flesch_reading_ease = EXCLUDED.flesch_reading_ease, word_count = EXCLUDED.word_count,
			   keyphrase = EXCLUDED.keyphrase, locale = EXCLUDED.locale, checks = EXCLUDED.checks,
			   failing = EXCLUDED.failing, created_at = NOW()
			 RETURNING id::int AS id`,
			{
				bind: [
					key.account_id,
					key.site_id,
					key.content_id,
					revision,
					result.score,
					result.seoScore,
					result.readabilityScore,
					result.fleschReadingEase,
					result.wordCount,
					keyphrase,
					result.locale,
					JSON.stringify( result.checks ),
					failing,
				],
				type: QueryTypes.SELECT,
			}
		);
		return row!.id;
	}

	async history(
		contentId: number,
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: OptimizerHistoryEntry[] } > {
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< HistoryRow >(
				`SELECT ${ HISTORY_COLUMNS } FROM optimizer_analyses WHERE content_id = $1
				 ORDER BY revision DESC LIMIT ${ page.limit } OFFSET ${ page.offset }`,
				{ bind: [ contentId ], type: QueryTypes.SELECT }
			),
			this.sequelize.query< { n: number } >(
				'SELECT count(*)::int AS n FROM optimizer_analyses WHERE content_id = $1',
				{ bind: [ contentId ], type: QueryTypes.SELECT }
			),
		] );
		return {
			count: counted?.n ?? 0,
			rows: rows.map( ( row ) => ( {
				...row,
				failing: row.failing as OptimizerCheckId[],
				created_at: row.created_at.toISOString(),
			} ) ),
		};
	}

	/** The latest score of a content (its newest analyzed revision), or null. */
	async latestScore( contentId: number ): Promise< number | null > {
		const [ row ] = await this.sequelize.query< { score: number } >(
			'SELECT score FROM optimizer_analyses WHERE content_id = $1 ORDER BY revision DESC LIMIT 1',
			{ bind: [ contentId ], type: QueryTypes.SELECT }
		);
		return row?.score ?? null;
	}

	/**
	 * Stores an AI-proposed revision inside the run's save transaction; a
	 * save repeated for the same run and content returns the first one.
	 * Older proposals for the content are superseded: the editor reviews
	 * the newest.
	 */
	async propose(
		transaction: Transaction,
		key: ContentKey,
		revision: {
			run_id: number;
			base_revision: number;
			check_ids: OptimizerCheckId[];
			title: string;
			meta_description: string;
			content_html: string;
			score_before: number | null;
			score_after: number | null;
		}
	): Promise< number > {
		const [ inserted ] = await this.sequelize.query< { id: number } >(
			`INSERT INTO optimizer_revisions (account_id, site_id, content_id, run_id, base_revision,
			   check_ids, title, meta_description, content_html, score_before, score_after)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			 ON CONFLICT (run_id, content_id) WHERE run_id IS NOT NULL DO NOTHING
			 RETURNING id::int AS id`,
			{
				bind: [
					key.account_id,
					key.site_id,
					key.content_id,
					revision.run_id,
					revision.base_revision,
					revision.check_ids,
					revision.title,
					revision.meta_description,
					revision.content_html,
					revision.score_before,
					revision.score_after,
				],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( ! inserted ) {
			const [ existing ] = await this.sequelize.query< { id: number } >(
				'SELECT id::int AS id FROM optimizer_revisions WHERE run_id = $1 AND content_id = $2',
				{
					bind: [ revision.run_id, key.content_id ],
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			return existing!.id;
		}
		await this.sequelize.query(
			`UPDATE optimizer_revisions SET status = 'superseded', decided_at = NOW()
			 WHERE content_id = $1 AND status = 'proposed' AND id <> $2`,
			{ bind: [ key.content_id, inserted.id ], transaction }
		);
		return inserted.id;
	}

	async revision(
		accountId: number,
		id: number,
		siteId?: number
	): Promise< RevisionRow | null > {
		const [ row ] = await this.sequelize.query< RevisionRow >(
			`SELECT ${ REVISION_COLUMNS } FROM optimizer_revisions WHERE id = $1 AND account_id = $2
			 ${ siteId !== undefined ? 'AND site_id = $3' : '' }`,
			{
				bind: [
					id,
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return row ?? null;
	}

	async revisions(
		where: {
			account_id: number;
			site_id?: number;
			content_id?: number;
			status?: string;
		},
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: RevisionRow[] } > {
		const conditions = [ 'account_id = $1' ];
		const bind: unknown[] = [ where.account_id ];
		for ( const field of [ 'site_id', 'content_id', 'status' ] as const ) {
			if ( where[ field ] !== undefined ) {
				bind.push( where[ field ] );
				conditions.push( `${ field } = $${ bind.length }` );
			}
		}
		const filter = conditions.join( ' AND ' );
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< RevisionRow >(
				`SELECT ${ REVISION_COLUMNS } FROM optimizer_revisions WHERE ${ filter }
				 ORDER BY id DESC LIMIT ${ page.limit } OFFSET ${ page.offset }`,
				{ bind, type: QueryTypes.SELECT }
			),
			this.sequelize.query< { n: number } >(
				`SELECT count(*)::int AS n FROM optimizer_revisions WHERE ${ filter }`,
				{ bind, type: QueryTypes.SELECT }
			),
		] );
		return { count: counted?.n ?? 0, rows };
	}

	/**
	 * Moves a proposed revision to its decision; false when it was not
	 * proposed any more (decided by someone else meanwhile).
	 */
	async decide(
		transaction: Transaction | undefined,
		id: number,
		status: 'accepted' | 'rejected',
		userId: number | null
	): Promise< boolean > {
		const decided = await this.sequelize.query< { id: number } >(
			`UPDATE optimizer_revisions SET status = $2, decided_at = NOW(), decided_by = $3
			 WHERE id = $1 AND status = 'proposed' RETURNING id`,
			{
				bind: [ id, status, userId ],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return decided.length > 0;
	}
}

export function serializeRevision( row: RevisionRow ): OptimizerRevision {
	const { account_id: _account, ...rest } = row;
	return {
		...rest,
		check_ids: rest.check_ids as OptimizerCheckId[],
		created_at: rest.created_at.toISOString(),
		decided_at: rest.decided_at ? rest.decided_at.toISOString() : null,
	};
}

export type { RevisionRow };

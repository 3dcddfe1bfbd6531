import { randomUUID } from 'node:crypto';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { z } from 'zod';
import type {
	PublishingRecord,
	publishRequestSchema,
} from '@igny8/shared-types';
import { recordEvent } from '../../domain-events';
import type { Database } from '../../db/connection';
import type { ContentRow } from '../../db/content-models';
import type {
	PublishingRecordRow,
	SiteIntegrationRow,
} from '../../db/integration-models';
import type { Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../queue';
import { actingUserId, confinedSiteId, type Principal } from '../auth';
import { httpUrlOrNull } from '../../net/http-url';
import {
	isPaired,
	type IntegrationService,
	mapWpStatus,
	type PublishLease,
	wpState,
	WpClientError,
	WpConflictError,
	type WpPostPayload,
	type WpPostResult,
} from '../integration';
import type { WriterPipeline } from '../writer';
import { existingPostFor, postTypeFor, termsFor } from './target';

export const PUBLISH_JOB = 'publisher.site';
export type PublishJob = { site_id: number };

/** Every publisher tunable, with why it has its value. */
export const PUBLISHER_DEFAULTS = {
	/** First retry of an unreachable site; doubles per attempt. */
	backoffMs: 2_000,
	/** A dead site is retried at least this often, so it recovers without anyone asking. */
	maxBackoffMs: 5 * 60_000,
	/** Attempts before a record is marked failed (about 35 minutes of a site being down). */
	maxAttempts: 12,
	/** A worker holding a site this long without renewing is presumed dead. */
	leaseMs: 2 * 60_000,
	/** How often due retries are looked for. */
	sweepMs: 2_000,
	/** One push: sideloading images can take the plugin a while. */
	requestTimeoutMs: 60_000,
	/** Different sites publish in parallel; one site never runs two pushes at once. */
	concurrency: 4,
} as const;

const iso = ( date: Date | null | undefined ) => date?.toISOString() ?? null;

export function serializeRecord( row: PublishingRecordRow ): PublishingRecord {
	return {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		content_id: row.content_id,
		task_id: row.task_id,
		post_id: row.post_id ?? null,
		post_url: row.post_url ?? null,
		status: row.status,
		wp_status: row.wp_status,
		attempts: row.attempts,
		last_error: row.last_error ?? null,
		last_pushed_hash: row.last_pushed_hash ?? null,
		remote_hash: row.remote_hash ?? null,
		revision: row.revision ?? null,
		force: row.force,
		next_attempt_at: iso( row.next_attempt_at ),
		published_at: iso( row.published_at ),
		requested_by_user_id: row.requested_by_user_id ?? null,
		requested_by_wp_login: row.requested_by_wp_login ?? null,
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

type Outcome =
	| { kind: 'published'; result: WpPostResult }
	| { kind: 'conflict'; remote: WpPostResult }
	| { kind: 'retry'; error: string }
	| { kind: 'failed'; error: string };

/**
 * The seed's Publisher: content → its site's WordPress, through a queue.
 * Each site is worked by one job at a time (a lease on its integration row),
 * records carry their own retry time, and a failing site backs off on its
 * own, so a dead site's records wait while every other site's flow.
 */
/** One publishing job per site at a time: it pushes every due record of the site. */
const publishJobId = ( siteId: number ) => `publish-site-${ siteId }`;

export class PublisherService {
	constructor(
		private readonly deps: {
			db: Database;
			models: Models;
			queue: JobQueue;
			logger: Logger;
			integrations: IntegrationService;
			/** The site's lease and backoff live on its integration row (the integration module's). */
			lease: PublishLease;
			/** Content and tasks are the writer's: a push's outcome is recorded through it. */
			writer: WriterPipeline;
			settings?: Partial< typeof PUBLISHER_DEFAULTS >;
		}
	) {}

	private get settings(): typeof PUBLISHER_DEFAULTS {
		return { ...PUBLISHER_DEFAULTS, ...this.deps.settings };
	}

	/** Queues the content ids (all of the caller's, each on a connected site) or changes nothing. */
	async publish(
		principal: Principal,
		body: z.infer< typeof publishRequestSchema >
	): Promise< PublishingRecordRow[] > {
		const { models, db } = this.deps;
		const ids = [ ...new Set( body.content_ids ) ];
		const confined = confinedSiteId( principal );
		const contents = await models.Content.findAll( {
			where: {
				id: { [ Op.in ]: ids },
				account_id: principal.account.id,
				...( confined === null ? {} : { site_id: confined } ),
			},
		} );
		const found = new Set( contents.map( ( c ) => c.id ) );
		const missing = ids.filter( ( id ) => ! found.has( id ) );
		if ( missing.length ) {
			throw new ValidationError( 'Invalid body.', {
				content_ids: missing.map(
					( id ) => `content ${ id } does not exist`
				),
			} );
		}
		const siteIds = [ ...new Set( contents.map( ( c ) => c.site_id ) ) ];
		const integrations = await models.SiteIntegration.findAll( {
			where: {
				site_id: { [ Op.in ]: siteIds },
				platform: 'wordpress',
			},
		} );
		const connected = new Set(
			integrations
				.filter(
					( i ) =>
						i.is_active &&
						isPaired( i ) &&
						typeof i.config_json.rest_url === 'string'
				)
				.map( ( i ) => i.site_id )
		);
		const offline = siteIds.filter( ( id ) => ! connected.has( id ) );
		if ( offline.length ) {
			throw new ValidationError( 'Invalid body.', {
				content_ids: offline.map(
					( id ) =>
						`site ${ id } has no active WordPress connection; connect the IGNY8 Bridge plugin first`
				),
			} );
		}
		const requester = {
			userId: actingUserId( principal ),
			wpLogin:
				principal.kind === 'site_user'
					? principal.wpUser.login.slice( 0, 60 )
					: null,
		};
		const records = await db.sequelize.transaction(
			async ( transaction ) => {
				const rows: PublishingRecordRow[] = [];
				for ( const content of contents ) {
					const [ row ] = await db.sequelize.query(
						`INSERT INTO publishing_records
						(account_id, site_id, sector_id, content_id, task_id, status, wp_status, date_gmt, force, attempts, last_error, next_attempt_at, requested_by_user_id, requested_by_wp_login)
					 VALUES (:account, :site, :sector, :content, :task, 'queued', :wpStatus, :date, :force, 0, NULL, NOW(), :userId, :wpLogin)
					 ON CONFLICT (content_id) DO UPDATE SET
						site_id = EXCLUDED.site_id, sector_id = EXCLUDED.sector_id, task_id = EXCLUDED.task_id,
						status = 'queued', wp_status = EXCLUDED.wp_status, date_gmt = EXCLUDED.date_gmt,
						force = EXCLUDED.force, attempts = 0, last_error = NULL, next_attempt_at = NOW(),
						requested_by_user_id = EXCLUDED.requested_by_user_id,
						requested_by_wp_login = EXCLUDED.requested_by_wp_login,
						updated_at = NOW()
					 RETURNING id`,
						{
							replacements: {
								account: content.account_id,
								site: content.site_id,
								sector: content.sector_id,
								content: content.id,
								task: content.task_id,
								wpStatus: body.status,
								date: body.date_gmt ?? null,
								force: body.force,
								userId: requester.userId,
								wpLogin: requester.wpLogin,
							},
							type: QueryTypes.SELECT,
							transaction,
						}
					);
					rows.push(
						( await models.PublishingRecord.findByPk(
							( row as { id: number } ).id,
							{ transaction }
						) )!
					);
				}
				return rows;
			}
		);
		for ( const siteId of siteIds ) {
			await this.deps.queue.enqueue< PublishJob >(
				PUBLISH_JOB,
				{ site_id: siteId },
				{ jobId: publishJobId( siteId ) }
			);
		}
		return records;
	}

	job(): JobDefinition< PublishJob, { pushed: number } > {
		return {
			type: PUBLISH_JOB,
			concurrency: this.settings.concurrency,
			// Records carry their own retries; a crashed run is picked up by the sweeper.
			retries: 0,
			timeoutMs: 30 * 60_000,
			handler: async ( job ) => this.workSite( job.data.site_id ),
		};
	}

	/** How often the scheduler should call sweep(). */
	get sweepEveryMs(): number {
		return this.settings.sweepMs;
	}

	/** Requeues pushes a crashed worker left behind and enqueues sites with due records; the scheduler calls it every few seconds. */
	async sweep(): Promise< void > {
		const { sequelize } = this.deps.db;
		await sequelize.query(
			`UPDATE publishing_records SET status = 'queued', next_attempt_at = NOW(), updated_at = NOW()
			 WHERE status = 'publishing' AND updated_at < NOW() - make_interval(secs => :lease)`,
			{ replacements: { lease: this.settings.leaseMs / 1000 } }
		);
		const due = await sequelize.query< { site_id: number } >(
			`SELECT DISTINCT r.site_id FROM publishing_records r
			 JOIN site_integrations i ON i.site_id = r.site_id AND i.platform = 'wordpress'
			 WHERE r.status = 'queued' AND r.next_attempt_at <= NOW()
			   AND (i.publish_backoff_until IS NULL OR i.publish_backoff_until <= NOW())
			   AND (i.publish_lease_until IS NULL OR i.publish_lease_until < NOW())`,
			{ type: QueryTypes.SELECT }
		);
		for ( const { site_id } of due ) {
			await this.deps.queue.enqueue< PublishJob >(
				PUBLISH_JOB,
				{ site_id: Number( site_id ) },
				{ jobId: publishJobId( Number( site_id ) ) }
			);
		}
	}

	/** Pushes the site's due records one at a time while it holds the site's lease. */
	async workSite( siteId: number ): Promise< { pushed: number } > {
		const token = randomUUID();
		const integration = await this.lease( siteId, token );
		if ( ! integration ) {
			return { pushed: 0 };
		}
		let pushed = 0;
		try {
			for (;;) {
				const record = await this.claimNext( siteId );
				if ( ! record ) {
					break;
				}
				const outcome = await this.push( integration, record );
				await this.settle( integration, record, outcome );
				pushed += 1;
				if ( outcome.kind === 'retry' ) {
					// The site is failing: its other records wait for the backoff too.
					break;
				}
				await this.renew( siteId, token );
			}
		} finally {
			await this.deps.lease.release( siteId, token );
		}
		return { pushed };
	}

	private lease(
		siteId: number,
		token: string
	): Promise< SiteIntegrationRow | null > {
		return this.deps.lease.take(
			siteId,
			token,
			this.settings.leaseMs / 1000
		);
	}

	private renew( siteId: number, token: string ): Promise< void > {
		return this.deps.lease.renew(
			siteId,
			token,
			this.settings.leaseMs / 1000
		);
	}

	private async claimNext(
		siteId: number
	): Promise< PublishingRecordRow | null > {
		const [ rows ] = await this.deps.db.sequelize.query(
			`UPDATE publishing_records SET status = 'publishing', attempts = attempts + 1, updated_at = NOW()
			 WHERE id = (
				SELECT id FROM publishing_records
				WHERE site_id = :site AND status = 'queued' AND next_attempt_at <= NOW()
				ORDER BY next_attempt_at, id
				LIMIT 1
				FOR UPDATE SKIP LOCKED
			 )
			 RETURNING id`,
			{ replacements: { site: siteId } }
		);
		const id = ( rows as { id: number }[] )[ 0 ]?.id;
		return id ? this.deps.models.PublishingRecord.findByPk( id ) : null;
	}

	private async push(
		integration: SiteIntegrationRow,
		record: PublishingRecordRow
	): Promise< Outcome > {
		const content = await this.deps.models.Content.findOne( {
			where: { id: record.content_id, account_id: record.account_id },
		} );
		if ( ! content ) {
			return { kind: 'failed', error: 'The content no longer exists.' };
		}
		try {
			const client = this.deps.integrations.clientFor(
				integration,
				this.settings.requestTimeoutMs
			);
			const payload = await this.payload( content, record );
			const existing = await existingPostFor(
				this.deps.models,
				content,
				record
			);
			const result = existing
				? await client.updatePost( existing, payload )
				: await client.upsertPost( payload );
			if (
				! result ||
				! Number.isInteger( result.post_id ) ||
				typeof result.content_hash !== 'string'
			) {
				return {
					kind: 'failed',
					error: 'The site answered without a post id and content hash.',
				};
			}
			return { kind: 'published', result };
		} catch ( error ) {
			if ( error instanceof WpConflictError ) {
				return { kind: 'conflict', remote: error.remote };
			}
			const message =
				error instanceof Error ? error.message : String( error );
			if ( error instanceof WpClientError && error.transient ) {
				return { kind: 'retry', error: message };
			}
			return { kind: 'failed', error: message };
		}
	}

	private async payload(
		content: ContentRow,
		record: PublishingRecordRow
	): Promise< WpPostPayload > {
		const images = await this.deps.models.Image.findAll( {
			where: {
				account_id: content.account_id,
				[ Op.or ]: [
					{ content_id: content.id },
					...( content.task_id
						? [ { task_id: content.task_id } ]
						: [] ),
				],
				image_url: { [ Op.ne ]: null },
			},
			order: [
				[ 'is_featured', 'DESC' ],
				[ 'position', 'ASC' ],
				[ 'id', 'ASC' ],
			],
		} );
		const featured = images.find( ( image ) => image.is_featured );
		const postType = postTypeFor( content );
		const metaTitle = content.attributes.meta_title;
		const keyphrase = content.attributes.focus_keyphrase;
		const author = await this.author( record );
		return {
			content_id: content.id,
			revision: content.revision,
			task_id: content.task_id,
			title: content.title,
			content_html: content.content_html,
			excerpt: content.excerpt,
			...( postType ? { post_type: postType } : {} ),
			status: record.wp_status,
			...( author ? { author } : {} ),
			...( record.date_gmt
				? {
						date_gmt: record.date_gmt
							.toISOString()
							.replace( /\.\d{3}Z$/, 'Z' ),
					}
				: {} ),
			...termsFor( content ),
			...( featured
				? {
						featured_image: {
							url: featured.image_url!,
							alt: featured.alt_text,
						},
					}
				: {} ),
			images: images
				.filter( ( image ) => image !== featured )
				.map( ( image ) => ( {
					url: image.image_url!,
					alt: image.alt_text,
				} ) ),
			...( typeof metaTitle === 'string'
				? { meta_title: metaTitle }
				: {} ),
			meta_description: content.meta_description,
			...( typeof keyphrase === 'string'
				? { focus_keyphrase: keyphrase }
				: {} ),
			expected_hash: record.force
				? null
				: ( record.last_pushed_hash ?? null ),
			force: record.force,
		};
	}

	/**
	 * Whom the post is attributed to: the WordPress user who published from
	 * wp-admin, else the account user's email (the plugin maps either to a
	 * WordPress user, falling back to the post's current author).
	 */
	private async author(
		record: PublishingRecordRow
	): Promise< WpPostPayload[ 'author' ] | null > {
		if ( record.requested_by_wp_login ) {
			return { login: record.requested_by_wp_login };
		}
		if ( ! record.requested_by_user_id ) {
			return null;
		}
		const user = await this.deps.models.User.findOne( {
			where: {
				id: record.requested_by_user_id,
				account_id: record.account_id,
			},
		} );
		return user ? { email: user.email } : null;
	}

	/**
	 * The linker added or removed links in a content's WordPress post (and in
	 * the content itself): a post that was in step with the last push still
	 * is, so the next push is not taken for an edit made in WordPress.
	 */
	async acknowledgeLinks(
		contentId: number,
		before: string,
		after: string
	): Promise< void > {
		await this.deps.models.PublishingRecord.update(
			{ last_pushed_hash: after, remote_hash: after },
			{ where: { content_id: contentId, last_pushed_hash: before } }
		);
	}

	/**
	 * Per site of the account (or of one): publications that failed after
	 * every retry, and those refused as conflicts (the post was edited in
	 * WordPress since the last push). One grouped query; sites with neither
	 * are absent.
	 */
	async problemsBySite(
		accountId: number,
		siteId?: number
	): Promise< Map< number, { failed: number; conflicts: number } > > {
		const rows = await this.deps.db.sequelize.query< {
			site_id: number;
			failed: number;
			conflicts: number;
		} >(
			`SELECT site_id::int AS site_id,
			   count(*) FILTER (WHERE status = 'failed')::int AS failed,
			   count(*) FILTER (WHERE status = 'conflict')::int AS conflicts
			 FROM publishing_records
			 WHERE account_id = $1 AND status IN ('failed', 'conflict') ${ siteId !== undefined ? 'AND site_id = $2' : '' }
			 GROUP BY site_id`,
			{
				bind: [
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return new Map(
			rows.map( ( { site_id: site, ...counts } ) => [ site, counts ] )
		);
	}

	/** What WordPress now holds for a content's post, shown next to what was last pushed. */
	async recordRemoteHash(
		transaction: Transaction,
		contentId: number,
		hash: string
	): Promise< void > {
		await this.deps.models.PublishingRecord.update(
			{ remote_hash: hash },
			{ where: { content_id: contentId }, transaction }
		);
	}

	/** Writes the outcome; a record re-queued while it was in flight stays queued. */
	private async settle(
		integration: SiteIntegrationRow,
		record: PublishingRecordRow,
		outcome: Outcome
	): Promise< void > {
		const { db, models } = this.deps;
		const keepRequeued = ( status: string ) =>
			db.sequelize.literal(
				`CASE WHEN status = 'publishing' THEN ${ db.sequelize.escape( status ) } ELSE status END`
			);
		if ( outcome.kind === 'published' ) {
			const { result } = outcome;
			// Only an http(s) address is stored; anything else keeps the previous one.
			const url = httpUrlOrNull( result.url );
			const content = await models.Content.findByPk( record.content_id );
			await db.sequelize.transaction( async ( transaction ) => {
				await models.PublishingRecord.update(
					{
						status: keepRequeued( 'published' ) as never,
						post_id: result.post_id,
						...( url ? { post_url: url } : {} ),
						last_pushed_hash: result.content_hash,
						remote_hash: result.content_hash,
						revision: content?.revision ?? null,
						last_error: null,
						published_at: new Date(),
						force: false,
					},
					{ where: { id: record.id }, transaction }
				);
				const mapped = mapWpStatus(
					wpState( result.status ) ?? 'draft'
				);
				await this.deps.writer.recordPostState(
					transaction,
					{ account_id: record.account_id },
					{ content, taskId: record.task_id },
					{
						...mapped,
						post: {
							id: result.post_id,
							type: content?.entity_type ?? null,
							url,
						},
					}
				);
				await this.deps.lease.backOff(
					integration.id,
					null,
					transaction
				);
				await recordEvent( db.sequelize, transaction, {
					type: 'content.published',
					account_id: Number( record.account_id ),
					payload: {
						content_id: Number( record.content_id ),
						task_id: record.task_id
							? Number( record.task_id )
							: null,
						site_id: Number( record.site_id ),
						post_id: result.post_id,
						post_url: url,
						status: result.status,
						publishing_record_id: Number( record.id ),
					},
				} );
			} );
			return;
		}
		if ( outcome.kind === 'conflict' ) {
			const remoteUrl = httpUrlOrNull( outcome.remote?.url );
			await models.PublishingRecord.update(
				{
					status: keepRequeued( 'conflict' ) as never,
					remote_hash: outcome.remote?.content_hash ?? null,
					...( outcome.remote?.post_id
						? {
								post_id: outcome.remote.post_id,
								...( remoteUrl ? { post_url: remoteUrl } : {} ),
							}
						: {} ),
					last_error:
						'The post was edited in WordPress since the last push; nothing was overwritten. Publish with force to replace it.',
				},
				{ where: { id: record.id } }
			);
			return;
		}
		if (
			outcome.kind === 'retry' &&
			record.attempts < this.settings.maxAttempts
		) {
			const delay = Math.min(
				this.settings.maxBackoffMs,
				this.settings.backoffMs * 2 ** ( record.attempts - 1 )
			);
			const next = new Date( Date.now() + delay );
			await models.PublishingRecord.update(
				{
					status: keepRequeued( 'queued' ) as never,
					last_error: outcome.error,
					next_attempt_at: next,
				},
				{ where: { id: record.id } }
			);
			await this.deps.lease.backOff( integration.id, next );
			return;
		}
		await models.PublishingRecord.update(
			{
				status: keepRequeued( 'failed' ) as never,
				last_error: outcome.error,
			},
			{ where: { id: record.id } }
		);
	}
}

import { QueryTypes, type Transaction } from 'sequelize';
import {
	syncEventSchema,
	type EventBatchResult,
	type SyncEvent,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import { rowCountOf } from '../../db/row-count';
import { recordEvent } from '../../domain-events';
import type { Models } from '../../db/models';
import type { Logger } from '../../logger';
import type { SiteKeyPrincipal } from '../auth';
import type { PublisherService } from '../publisher';
import type { WriterPipeline } from '../writer';
import { httpUrlOrNull } from '../../net/http-url';
import { structureOf } from './site-structure';
import { mapWpStatus, wpState, type WpState } from './status-mapping';

type PostEvent = Extract< SyncEvent, { post: unknown } >;
type TermEvent = Extract< SyncEvent, { type: 'term.changed' } >;

const DAY_MS = 24 * 60 * 60_000;
/** Rows one purge statement deletes: a long backlog goes in short transactions. */
const PURGE_BATCH = 5_000;

/**
 * Applies the plugin's outbox batches (protocol → events). Every event id is
 * recorded in the same transaction that applies it, under a primary key, so
 * an event is applied at most once within the retention period — also when
 * two copies of a batch race — and a replay is acknowledged as a duplicate.
 * Ids older than the period are purged (the plugin deletes an event once the
 * cloud acknowledged it, so only a replay months late could find its id gone,
 * and posts and terms ignore reports older than what they hold).
 */
export class EventService {
	constructor(
		private readonly deps: {
			db: Database;
			models: Models;
			logger: Logger;
			retentionDays: number;
			/** Content and tasks are the writer's: WordPress's word on a post is recorded through it. */
			writer: WriterPipeline;
			/** Publishing records are the publisher's. */
			publisher: Pick< PublisherService, 'recordRemoteHash' >;
		}
	) {}

	/** Deletes event ids processed before the retention period; returns how many. The scheduler runs it daily. */
	async purgeExpired( now = new Date() ): Promise< number > {
		const cutoff = new Date(
			now.getTime() - this.deps.retentionDays * DAY_MS
		);
		let purged = 0;
		for (;;) {
			const [ , meta ] = await this.deps.db.sequelize.query(
				`DELETE FROM integration_events WHERE (site_id, event_id) IN (
					SELECT site_id, event_id FROM integration_events WHERE processed_at < :cutoff LIMIT ${ PURGE_BATCH }
				)`,
				{ replacements: { cutoff } }
			);
			const deleted = rowCountOf( meta );
			purged += deleted;
			if ( deleted < PURGE_BATCH ) {
				break;
			}
		}
		if ( purged > 0 ) {
			this.deps.logger.info(
				{ purged, retention_days: this.deps.retentionDays },
				'expired WordPress event ids purged'
			);
		}
		return purged;
	}

	async applyBatch(
		principal: SiteKeyPrincipal,
		events: unknown[]
	): Promise< EventBatchResult > {
		const result: EventBatchResult = {
			accepted: [],
			duplicates: [],
			rejected: [],
		};
		for ( const raw of events ) {
			const rawId =
				raw && typeof raw === 'object' && 'id' in raw
					? String( ( raw as { id: unknown } ).id ).slice( 0, 64 )
					: null;
			const parsed = syncEventSchema.safeParse( raw );
			if ( ! parsed.success ) {
				result.rejected.push( {
					id: rawId,
					error: parsed.error.issues
						.slice( 0, 3 )
						.map(
							( issue ) =>
								`${ issue.path.join( '.' ) || 'event' }: ${ issue.message }`
						)
						.join( '; ' ),
				} );
				continue;
			}
			const event = parsed.data;
			try {
				const applied = await this.deps.db.sequelize.transaction(
					( transaction ) =>
						this.applyOne( principal, event, transaction )
				);
				( applied ? result.accepted : result.duplicates ).push(
					event.id
				);
			} catch ( error ) {
				// Not the event's fault (the database): answer 5xx so the plugin
				// retries the batch; what was applied comes back as duplicates.
				this.deps.logger.error(
					{
						err: error,
						event_id: event.id,
						site_id: principal.site.id,
					},
					'sync event could not be applied'
				);
				throw error;
			}
		}
		return result;
	}

	/** False when the event id was seen before (nothing changes). */
	private async applyOne(
		principal: SiteKeyPrincipal,
		event: SyncEvent,
		transaction: Transaction
	): Promise< boolean > {
		const fresh = await this.deps.db.sequelize.query(
			`INSERT INTO integration_events (site_id, event_id, type, occurred_at)
			 VALUES (:site, :id, :type, :at)
			 ON CONFLICT (site_id, event_id) DO NOTHING
			 RETURNING event_id`,
			{
				replacements: {
					site: principal.site.id,
					id: event.id,
					type: event.type,
					at: event.occurred_at,
				},
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( fresh.length === 0 ) {
			return false;
		}
		if ( event.type === 'structure.changed' ) {
			await this.applyStructure( principal, event.metadata, transaction );
		} else if ( 'post' in event ) {
			await this.applyPost( principal, event, transaction );
		} else if ( event.type === 'term.changed' ) {
			await this.applyTerm( principal, event, transaction );
		}
		return true;
	}

	/**
	 * Keeps the site's terms (per taxonomy) as WordPress last reported them.
	 * A deletion leaves a tombstone, and an event older than the one already
	 * applied to a term changes nothing, so a late "edited" cannot revive it.
	 */
	private async applyTerm(
		principal: SiteKeyPrincipal,
		event: TermEvent,
		transaction: Transaction
	): Promise< void > {
		const { term } = event;
		await this.deps.db.sequelize.query(
			`INSERT INTO site_terms (account_id, site_id, taxonomy, term_id, name, slug, last_event_at, deleted_at)
			 VALUES (:account, :site, :taxonomy, :term, :name, :slug, :at, :deletedAt)
			 ON CONFLICT (site_id, taxonomy, term_id) DO UPDATE SET
				name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE site_terms.name END,
				slug = CASE WHEN EXCLUDED.slug <> '' THEN EXCLUDED.slug ELSE site_terms.slug END,
				last_event_at = EXCLUDED.last_event_at,
				deleted_at = EXCLUDED.deleted_at,
				updated_at = NOW()
			 WHERE site_terms.last_event_at IS NULL OR site_terms.last_event_at <= EXCLUDED.last_event_at`,
			{
				replacements: {
					account: principal.account.id,
					site: principal.site.id,
					taxonomy: term.taxonomy,
					term: term.term_id,
					name: term.name ?? '',
					slug: term.slug ?? '',
					at: event.occurred_at,
					deletedAt:
						term.action === 'deleted' ? event.occurred_at : null,
				},
				transaction,
			}
		);
	}

	private async applyStructure(
		principal: SiteKeyPrincipal,
		metadata: Record< string, unknown >,
		transaction: Transaction
	): Promise< void > {
		const row = await this.deps.models.SiteIntegration.findOne( {
			where: { site_id: principal.site.id, platform: 'wordpress' },
			transaction,
			lock: transaction.LOCK.UPDATE,
		} );
		if ( row ) {
			await row.update(
				{
					config_json: {
						...row.config_json,
						structure: structureOf( metadata ),
					},
					last_structure_update_at: new Date(),
				},
				{ transaction }
			);
		}
	}

	private async applyPost(
		principal: SiteKeyPrincipal,
		event: PostEvent,
		transaction: Transaction
	): Promise< void > {
		const { models } = this.deps;
		const { post } = event;
		const site = principal.site;
		const occurredAt = new Date( event.occurred_at );
		const state: WpState | null =
			event.type === 'post.deleted'
				? 'deleted'
				: event.type === 'post.trashed'
					? 'trash'
					: wpState( post.status );

		// Make sure the row exists, then lock it: events of one post apply one at a time.
		await this.deps.db.sequelize.query(
			`INSERT INTO site_posts (account_id, site_id, wp_post_id)
			 VALUES (:account, :site, :post)
			 ON CONFLICT (site_id, wp_post_id) DO NOTHING`,
			{
				replacements: {
					account: principal.account.id,
					site: site.id,
					post: post.wp_post_id,
				},
				transaction,
			}
		);
		const row = await models.SitePost.findOne( {
			where: { site_id: site.id, wp_post_id: post.wp_post_id },
			transaction,
			lock: transaction.LOCK.UPDATE,
		} );
		if ( row!.last_event_at && row!.last_event_at > occurredAt ) {
			// A newer event already spoke for this post; a late older one changes nothing.
			return;
		}
		const modified = post.modified_gmt
			? new Date( post.modified_gmt )
			: null;
		// Only an http(s) address is stored; anything else keeps the previous one.
		const url = httpUrlOrNull( post.url );
		await row!.update(
			{
				...( post.post_type ? { post_type: post.post_type } : {} ),
				...( state === 'deleted'
					? { status: 'deleted', deleted_at: occurredAt }
					: post.status
						? { status: post.status, deleted_at: null }
						: {} ),
				...( post.title !== undefined ? { title: post.title } : {} ),
				...( url ? { url } : {} ),
				...( post.content_hash
					? { content_hash: post.content_hash }
					: {} ),
				...( modified && ! Number.isNaN( modified.getTime() )
					? { modified_gmt: modified }
					: {} ),
				...( post.igny8_task_id !== undefined
					? { igny8_task_id: post.igny8_task_id }
					: {} ),
				...( post.igny8_content_id !== undefined
					? { igny8_content_id: post.igny8_content_id }
					: {} ),
				last_event_at: occurredAt,
			},
			{ transaction }
		);
		await recordEvent( this.deps.db.sequelize, transaction, {
			type: 'site_posts.changed',
			account_id: principal.account.id,
			payload: { site_id: site.id, wp_post_ids: [ post.wp_post_id ] },
		} );
		if ( state === null ) {
			return;
		}
		await this.applyStatus( principal, post, url, state, transaction );
	}

	/** The mapping applied to the post's content and task (only the ones of this site). */
	private async applyStatus(
		principal: SiteKeyPrincipal,
		post: PostEvent[ 'post' ],
		url: string | null,
		state: WpState,
		transaction: Transaction
	): Promise< void > {
		const { models } = this.deps;
		const scope = {
			account_id: principal.account.id,
			site_id: principal.site.id,
		};
		const content = post.igny8_content_id
			? await models.Content.findOne( {
					where: { ...scope, id: post.igny8_content_id },
					transaction,
					lock: transaction.LOCK.UPDATE,
				} )
			: await models.Content.findOne( {
					where: { ...scope, external_id: String( post.wp_post_id ) },
					transaction,
					lock: transaction.LOCK.UPDATE,
				} );
		const deleted = state === 'deleted';
		// Before the task: the same lock order as a publish (record, then task).
		if ( content && post.content_hash && ! deleted ) {
			// What WordPress holds now: shown next to what the cloud last pushed.
			await this.deps.publisher.recordRemoteHash(
				transaction,
				content.id,
				post.content_hash
			);
		}
		await this.deps.writer.recordPostState(
			transaction,
			scope,
			{
				content,
				taskId: post.igny8_task_id ?? content?.task_id ?? null,
			},
			{
				...mapWpStatus( state ),
				post: deleted
					? null
					: {
							id: post.wp_post_id,
							type: post.post_type ?? null,
							url,
						},
			}
		);
	}
}

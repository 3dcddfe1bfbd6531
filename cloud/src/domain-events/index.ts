import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { rowCountOf } from '../db/row-count';
import type { Logger } from '../logger';

/**
 * Domain events: facts a module records in the same transaction as the
 * change they describe ("content 9 was published"), delivered at least once
 * to every subscriber, in order, from any process. Modules that react (the
 * linker, the optimizer, automation) subscribe by name instead of being
 * called by the module that changed something.
 *
 * Recording is an INSERT in the caller's transaction: a rolled-back change
 * has no event, a committed one always has. Delivery keeps one cursor per
 * subscriber (`domain_event_cursors`); a dispatcher leases the cursor, hands
 * the events after it to the handler, and moves it past each one the
 * handler finished. Events are taken in (writing transaction, id) order and
 * only from transactions older than every one still running: ids are handed
 * out at insert, not at commit, so reading by id alone could pass an event
 * whose transaction commits a moment later and never come back for it. A process that dies mid-batch leaves the lease to
 * expire, and the next dispatcher hands over again what was not marked done:
 * handlers are idempotent (they key their effects by `event.id`).
 */

export type DomainEventType =
	| 'content.published'
	/** Content's text, title or state changed: `{ content_id, site_id }`. */
	| 'content.saved'
	/** Ideas moved to approved: `{ site_id, sector_id, idea_ids }`. */
	| 'idea.approved'
	| 'keywords.imported'
	| 'run.finished'
	/** Site sync stored or changed these WordPress posts: `{ site_id, wp_post_ids }`. */
	| 'site_posts.changed';

export type DomainEvent = {
	id: number;
	type: DomainEventType;
	account_id: number;
	payload: Record< string, unknown >;
	created_at: Date;
};

export type Subscriber = {
	/** Stable: its cursor is kept under this name. */
	name: string;
	types: readonly DomainEventType[];
	handle( event: DomainEvent ): Promise< void >;
};

/** A dispatcher that dies keeps its lease this long; then another takes over. */
const LEASE_MS = 60_000;
/** Events one subscriber gets per dispatch. */
const BATCH = 100;

/** Where a subscriber is: the last (transaction, id) it was handed. */
type Position = { tx: string; id: number };

/** Records an event inside the transaction of the change it describes. */
export async function recordEvent(
	sequelize: Sequelize,
	transaction: Transaction,
	event: {
		type: DomainEventType;
		account_id: number;
		payload: Record< string, unknown >;
	}
): Promise< void > {
	await sequelize.query(
		'INSERT INTO domain_events (type, account_id, payload) VALUES ($1, $2, $3)',
		{
			bind: [
				event.type,
				event.account_id,
				JSON.stringify( event.payload ),
			],
			transaction,
		}
	);
}

export class DomainEvents {
	private readonly subscribers = new Map< string, Subscriber >();
	/** Who holds a lease: this dispatcher (several may live in one process). */
	private readonly holder = `${ os.hostname() }:${ process.pid }:${ randomUUID() }`;

	constructor(
		private readonly sequelize: Sequelize,
		private readonly logger: Logger
	) {}

	subscribe( subscriber: Subscriber ): void {
		if ( this.subscribers.has( subscriber.name ) ) {
			throw new Error(
				`A subscriber named ${ subscriber.name } exists already.`
			);
		}
		this.subscribers.set( subscriber.name, subscriber );
	}

	/**
	 * Delivers what each subscriber has not had yet; answers how many
	 * deliveries were made. What the scheduler runs every second.
	 */
	async dispatch(): Promise< number > {
		let delivered = 0;
		for ( const subscriber of this.subscribers.values() ) {
			delivered += await this.deliver( subscriber );
		}
		return delivered;
	}

	private async deliver( subscriber: Subscriber ): Promise< number > {
		const cursor = await this.lease( subscriber.name );
		if ( cursor === null ) {
			return 0;
		}
		let last = cursor;
		let delivered = 0;
		try {
			// One horizon for both reads below: taken again for the second,
			// it could have moved past an event the first did not return yet,
			// and the cursor would skip that event for good.
			const [ snapshot ] = await this.sequelize.query< {
				horizon: string;
			} >(
				'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon',
				{ type: QueryTypes.SELECT }
			);
			const horizon = snapshot!.horizon;
			const events = await this.sequelize.query<
				DomainEvent & { tx: string }
			>(
				`SELECT id, type, account_id, payload, created_at, tx::text AS tx FROM domain_events
				 WHERE (tx, id) > ($1::xid8, $2::bigint)
				   AND tx < $4::xid8
				   AND type = ANY($3::text[])
				 ORDER BY tx, id LIMIT ${ BATCH }`,
				{
					bind: [
						cursor.tx,
						cursor.id,
						[ ...subscriber.types ],
						horizon,
					],
					type: QueryTypes.SELECT,
				}
			);
			for ( const row of events ) {
				const { tx, ...rest } = row;
				await subscriber.handle( {
					...rest,
					id: Number( row.id ),
					account_id: Number( row.account_id ),
				} );
				last = { tx, id: Number( row.id ) };
				delivered += 1;
				await this.advance( subscriber.name, last, true );
			}
			// Nothing more of its types: move past the settled events of other types too.
			if ( events.length < BATCH ) {
				const [ settled ] = await this.sequelize.query< {
					tx: string;
					id: string;
				} >(
					`SELECT tx::text AS tx, id FROM domain_events
					 WHERE tx < $1::xid8
					 ORDER BY tx DESC, id DESC LIMIT 1`,
					{ bind: [ horizon ], type: QueryTypes.SELECT }
				);
				if ( settled ) {
					last = { tx: settled.tx, id: Number( settled.id ) };
				}
			}
		} catch ( error ) {
			this.logger.warn(
				{ subscriber: subscriber.name, err: error },
				'domain event handler failed; it gets the event again'
			);
		} finally {
			await this.advance( subscriber.name, last, false ).catch(
				() => undefined
			);
		}
		return delivered;
	}

	/**
	 * Deletes events older than `days` that every subscriber has passed (an
	 * event a subscriber still waits for stays, however old); answers how
	 * many went. The scheduler runs it daily.
	 */
	async prune( days: number ): Promise< number > {
		const [ , meta ] = await this.sequelize.query(
			`DELETE FROM domain_events e
			 WHERE e.created_at < NOW() - make_interval(days => $1)
			   AND NOT EXISTS (
			     SELECT 1 FROM domain_event_cursors c WHERE (c.last_tx, c.last_id) < (e.tx, e.id)
			   )`,
			{ bind: [ days ] }
		);
		return rowCountOf( meta );
	}

	/** Takes the subscriber's cursor if nobody holds it; its position, or null. */
	private async lease( name: string ): Promise< Position | null > {
		await this.sequelize.query(
			'INSERT INTO domain_event_cursors (subscriber, last_id) VALUES ($1, 0) ON CONFLICT (subscriber) DO NOTHING',
			{ bind: [ name ] }
		);
		const [ row ] = await this.sequelize.query< {
			last_tx: string;
			last_id: string;
		} >(
			`UPDATE domain_event_cursors SET leased_by = $2, leased_until = NOW() + make_interval(secs => $3)
			 WHERE subscriber = $1 AND (leased_until IS NULL OR leased_until < NOW())
			 RETURNING last_tx::text AS last_tx, last_id`,
			{
				bind: [ name, this.holder, LEASE_MS / 1000 ],
				type: QueryTypes.SELECT,
			}
		);
		return row ? { tx: row.last_tx, id: Number( row.last_id ) } : null;
	}

	/** Moves the cursor (never back) and keeps or releases the lease. */
	private async advance(
		name: string,
		last: Position,
		keep: boolean
	): Promise< void > {
		await this.sequelize.query(
			`UPDATE domain_event_cursors SET
			   last_tx = CASE WHEN ($2::xid8, $3::bigint) > (last_tx, last_id) THEN $2::xid8 ELSE last_tx END,
			   last_id = CASE WHEN ($2::xid8, $3::bigint) > (last_tx, last_id) THEN $3::bigint ELSE last_id END${
					keep ? '' : ', leased_by = NULL, leased_until = NULL'
				}
			 WHERE subscriber = $1 AND leased_by = $4`,
			{ bind: [ name, last.tx, last.id, this.holder ] }
		);
	}
}

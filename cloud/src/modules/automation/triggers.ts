import type { AutomationEvent } from '@igny8/shared-types';
import type { DomainEvent, Subscriber } from '../../domain-events';
import type { AutomationExecutor } from './executor';
import { nextFireAt } from './schedule';
import type { AutomationStore } from './store';

/** Schedule rules claimed per transaction; a tick loops until none are due. */
const BATCH = 500;

/**
 * What starts runs: the scheduler's tick for schedule rules, domain events
 * for event rules. Both create the run keyed by what started it — the due
 * time, the event id — so a tick or an event handled twice makes one run.
 */
export class AutomationTriggers {
	constructor(
		private readonly store: AutomationStore,
		private readonly executor: AutomationExecutor
	) {}

	/**
	 * Fires every schedule rule that is due. A rule's next time is computed
	 * from now, not from the time it missed: after an outage a daily rule
	 * fires once on recovery, keyed by the first time it missed.
	 */
	async tick( now = new Date() ): Promise< number > {
		let fired = 0;
		for (;;) {
			const created: number[] = [];
			const claimed = await this.store.claimDue(
				now,
				BATCH,
				async ( rule, transaction ) => {
					const runId = await this.store.createRun(
						rule,
						{
							kind: 'schedule',
							key: `schedule:${ rule.next_fire_at!.toISOString() }`,
							payload: { due_at: rule.next_fire_at },
						},
						transaction
					);
					if ( runId !== null ) {
						created.push( runId );
					}
					await this.store.setNextFire(
						rule.id,
						nextFireAt( rule.trigger, now ),
						transaction
					);
				}
			);
			for ( const id of created ) {
				await this.executor.enqueue( id );
			}
			fired += created.length;
			if ( claimed < BATCH ) {
				return fired;
			}
		}
	}

	subscriber(): Subscriber {
		return {
			name: 'automation.triggers',
			types: [
				'keywords.imported',
				'content.published',
				'run.finished',
				'idea.approved',
			],
			handle: ( event ) => this.onEvent( event ),
		};
	}

	private async onEvent( event: DomainEvent ): Promise< void > {
		const fact = automationFact( event );
		if ( ! fact ) {
			return;
		}
		for ( const rule of await this.store.rulesFor(
			fact.site_id,
			fact.event
		) ) {
			if ( rule.account_id !== event.account_id ) {
				continue;
			}
			if (
				fact.sector_id !== null &&
				fact.sector_id !== rule.sector_id
			) {
				continue;
			}
			const statuses = rule.conditions.post_statuses;
			if (
				statuses &&
				! ( statuses as string[] ).includes( fact.post_status ?? '' )
			) {
				continue;
			}
			const runId = await this.store.createRun( rule, {
				kind: 'event',
				key: `event:${ event.id }`,
				payload: {
					event: fact.event,
					event_id: event.id,
					...fact.payload,
				},
			} );
			if ( runId !== null ) {
				await this.executor.enqueue( runId );
			}
		}
	}
}

/**
 * The automation event a domain event stands for. `cluster.created` and
 * `content.generated` are the AI runs that made clusters or drafts.
 */
export function automationFact( event: DomainEvent ): {
	event: AutomationEvent;
	site_id: number;
	sector_id: number | null;
	/** content.published: the status WordPress reported for the post. */
	post_status?: string;
	payload: Record< string, unknown >;
} | null {
	const p = event.payload;
	const siteId = Number( p.site_id );
	const sectorId =
		p.sector_id === null || p.sector_id === undefined
			? null
			: Number( p.sector_id );
	switch ( event.type ) {
		case 'keywords.imported':
			return {
				event: 'keywords.imported',
				site_id: siteId,
				sector_id: sectorId,
				payload: { import_id: p.import_id },
			};
		case 'content.published':
			return {
				event: 'content.published',
				site_id: siteId,
				sector_id: null,
				post_status: String( p.status ?? '' ),
				payload: { content_ids: [ Number( p.content_id ) ] },
			};
		case 'idea.approved':
			return {
				event: 'idea.approved',
				site_id: siteId,
				sector_id: sectorId,
				payload: { idea_ids: p.idea_ids },
			};
		case 'run.finished': {
			if ( p.status !== 'succeeded' ) {
				return null;
			}
			const summary = ( p.summary ?? {} ) as Record< string, unknown >;
			const list = ( key: string ) =>
				( summary[ key ] as Record< string, unknown >[] | undefined ) ??
				[];
			if (
				p.function_name === 'auto_cluster' &&
				list( 'clusters' ).length
			) {
				return {
					event: 'cluster.created',
					site_id: siteId,
					sector_id: sectorId,
					payload: {
						cluster_ids: list( 'clusters' ).map( ( c ) =>
							Number( c.id )
						),
					},
				};
			}
			if (
				p.function_name === 'generate_content' &&
				list( 'content' ).length
			) {
				return {
					event: 'content.generated',
					site_id: siteId,
					sector_id: sectorId,
					payload: {
						content_ids: list( 'content' ).map( ( c ) =>
							Number( c.content_id )
						),
					},
				};
			}
			return null;
		}
		default:
			return null;
	}
}

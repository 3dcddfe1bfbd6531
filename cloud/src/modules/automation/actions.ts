import { QueryTypes, type Sequelize } from 'sequelize';
import type {
	AutomationAction,
	AutomationConditions,
	AutomationOutputKind,
} from '@igny8/shared-types';
import type { Principal } from '../auth';

/**
 * What each action works on and does. Work flows down the chain as ids of
 * one kind (keywords → clusters → ideas → tasks → content); a step takes
 * what the step before it handed on, turned into the kind it needs, or —
 * first in the chain — what the trigger named or the sector holds. Every
 * plan leaves out what was done already (keywords in a cluster, tasks with
 * a draft, content already live), so a step resumed after a crash or a
 * retry does nothing twice.
 */

/** The kinds work flows as, in pipeline order. */
export const FLOW = [
	'keywords',
	'clusters',
	'ideas',
	'tasks',
	'content',
] as const;
export type FlowKind = ( typeof FLOW )[ number ];
export type Work = { kind: FlowKind; ids: number[] };

/** What a step hands on, and what it tells the person reading the run. */
export type Outcome = {
	output: { kind: AutomationOutputKind; ids: number[] };
	message: string;
};

/** One AI run a step asks for; big selections are split into several. */
export type AiCall = { fn: string; input: Record< string, unknown > };

export type Plan =
	| { kind: 'nothing'; message: string }
	| {
			kind: 'ai';
			calls: AiCall[];
			/** How many things it works on, in words ("12 tasks"). */
			description: string;
			items: number;
	  }
	| {
			kind: 'direct';
			description: string;
			items: number;
			perform(): Promise< Outcome >;
	  };

/** What actions call in other modules (each through its own service). */
export type ActionPorts = {
	approveIdeas( principal: Principal, ids: number[] ): Promise< number[] >;
	ideasToTasks( principal: Principal, ids: number[] ): Promise< number[] >;
	acceptRevisions( principal: Principal, ids: number[] ): Promise< number >;
	insertLinks(
		principal: Principal,
		contentId: number,
		max: number
	): Promise< number >;
	publish(
		principal: Principal,
		contentIds: number[],
		slot: {
			status: 'draft' | 'pending' | 'publish' | 'future';
			date_gmt?: string;
		}
	): Promise< void >;
};

export type StepContext = {
	principal: Principal;
	rule: {
		site_id: number;
		sector_id: number;
		conditions: AutomationConditions;
		timezone: string;
	};
	/** What the step before handed on; null for the first step (see `trigger`). */
	input: Work | null;
	/** What the trigger named, for a first step. */
	trigger: Work | null;
	phase: number;
	/** AI run summaries of the previous phase of this step (images: the prompts). */
	previous: Record< string, unknown >[];
};

const NEEDS: Record< AutomationAction[ 'type' ], FlowKind > = {
	cluster_keywords: 'keywords',
	generate_ideas: 'clusters',
	approve_ideas: 'ideas',
	create_tasks: 'ideas',
	generate_content: 'tasks',
	generate_images: 'content',
	optimize: 'content',
	insert_links: 'content',
	publish: 'content',
};

const CLUSTER_METHOD_WORDS: Record< string, string > = {
	lexical: 'by the words they share',
	embeddings: 'by meaning (embeddings)',
	llm: 'with the AI model',
};

/** Words for a count of a kind, for run messages and the dry run. */
export function countOf( n: number, kind: FlowKind | 'images' ): string {
	const one: Record< string, string > = {
		keywords: 'keyword',
		clusters: 'cluster',
		ideas: 'idea',
		tasks: 'task',
		content: 'draft',
		images: 'image',
	};
	return `${ n } ${ n === 1 ? one[ kind ] : kind === 'content' ? 'drafts' : kind }`;
}

function chunks< T >( items: T[], size: number ): T[][] {
	const out: T[][] = [];
	for ( let i = 0; i < items.length; i += size ) {
		out.push( items.slice( i, i + size ) );
	}
	return out;
}

export class Actions {
	constructor(
		private readonly sequelize: Sequelize,
		private readonly ports: ActionPorts
	) {}

	private async ids( sql: string, bind: unknown[] ): Promise< number[] > {
		const rows = await this.sequelize.query< { id: number } >( sql, {
			bind,
			type: QueryTypes.SELECT,
		} );
		return rows.map( ( r ) => Number( r.id ) );
	}

	/** Turns work of one kind into the next kinds down the pipeline (ids made from it). */
	private async forward( work: Work, to: FlowKind ): Promise< number[] > {
		let { kind, ids } = work;
		while ( kind !== to ) {
			const at = FLOW.indexOf( kind );
			if ( at > FLOW.indexOf( to ) ) {
				// Nothing flows backwards: a draft names no new keywords.
				return [];
			}
			const next = FLOW[ at + 1 ] as Exclude< FlowKind, 'keywords' >;
			const sql: Record< Exclude< FlowKind, 'keywords' >, string > = {
				clusters:
					'SELECT DISTINCT cluster_id AS id FROM cluster_keywords WHERE keyword_id = ANY($1::bigint[])',
				ideas: 'SELECT id FROM content_ideas WHERE cluster_id = ANY($1::bigint[])',
				tasks: 'SELECT id FROM tasks WHERE content_idea_id = ANY($1::bigint[])',
				content:
					'SELECT id FROM content WHERE task_id = ANY($1::bigint[])',
			};
			ids = ids.length
				? await this.ids( `${ sql[ next ] } ORDER BY id`, [ ids ] )
				: [];
			kind = next;
		}
		return ids;
	}

	/** What the sector holds for a step first in its chain with no trigger naming work. */
	private async sectorWork(
		kind: FlowKind,
		ctx: StepContext,
		action: AutomationAction
	): Promise< number[] > {
		const { sector_id: sector, conditions } = ctx.rule;
		switch ( kind ) {
			case 'keywords':
				return this.ids(
					`SELECT k.id FROM keywords k WHERE k.sector_id = $1 AND k.status = 'active'
					 AND k.search_volume >= $2
					 AND NOT EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id) ORDER BY k.id`,
					[ sector, conditions.min_volume ?? 0 ]
				);
			case 'clusters':
				return this.ids(
					`SELECT c.id FROM clusters c WHERE c.sector_id = $1 AND c.status = 'active' ORDER BY c.id`,
					[ sector ]
				);
			case 'ideas':
				return this.ids(
					`SELECT id FROM content_ideas WHERE sector_id = $1 AND status = $2 ORDER BY id`,
					[
						sector,
						action.type === 'approve_ideas' ? 'draft' : 'approved',
					]
				);
			case 'tasks':
				return this.ids(
					`SELECT id FROM tasks WHERE sector_id = $1 AND status = 'pending' ORDER BY id`,
					[ sector ]
				);
			case 'content':
				return this.ids(
					`SELECT id FROM content WHERE sector_id = $1 AND sync_status = 'draft' ORDER BY id`,
					[ sector ]
				);
		}
	}

	/** The ids of the kind this action needs, before its own filters. */
	async workFor(
		action: AutomationAction,
		ctx: StepContext
	): Promise< number[] > {
		const need = NEEDS[ action.type ];
		const from = ctx.input ?? ctx.trigger;
		const ids = from
			? await this.forward( from, need )
			: await this.sectorWork( need, ctx, action );
		// The rule's sector only: an event on the site's other sectors is not this rule's.
		const table: Record< FlowKind, string > = {
			keywords: 'keywords',
			clusters: 'clusters',
			ideas: 'content_ideas',
			tasks: 'tasks',
			content: 'content',
		};
		return ids.length
			? this.ids(
					`SELECT id FROM ${ table[ need ] } WHERE id = ANY($1::bigint[]) AND sector_id = $2 ORDER BY id`,
					[ ids, ctx.rule.sector_id ]
				)
			: [];
	}

	/** What the step would do now: nothing, AI runs, or a direct change. */
	async plan( action: AutomationAction, ctx: StepContext ): Promise< Plan > {
		const need = NEEDS[ action.type ];
		const work = await this.workFor( action, ctx );
		const none = ( what: string ): Plan => ( {
			kind: 'nothing',
			message: `Nothing to do: ${ what }.`,
		} );
		switch ( action.type ) {
			case 'cluster_keywords': {
				const ids = work.length
					? await this.ids(
							`SELECT k.id FROM keywords k WHERE k.id = ANY($1::bigint[]) AND k.search_volume >= $2
							 AND NOT EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id) ORDER BY k.id`,
							[ work, ctx.rule.conditions.min_volume ?? 0 ]
						)
					: [];
				if ( ! ids.length ) {
					return none( 'no keywords outside a cluster' );
				}
				return {
					kind: 'ai',
					description: `Cluster ${ countOf( ids.length, 'keywords' ) } ${ CLUSTER_METHOD_WORDS[ action.method ] }`,
					items: ids.length,
					calls: [
						{
							fn: 'auto_cluster',
							input: {
								keyword_ids: ids,
								method: action.method,
								min_cluster_size: action.min_cluster_size,
							},
						},
					],
				};
			}
			case 'generate_ideas': {
				const ids = work.length
					? await this.ids(
							`SELECT c.id FROM clusters c WHERE c.id = ANY($1::bigint[])
							 AND NOT EXISTS (SELECT 1 FROM content_ideas i WHERE i.cluster_id = c.id)
							 AND (SELECT count(*) FROM cluster_keywords ck WHERE ck.cluster_id = c.id) >= $2
							 ORDER BY c.id`,
							[
								work,
								ctx.rule.conditions.min_cluster_keywords ?? 1,
							]
						)
					: [];
				if ( ! ids.length ) {
					return none( 'no clusters without ideas' );
				}
				return {
					kind: 'ai',
					description: `Write ${ action.ideas_per_cluster } ideas for each of ${ countOf( ids.length, 'clusters' ) }`,
					items: ids.length,
					calls: chunks( ids, 20 ).map( ( cluster_ids ) => ( {
						fn: 'generate_ideas',
						input: {
							cluster_ids,
							ideas_per_cluster: action.ideas_per_cluster,
						},
					} ) ),
				};
			}
			case 'approve_ideas': {
				// Most search volume first: the sum over the idea's cluster.
				const drafts = work.length
					? await this.ids(
							`SELECT i.id FROM content_ideas i
							 LEFT JOIN LATERAL (
								SELECT COALESCE(SUM(k.search_volume), 0) AS volume FROM cluster_keywords ck
								JOIN keywords k ON k.id = ck.keyword_id WHERE ck.cluster_id = i.cluster_id
							 ) v ON TRUE
							 WHERE i.id = ANY($1::bigint[]) AND i.status = 'draft'
							 ORDER BY v.volume DESC, i.id`,
							[ work ]
						)
					: [];
				const chosen =
					action.mode === 'top'
						? drafts.slice( 0, action.top_n ?? 1 )
						: drafts;
				const already = work.length
					? await this.ids(
							`SELECT id FROM content_ideas WHERE id = ANY($1::bigint[]) AND status <> 'draft' ORDER BY id`,
							[ work ]
						)
					: [];
				if ( ! chosen.length ) {
					return already.length
						? {
								kind: 'direct',
								description: 'Every idea is approved already',
								items: 0,
								perform: async () => ( {
									output: { kind: 'ideas', ids: already },
									message: `${ countOf( already.length, 'ideas' ) } approved already.`,
								} ),
							}
						: none( 'no ideas to approve' );
				}
				return {
					kind: 'direct',
					description:
						action.mode === 'top'
							? `Approve the ${ countOf( chosen.length, 'ideas' ) } with the most search volume`
							: `Approve ${ countOf( chosen.length, 'ideas' ) }`,
					items: chosen.length,
					perform: async () => {
						const approved = await this.ports.approveIdeas(
							ctx.principal,
							chosen
						);
						return {
							output: {
								kind: 'ideas',
								ids:
									action.mode === 'top'
										? approved
										: [
												...new Set( [
													...already,
													...approved,
												] ),
											],
							},
							message: `${ countOf( approved.length, 'ideas' ) } approved.`,
						};
					},
				};
			}
			case 'create_tasks': {
				const ideas = work.length
					? await this.ids(
							`SELECT id FROM content_ideas WHERE id = ANY($1::bigint[]) AND status IN ('approved', 'in_progress') ORDER BY id`,
							[ work ]
						)
					: [];
				if ( ! ideas.length ) {
					return none( 'no approved ideas' );
				}
				return {
					kind: 'direct',
					description: `Make a writing task of each of ${ countOf( ideas.length, 'ideas' ) }`,
					items: ideas.length,
					perform: async () => {
						const tasks = await this.ports.ideasToTasks(
							ctx.principal,
							ideas
						);
						return {
							output: { kind: 'tasks', ids: tasks },
							message: `${ countOf( tasks.length, 'tasks' ) } ready to write.`,
						};
					},
				};
			}
			case 'generate_content': {
				const tasks = work.length
					? await this.ids(
							`SELECT t.id FROM tasks t WHERE t.id = ANY($1::bigint[])
							 AND NOT EXISTS (SELECT 1 FROM content c WHERE c.task_id = t.id) ORDER BY t.id`,
							[ work ]
						)
					: [];
				if ( ! tasks.length ) {
					return none( 'every task has its draft' );
				}
				return {
					kind: 'ai',
					description: `Write ${ countOf( tasks.length, 'content' ) }`,
					items: tasks.length,
					calls: chunks( tasks, 20 ).map( ( task_ids ) => ( {
						fn: 'generate_content',
						input: {
							task_ids,
							author_profile_id: action.author_profile_id,
							strategy_id: action.strategy_id,
						},
					} ) ),
				};
			}
			case 'generate_images': {
				if ( ctx.phase === 0 ) {
					const tasks = work.length
						? await this.ids(
								`SELECT c.task_id AS id FROM content c WHERE c.id = ANY($1::bigint[]) AND c.task_id IS NOT NULL
								 AND NOT EXISTS (SELECT 1 FROM images i WHERE i.content_id = c.id) ORDER BY c.id`,
								[ work ]
							)
						: [];
					if ( ! tasks.length ) {
						return none( 'every draft has its image prompts' );
					}
					return {
						kind: 'ai',
						description: `Write image prompts for ${ countOf( tasks.length, 'content' ) }, then make the images`,
						items: tasks.length,
						calls: chunks( tasks, 20 ).map( ( task_ids ) => ( {
							fn: 'generate_image_prompts',
							input: {
								task_ids,
								in_article_images: action.in_article_images,
							},
						} ) ),
					};
				}
				const images = await this.ids(
					`SELECT i.id FROM images i WHERE i.content_id = ANY($1::bigint[])
					 AND i.prompt <> '' AND i.storage_path IS NULL AND i.image_url IS NULL ORDER BY i.id`,
					[ work ]
				);
				if ( ! images.length ) {
					return none( 'every image is made' );
				}
				return {
					kind: 'ai',
					description: `Make ${ countOf( images.length, 'images' ) }`,
					items: images.length,
					calls: chunks( images, 100 ).map( ( image_ids ) => ( {
						fn: 'generate_images',
						input: { image_ids },
					} ) ),
				};
			}
			case 'optimize': {
				const drafts = work.length
					? await this.ids(
							`SELECT id FROM content WHERE id = ANY($1::bigint[]) AND sync_status IN ('draft', 'synced', 'published') ORDER BY id`,
							[ work ]
						)
					: [];
				if ( ! drafts.length ) {
					return none( 'no drafts to optimize' );
				}
				return {
					kind: 'ai',
					description: `Optimize ${ countOf( drafts.length, 'content' ) } scoring under ${ action.min_score }`,
					items: drafts.length,
					calls: chunks( drafts, 1000 ).map( ( content_ids ) => ( {
						fn: 'optimize_content',
						input: { content_ids, min_score: action.min_score },
					} ) ),
				};
			}
			case 'insert_links': {
				if ( ! work.length ) {
					return none( 'no drafts to link from' );
				}
				return {
					kind: 'direct',
					description: `Insert up to ${ action.max_links } internal links in each of ${ countOf( work.length, 'content' ) }`,
					items: work.length,
					perform: async () => {
						let added = 0;
						for ( const id of work ) {
							added += await this.ports.insertLinks(
								ctx.principal,
								id,
								action.max_links
							);
						}
						return {
							output: { kind: 'content', ids: work },
							message: `${ added } internal ${ added === 1 ? 'link' : 'links' } inserted in ${ countOf( work.length, 'content' ) }.`,
						};
					},
				};
			}
			case 'publish': {
				const drafts = work.length
					? await this.ids(
							`SELECT c.id FROM content c WHERE c.id = ANY($1::bigint[])
							 AND NOT EXISTS (SELECT 1 FROM publishing_records p WHERE p.content_id = c.id AND p.status <> 'failed')
							 ORDER BY c.id`,
							[ work ]
						)
					: [];
				const handedOn = work;
				if ( ! drafts.length ) {
					return none( 'every draft is sent to WordPress already' );
				}
				const slots = publishSlots(
					drafts,
					action,
					ctx.rule.timezone,
					new Date()
				);
				const scheduled = slots.filter(
					( slot ) => slot.status === 'future'
				).length;
				const days =
					action.status === 'publish' && action.per_day
						? Math.ceil( drafts.length / action.per_day )
						: 1;
				return {
					kind: 'direct',
					description: describeSlots( drafts.length, action, days ),
					items: drafts.length,
					perform: async () => {
						for ( const slot of slots ) {
							await this.ports.publish(
								ctx.principal,
								slot.ids,
								slot
							);
						}
						return {
							output: { kind: 'content', ids: handedOn },
							message: `${ countOf( drafts.length, 'content' ) } sent to WordPress${ scheduled ? ` (${ scheduled } scheduled, over ${ days } ${ days === 1 ? 'day' : 'days' })` : '' }.`,
						};
					},
				};
			}
		}
		return none( `${ need } are not something this action takes` );
	}

	/**
	 * What a step hands on once its AI runs of this phase succeeded, or that
	 * it has another phase. Optimize accepts the revisions its run proposed
	 * (unattended, nobody else will).
	 */
	async after(
		action: AutomationAction,
		ctx: StepContext,
		summaries: Record< string, unknown >[],
		work: number[]
	): Promise< Outcome | 'next-phase' > {
		const list = ( key: string ) =>
			summaries.flatMap(
				( s ) =>
					( s[ key ] as Record< string, unknown >[] | undefined ) ??
					[]
			);
		switch ( action.type ) {
			case 'cluster_keywords': {
				const ids = list( 'clusters' ).map( ( c ) => Number( c.id ) );
				return {
					output: { kind: 'clusters', ids },
					message: `${ countOf( ids.length, 'clusters' ) } made.`,
				};
			}
			case 'generate_ideas': {
				const ids = list( 'clusters' ).flatMap( ( c ) =>
					( c.idea_ids as number[] ).map( Number )
				);
				return {
					output: { kind: 'ideas', ids },
					message: `${ countOf( ids.length, 'ideas' ) } written.`,
				};
			}
			case 'generate_content': {
				const ids = list( 'content' ).map( ( c ) =>
					Number( c.content_id )
				);
				return {
					output: { kind: 'content', ids },
					message: `${ countOf( ids.length, 'content' ) } written.`,
				};
			}
			case 'generate_images': {
				if ( ctx.phase === 0 ) {
					return 'next-phase';
				}
				const made = summaries.reduce(
					( n, s ) => n + Number( s.images_generated ?? 0 ),
					0
				);
				return {
					output: { kind: 'content', ids: work },
					message: `Images made for ${ countOf( work.length, 'content' ) }${ made ? ` (${ countOf( made, 'images' ) })` : '' }.`,
				};
			}
			case 'optimize': {
				const revisions = summaries.flatMap(
					( s ) => ( s.revision_ids as number[] | undefined ) ?? []
				);
				const accepted = await this.ports.acceptRevisions(
					ctx.principal,
					revisions.map( Number )
				);
				return {
					output: { kind: 'content', ids: work },
					message: `${ countOf( accepted, 'content' ) } rewritten and accepted; the others scored high enough already.`,
				};
			}
			default:
				return {
					output: { kind: 'content', ids: work },
					message: 'Done.',
				};
		}
	}
}

/** Posts per day within the rule's window: the first day's go now, later days are scheduled. */
export type Slot = {
	ids: number[];
	status: 'draft' | 'pending' | 'publish' | 'future';
	date_gmt?: string;
};

export function publishSlots(
	ids: number[],
	action: Extract< AutomationAction, { type: 'publish' } >,
	timezone: string,
	now: Date
): Slot[] {
	if ( action.status !== 'publish' || ! action.per_day ) {
		return [ { ids, status: action.status } ];
	}
	const opens = ( day: number ) =>
		windowStart( now, day, action.window_start, timezone );
	const closes = ( day: number ) => {
		const end = windowStart( now, day, action.window_end, timezone );
		// A window that ends "before" it starts runs past midnight.
		return end > opens( day )
			? end
			: windowStart( now, day + 1, action.window_end, timezone );
	};
	// Today counts while its window is open (or still to come); after it, tomorrow is the first day.
	const first = now < closes( 0 ) ? 0 : 1;
	const slots: Slot[] = [];
	chunks( ids, action.per_day ).forEach( ( dayIds, n ) => {
		const day = first + n;
		const start = opens( day );
		const end = closes( day );
		if ( day === 0 && now >= start ) {
			// Inside today's window: today's posts go out now.
			slots.push( { ids: dayIds, status: 'publish' } );
			return;
		}
		// Spread over the window: the first at its opening, the others evenly after.
		const step = ( end.getTime() - start.getTime() ) / dayIds.length;
		dayIds.forEach( ( id, i ) => {
			slots.push( {
				ids: [ id ],
				status: 'future',
				date_gmt: new Date(
					start.getTime() + Math.floor( i * step )
				).toISOString(),
			} );
		} );
	} );
	return slots;
}

/** `HH:MM` in the zone, `day` days after today there, as an instant. */
function windowStart(
	now: Date,
	day: number,
	hhmm: string,
	zone: string
): Date {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat( 'en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
		} )
			.formatToParts( now )
			.map( ( p ) => [ p.type, p.value ] )
	);
	const [ hour, minute ] = hhmm.split( ':' ).map( Number ) as [
		number,
		number,
	];
	const wall = Date.UTC(
		Number( parts.year ),
		Number( parts.month ) - 1,
		Number( parts.day ) + day,
		hour,
		minute
	);
	// The zone's offset at that wall time: format the guess back and correct by the difference.
	const asZone = new Date(
		new Date( wall ).toLocaleString( 'en-US', { timeZone: zone } )
	).getTime();
	const asUtc = new Date(
		new Date( wall ).toLocaleString( 'en-US', { timeZone: 'UTC' } )
	).getTime();
	return new Date( wall - ( asZone - asUtc ) );
}

function describeSlots(
	n: number,
	action: Extract< AutomationAction, { type: 'publish' } >,
	days: number
): string {
	const verb =
		action.status === 'publish'
			? 'Publish'
			: action.status === 'pending'
				? 'Send for review'
				: 'Send as WordPress drafts';
	return action.status === 'publish' && action.per_day
		? `${ verb } ${ countOf( n, 'content' ) }, at most ${ action.per_day } a day between ${ action.window_start } and ${ action.window_end } (${ days } ${ days === 1 ? 'day' : 'days' })`
		: `${ verb } ${ countOf( n, 'content' ) }`;
}

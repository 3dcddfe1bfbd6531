import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import type { AutomationAction } from '@igny8/shared-types';
import type { DomainEvent, Subscriber } from '../../domain-events';
import { ApiError } from '../../http/errors';
import type { Logger } from '../../logger';
import type { JobDefinition, JobQueue } from '../../queue';
import type { Principal } from '../auth';
import { Actions, type FlowKind, type StepContext, type Work } from './actions';
import type { RuleRow, RunRow, StepRow, AutomationStore } from './store';

export const AUTOMATION_JOB = 'automation.run';
export type AutomationJob = { run_id: number };
export const automationJobId = ( runId: number ) => `automation-run-${ runId }`;

/** A worker holds a run this long per advance; a dead worker's run is taken over after. */
const LEASE_MS = 60_000;
/** A failed step is tried this many times in all, waiting 30 s, 60 s, 120 s… between. */
export const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 30_000;

/** What the engine must offer automation: start a run once per key, price one, read runs. */
export type AutomationAi = {
	runAiTask(
		fn: string,
		input: unknown,
		principal: Principal,
		options: { originKey: string }
	): Promise< { id: number } >;
	quote(
		fn: string,
		input: unknown,
		principal: Principal
	): Promise< { credits: number } >;
};

type AiRunState = {
	id: number;
	status: string;
	credits_charged: number;
	error: string | null;
	output_summary: Record< string, unknown > | null;
};

type Advance = 'done' | 'again' | 'wait' | 'stop';

const ACTION_WORDS: Record< AutomationAction[ 'type' ], string > = {
	cluster_keywords: 'cluster keywords',
	generate_ideas: 'generate ideas',
	approve_ideas: 'approve ideas',
	create_tasks: 'create tasks',
	generate_content: 'generate content',
	generate_images: 'generate images',
	optimize: 'optimize',
	insert_links: 'insert links',
	publish: 'publish',
};

export const capitalized = ( text: string ) =>
	text.charAt( 0 ).toUpperCase() + text.slice( 1 );

export const stepName = ( step: {
	position: number;
	action: AutomationAction;
} ) => `step ${ step.position + 1 } (${ ACTION_WORDS[ step.action.type ] })`;

const startOfUtcDay = ( now: Date ) =>
	new Date(
		Date.UTC( now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() )
	);
export const startOfUtcMonth = ( now: Date ) =>
	new Date( Date.UTC( now.getUTCFullYear(), now.getUTCMonth(), 1 ) );

/**
 * Runs automation runs step by step. All state is in the database: a job
 * advances a run as far as it can (direct steps at once, AI steps until
 * their runs are queued) and leaves it `waiting`; the `run.finished` event
 * or the reconciler brings it back. AI runs are started with an origin key
 * made of (run, step, attempt, phase, chunk), so a worker that dies after
 * starting one and before recording it gets the same run on the next try —
 * nothing is started or charged twice.
 */
export class AutomationExecutor {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			store: AutomationStore;
			actions: Actions;
			ai: AutomationAi;
			queue: JobQueue;
			logger: Logger;
			principalFor( rule: RuleRow ): Promise< Principal >;
			/** A capped site's monthly cap and what it used this month (billing's SiteCapService); null: no cap. */
			siteRoom?(
				accountId: number,
				siteId: number
			): Promise< { cap: number; used: number } | null >;
		}
	) {}

	job(): JobDefinition< AutomationJob, void > {
		return {
			type: AUTOMATION_JOB,
			concurrency: 4,
			// The run keeps its own state and retries; the reconciler re-enqueues.
			retries: 0,
			timeoutMs: 10 * 60_000,
			handler: async ( job ) => this.advance( job.data.run_id ),
		};
	}

	async enqueue( runId: number ): Promise< void > {
		await this.deps.queue.enqueue< AutomationJob >(
			AUTOMATION_JOB,
			{ run_id: runId },
			{ jobId: automationJobId( runId ) }
		);
	}

	/** Brings back runs nobody is advancing (a dead worker, a lost job, a due retry). */
	async reconcile(): Promise< number > {
		const ids = await this.deps.store.stalled( 500 );
		for ( const id of ids ) {
			await this.enqueue( id );
		}
		return ids.length;
	}

	/** Wakes the runs waiting on a finished AI run. */
	subscriber(): Subscriber {
		return {
			name: 'automation.progress',
			types: [ 'run.finished' ],
			handle: async ( event: DomainEvent ) => {
				const runIds = await this.deps.store.waitingOn(
					Number( event.payload.run_id )
				);
				for ( const id of runIds ) {
					await this.enqueue( id );
				}
			},
		};
	}

	async advance( runId: number ): Promise< void > {
		const { store } = this.deps;
		const run = await store.lease( runId, LEASE_MS );
		if ( ! run ) {
			return;
		}
		try {
			for ( let guard = 0; guard < 100; guard++ ) {
				const steps = await store.steps( [ run.id ] );
				const step = steps.find(
					( s ) => s.position === run.current_step
				);
				if ( ! step ) {
					await store.setRun( run.id, {
						status: 'succeeded',
						finished_at: new Date(),
						lease_until: null,
					} );
					return;
				}
				const rule = run.rule_id
					? await store.ruleById( run.rule_id )
					: null;
				if ( ! rule ) {
					await store.setRun( run.id, {
						status: 'cancelled',
						error: 'The rule was deleted; the run stopped.',
						finished_at: new Date(),
						lease_until: null,
					} );
					return;
				}
				let principal: Principal;
				try {
					principal = await this.deps.principalFor( rule );
				} catch ( error ) {
					await store.setStep( run.id, step.position, {
						status: 'failed',
						error: ( error as Error ).message,
						finished_at: new Date(),
					} );
					await store.setRun( run.id, {
						status: 'failed',
						error: ( error as Error ).message,
						finished_at: new Date(),
						lease_until: null,
					} );
					return;
				}
				const result = await this.step(
					run,
					rule,
					step,
					steps,
					principal
				);
				if ( result === 'done' ) {
					run.current_step += 1;
					await store.setRun( run.id, {
						current_step: run.current_step,
					} );
				} else if ( result === 'wait' ) {
					await store.setRun( run.id, {
						status: 'waiting',
						lease_until: null,
					} );
					return;
				} else if ( result === 'stop' ) {
					return;
				}
			}
		} catch ( error ) {
			// Unexpected (the database went away): leave the lease to lapse; the reconciler retries.
			this.deps.logger.warn(
				{ err: error, run_id: run.id },
				'automation run could not advance; it is retried'
			);
			throw error;
		}
	}

	private context(
		run: RunRow,
		rule: RuleRow,
		step: StepRow,
		steps: StepRow[],
		principal: Principal,
		previous: Record< string, unknown >[] = []
	): StepContext {
		const before = [ ...steps ]
			.filter(
				( s ) => s.position < step.position && s.status === 'succeeded'
			)
			.pop();
		const input: Work | null = before?.output_kind
			? { kind: before.output_kind as FlowKind, ids: before.output_ids }
			: step.position > 0
				? { kind: 'content', ids: [] }
				: null;
		return {
			principal,
			rule: {
				site_id: rule.site_id,
				sector_id: rule.sector_id,
				conditions: rule.conditions,
				timezone:
					rule.trigger.kind === 'schedule'
						? rule.trigger.timezone
						: 'UTC',
			},
			input,
			trigger: triggerWork( run ),
			phase: step.phase,
			previous,
		};
	}

	private async step(
		run: RunRow,
		rule: RuleRow,
		step: StepRow,
		steps: StepRow[],
		principal: Principal
	): Promise< Advance > {
		const { store, actions } = {
			store: this.deps.store,
			actions: this.deps.actions,
		};
		if ( step.status === 'succeeded' || step.status === 'skipped' ) {
			return 'done';
		}
		if ( step.status === 'waiting' ) {
			return this.collect( run, rule, step, steps, principal );
		}
		if ( step.next_attempt_at && step.next_attempt_at > new Date() ) {
			return 'wait';
		}
		const ctx = this.context( run, rule, step, steps, principal );
		const plan = await actions.plan( step.action, ctx );
		const now = new Date();
		if ( plan.kind === 'nothing' ) {
			if ( step.phase > 0 ) {
				// A later phase with nothing left: the step is done with what it has.
				return this.finishStep( run, rule, step, steps, principal, [] );
			}
			await store.setStep( run.id, step.position, {
				status: 'skipped',
				message: plan.message,
				output_kind: ctx.input?.kind ?? null,
				output_ids: [],
				started_at: step.started_at ?? now,
				finished_at: now,
			} );
			return 'done';
		}
		if ( plan.kind === 'direct' ) {
			await store.setStep( run.id, step.position, {
				status: 'running',
				attempts: step.attempts + 1,
				started_at: step.started_at ?? now,
			} );
			try {
				const outcome = await plan.perform();
				await store.setStep( run.id, step.position, {
					status: 'succeeded',
					output_kind: outcome.output.kind,
					output_ids: outcome.output.ids,
					message: outcome.message,
					error: null,
					next_attempt_at: null,
					finished_at: new Date(),
				} );
				return 'done';
			} catch ( error ) {
				return this.failStep(
					run,
					step,
					( error as Error ).message,
					step.attempts + 1
				);
			}
		}
		// AI: priced first, checked against every cap, then started once per key.
		let estimate = 0;
		try {
			for ( const call of plan.calls ) {
				estimate += (
					await this.deps.ai.quote( call.fn, call.input, principal )
				).credits;
			}
		} catch ( error ) {
			return this.failStep(
				run,
				step,
				( error as Error ).message,
				step.attempt_base + MAX_ATTEMPTS
			);
		}
		const capped = await this.capProblem( rule, run, step, estimate );
		if ( capped ) {
			return this.capStep( run, step, estimate, capped );
		}
		const attempt = step.attempts + 1;
		const aiRunIds: number[] = [];
		try {
			for ( const [ chunk, call ] of plan.calls.entries() ) {
				const started = await this.deps.ai.runAiTask(
					call.fn,
					call.input,
					principal,
					{
						originKey: originKey(
							run.id,
							step.position,
							attempt,
							step.phase,
							chunk
						),
					}
				);
				aiRunIds.push( Number( started.id ) );
			}
		} catch ( error ) {
			// The site's monthly cap refused the reservation (another run took
			// the room since the check above): no retry can pass before the
			// cap is raised or the month turns, so the run stops as capped.
			// The attempt is not counted: resuming starts the same AI runs
			// (origin keys), so one that did start is not started twice.
			if (
				error instanceof ApiError &&
				error.code === 'site_credit_cap_reached'
			) {
				return this.capStep(
					run,
					step,
					estimate,
					`Stopped at ${ stepName( step ) }: ${ error.message } Then resume the run.`
				);
			}
			return this.failStep(
				run,
				step,
				( error as Error ).message,
				attempt
			);
		}
		await store.setStep( run.id, step.position, {
			status: 'waiting',
			attempts: attempt,
			credits_estimated: ( step.credits_estimated ?? 0 ) + estimate,
			ai_run_ids: [ ...step.ai_run_ids, ...aiRunIds ],
			message: `${ plan.description }…`,
			error: null,
			next_attempt_at: null,
			started_at: step.started_at ?? now,
		} );
		return 'again';
	}

	/** A waiting step: its phase's AI runs finished? */
	private async collect(
		run: RunRow,
		rule: RuleRow,
		step: StepRow,
		steps: StepRow[],
		principal: Principal
	): Promise< Advance > {
		const runs = await this.deps.sequelize.query< AiRunState >(
			`SELECT id::int, status, credits_charged, error, output_summary FROM ai_task_runs
			 WHERE origin_key LIKE $1 ORDER BY id`,
			{
				bind: [
					`${ originKey( run.id, step.position, step.attempts, step.phase, '' ) }%`,
				],
				type: QueryTypes.SELECT,
			}
		);
		if (
			runs.some(
				( r ) => r.status === 'queued' || r.status === 'running'
			)
		) {
			return 'wait';
		}
		const charged = runs.reduce(
			( n, r ) => n + Number( r.credits_charged ),
			0
		);
		const used = step.credits_used + charged;
		const failed = runs.find( ( r ) => r.status !== 'succeeded' );
		if ( failed || ! runs.length ) {
			await this.deps.store.setStep( run.id, step.position, {
				credits_used: used,
			} );
			return this.failStep(
				run,
				{ ...step, credits_used: used },
				failed?.error ?? 'The AI run is gone.',
				step.attempts
			);
		}
		await this.deps.store.setStep( run.id, step.position, {
			credits_used: used,
		} );
		return this.finishStep(
			run,
			rule,
			{ ...step, credits_used: used },
			steps,
			principal,
			runs.map( ( r ) => r.output_summary ?? {} )
		);
	}

	private async finishStep(
		run: RunRow,
		rule: RuleRow,
		step: StepRow,
		steps: StepRow[],
		principal: Principal,
		summaries: Record< string, unknown >[]
	): Promise< Advance > {
		const ctx = this.context(
			run,
			rule,
			step,
			steps,
			principal,
			summaries
		);
		const work = await this.deps.actions.workFor( step.action, ctx );
		const outcome = await this.deps.actions.after(
			step.action,
			ctx,
			summaries,
			work
		);
		if ( outcome === 'next-phase' ) {
			await this.deps.store.setStep( run.id, step.position, {
				status: 'pending',
				phase: step.phase + 1,
			} );
			return 'again';
		}
		await this.deps.store.setStep( run.id, step.position, {
			status: 'succeeded',
			output_kind: outcome.output.kind,
			output_ids: outcome.output.ids,
			message: outcome.message,
			error: null,
			finished_at: new Date(),
		} );
		return 'done';
	}

	/** A cap stops the run before (or at) this step: nothing retries it; resume goes on from here. */
	private async capStep(
		run: RunRow,
		step: StepRow,
		estimate: number,
		message: string
	): Promise< Advance > {
		const now = new Date();
		await this.deps.store.setStep( run.id, step.position, {
			status: 'capped',
			credits_estimated: ( step.credits_estimated ?? 0 ) + estimate,
			message,
			started_at: step.started_at ?? now,
			finished_at: now,
		} );
		await this.deps.store.setRun( run.id, {
			status: 'capped',
			error: message,
			finished_at: now,
			lease_until: null,
		} );
		return 'stop';
	}

	/** Retried with backoff until MAX_ATTEMPTS; then the run fails at this step (and may be resumed). */
	private async failStep(
		run: RunRow,
		step: StepRow,
		message: string,
		attempts: number
	): Promise< Advance > {
		const now = new Date();
		const tries = attempts - step.attempt_base;
		if ( tries < MAX_ATTEMPTS ) {
			await this.deps.store.setStep( run.id, step.position, {
				status: 'pending',
				attempts,
				error: message,
				next_attempt_at: new Date(
					now.getTime() + RETRY_BASE_MS * 2 ** ( tries - 1 )
				),
			} );
			return 'wait';
		}
		const error = `${ capitalized( stepName( step ) ) } failed${ tries > 1 ? ` ${ tries } times` : '' }: ${ message }`;
		await this.deps.store.setStep( run.id, step.position, {
			status: 'failed',
			attempts,
			error: message,
			finished_at: now,
		} );
		await this.deps.store.setRun( run.id, {
			status: 'failed',
			error,
			finished_at: now,
			lease_until: null,
		} );
		return 'stop';
	}

	/** The first cap this step's estimate would pass, in words; null when it fits. */
	async capProblem(
		rule: RuleRow,
		run: RunRow | null,
		step: { position: number; action: AutomationAction },
		estimate: number,
		now = new Date()
	): Promise< string | null > {
		const { caps } = rule;
		const runUsed = run
			? Number(
					(
						await this.deps.sequelize.query< { n: number } >(
							'SELECT COALESCE(SUM(credits_used), 0)::int AS n FROM automation_steps WHERE run_id = $1',
							{ bind: [ run.id ], type: QueryTypes.SELECT }
						)
					)[ 0 ]?.n ?? 0
				)
			: 0;
		const checks: [ string, number | null, () => Promise< number > ][] = [
			[ 'per run', caps.per_run, async () => runUsed ],
			[
				'per day',
				caps.per_day,
				() =>
					this.deps.store.ruleSpend( rule.id, startOfUtcDay( now ) ),
			],
			[
				'per month',
				caps.per_month,
				() =>
					this.deps.store.ruleSpend(
						rule.id,
						startOfUtcMonth( now )
					),
			],
		];
		for ( const [ label, cap, spent ] of checks ) {
			if ( cap === null ) {
				continue;
			}
			const used = await spent();
			if ( used + estimate > cap ) {
				return `Stopped before ${ stepName( step ) }: it may cost ${ estimate } credits and the rule's cap of ${ cap } credits ${ label } has ${ Math.max( 0, cap - used ) } left. Nothing was charged for this step; raise the cap or wait, then resume the run.`;
			}
		}
		// The site's own monthly cap (set in the console), which every
		// reservation of the site is held to as well: checked here too so the
		// run stops before the step with words about it, not at its refusal.
		const room =
			estimate > 0 && this.deps.siteRoom
				? await this.deps.siteRoom( rule.account_id, rule.site_id )
				: null;
		if ( room && room.used + estimate > room.cap ) {
			return `Stopped before ${ stepName( step ) }: it may cost ${ estimate } credits and the site's monthly cap of ${ room.cap } credits has ${ Math.max( 0, room.cap - room.used ) } left this month (UTC calendar month; ${ room.used } used). Nothing was charged for this step; an owner or admin can raise the site's cap in the IGNY8 console (Credits & usage), or wait until the 1st, then resume the run.`;
		}
		return null;
	}
}

function originKey(
	runId: number,
	position: number,
	attempt: number,
	phase: number,
	chunk: number | ''
): string {
	return `automation:${ runId }:${ position }:${ attempt }:${ phase }:${ chunk }`;
}

/** The work an event named, for the run's first step. */
export function triggerWork( run: RunRow ): Work | null {
	const p = run.trigger_payload;
	const ids = ( value: unknown ) =>
		Array.isArray( value ) ? value.map( Number ) : [];
	switch ( p.event ) {
		case 'cluster.created':
			return { kind: 'clusters', ids: ids( p.cluster_ids ) };
		case 'idea.approved':
			return { kind: 'ideas', ids: ids( p.idea_ids ) };
		case 'content.generated':
		case 'content.published':
			return { kind: 'content', ids: ids( p.content_ids ) };
		default:
			// keywords.imported, schedules, manual runs: what the sector holds.
			return null;
	}
}

import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { z } from 'zod';
import type {
	AutomationDryRun,
	AutomationRule,
	AutomationRuleCreate,
	AutomationRun,
	AutomationSpend,
	automationRuleUpdateSchema,
} from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Models } from '../../db/models';
import {
	ApiError,
	NotFoundError,
	PermissionDeniedError,
	ValidationError,
} from '../../http/errors';
import {
	listPage,
	pageLimits,
	type ListPage,
	type PageQuery,
} from '../../http/pagination';
import { can, confinedSiteId, narrowedSiteId, type Principal } from '../auth';
import { resolveSector } from '../content';
import type { Actions } from './actions';
import {
	capitalized,
	startOfUtcMonth,
	stepName,
	triggerWork,
	type AutomationAi,
	type AutomationExecutor,
} from './executor';
import { assertSchedule, nextFireAt } from './schedule';
import type {
	ActsAs,
	AutomationStore,
	RuleRow,
	RunRow,
	StepRow,
} from './store';

type Page = PageQuery;
type RuleUpdate = z.infer< typeof automationRuleUpdateSchema >;

const iso = ( d: Date | string | null ) =>
	d === null ? null : new Date( d ).toISOString();

/** Rules, their runs, dry runs and spend, for the caller's account (a site session: its site). */
export class AutomationService {
	constructor(
		private readonly deps: {
			store: AutomationStore;
			executor: AutomationExecutor;
			actions: Actions;
			ai: AutomationAi;
			models: Models;
		}
	) {}

	/** Who the rule acts as when it runs: whoever saved it last. */
	private actsAs( principal: Principal ): ActsAs {
		if ( principal.kind === 'user' ) {
			return { kind: 'user', user_id: Number( principal.user.id ) };
		}
		if ( principal.kind === 'site_user' ) {
			return {
				kind: 'site_user',
				role: principal.role,
				wp_user: principal.wpUser,
			};
		}
		throw new PermissionDeniedError(
			'A site API key cannot own automation rules; sign in as a person.'
		);
	}

	/** The principal a rule's run acts as, checked again at every step. */
	async principalFor( rule: RuleRow ): Promise< Principal > {
		const { models } = this.deps;
		const account = await models.Account.findByPk( rule.account_id );
		const refuse = ( why: string ) =>
			new Error(
				`${ why } Open the rule and save it again to let it run as you.`
			);
		if ( ! account ) {
			throw refuse( 'The account is gone.' );
		}
		let principal: Principal;
		if ( rule.acts_as.kind === 'user' ) {
			const user = await models.User.findOne( {
				where: {
					id: rule.acts_as.user_id,
					account_id: rule.account_id,
					is_active: true,
				},
			} );
			if ( ! user ) {
				throw refuse(
					'The person who saved this rule no longer belongs to the account.'
				);
			}
			principal = { kind: 'user', user, account, role: user.role };
		} else {
			const site = await models.Site.findByPk( rule.site_id );
			if ( ! site ) {
				throw refuse( 'The site is gone.' );
			}
			principal = {
				kind: 'site_user',
				site,
				account,
				role: rule.acts_as.role,
				wpUser: rule.acts_as.wp_user,
			};
		}
		if ( ! can( principal, 'write_content' ) ) {
			throw refuse(
				`The person who saved this rule (${ principal.role }) may no longer write content.`
			);
		}
		return principal;
	}

	private async ruleOf(
		principal: Principal,
		id: number
	): Promise< RuleRow > {
		const rule = await this.deps.store.rule(
			principal.account.id,
			id,
			confinedSiteId( principal )
		);
		if ( ! rule ) {
			throw new NotFoundError( 'No such automation rule.' );
		}
		return rule;
	}

	private async runOf( principal: Principal, id: number ): Promise< RunRow > {
		const run = await this.deps.store.run(
			principal.account.id,
			id,
			confinedSiteId( principal )
		);
		if ( ! run ) {
			throw new NotFoundError( 'No such automation run.' );
		}
		return run;
	}

	/** Checks what a rule names: a site and sector of the caller's, a cron that parses, a top N. */
	private async checked(
		principal: Principal,
		body: Pick<
			AutomationRuleCreate,
			'site_id' | 'sector_id' | 'trigger' | 'actions' | 'conditions'
		>
	): Promise< void > {
		if ( narrowedSiteId( principal, body.site_id ) !== body.site_id ) {
			throw new ValidationError( 'Invalid body.', {
				site_id: [ `site ${ body.site_id } does not exist` ],
			} );
		}
		const sector = await resolveSector(
			this.deps.models,
			principal,
			body.sector_id
		);
		if ( Number( sector.site_id ) !== body.site_id ) {
			throw new ValidationError( 'Invalid body.', {
				sector_id: [
					`sector ${ body.sector_id } is not a sector of site ${ body.site_id }`,
				],
			} );
		}
		assertSchedule( body.trigger );
		if (
			body.conditions.post_statuses &&
			! (
				body.trigger.kind === 'event' &&
				body.trigger.event === 'content.published'
			)
		) {
			throw new ValidationError( 'Invalid body.', {
				'conditions.post_statuses': [
					'applies only to rules that start when content is published',
				],
			} );
		}
		body.actions.forEach( ( action, i ) => {
			if (
				action.type === 'approve_ideas' &&
				action.mode === 'top' &&
				! action.top_n
			) {
				throw new ValidationError( 'Invalid body.', {
					[ `actions.${ i }.top_n` ]: [
						'say how many ideas to approve (top_n)',
					],
				} );
			}
		} );
	}

	async create(
		principal: Principal,
		body: AutomationRuleCreate
	): Promise< AutomationRule > {
		await this.checked( principal, body );
		const row = await this.deps.store.insertRule( {
			account_id: principal.account.id,
			site_id: body.site_id,
			sector_id: body.sector_id,
			name: body.name,
			enabled: body.enabled,
			trigger: body.trigger,
			conditions: body.conditions,
			actions: body.actions,
			caps: body.caps,
			acts_as: this.actsAs( principal ),
			next_fire_at: body.enabled
				? nextFireAt( body.trigger, new Date() )
				: null,
		} );
		return ( await this.serializeRules( [ row ] ) )[ 0 ]!;
	}

	async update(
		principal: Principal,
		id: number,
		body: RuleUpdate
	): Promise< AutomationRule > {
		const rule = await this.ruleOf( principal, id );
		const next: RuleRow = {
			...rule,
			...body,
			acts_as: this.actsAs( principal ),
		};
		await this.checked( principal, next );
		const rescheduled =
			body.trigger !== undefined ||
			( body.enabled !== undefined && body.enabled !== rule.enabled );
		if ( rescheduled ) {
			next.next_fire_at = next.enabled
				? nextFireAt( next.trigger, new Date() )
				: null;
		}
		const saved = await this.deps.store.updateRule( next );
		return ( await this.serializeRules( [ saved ] ) )[ 0 ]!;
	}

	async setEnabled(
		principal: Principal,
		id: number,
		enabled: boolean
	): Promise< AutomationRule > {
		return this.update( principal, id, { enabled } );
	}

	async remove(
		principal: Principal,
		id: number,
		who: AuditActor
	): Promise< void > {
		const rule = await this.ruleOf( principal, id );
		const { sequelize } = this.deps.store;
		await sequelize.transaction( async ( transaction ) => {
			await this.deps.store.deleteRule( rule.id, transaction );
			await recordAudit( sequelize, transaction, {
				account_id: principal.account.id,
				actor: who,
				action: 'automation.rule_deleted',
				target_type: 'automation_rule',
				target_id: Number( rule.id ),
				target_label: rule.name,
				site_id: Number( rule.site_id ),
			} );
		} );
	}

	async get( principal: Principal, id: number ): Promise< AutomationRule > {
		return (
			await this.serializeRules( [ await this.ruleOf( principal, id ) ] )
		)[ 0 ]!;
	}

	async list(
		principal: Principal,
		req: Request,
		query: Page & { site_id?: number; enabled?: 'true' | 'false' }
	): Promise< ListPage< AutomationRule > > {
		const { count, rows } = await this.deps.store.rules(
			{
				account_id: principal.account.id,
				site_id: narrowedSiteId( principal, query.site_id ),
				enabled:
					query.enabled === undefined
						? undefined
						: query.enabled === 'true',
			},
			pageLimits( query )
		);
		return listPage( req, query, count, await this.serializeRules( rows ) );
	}

	/** Starts a run of the rule now (paused rules too: a person asked). */
	async runNow( principal: Principal, id: number ): Promise< AutomationRun > {
		const rule = await this.ruleOf( principal, id );
		await this.principalFor( rule ).catch( ( error: Error ) => {
			throw new ApiError( 'conflict', error.message );
		} );
		const runId = await this.deps.store.createRun( rule, {
			kind: 'manual',
			key: `manual:${ randomUUID() }`,
			payload: {},
		} );
		await this.deps.executor.enqueue( runId! );
		return this.task( principal, runId! );
	}

	/**
	 * What each step would do and cost now, changing and charging nothing.
	 * The first step's work is known; a later step's depends on what the
	 * steps before it make, unless it takes what the sector already holds.
	 */
	async dryRun(
		principal: Principal,
		body: AutomationRuleCreate,
		ruleId?: number
	): Promise< AutomationDryRun > {
		await this.checked( principal, body );
		const steps: AutomationDryRun[ 'steps' ] = [];
		let known = 0;
		let cap: string | null = null;
		const rule = {
			id: ruleId ?? 0,
			account_id: principal.account.id,
			site_id: body.site_id,
			caps: body.caps,
		} as RuleRow;
		for ( const [ position, action ] of body.actions.entries() ) {
			if ( position > 0 ) {
				steps.push( {
					position,
					action,
					description: `Works on what ${ stepName( { position: position - 1, action: body.actions[ position - 1 ]! } ) } makes`,
					items: null,
					credits: null,
					note: 'Priced when the run gets there, and checked against the caps before it starts.',
				} );
				continue;
			}
			const plan = await this.deps.actions.plan( action, {
				principal,
				rule: {
					site_id: body.site_id,
					sector_id: body.sector_id,
					conditions: body.conditions,
					timezone:
						body.trigger.kind === 'schedule'
							? body.trigger.timezone
							: 'UTC',
				},
				input: null,
				trigger: triggerWork( { trigger_payload: {} } as RunRow ),
				phase: 0,
				previous: [],
			} );
			if ( plan.kind === 'nothing' ) {
				steps.push( {
					position,
					action,
					description: plan.message,
					items: 0,
					credits: 0,
					note: 'The later steps would have nothing to work on either.',
				} );
				continue;
			}
			let credits = 0;
			if ( plan.kind === 'ai' ) {
				for ( const call of plan.calls ) {
					credits += (
						await this.deps.ai.quote(
							call.fn,
							call.input,
							principal
						)
					).credits;
				}
			}
			known += credits;
			const problem = ruleId
				? await this.deps.executor.capProblem(
						rule,
						null,
						{ position, action },
						credits
					)
				: capWithin( body.caps, credits, { position, action } );
			cap = cap ?? problem;
			// The whole sentence is the run's cap_problem; the step says only that it is the one.
			steps.push( {
				position,
				action,
				description: plan.description,
				items: plan.items,
				credits,
				note: problem
					? 'The run would stop before this step: a credit cap cannot cover it.'
					: null,
			} );
		}
		return { steps, credits_known: known, cap_problem: cap };
	}

	async tasks(
		principal: Principal,
		req: Request,
		query: Page & { site_id?: number; rule_id?: number; status?: string }
	): Promise< ListPage< AutomationRun > > {
		const { count, rows } = await this.deps.store.runs(
			{
				account_id: principal.account.id,
				site_id: narrowedSiteId( principal, query.site_id ),
				rule_id: query.rule_id,
				status: query.status,
			},
			pageLimits( query )
		);
		return listPage( req, query, count, await this.serializeRuns( rows ) );
	}

	async task( principal: Principal, id: number ): Promise< AutomationRun > {
		return (
			await this.serializeRuns( [ await this.runOf( principal, id ) ] )
		)[ 0 ]!;
	}

	/** A failed or capped run goes on from the step it stopped at, with fresh attempts. */
	async resume( principal: Principal, id: number ): Promise< AutomationRun > {
		const run = await this.runOf( principal, id );
		if ( run.status !== 'failed' && run.status !== 'capped' ) {
			throw new ApiError(
				'conflict',
				`Only a failed or capped run can be resumed; this one is ${ run.status }.`
			);
		}
		const [ step ] = ( await this.deps.store.steps( [ run.id ] ) ).filter(
			( s ) => s.position === run.current_step
		);
		// Attempts go on counting (each has its own AI run); the step gets its retries again.
		await this.deps.store.setStep( run.id, run.current_step, {
			status: 'pending',
			attempt_base: step?.attempts ?? 0,
			next_attempt_at: null,
			finished_at: null,
		} );
		await this.deps.store.setRun( run.id, {
			status: 'queued',
			error: null,
			finished_at: null,
		} );
		await this.deps.executor.enqueue( run.id );
		return this.task( principal, id );
	}

	/** Stops before the next step; an AI run already started finishes (and is charged). */
	async cancel( principal: Principal, id: number ): Promise< AutomationRun > {
		const run = await this.runOf( principal, id );
		if ( [ 'succeeded', 'failed', 'cancelled' ].includes( run.status ) ) {
			throw new ApiError(
				'conflict',
				`The run is ${ run.status } already.`
			);
		}
		await this.deps.store.setRun( run.id, {
			status: 'cancelled',
			error: 'Cancelled.',
			finished_at: new Date(),
			lease_until: null,
		} );
		return this.task( principal, id );
	}

	async spend(
		principal: Principal,
		query: { site_id?: number }
	): Promise< AutomationSpend > {
		const now = new Date();
		const byRule = await this.deps.store.monthSpend(
			principal.account.id,
			narrowedSiteId( principal, query.site_id ) ?? null,
			startOfUtcMonth( now )
		);
		return {
			month: now.toISOString().slice( 0, 7 ),
			credits: byRule.reduce( ( n, r ) => n + r.credits, 0 ),
			runs: byRule.reduce( ( n, r ) => n + r.runs, 0 ),
			by_rule: byRule.map( ( r ) => ( {
				...r,
				name: r.name ?? 'Deleted rule',
			} ) ),
		};
	}

	private async serializeRules(
		rows: RuleRow[]
	): Promise< AutomationRule[] > {
		const ids = rows.map( ( r ) => r.id );
		const [ last, month ] = await Promise.all( [
			this.deps.store.lastRuns( ids ),
			this.deps.store.monthCredits( ids, startOfUtcMonth( new Date() ) ),
		] );
		return rows.map( ( r ) => ( {
			id: r.id,
			site_id: r.site_id,
			sector_id: r.sector_id,
			name: r.name,
			enabled: r.enabled,
			trigger: r.trigger,
			conditions: r.conditions,
			actions: r.actions,
			caps: r.caps,
			next_fire_at: r.enabled ? iso( r.next_fire_at ) : null,
			last_run_at: iso( last.get( r.id ) ?? null ),
			credits_this_month: month.get( r.id ) ?? 0,
			created_at: iso( r.created_at )!,
			updated_at: iso( r.updated_at )!,
		} ) );
	}

	private async serializeRuns( rows: RunRow[] ): Promise< AutomationRun[] > {
		const steps = await this.deps.store.steps( rows.map( ( r ) => r.id ) );
		const byRun = new Map< number, StepRow[] >();
		for ( const step of steps ) {
			byRun.set( step.run_id, [
				...( byRun.get( step.run_id ) ?? [] ),
				step,
			] );
		}
		return rows.map( ( r ) => ( {
			id: r.id,
			rule_id: r.rule_id,
			rule_name: r.rule_name,
			site_id: r.site_id,
			trigger: r.trigger,
			status: r.status,
			credits_used: r.credits_used,
			error: r.error,
			steps: ( byRun.get( r.id ) ?? [] ).map( ( s ) => ( {
				position: s.position,
				action: s.action,
				status: s.status,
				attempts: s.attempts,
				credits_estimated: s.credits_estimated,
				credits_used: s.credits_used,
				output: {
					kind: s.output_kind ?? 'content',
					ids: s.output_ids.map( Number ),
				},
				ai_run_ids: s.ai_run_ids.map( Number ),
				message: s.message,
				error: s.error,
				next_attempt_at: iso( s.next_attempt_at ),
				started_at: iso( s.started_at ),
				finished_at: iso( s.finished_at ),
			} ) ),
			created_at: iso( r.created_at )!,
			started_at: iso( r.started_at ),
			finished_at: iso( r.finished_at ),
		} ) );
	}
}

/** An unsaved rule has spent nothing: only its per-run, per-day and per-month sizes matter. */
function capWithin(
	caps: AutomationRuleCreate[ 'caps' ],
	credits: number,
	step: Parameters< typeof stepName >[ 0 ]
): string | null {
	for ( const [ label, cap ] of [
		[ 'per run', caps.per_run ],
		[ 'per day', caps.per_day ],
		[ 'per month', caps.per_month ],
	] as const ) {
		if ( cap !== null && credits > cap ) {
			return `${ capitalized( stepName( step ) ) } may cost ${ credits } credits, more than the cap of ${ cap } credits ${ label }: the run would stop before it.`;
		}
	}
	return null;
}

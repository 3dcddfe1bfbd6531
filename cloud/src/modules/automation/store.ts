import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type {
	AutomationAction,
	AutomationCaps,
	AutomationConditions,
	AutomationOutputKind,
	AutomationRunStatus,
	AutomationStepStatus,
	AutomationTrigger,
	Role,
} from '@igny8/shared-types';

/** Who a rule acts as when it runs unattended: the person who saved it. */
export type ActsAs =
	| { kind: 'user'; user_id: number }
	| {
			kind: 'site_user';
			role: Role;
			wp_user: { id: number; login: string; display_name: string };
	  };

export type RuleRow = {
	id: number;
	account_id: number;
	site_id: number;
	sector_id: number;
	name: string;
	enabled: boolean;
	trigger: AutomationTrigger;
	conditions: AutomationConditions;
	actions: AutomationAction[];
	caps: AutomationCaps;
	acts_as: ActsAs;
	next_fire_at: Date | null;
	created_at: Date;
	updated_at: Date;
};

export type RunRow = {
	id: number;
	account_id: number;
	site_id: number;
	rule_id: number | null;
	rule_name: string;
	trigger: 'schedule' | 'event' | 'manual';
	trigger_key: string;
	trigger_payload: Record< string, unknown >;
	status: AutomationRunStatus;
	current_step: number;
	credits_used: number;
	error: string | null;
	lease_until: Date | null;
	created_at: Date;
	started_at: Date | null;
	finished_at: Date | null;
};

export type StepRow = {
	id: number;
	run_id: number;
	position: number;
	action: AutomationAction;
	status: AutomationStepStatus;
	phase: number;
	attempts: number;
	attempt_base: number;
	credits_estimated: number | null;
	credits_used: number;
	output_kind: AutomationOutputKind | null;
	output_ids: number[];
	ai_run_ids: number[];
	message: string | null;
	error: string | null;
	next_attempt_at: Date | null;
	started_at: Date | null;
	finished_at: Date | null;
};

const RULE_COLUMNS =
	'id::int, account_id::int, site_id::int, sector_id::int, name, enabled, trigger, conditions, actions, caps, acts_as, next_fire_at, created_at, updated_at';
const RUN_COLUMNS =
	'id::int, account_id::int, site_id::int, rule_id::int, rule_name, trigger, trigger_key, trigger_payload, status, current_step, credits_used, error, lease_until, created_at, started_at, finished_at';
const STEP_COLUMNS =
	'id::int, run_id::int, position, action, status, phase, attempts, attempt_base, credits_estimated, credits_used, output_kind, output_ids::int[], ai_run_ids::int[], message, error, next_attempt_at, started_at, finished_at';

/** The automation tables: every read and write of them goes through here. */
export class AutomationStore {
	constructor( readonly sequelize: Sequelize ) {}

	private select< T extends object >(
		sql: string,
		bind: unknown[],
		transaction?: Transaction
	): Promise< T[] > {
		return this.sequelize.query< T >( sql, {
			bind,
			type: QueryTypes.SELECT,
			transaction,
		} );
	}

	// Rules.

	async rule(
		accountId: number,
		id: number,
		siteId: number | null
	): Promise< RuleRow | null > {
		const [ row ] = await this.select< RuleRow >(
			`SELECT ${ RULE_COLUMNS } FROM automation_rules
			 WHERE id = $1 AND account_id = $2 AND ($3::bigint IS NULL OR site_id = $3)`,
			[ id, accountId, siteId ]
		);
		return row ?? null;
	}

	async ruleById( id: number ): Promise< RuleRow | null > {
		const [ row ] = await this.select< RuleRow >(
			`SELECT ${ RULE_COLUMNS } FROM automation_rules WHERE id = $1`,
			[ id ]
		);
		return row ?? null;
	}

	async rules(
		where: { account_id: number; site_id?: number; enabled?: boolean },
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: RuleRow[] } > {
		const bind = [
			where.account_id,
			where.site_id ?? null,
			where.enabled ?? null,
		];
		const filter = `account_id = $1 AND ($2::bigint IS NULL OR site_id = $2)
			AND ($3::boolean IS NULL OR enabled = $3)`;
		const [ rows, [ total ] ] = await Promise.all( [
			this.select< RuleRow >(
				`SELECT ${ RULE_COLUMNS } FROM automation_rules WHERE ${ filter }
				 ORDER BY id DESC LIMIT $4 OFFSET $5`,
				[ ...bind, page.limit, page.offset ]
			),
			this.select< { n: number } >(
				`SELECT count(*)::int AS n FROM automation_rules WHERE ${ filter }`,
				bind
			),
		] );
		return { count: total?.n ?? 0, rows };
	}

	async insertRule(
		fields: Omit< RuleRow, 'id' | 'created_at' | 'updated_at' >
	): Promise< RuleRow > {
		const [ row ] = await this.select< RuleRow >(
			`INSERT INTO automation_rules
				(account_id, site_id, sector_id, name, enabled, trigger, trigger_event, conditions, actions, caps, acts_as, next_fire_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			 RETURNING ${ RULE_COLUMNS }`,
			[
				fields.account_id,
				fields.site_id,
				fields.sector_id,
				fields.name,
				fields.enabled,
				JSON.stringify( fields.trigger ),
				fields.trigger.kind === 'event' ? fields.trigger.event : null,
				JSON.stringify( fields.conditions ),
				JSON.stringify( fields.actions ),
				JSON.stringify( fields.caps ),
				JSON.stringify( fields.acts_as ),
				fields.next_fire_at,
			]
		);
		return row!;
	}

	async updateRule( row: RuleRow ): Promise< RuleRow > {
		const [ saved ] = await this.select< RuleRow >(
			`UPDATE automation_rules SET sector_id = $2, name = $3, enabled = $4,
				trigger = $5, trigger_event = $6, conditions = $7, actions = $8,
				caps = $9, acts_as = $10, next_fire_at = $11, updated_at = NOW()
			 WHERE id = $1 RETURNING ${ RULE_COLUMNS }`,
			[
				row.id,
				row.sector_id,
				row.name,
				row.enabled,
				JSON.stringify( row.trigger ),
				row.trigger.kind === 'event' ? row.trigger.event : null,
				JSON.stringify( row.conditions ),
				JSON.stringify( row.actions ),
				JSON.stringify( row.caps ),
				JSON.stringify( row.acts_as ),
				row.next_fire_at,
			]
		);
		return saved!;
	}

	async deleteRule( id: number, transaction?: Transaction ): Promise< void > {
		await this.sequelize.query(
			'DELETE FROM automation_rules WHERE id = $1',
			{ bind: [ id ], transaction }
		);
	}

	/** Enabled event rules of a site listening for this event. */
	async rulesFor( siteId: number, event: string ): Promise< RuleRow[] > {
		return this.select< RuleRow >(
			`SELECT ${ RULE_COLUMNS } FROM automation_rules
			 WHERE enabled AND site_id = $1 AND trigger_event = $2 ORDER BY id`,
			[ siteId, event ]
		);
	}

	/**
	 * Claims the schedule rules due at `now`: each one's run is created and
	 * its next time set in one transaction per batch; `SKIP LOCKED` lets
	 * another scheduler take other rows rather than wait.
	 */
	async claimDue(
		now: Date,
		limit: number,
		fire: ( rule: RuleRow, transaction: Transaction ) => Promise< void >
	): Promise< number > {
		return this.sequelize.transaction( async ( transaction ) => {
			const due = await this.select< RuleRow >(
				`SELECT ${ RULE_COLUMNS } FROM automation_rules
				 WHERE enabled AND next_fire_at <= $1
				 ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
				[ now, limit ],
				transaction
			);
			for ( const rule of due ) {
				await fire( rule, transaction );
			}
			return due.length;
		} );
	}

	async setNextFire(
		id: number,
		at: Date | null,
		transaction: Transaction
	): Promise< void > {
		await this.sequelize.query(
			'UPDATE automation_rules SET next_fire_at = $2 WHERE id = $1',
			{ bind: [ id, at ], transaction }
		);
	}

	// Runs.

	/**
	 * A rule's run for this trigger, with a pending row per action; nothing
	 * when the rule already has one for the same trigger key (an event
	 * delivered again, a tick claimed twice). Answers the new run's id.
	 */
	async createRun(
		rule: RuleRow,
		trigger: { kind: RunRow[ 'trigger' ]; key: string; payload: object },
		transaction?: Transaction
	): Promise< number | null > {
		const work = async ( t: Transaction ) => {
			const [ run ] = await this.select< { id: number } >(
				`INSERT INTO automation_runs (account_id, site_id, rule_id, rule_name, trigger, trigger_key, trigger_payload)
				 VALUES ($1, $2, $3, $4, $5, $6, $7)
				 ON CONFLICT (rule_id, trigger_key) DO NOTHING RETURNING id::int`,
				[
					rule.account_id,
					rule.site_id,
					rule.id,
					rule.name,
					trigger.kind,
					trigger.key,
					JSON.stringify( trigger.payload ),
				],
				t
			);
			if ( ! run ) {
				return null;
			}
			await this.sequelize.query(
				`INSERT INTO automation_steps (run_id, position, action)
				 SELECT $1, ord - 1, action FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a(action, ord)`,
				{
					bind: [ run.id, JSON.stringify( rule.actions ) ],
					transaction: t,
				}
			);
			return run.id;
		};
		return transaction
			? work( transaction )
			: this.sequelize.transaction( work );
	}

	async run(
		accountId: number,
		id: number,
		siteId: number | null
	): Promise< RunRow | null > {
		const [ row ] = await this.select< RunRow >(
			`SELECT ${ RUN_COLUMNS } FROM automation_runs
			 WHERE id = $1 AND account_id = $2 AND ($3::bigint IS NULL OR site_id = $3)`,
			[ id, accountId, siteId ]
		);
		return row ?? null;
	}

	async runById( id: number ): Promise< RunRow | null > {
		const [ row ] = await this.select< RunRow >(
			`SELECT ${ RUN_COLUMNS } FROM automation_runs WHERE id = $1`,
			[ id ]
		);
		return row ?? null;
	}

	async runs(
		where: {
			account_id: number;
			site_id?: number;
			rule_id?: number;
			status?: string;
		},
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: RunRow[] } > {
		const bind = [
			where.account_id,
			where.site_id ?? null,
			where.rule_id ?? null,
			where.status ?? null,
		];
		const filter = `account_id = $1 AND ($2::bigint IS NULL OR site_id = $2)
			AND ($3::bigint IS NULL OR rule_id = $3) AND ($4::text IS NULL OR status = $4)`;
		const [ rows, [ total ] ] = await Promise.all( [
			this.select< RunRow >(
				`SELECT ${ RUN_COLUMNS } FROM automation_runs WHERE ${ filter }
				 ORDER BY id DESC LIMIT $5 OFFSET $6`,
				[ ...bind, page.limit, page.offset ]
			),
			this.select< { n: number } >(
				`SELECT count(*)::int AS n FROM automation_runs WHERE ${ filter }`,
				bind
			),
		] );
		return { count: total?.n ?? 0, rows };
	}

	async steps( runIds: number[] ): Promise< StepRow[] > {
		if ( ! runIds.length ) {
			return [];
		}
		return this.select< StepRow >(
			`SELECT ${ STEP_COLUMNS } FROM automation_steps
			 WHERE run_id = ANY($1::bigint[]) ORDER BY run_id, position`,
			[ runIds ]
		);
	}

	/**
	 * Takes a run for this worker until the lease ends: only one worker
	 * advances a run at a time, and a dead worker's run is taken over once
	 * its lease lapsed.
	 */
	async lease( id: number, leaseMs: number ): Promise< RunRow | null > {
		const [ row ] = await this.select< RunRow >(
			`UPDATE automation_runs SET status = 'running', lease_until = NOW() + ($2 || ' milliseconds')::interval,
				started_at = COALESCE(started_at, NOW())
			 WHERE id = $1 AND (status IN ('queued', 'waiting') OR (status = 'running' AND lease_until < NOW()))
			 RETURNING ${ RUN_COLUMNS }`,
			[ id, String( leaseMs ) ]
		);
		return row ?? null;
	}

	async setRun(
		id: number,
		fields: Partial<
			Pick<
				RunRow,
				| 'status'
				| 'current_step'
				| 'error'
				| 'finished_at'
				| 'lease_until'
			>
		>
	): Promise< void > {
		const entries = Object.entries( fields );
		await this.sequelize.query(
			`UPDATE automation_runs SET ${ entries
				.map( ( [ key ], i ) => `${ key } = $${ i + 2 }` )
				.join( ', ' ) },
				credits_used = (SELECT COALESCE(SUM(credits_used), 0) FROM automation_steps WHERE run_id = $1)
			 WHERE id = $1`,
			{ bind: [ id, ...entries.map( ( [ , value ] ) => value ) ] }
		);
	}

	async setStep(
		runId: number,
		position: number,
		fields: Partial<
			Omit< StepRow, 'id' | 'run_id' | 'position' | 'action' >
		>
	): Promise< void > {
		const entries = Object.entries( fields );
		await this.sequelize.query(
			`UPDATE automation_steps SET ${ entries
				.map( ( [ key ], i ) => `${ key } = $${ i + 3 }` )
				.join( ', ' ) }
			 WHERE run_id = $1 AND position = $2`,
			{
				bind: [
					runId,
					position,
					...entries.map( ( [ , value ] ) => value ),
				],
			}
		);
	}

	/** Credits the rule's runs used since `since` (caps per day and month). */
	async ruleSpend( ruleId: number, since: Date ): Promise< number > {
		const [ row ] = await this.select< { n: number } >(
			`SELECT COALESCE(SUM(s.credits_used), 0)::int AS n
			 FROM automation_steps s JOIN automation_runs r ON r.id = s.run_id
			 WHERE r.rule_id = $1 AND s.started_at >= $2`,
			[ ruleId, since ]
		);
		return row?.n ?? 0;
	}

	async monthSpend(
		accountId: number,
		siteId: number | null,
		since: Date
	): Promise<
		{
			rule_id: number | null;
			name: string;
			credits: number;
			runs: number;
		}[]
	> {
		return this.select(
			`SELECT r.rule_id::int AS rule_id, MAX(r.rule_name) AS name,
				COALESCE(SUM(r.credits_used), 0)::int AS credits, count(*)::int AS runs
			 FROM automation_runs r
			 WHERE r.account_id = $1 AND ($2::bigint IS NULL OR r.site_id = $2) AND r.created_at >= $3
			 GROUP BY r.rule_id ORDER BY credits DESC, rule_id`,
			[ accountId, siteId, since ]
		);
	}

	async lastRuns( ruleIds: number[] ): Promise< Map< number, Date > > {
		const rows = ruleIds.length
			? await this.select< { rule_id: number; at: Date } >(
					`SELECT rule_id::int, MAX(created_at) AS at FROM automation_runs
					 WHERE rule_id = ANY($1::bigint[]) GROUP BY rule_id`,
					[ ruleIds ]
				)
			: [];
		return new Map( rows.map( ( r ) => [ r.rule_id, r.at ] ) );
	}

	async monthCredits(
		ruleIds: number[],
		since: Date
	): Promise< Map< number, number > > {
		const rows = ruleIds.length
			? await this.select< { rule_id: number; n: number } >(
					`SELECT rule_id::int, COALESCE(SUM(credits_used), 0)::int AS n FROM automation_runs
					 WHERE rule_id = ANY($1::bigint[]) AND created_at >= $2 GROUP BY rule_id`,
					[ ruleIds, since ]
				)
			: [];
		return new Map( rows.map( ( r ) => [ r.rule_id, r.n ] ) );
	}

	/**
	 * Runs a worker should pick up: queued ones nobody took, waiting ones
	 * whose AI runs all finished or whose retry is due, and running ones
	 * whose worker's lease lapsed (it died).
	 */
	async stalled( limit: number ): Promise< number[] > {
		const rows = await this.select< { id: number } >(
			`SELECT r.id::int FROM automation_runs r
			 WHERE (r.status = 'queued' AND r.created_at < NOW() - interval '5 seconds')
			    OR (r.status = 'running' AND r.lease_until < NOW())
			    OR (r.status = 'waiting' AND EXISTS (
					SELECT 1 FROM automation_steps s WHERE s.run_id = r.id AND s.position = r.current_step
					AND (
						(s.status = 'pending' AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= NOW()))
						OR (s.status = 'waiting' AND NOT EXISTS (
							SELECT 1 FROM ai_task_runs a WHERE a.id = ANY(s.ai_run_ids) AND a.status IN ('queued', 'running')
						))
					)))
			 ORDER BY r.id LIMIT $1`,
			[ limit ]
		);
		return rows.map( ( r ) => r.id );
	}

	/** Waiting runs with a step that started this AI run. */
	async waitingOn( aiRunId: number ): Promise< number[] > {
		const rows = await this.select< { id: number } >(
			`SELECT r.id::int FROM automation_runs r JOIN automation_steps s
				ON s.run_id = r.id AND s.position = r.current_step
			 WHERE r.status IN ('waiting', 'running') AND s.ai_run_ids @> ARRAY[$1]::bigint[]`,
			[ aiRunId ]
		);
		return rows.map( ( r ) => r.id );
	}
}

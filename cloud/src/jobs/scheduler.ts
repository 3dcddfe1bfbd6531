import os from 'node:os';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../logger';

/** Work that must happen once per period across every process of the deployment. */
export type PeriodicTask = {
	/** Unique, stable: the claim row is keyed by it. */
	name: string;
	everyMs: number;
	/** Runs in the process that claimed the tick; `tick` is `floor(epoch ms / everyMs)`. */
	run( tick: number ): Promise< unknown >;
};

/** Who holds a claim, for the operator reading `scheduler_tasks`. */
const HOLDER = `${ os.hostname() }:${ process.pid }`;

/**
 * Runs periodic tasks exactly once per tick however many scheduler processes
 * there are. Each task has one row in `scheduler_tasks`; a process runs a
 * tick only if its conditional UPDATE moved `last_tick` forward — PostgreSQL
 * lets exactly one of racing updates do that, on a server and on PGlite
 * alike — so a second scheduler is a hot standby, not a double. A process
 * that dies after claiming loses that one tick; the next is claimed afresh
 * (every task here is idempotent or cumulative). One timer per scheduler
 * process checks for due ticks; nothing else in the cloud keeps a timer for
 * work that must happen once.
 */
export class Scheduler {
	private timer: NodeJS.Timeout | null = null;
	private readonly lastSeen = new Map< string, number >();
	private readonly inFlight = new Set< string >();
	private checking: Promise< void > | null = null;

	constructor(
		private readonly sequelize: Sequelize,
		private readonly logger: Logger,
		private readonly tasks: PeriodicTask[],
		private readonly checkEveryMs = 1_000
	) {
		const names = new Set( tasks.map( ( task ) => task.name ) );
		if ( names.size !== tasks.length ) {
			throw new Error( 'Periodic task names must be unique.' );
		}
	}

	start(): void {
		if ( this.timer ) {
			return;
		}
		this.timer = setInterval( () => void this.check(), this.checkEveryMs );
		this.timer.unref();
		void this.check();
	}

	/** Stops claiming; waits for the tasks this process is running. */
	async stop(): Promise< void > {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
		await this.checking;
	}

	/** Claims and runs every task whose tick is due now; what the timer calls. */
	check( now = Date.now() ): Promise< void > {
		if ( ! this.checking ) {
			this.checking = this.runDue( now ).finally( () => {
				this.checking = null;
			} );
		}
		return this.checking;
	}

	private async runDue( now: number ): Promise< void > {
		const due = this.tasks.filter( ( task ) => {
			const tick = Math.floor( now / task.everyMs );
			return (
				tick > ( this.lastSeen.get( task.name ) ?? -1 ) &&
				! this.inFlight.has( task.name )
			);
		} );
		await Promise.all(
			due.map( async ( task ) => {
				const tick = Math.floor( now / task.everyMs );
				this.lastSeen.set( task.name, tick );
				this.inFlight.add( task.name );
				try {
					if ( await this.claim( task.name, tick ) ) {
						await task.run( tick );
					}
				} catch ( error ) {
					this.logger.warn(
						{ task: task.name, tick, err: error },
						'periodic task failed; the next tick runs it again'
					);
				} finally {
					this.inFlight.delete( task.name );
				}
			} )
		);
	}

	/** True for exactly one caller per (task, tick) across all processes. */
	async claim( name: string, tick: number ): Promise< boolean > {
		await this.sequelize.query(
			`INSERT INTO scheduler_tasks (name, last_tick) VALUES (:name, -1) ON CONFLICT (name) DO NOTHING`,
			{ replacements: { name } }
		);
		const claimed = await this.sequelize.query(
			`UPDATE scheduler_tasks SET last_tick = :tick, runs = runs + 1, claimed_by = :holder, claimed_at = NOW()
			 WHERE name = :name AND last_tick < :tick RETURNING name`,
			{
				replacements: { name, tick, holder: HOLDER },
				type: QueryTypes.SELECT,
			}
		);
		return claimed.length === 1;
	}
}

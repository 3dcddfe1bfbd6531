import { QueryTypes } from 'sequelize';
import { periodicTasks } from '../src/jobs/periodic';
import { Scheduler, type PeriodicTask } from '../src/jobs/scheduler';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Periodic work runs once per tick across every scheduler process: the
 * claim is a conditional UPDATE in PostgreSQL (and PGlite), not a timer per
 * process. Several Scheduler instances on one database stand for several
 * processes: they share nothing but the database.
 */
describe.each( [
	[ 'postgres', 'bee' ],
	[ 'pglite', 'inline' ],
] as const )( 'the scheduler on %s', ( db, queue ) => {
	let cloud: TestCloud;

	// A PGlite boot and its migrations can take over jest's 30 s on a loaded 2-core CI machine.
	beforeAll( async () => {
		cloud = await startTestCloud( { db, queue }, {}, { scheduler: false } );
	}, 120_000 );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const probe = ( name: string, everyMs: number, ticks: number[] ) =>
		( {
			name,
			everyMs,
			run: async ( tick: number ) => {
				ticks.push( tick );
			},
		} ) satisfies PeriodicTask;

	it( 'runs each tick exactly once however many schedulers check, at the same moment too', async () => {
		const ticks: number[] = [];
		const task = probe( 'test.probe', 300, ticks );
		const schedulers = [ 1, 2, 3 ].map(
			() =>
				new Scheduler(
					cloud.context.db.sequelize,
					cloud.context.logger,
					[ task ],
					50
				)
		);
		// The same instants, checked by all three: only one claim per tick can win.
		const start = Date.now();
		for ( let step = 0; step < 6; step++ ) {
			const now = start + step * 300;
			await Promise.all(
				schedulers.map( ( each ) => each.check( now ) )
			);
		}
		expect( ticks ).toHaveLength( 6 );
		expect( new Set( ticks ).size ).toBe( 6 );

		// Running on their own timers for a while: still one run per tick.
		const live: number[] = [];
		const timed = [ 1, 2, 3 ].map(
			() =>
				new Scheduler(
					cloud.context.db.sequelize,
					cloud.context.logger,
					[ probe( 'test.live', 200, live ) ],
					20
				)
		);
		timed.forEach( ( each ) => each.start() );
		await new Promise( ( resolve ) => setTimeout( resolve, 2_000 ) );
		await Promise.all( timed.map( ( each ) => each.stop() ) );
		expect( new Set( live ).size ).toBe( live.length );
		expect( live.length ).toBeGreaterThanOrEqual( 3 );
		const [ row ] = await cloud.context.db.sequelize.query< {
			runs: string;
		} >( "SELECT runs FROM scheduler_tasks WHERE name = 'test.live'", {
			type: QueryTypes.SELECT,
		} );
		expect( Number( row!.runs ) ).toBe( live.length );
	} );

	it( 'keeps running a task after one of its ticks failed', async () => {
		let calls = 0;
		const scheduler = new Scheduler(
			cloud.context.db.sequelize,
			cloud.context.logger,
			[
				{
					name: 'test.flaky',
					everyMs: 100,
					run: async () => {
						calls += 1;
						if ( calls === 1 ) {
							throw new Error( 'first tick fails' );
						}
					},
				},
			],
			20
		);
		scheduler.start();
		try {
			await waitFor( () => ( calls >= 3 ? true : undefined ), 5_000 );
		} finally {
			await scheduler.stop();
		}
	} );

	it( 'schedules every periodic task of the cloud under a unique name', () => {
		const tasks = periodicTasks( cloud.context.services, 30 );
		expect( tasks.map( ( task ) => task.name ).sort() ).toEqual( [
			'ai.file-sweep',
			'ai.reconcile',
			'automation.reconcile',
			'automation.schedule',
			'billing.grants',
			'domain-events.dispatch',
			'domain-events.prune',
			'integration.event-retention',
			'publisher.sweep',
		] );
		expect(
			() =>
				new Scheduler(
					cloud.context.db.sequelize,
					cloud.context.logger,
					[ ...tasks, tasks[ 0 ]! ]
				)
		).toThrow( 'Periodic task names must be unique.' );
	} );
} );

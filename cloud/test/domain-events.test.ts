import { Client } from 'pg';
import { QueryTypes, type Sequelize } from 'sequelize';
import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import {
	DomainEvents,
	recordEvent,
	type DomainEvent,
} from '../src/domain-events';
import { AI_ENV, finished } from './ai-support';
import { addTenant, bearer } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Domain events: recorded in the transaction of the change, delivered at
 * least once per subscriber in commit-safe order, with handlers that key
 * their effects by the event id. Several DomainEvents instances on one
 * database stand for several processes.
 */
describe( 'domain events', () => {
	let cloud: TestCloud;
	let openai: FakeOpenAI;
	let sequelize: Sequelize;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			AI_ENV( openai )
		);
		sequelize = cloud.context.db.sequelize;
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	const dispatcher = () =>
		new DomainEvents( cloud.context.db.sequelize, cloud.context.logger );
	/** A subscriber whose effect is keyed by event id (idempotent), counting every hand-over. */
	const recorder = (
		name: string,
		fail?: ( event: DomainEvent ) => boolean
	) => {
		const effects = new Map< number, DomainEvent >();
		let handovers = 0;
		return {
			effects,
			handovers: () => handovers,
			subscriber: {
				name,
				types: [ 'keywords.imported' ] as const,
				async handle( event: DomainEvent ) {
					handovers += 1;
					effects.set( event.id, event );
					if ( fail?.( event ) ) {
						throw new Error( 'the process died here' );
					}
				},
			},
		};
	};
	/**
	 * Waits until every event written so far is older than every transaction
	 * still running on the server, so one dispatch delivers all of them. A
	 * test file running beside this one can hold the horizon back a moment;
	 * without this, a count asserted right after a dispatch would depend on it.
	 */
	const settled = () =>
		waitFor( async () => {
			const [ row ] = await sequelize.query< { ready: boolean } >(
				`SELECT COALESCE(MAX(tx) < pg_snapshot_xmin(pg_current_snapshot()), true) AS ready
				 FROM domain_events`,
				{ type: QueryTypes.SELECT }
			);
			return row!.ready ? true : undefined;
		}, 30_000 );
	const record = ( accountId: number, n: number | string ) =>
		sequelize.transaction( ( transaction ) =>
			recordEvent( sequelize, transaction, {
				type: 'keywords.imported',
				account_id: accountId,
				payload: { n },
			} )
		);

	it( 'delivers a committed event once and a rolled-back one never', async () => {
		const seen = recorder( 'test.once' );
		const events = dispatcher();
		events.subscribe( seen.subscriber );
		await settled();
		await events.dispatch(); // start after what earlier tests wrote
		seen.effects.clear();
		await record( 1, 1 );
		await expect(
			sequelize.transaction( async ( transaction ) => {
				await recordEvent( sequelize, transaction, {
					type: 'keywords.imported',
					account_id: 1,
					payload: { n: 2 },
				} );
				throw new Error( 'the change failed' );
			} )
		).rejects.toThrow( 'the change failed' );
		await settled();
		expect( await events.dispatch() ).toBe( 1 );
		expect( await events.dispatch() ).toBe( 0 );
		expect(
			[ ...seen.effects.values() ].map( ( e ) => e.payload )
		).toEqual( [ { n: 1 } ] );
	} );

	it( 'never passes an event whose transaction commits after a later one', async () => {
		const seen = recorder( 'test.order' );
		const events = dispatcher();
		events.subscribe( seen.subscriber );
		await settled();
		await events.dispatch();
		seen.effects.clear();
		// A second connection: its transaction takes an id first and commits last.
		const slow = new Client( {
			connectionString: cloud.context.config.databaseUrl,
		} );
		await slow.connect();
		try {
			await slow.query( 'BEGIN' );
			await slow.query(
				'INSERT INTO domain_events (type, account_id, payload) VALUES (\'keywords.imported\', 1, \'{"n": "slow"}\')'
			);
			await record( 1, 3 );
			// The later event waits behind the open transaction…
			expect( await events.dispatch() ).toBe( 0 );
			await slow.query( 'COMMIT' );
		} finally {
			await slow.end();
		}
		// …and both arrive once it committed, in the order they were written.
		await settled();
		expect( await events.dispatch() ).toBe( 2 );
		expect(
			[ ...seen.effects.values() ].map( ( e ) => e.payload )
		).toEqual( [ { n: 'slow' }, { n: 3 } ] );
	} );

	it( 'does not skip an event when the horizon moves on while it dispatches', async () => {
		const seen = recorder( 'test.horizon' );
		const events = dispatcher();
		events.subscribe( seen.subscriber );
		await settled();
		await events.dispatch();
		seen.effects.clear();
		// An open transaction holds the horizon back; an event of another type is written in it.
		const holder = new Client( {
			connectionString: cloud.context.config.databaseUrl,
		} );
		await holder.connect();
		try {
			await holder.query( 'BEGIN' );
			await holder.query(
				"INSERT INTO domain_events (type, account_id, payload) VALUES ('run.finished', 1, '{}')"
			);
			await record( 1, 4 );
			// It commits between the dispatcher's read of its events and its
			// read of how far everything has settled: exactly then.
			const query = sequelize.query.bind( sequelize );
			const spy = jest
				.spyOn( sequelize, 'query' )
				.mockImplementation(
					async ( sql: unknown, options?: unknown ) => {
						if (
							String( sql ).includes(
								'ORDER BY tx DESC, id DESC'
							)
						) {
							await holder.query( 'COMMIT' );
						}
						return query( sql as string, options as never );
					}
				);
			try {
				expect( await events.dispatch() ).toBe( 0 );
			} finally {
				spy.mockRestore();
			}
		} finally {
			await holder.end();
		}
		// The event written while the horizon was held arrives all the same
		// (as soon as no other transaction on the server holds it back).
		await waitFor( async () =>
			( await events.dispatch() ) > 0 ? true : undefined
		);
		expect(
			[ ...seen.effects.values() ].map( ( e ) => e.payload )
		).toEqual( [ { n: 4 } ] );
	} );

	it( 'hands an event over again after a crash mid-handling, and the keyed effect happens once', async () => {
		let crashes = 1;
		const seen = recorder(
			'test.crash',
			( event ) =>
				( event.payload as { n: unknown } ).n === 'crash' &&
				crashes-- > 0
		);
		const first = dispatcher();
		first.subscribe( seen.subscriber );
		await settled();
		await first.dispatch();
		const before = seen.handovers();
		await record( 2, 'crash' );
		await settled();
		expect( await first.dispatch() ).toBe( 0 ); // the handler died
		// Another process, the lease given back by the failure, gets it again.
		const second = dispatcher();
		second.subscribe( seen.subscriber );
		expect( await second.dispatch() ).toBe( 1 );
		expect( seen.handovers() - before ).toBe( 2 );
		expect(
			[ ...seen.effects.values() ].filter(
				( e ) => ( e.payload as { n: unknown } ).n === 'crash'
			)
		).toHaveLength( 1 );
	} );

	it( 'waits for a dead dispatcher’s lease to expire, then delivers what it left', async () => {
		const seen = recorder( 'test.lease' );
		const events = dispatcher();
		events.subscribe( seen.subscriber );
		await settled();
		await events.dispatch();
		seen.effects.clear();
		await record( 3, 5 );
		await settled();
		// A process took the lease and was killed before delivering anything.
		await sequelize.query(
			"UPDATE domain_event_cursors SET leased_by = 'dead:1', leased_until = NOW() + INTERVAL '1 minute' WHERE subscriber = 'test.lease'"
		);
		expect( await events.dispatch() ).toBe( 0 );
		await sequelize.query(
			"UPDATE domain_event_cursors SET leased_until = NOW() - INTERVAL '1 second' WHERE subscriber = 'test.lease'"
		);
		expect( await events.dispatch() ).toBe( 1 );
		expect(
			[ ...seen.effects.values() ].map( ( e ) => e.payload )
		).toEqual( [ { n: 5 } ] );
	} );

	it( 'delivers each event once to a subscriber however many dispatchers run at once', async () => {
		const seen = recorder( 'test.race' );
		const dispatchers = [ 1, 2, 3 ].map( () => {
			const events = dispatcher();
			events.subscribe( seen.subscriber );
			return events;
		} );
		await settled();
		await dispatchers[ 0 ]!.dispatch();
		const before = seen.handovers();
		for ( let n = 10; n < 30; n++ ) {
			await record( 4, n );
		}
		await settled();
		let delivered = 0;
		for ( let round = 0; round < 5; round++ ) {
			const counts = await Promise.all(
				dispatchers.map( ( each ) => each.dispatch() )
			);
			delivered += counts.reduce( ( a, b ) => a + b, 0 );
		}
		expect( delivered ).toBe( 20 );
		expect( seen.handovers() - before ).toBe( 20 );
	} );

	it( 'prunes old events only once every subscriber has passed them', async () => {
		const seen = recorder( 'test.prune' );
		const events = dispatcher();
		events.subscribe( seen.subscriber );
		await settled();
		await events.dispatch();
		await record( 5, 99 );
		await sequelize.query(
			"UPDATE domain_events SET created_at = NOW() - INTERVAL '40 days' WHERE payload->>'n' = '99'"
		);
		const count = async () =>
			(
				await sequelize.query< { n: string } >(
					"SELECT COUNT(*) AS n FROM domain_events WHERE payload->>'n' = '99'",
					{ type: QueryTypes.SELECT }
				)
			)[ 0 ]!.n;
		// test.prune has not had it yet: it stays.
		await events.prune( 30 );
		expect( Number( await count() ) ).toBe( 1 );
		// Every subscriber of this test file gets it, then it may go.
		await settled();
		for ( const name of [
			'test.once',
			'test.order',
			'test.horizon',
			'test.crash',
			'test.lease',
			'test.race',
		] ) {
			const other = dispatcher();
			other.subscribe( recorder( name ).subscriber );
			await other.dispatch();
		}
		await events.dispatch();
		expect( await events.prune( 30 ) ).toBeGreaterThanOrEqual( 1 );
		expect( Number( await count() ) ).toBe( 0 );
	} );

	it( 'records run.finished with the run’s final state, in the run’s own transaction', async () => {
		const tenant = await addTenant( cloud, 'Events Co' );
		await cloud.context.services.credits.add(
			tenant.accountId,
			50,
			'grant',
			'Test credits',
			'events-grant'
		);
		const auth = bearer( tenant.owner );
		const keyword = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( auth )
			.send( { sector_id: tenant.sectorId, keyword: 'trail shoes' } )
			.expect( 201 );
		const cluster = await request( cloud.app )
			.post( '/api/v1/planner/clusters/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				name: 'Trail',
				keyword_ids: [ keyword.body.data.id ],
			} )
			.expect( 201 );
		openai.fallback( 'chat', {
			content: {
				ideas: [
					{
						title: 'An idea',
						description: 'Why',
						content_type: 'post',
						target_word_count: 1000,
						suggested_keywords: [ 'trail shoes' ],
					},
				],
			},
		} );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( auth )
			.send( { ids: [ cluster.body.data.id ], ideas_per_cluster: 1 } )
			.expect( 202 );
		const runId = started.body.data.run_id as number;
		const run = await finished( cloud, tenant, runId );
		expect( run.status ).toBe( 'succeeded' );
		// A cancel after the end changes nothing and records nothing more.
		await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( auth )
			.expect( 409 );
		const rows = await sequelize.query< {
			account_id: string;
			payload: Record< string, unknown >;
		} >(
			"SELECT account_id, payload FROM domain_events WHERE type = 'run.finished' AND (payload->>'run_id')::bigint = :id",
			{ replacements: { id: runId }, type: QueryTypes.SELECT }
		);
		expect( rows ).toHaveLength( 1 );
		expect( Number( rows[ 0 ]!.account_id ) ).toBe( tenant.accountId );
		expect( rows[ 0 ]!.payload ).toMatchObject( {
			run_id: runId,
			function_name: 'generate_ideas',
			status: 'succeeded',
			credits_charged: run.credits_charged,
		} );
	} );
} );

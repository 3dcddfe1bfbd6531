import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes } from 'sequelize';
import { createTestRedis, countKeys } from '@igny8/test-harness';
import { HEARTBEAT_JOB } from '../src/jobs/heartbeat';
import { createLogger } from '../src/logger';
import { createQueue, type JobEvent, type JobQueue } from '../src/queue';
import { startTestCloud, waitFor, type TestCloud } from './support';

const logger = createLogger( 'silent' );

describe.each( [ 'bee', 'inline' ] as const )(
	'the %s queue driver',
	( driver ) => {
		let cloud: TestCloud;

		beforeAll( async () => {
			cloud = await startTestCloud( { db: 'postgres', queue: driver } );
		} );
		afterAll( async () => {
			await cloud?.stop();
		} );

		async function heartbeats( jobId: string ): Promise< number > {
			const rows = await cloud.context.db.sequelize.query< {
				n: string;
			} >(
				'SELECT COUNT(*) AS n FROM system_heartbeats WHERE job_id = :jobId',
				{ replacements: { jobId }, type: QueryTypes.SELECT }
			);
			return Number( rows[ 0 ]?.n );
		}

		it( 'processes one enqueued job exactly once, through the same handler', async () => {
			const events: JobEvent[] = [];
			const unsubscribe = cloud.context.queue.onEvent( ( event ) =>
				events.push( event )
			);
			const { id } = await cloud.context.queue.enqueue(
				HEARTBEAT_JOB,
				{ requestedAt: new Date().toISOString() },
				{ jobId: `heartbeat-${ driver }-round-trip` }
			);

			await waitFor( async () =>
				( await heartbeats( id ) ) === 1 ? true : undefined
			);
			// Give a duplicate delivery time to show up before asserting it did not.
			await sleep( 300 );
			unsubscribe();

			expect( await heartbeats( id ) ).toBe( 1 );
			expect( events.filter( ( e ) => e.id === id ) ).toEqual( [
				{
					kind: 'succeeded',
					id,
					type: HEARTBEAT_JOB,
					result: { recorded: true },
				},
			] );
		} );

		it( 'treats a second enqueue with the same job id as the same job', async () => {
			const jobId = `retried-request-${ driver }`;
			const seen: string[] = [];
			const unsubscribe = cloud.context.queue.onEvent(
				( event ) => event.kind === 'succeeded' && seen.push( event.id )
			);
			await cloud.context.queue.enqueue(
				HEARTBEAT_JOB,
				{ requestedAt: 'first' },
				{ jobId }
			);
			await cloud.context.queue.enqueue(
				HEARTBEAT_JOB,
				{ requestedAt: 'second' },
				{ jobId }
			);
			await waitFor( () =>
				seen.includes( jobId ) ? true : undefined
			);
			await sleep( 300 );
			unsubscribe();
			expect( seen.filter( ( id ) => id === jobId ) ).toHaveLength( 1 );
			expect( await heartbeats( jobId ) ).toBe( 1 );
		} );

		it( 'refuses a job type nobody defined', async () => {
			await expect(
				cloud.context.queue.enqueue( 'no.such.job', {}, { jobId: 'x' } )
			).rejects.toThrow( 'Unknown job type: no.such.job' );
		} );
	}
);

describe.each( [ 'bee', 'inline' ] as const )(
	'retries, progress and shutdown on the %s driver',
	( driver ) => {
		let queue: JobQueue;
		const redis = createTestRedis( 'queue' );

		beforeEach( () => {
			queue = createQueue( {
				redisUrl: driver === 'bee' ? redis.url : undefined,
				prefix: redis.prefix,
				logger,
			} );
		} );
		afterEach( async () => {
			await queue.close( 1_000 );
			await redis.cleanup();
		} );

		it( 'ignores an id while its job waits or runs, and takes it again once the job finished, failed ones too', async () => {
			const calls: string[] = [];
			queue.define< { fail: boolean; n: number }, number >( {
				type: 'test.again',
				retries: 0,
				async handler( job ) {
					calls.push( `${ job.id }:${ job.data.n }` );
					await sleep( 100 );
					if ( job.data.fail ) {
						throw new Error( 'no luck' );
					}
					return job.data.n;
				},
			} );
			const outcomes: JobEvent[] = [];
			queue.onEvent( ( event ) => outcomes.push( event ) );
			await queue.startWorkers();
			const finished = ( count: number ) =>
				waitFor(
					() => ( outcomes.length >= count ? true : undefined ),
					15_000
				);
			await queue.enqueue(
				'test.again',
				{ fail: false, n: 1 },
				{ jobId: 'ok' }
			);
			await queue.enqueue(
				'test.again',
				{ fail: false, n: 2 },
				{ jobId: 'ok' }
			);
			await finished( 1 );
			await queue.enqueue(
				'test.again',
				{ fail: false, n: 3 },
				{ jobId: 'ok' }
			);
			await finished( 2 );
			await queue.enqueue(
				'test.again',
				{ fail: true, n: 4 },
				{ jobId: 'bad' }
			);
			await finished( 3 );
			await queue.enqueue(
				'test.again',
				{ fail: true, n: 5 },
				{ jobId: 'bad' }
			);
			await finished( 4 );
			expect( calls ).toEqual( [ 'ok:1', 'ok:3', 'bad:4', 'bad:5' ] );
			expect( outcomes.map( ( e ) => e.kind ) ).toEqual( [
				'succeeded',
				'succeeded',
				'failed',
				'failed',
			] );
		} );

		it( 'retries a failed run and reports the attempt number to the handler', async () => {
			const attempts: number[] = [];
			queue.define< { n: number }, string >( {
				type: 'test.flaky',
				retries: 2,
				async handler( job ) {
					attempts.push( job.attempt );
					if ( job.attempt < 2 ) {
						throw new Error( 'provider blip' );
					}
					return `done ${ job.data.n }`;
				},
			} );
			const outcomes: JobEvent[] = [];
			queue.onEvent( ( event ) => outcomes.push( event ) );
			await queue.startWorkers();
			const { id } = await queue.enqueue(
				'test.flaky',
				{ n: 7 },
				{ jobId: 'flaky-7' }
			);
			await waitFor(
				() => outcomes.find( ( e ) => e.kind === 'succeeded' ),
				15_000
			);
			expect( attempts ).toEqual( [ 1, 2 ] );
			expect( outcomes ).toEqual( [
				{ kind: 'succeeded', id, type: 'test.flaky', result: 'done 7' },
			] );
		} );

		it( 'fails a job for good once its retries are spent', async () => {
			queue.define( {
				type: 'test.broken',
				retries: 0,
				async handler() {
					throw new Error( 'always broken' );
				},
			} );
			const outcomes: JobEvent[] = [];
			queue.onEvent( ( event ) => outcomes.push( event ) );
			await queue.startWorkers();
			const { id } = await queue.enqueue(
				'test.broken',
				{},
				{ jobId: 'broken-1' }
			);
			await waitFor( () =>
				outcomes.find( ( e ) => e.kind === 'failed' )
			);
			expect( outcomes ).toEqual( [
				{
					kind: 'failed',
					id,
					type: 'test.broken',
					error: 'always broken',
				},
			] );
		} );

		it( 'fails a run that exceeds its timeout', async () => {
			queue.define( {
				type: 'test.hang',
				retries: 0,
				timeoutMs: 200,
				handler: () => sleep( 5_000 ),
			} );
			const outcomes: JobEvent[] = [];
			queue.onEvent( ( event ) => outcomes.push( event ) );
			await queue.startWorkers();
			await queue.enqueue( 'test.hang', {}, { jobId: 'hang-1' } );
			const failed = await waitFor( () =>
				outcomes.find( ( e ) => e.kind === 'failed' )
			);
			expect( failed ).toMatchObject( {
				kind: 'failed',
				type: 'test.hang',
			} );
		} );

		it( 'delivers progress reported by a handler', async () => {
			queue.define( {
				type: 'test.progress',
				async handler( job ) {
					await job.reportProgress( {
						stage: 'prepare',
						percent: 10,
					} );
					await job.reportProgress( {
						stage: 'save',
						percent: 100,
						message: 'saved',
					} );
				},
			} );
			const progress: unknown[] = [];
			queue.onEvent(
				( event ) =>
					event.kind === 'progress' && progress.push( event.progress )
			);
			await queue.startWorkers();
			await queue.enqueue( 'test.progress', {}, { jobId: 'progress-1' } );
			await waitFor( () => ( progress.length === 2 ? true : undefined ) );
			expect( progress ).toEqual( [
				{ stage: 'prepare', percent: 10 },
				{ stage: 'save', percent: 100, message: 'saved' },
			] );
		} );

		it( 'lets a running job finish when the queue closes', async () => {
			let finished = false;
			let started = false;
			queue.define( {
				type: 'test.slow',
				async handler() {
					started = true;
					await sleep( 400 );
					finished = true;
				},
			} );
			await queue.startWorkers();
			await queue.enqueue( 'test.slow', {}, { jobId: 'slow-1' } );
			await waitFor( () => ( started ? true : undefined ) );
			await queue.close( 5_000 );
			expect( finished ).toBe( true );
		} );
	}
);

describe( 'bee-queue key isolation', () => {
	it( 'keeps every key under the configured prefix', async () => {
		const redis = createTestRedis( 'prefix' );
		const queue = createQueue( {
			redisUrl: redis.url,
			prefix: redis.prefix,
			logger,
		} );
		queue.define( { type: 'test.keys', handler: async () => 'ok' } );
		await queue.enqueue( 'test.keys', {}, { jobId: 'keys-1' } );
		expect(
			await countKeys( `${ redis.prefix }:test.keys:*` )
		).toBeGreaterThan( 0 );
		await queue.close( 1_000 );
		await redis.cleanup();
		expect( await countKeys( `${ redis.prefix }:*` ) ).toBe( 0 );
	} );
} );

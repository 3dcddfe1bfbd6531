import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import {
	createTestDatabase,
	createTestRedis,
	outboundAllow,
	startFakeOpenAI,
	type FakeOpenAI,
	type TestDatabase,
	type TestRedis,
} from '@igny8/test-harness';
import type { ProcessRole } from '../src/config';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * The cloud as a deployment runs it: 2 `api`, 2 `worker` and 1 `scheduler`
 * processes (the real entry point, `IGNY8_ROLE` set) on one PostgreSQL and
 * one Redis. An in-process cloud without workers or scheduler creates the
 * fixtures and reads the database.
 */

const SERVER = path.resolve( __dirname, '../src/server.ts' );

type Proc = {
	role: ProcessRole;
	child: ChildProcess;
	url?: string;
	/** Everything the process wrote so far (pino's JSON lines at info). */
	output: () => string;
};

function freePort(): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const server = net.createServer();
		server.once( 'error', reject );
		server.listen( 0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close( () => resolve( port ) );
		} );
	} );
}

function exited( child: ChildProcess ): Promise< void > {
	if ( child.exitCode !== null || child.signalCode !== null ) {
		return Promise.resolve();
	}
	return new Promise( ( resolve ) => child.once( 'exit', () => resolve() ) );
}

/** Reads an event stream from a URL until it ends. */
function streamEvents(
	url: string,
	token: Record< string, string >
): Promise< { event: string; data: any }[] > {
	return new Promise( ( resolve, reject ) => {
		http.get( url, { headers: token }, ( res ) => {
			if ( res.statusCode !== 200 ) {
				reject( new Error( `stream answered ${ res.statusCode }` ) );
				return;
			}
			let text = '';
			res.setEncoding( 'utf8' );
			res.on( 'data', ( chunk: string ) => ( text += chunk ) );
			res.on( 'end', () =>
				resolve(
					text
						.split( '\n\n' )
						.filter( ( block ) => block.startsWith( 'id:' ) )
						.map( ( block ) => {
							const field = ( name: string ) =>
								block
									.split( '\n' )
									.find( ( line ) =>
										line.startsWith( `${ name }: ` )
									)
									?.slice( name.length + 2 ) ?? '';
							return {
								event: field( 'event' ),
								data: JSON.parse( field( 'data' ) ),
							};
						} )
				)
			);
		} ).on( 'error', reject );
	} );
}

describe( 'a deployment of 2 api, 2 worker and 1 scheduler processes', () => {
	let openai: FakeOpenAI;
	let database: TestDatabase;
	let redis: TestRedis;
	let dataDir: string;
	let env: NodeJS.ProcessEnv;
	let fixtures: TestCloud;
	let tenant: Tenant;
	let cluster: number;
	let procs: Proc[] = [];

	async function startProcess( role: ProcessRole ): Promise< Proc > {
		const port = role === 'api' ? await freePort() : 0;
		// Each process its own data folder, as on its own machine: only the database and Redis are shared.
		const ownDir = fs.mkdtempSync( path.join( dataDir, `${ role }-` ) );
		const child = spawn( process.execPath, [ '--import', 'tsx', SERVER ], {
			env: {
				...env,
				IGNY8_ROLE: role,
				PORT: String( port ),
				IGNY8_DATA_DIR: ownDir,
			},
			stdio: [ 'ignore', 'pipe', 'pipe' ],
		} );
		let output = '';
		const started = new Promise< void >( ( resolve, reject ) => {
			const look = ( chunk: Buffer ) => {
				output += chunk;
				if ( /igny8 cloud (listening|\w+ started)/.test( output ) ) {
					resolve();
				}
			};
			child.stdout!.on( 'data', look );
			child.stderr!.on( 'data', look );
			child.once( 'exit', ( code ) =>
				reject( new Error( `${ role } exited ${ code }: ${ output }` ) )
			);
		} );
		await started;
		const proc: Proc = {
			role,
			child,
			url: role === 'api' ? `http://127.0.0.1:${ port }` : undefined,
			output: () => output,
		};
		procs.push( proc );
		return proc;
	}

	async function startAll(): Promise< void > {
		// One at a time: each migrates or finds the schema migrated.
		for ( const role of [
			'api',
			'api',
			'worker',
			'worker',
			'scheduler',
		] as const ) {
			await startProcess( role );
		}
	}

	async function stopAll( signal: NodeJS.Signals ): Promise< void > {
		const stopping = procs.splice( 0 );
		stopping.forEach( ( proc ) => proc.child.kill( signal ) );
		await Promise.all( stopping.map( ( proc ) => exited( proc.child ) ) );
	}

	const apis = () => procs.filter( ( proc ) => proc.role === 'api' );
	const query = < T extends object >(
		sql: string,
		replacements: Record< string, unknown > = {}
	) =>
		fixtures.context.db.sequelize.query< T >( sql, {
			replacements,
			type: QueryTypes.SELECT,
		} );

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		openai.fallback( 'chat', {
			latencyMs: 300,
			content: {
				ideas: [
					{
						title: 'A topology idea',
						description: 'An angle',
						content_type: 'post',
						target_word_count: 1200,
						suggested_keywords: [ 'trail shoes' ],
					},
				],
			},
		} );
		database = await createTestDatabase( 'topology' );
		redis = createTestRedis( 'topology' );
		dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-topology-' ) );
		env = {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			NODE_ENV: 'test',
			LOG_LEVEL: 'info',
			HOST: '127.0.0.1',
			DATABASE_URL: database.url,
			REDIS_URL: redis.url,
			QUEUE_PREFIX: redis.prefix,
			IGNY8_DATA_DIR: dataDir,
			JWT_SECRET: randomBytes( 32 ).toString( 'hex' ),
			IGNY8_ENCRYPTION_KEY: randomBytes( 32 ).toString( 'base64' ),
			OPENAI_API_KEY: 'sk-test',
			OPENAI_BASE_URL: openai.url,
			IGNY8_OUTBOUND_ALLOW: outboundAllow( openai.url ),
			THROTTLE_ANON_PER_MINUTE: '100000',
			THROTTLE_USER_PER_MINUTE: '100000',
			SHUTDOWN_TIMEOUT_MS: '5000',
		};
		fixtures = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{ ...env, LOG_LEVEL: 'silent' },
			{ workers: false, scheduler: false }
		);
		tenant = await addTenant( fixtures, 'Topology Co' );
		await fixtures.context.services.credits.add(
			tenant.accountId,
			5_000,
			'grant',
			'Test credits',
			'topology-grant'
		);
		const auth = bearer( tenant.owner );
		const keyword = await request( fixtures.app )
			.post( '/api/v1/planner/keywords/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				keyword: 'trail running shoes',
				search_volume: 9000,
			} )
			.expect( 201 );
		cluster = (
			await request( fixtures.app )
				.post( '/api/v1/planner/clusters/' )
				.set( auth )
				.send( {
					sector_id: tenant.sectorId,
					name: 'Trail running',
					keyword_ids: [ keyword.body.data.id ],
				} )
				.expect( 201 )
		).body.data.id;
		await startAll();
	}, 180_000 );

	afterAll( async () => {
		await stopAll( 'SIGKILL' );
		await fixtures?.stop();
		await database?.drop();
		await redis?.cleanup();
		await openai?.close();
		if ( dataDir ) {
			fs.rmSync( dataDir, { recursive: true, force: true } );
		}
	} );

	const startRun = async ( api: Proc ) =>
		(
			await request( api.url! )
				.post( '/api/v1/planner/clusters/generate_ideas/' )
				.set( bearer( tenant.owner ) )
				.send( { ids: [ cluster ], ideas_per_cluster: 1 } )
				.expect( 202 )
		).body.data.run_id as number;

	it( 'streams, on one API, a run started on the other and executed by a worker', async () => {
		const [ first, second ] = apis();
		const runId = await startRun( first! );
		const events = await streamEvents(
			`${ second!.url }/api/v1/system/ai-runs/${ runId }/events/`,
			bearer( tenant.owner )
		);
		expect( events[ 0 ]!.event ).toBe( 'state' );
		expect( events.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'succeeded' },
		} );
		expect( events.map( ( e ) => e.data.progress.stage ) ).toContain(
			'generating'
		);
	} );

	it( 'logs a request on its API and the run it queued on the worker that ran it, joined by the request id', async () => {
		const requestId = `trace-${ randomBytes( 8 ).toString( 'hex' ) }`;
		const [ api ] = apis();
		const started = await request( api!.url! )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( tenant.owner ) )
			.set( 'X-Request-ID', requestId )
			.send( { ids: [ cluster ], ideas_per_cluster: 1 } )
			.expect( 202 );
		expect( started.headers[ 'x-request-id' ] ).toBe( requestId );
		const runId = started.body.data.run_id as number;
		const traced = ( proc: Proc ) =>
			proc
				.output()
				.split( '\n' )
				.filter( ( line ) => line.startsWith( '{' ) )
				.map(
					( line ) => JSON.parse( line ) as Record< string, unknown >
				)
				.filter( ( line ) => line.request_id === requestId );
		const workers = procs.filter( ( proc ) => proc.role === 'worker' );
		await waitFor(
			() =>
				workers.find( ( worker ) =>
					traced( worker ).some(
						( line ) => line.msg === 'job succeeded'
					)
				),
			20_000
		);
		expect( traced( api! ) ).toContainEqual(
			expect.objectContaining( {
				msg: 'request',
				method: 'POST',
				status: 202,
			} )
		);
		const ran = workers.filter( ( worker ) => traced( worker ).length > 0 );
		expect( ran ).toHaveLength( 1 );
		expect( traced( ran[ 0 ]! ) ).toContainEqual(
			expect.objectContaining( {
				msg: 'job succeeded',
				run_id: runId,
				job_id: `ai-run-${ runId }`,
				job_type: 'ai.run',
				attempt: 1,
				ms: expect.any( Number ),
			} )
		);
		// The API never ran it: its lines for this request are the request's own.
		expect(
			traced( api! ).filter( ( line ) => line.run_id !== undefined )
		).toEqual( [] );
	} );

	it( 'serves an image a worker generated from either API', async () => {
		const { taskId, contentId } = await addWriterContent(
			fixtures,
			tenant,
			'Topology pictures'
		);
		await fixtures.context.models.Image.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			task_id: taskId,
			content_id: contentId,
			prompt: 'A trail in the fog',
			position: 1,
			image_url: null,
			storage_path: null,
		} );
		const [ first, second ] = apis();
		const started = await request( first!.url! )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const done = await streamEvents(
			`${ first!.url }/api/v1/system/ai-runs/${ started.body.data.run_id }/events/`,
			bearer( tenant.owner )
		);
		expect( done.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'succeeded' },
		} );
		const image = await fixtures.context.models.Image.findOne( {
			where: { content_id: contentId, prompt: 'A trail in the fog' },
		} );
		expect( image!.storage_path ).toMatch( /^generated\// );
		const filePath = new URL( image!.image_url! ).pathname;
		const bodies: Buffer[] = [];
		for ( const api of [ first!, second! ] ) {
			const served = await request( api.url! )
				.get( filePath )
				.buffer( true )
				.parse( ( res, callback ) => {
					const chunks: Buffer[] = [];
					res.on( 'data', ( c: Buffer ) => chunks.push( c ) );
					res.on( 'end', () =>
						callback( null, Buffer.concat( chunks ) )
					);
				} )
				.expect( 200 );
			expect( served.headers[ 'content-type' ] ).toBe( 'image/png' );
			bodies.push( served.body as Buffer );
		}
		expect( bodies[ 0 ]!.length ).toBeGreaterThan( 0 );
		expect( bodies[ 0 ]!.equals( bodies[ 1 ]! ) ).toBe( true );
	} );

	it( 'runs periodic work in the scheduler only, once per tick', async () => {
		const scheduler = procs.find( ( proc ) => proc.role === 'scheduler' )!;
		const since = Date.now();
		const before = await query< { runs: string } >(
			"SELECT runs FROM scheduler_tasks WHERE name = 'publisher.sweep'"
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 8_000 ) );
		const rows = await query< {
			name: string;
			runs: string;
			claimed_by: string;
		} >(
			'SELECT name, runs, claimed_by FROM scheduler_tasks ORDER BY name'
		);
		expect( rows.map( ( row ) => row.name ) ).toEqual( [
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
		// Only the scheduler process claims; api and worker processes run none of it.
		for ( const row of rows ) {
			expect( row.claimed_by ).toBe(
				`${ os.hostname() }:${ scheduler.child.pid }`
			);
		}
		const sweeps =
			Number(
				rows.find( ( row ) => row.name === 'publisher.sweep' )!.runs
			) - Number( before[ 0 ]?.runs ?? 0 );
		const ticks = Math.floor( ( Date.now() - since ) / 2_000 ) + 1;
		expect( sweeps ).toBeGreaterThanOrEqual( 2 );
		expect( sweeps ).toBeLessThanOrEqual( ticks );
		for ( const once of [ 'billing.grants', 'ai.file-sweep' ] ) {
			expect(
				Number( rows.find( ( row ) => row.name === once )!.runs )
			).toBe( 1 );
		}
	}, 30_000 );

	it( 'completes 100 runs queued while every process was stopped, each once and charged once', async () => {
		const chatsBefore = openai.received( 'chat' ).length;
		const countIdeas = async () =>
			Number(
				(
					await query< { n: string } >(
						"SELECT COUNT(*) AS n FROM content_ideas WHERE title = 'A topology idea'"
					)
				)[ 0 ]!.n
			);
		const ideasBefore = await countIdeas();
		// The workers stop first, so the runs wait in the queue.
		const workers = procs.filter( ( proc ) => proc.role === 'worker' );
		workers.forEach( ( proc ) => proc.child.kill( 'SIGTERM' ) );
		await Promise.all( workers.map( ( proc ) => exited( proc.child ) ) );
		procs = procs.filter( ( proc ) => proc.role !== 'worker' );
		const [ first, second ] = apis();
		const runs: number[] = [];
		for ( let i = 0; i < 100; i++ ) {
			runs.push( await startRun( i % 2 ? first! : second! ) );
		}
		await stopAll( 'SIGTERM' );
		const queued = await query< { n: string } >(
			"SELECT COUNT(*) AS n FROM ai_task_runs WHERE id IN (:runs) AND status = 'queued'",
			{ runs }
		);
		expect( Number( queued[ 0 ]!.n ) ).toBe( 100 );

		await startAll();
		await waitFor( async () => {
			const [ row ] = await query< { n: string } >(
				"SELECT COUNT(*) AS n FROM ai_task_runs WHERE id IN (:runs) AND status = 'succeeded'",
				{ runs }
			);
			return Number( row!.n ) === 100 ? true : undefined;
		}, 150_000 );
		const ledger = await query< { job_id: string; types: string } >(
			`SELECT job_id, string_agg(type, ',' ORDER BY id) AS types FROM credit_transactions
			 WHERE job_id IN (:jobs) GROUP BY job_id`,
			{ jobs: runs.map( ( id ) => `ai-run-${ id }` ) }
		);
		expect( ledger ).toHaveLength( 100 );
		expect(
			ledger.filter( ( row ) => row.types !== 'reserve,settle' )
		).toEqual( [] );
		expect( openai.received( 'chat' ).length - chatsBefore ).toBe( 100 );
		// One idea per run.
		expect( ( await countIdeas() ) - ideasBefore ).toBe( 100 );
	}, 300_000 );
} );

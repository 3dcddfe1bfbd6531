import { z } from 'zod';
import { AI_DEFAULTS } from '../src/modules/ai/defaults';
import type { RunSnapshot } from '../src/modules/ai/engine';
import type { AiFunction, ExecuteContext } from '../src/modules/ai/types';
import { boot, shutdown } from '../src/boot';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';
import type { UserPrincipal } from '../src/modules/auth/principal';
import { ledgerOf } from './ai-support';
import { addTenant, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * What a run costs the database, and how its progress travels: a worker
 * (bee queue) and an API-only process on one PostgreSQL and one Redis, with
 * functions that make no provider call. The worker's listeners hear every
 * report; the row, which the API process reads, is written at most once per
 * AI_DEFAULTS.progressWriteMs; an end is always numbered above both.
 */

type Chatty = { steps: number; pauseMs: number; hold: boolean };

const sleep = ( ms: number ) =>
	new Promise( ( resolve ) => setTimeout( resolve, ms ) );

let siteId = 0;
/** Each chatty run waits for this before it reports, so listeners are in place. */
let gate: Promise< void > = Promise.resolve();

const base = {
	validate: async () => ( { site_id: siteId, sector_id: null } ),
	estimate: () => ( { items: 1 } ),
	needsProvider: () => false,
	save: async () => ( { summary: {}, items: 1 } ),
};

const noop: AiFunction = {
	...base,
	name: 'test_noop' as AiFunction[ 'name' ],
	input: z.object( {} ),
	prepare: async () => null,
	execute: async () => null,
};

const chatty: AiFunction< Chatty > = {
	...base,
	name: 'test_chatty' as AiFunction[ 'name' ],
	input: z.object( {
		steps: z.number().int(),
		pauseMs: z.number().int(),
		hold: z.boolean(),
	} ),
	prepare: () => gate.then( () => null ),
	async execute( _prepared, input, context: ExecuteContext ) {
		for ( let step = 1; step <= input.steps; step++ ) {
			await context.progress(
				'working',
				10 + ( 80 * step ) / input.steps,
				`Step ${ step } of ${ input.steps }`
			);
			if ( input.pauseMs > 0 ) {
				await sleep( input.pauseMs );
			}
		}
		if ( input.hold ) {
			// Until a cancel reaches this process.
			await new Promise( ( resolve ) =>
				context.signal.addEventListener( 'abort', resolve )
			);
			context.checkpoint();
		}
		return null;
	},
};

describe( 'an AI run with its worker in another process', () => {
	let worker: TestCloud;
	let api: AppContext;
	let tenant: Tenant;
	let principal: UserPrincipal;
	/** Statements each process sent, in order. */
	const sent: { worker: string[]; api: string[] } = { worker: [], api: [] };

	beforeAll( async () => {
		worker = await startTestCloud( { db: 'postgres', queue: 'bee' } );
		api = await boot(
			worker.context.config,
			createLogger( worker.context.config.logLevel )
		);
		tenant = await addTenant( worker, 'Run cost' );
		siteId = tenant.siteId;
		await api.services.credits.add(
			tenant.accountId,
			1_000,
			'grant',
			'Test credits',
			'test-grant'
		);
		for ( const fn of [ noop, chatty ] ) {
			worker.context.services.ai.registry.register( fn );
			api.services.ai.registry.register( fn );
			await api.db.sequelize.query(
				`INSERT INTO ai_function_prices (plan_id, function_name, credits_per_item, min_credits)
				 VALUES (NULL, :name, 1, 0)`,
				{ replacements: { name: fn.name } }
			);
		}
		const { models } = api;
		principal = {
			kind: 'user',
			user: ( await models.User.findByPk( tenant.owner.id ) )!,
			account: ( await models.Account.findByPk( tenant.accountId ) )!,
			role: 'owner',
		};
		worker.context.db.sequelize.addHook( 'afterQuery', ( _, query ) => {
			sent.worker.push( ( query as { sql?: string } ).sql ?? '' );
		} );
		api.db.sequelize.addHook( 'afterQuery', ( _, query ) => {
			sent.api.push( ( query as { sql?: string } ).sql ?? '' );
		} );
	} );
	afterAll( async () => {
		if ( api ) {
			await shutdown( api );
		}
		await worker?.stop();
	} );

	const start = async ( name: string, input: unknown ) =>
		Number(
			( await api.services.ai.runAiTask( name, input, principal ) ).id
		);

	/** What listeners in each process hear of one run, from before it reports. */
	async function follow( runId: number ) {
		const here: RunSnapshot[] = [];
		const elsewhere: RunSnapshot[] = [];
		const unwatch = worker.context.services.ai.watch( runId, ( run ) =>
			here.push( run )
		);
		const unfollow = api.services.ai.feed.follow( runId, ( run ) =>
			elsewhere.push( run )
		);
		await api.services.ai.signalsReady();
		return {
			here,
			elsewhere,
			stop() {
				unwatch();
				unfollow();
			},
		};
	}

	const seqs = ( runs: RunSnapshot[] ) =>
		runs.map( ( run ) => Number( run.progress.seq ) );
	const progressWrites = ( sql: string[] ) =>
		sql.filter( ( each ) =>
			/^UPDATE ai_task_runs SET updated_at = NOW\(\),\s+progress/.test(
				each
			)
		).length;

	it( 'tells listeners here every report, writes the row at most once per interval, and numbers the end above both', async () => {
		let open!: () => void;
		gate = new Promise( ( resolve ) => ( open = resolve ) );
		const runId = await start( chatty.name, {
			steps: 40,
			pauseMs: 10,
			hold: false,
		} );
		const heard = await follow( runId );
		sent.worker.length = 0;
		const started = Date.now();
		open();
		await waitFor( () =>
			heard.elsewhere.at( -1 )?.status === 'succeeded' ? true : undefined
		);
		const elapsed = Date.now() - started;
		heard.stop();

		const working = heard.here.filter(
			( run ) => run.progress.stage === 'working'
		);
		expect( working.map( ( run ) => run.progress.message ) ).toEqual(
			Array.from( { length: 40 }, ( _, i ) => `Step ${ i + 1 } of 40` )
		);
		const local = seqs( heard.here );
		expect( local ).toEqual( [ ...local ].sort( ( a, b ) => a - b ) );
		expect( new Set( local ).size ).toBe( local.length );

		// The row: at most one write per interval (plus the first), not one per report.
		const writes = progressWrites( sent.worker );
		expect( writes ).toBeGreaterThanOrEqual( 1 );
		expect( writes ).toBeLessThanOrEqual(
			Math.ceil( elapsed / AI_DEFAULTS.progressWriteMs ) + 1
		);
		expect( writes ).toBeLessThan( 40 );
		// The API process heard the written ones, in order, then the end.
		const remote = heard.elsewhere.filter(
			( run ) => run.progress.stage === 'working'
		);
		expect( remote.length ).toBeGreaterThanOrEqual( 1 );
		expect( remote.length ).toBeLessThanOrEqual( writes );
		const end = heard.elsewhere.at( -1 )!;
		expect( end.progress.stage ).toBe( 'done' );
		expect( Number( end.progress.seq ) ).toBeGreaterThan(
			Math.max( ...seqs( working ) )
		);
		// Its own signals cost the worker no reads: it checked for cancels not once.
		expect(
			sent.worker.filter( ( sql ) => sql.includes( "= 'cancelled'" ) )
		).toEqual( [] );
	} );

	it( 'ends a run cancelled from another process for listeners here too, though they heard more than the row holds', async () => {
		let open!: () => void;
		gate = new Promise( ( resolve ) => ( open = resolve ) );
		const runId = await start( chatty.name, {
			steps: 20,
			pauseMs: 0,
			hold: true,
		} );
		const heard = await follow( runId );
		// The worker's job ends after the API's cancel: its own reads of the end come last.
		const jobDone = new Promise< void >( ( resolve ) => {
			const unlisten = worker.context.queue.onEvent( ( event ) => {
				if ( event.id === `ai-run-${ runId }` ) {
					unlisten();
					resolve();
				}
			} );
		} );
		open();
		await waitFor( () =>
			heard.here.some(
				( run ) => run.progress.message === 'Step 20 of 20'
			)
				? true
				: undefined
		);
		await api.services.ai.cancel( principal, runId );
		const end = await waitFor( () => {
			const last = heard.here.at( -1 );
			return last?.status === 'cancelled' ? last : undefined;
		} );
		heard.stop();
		await jobDone;
		expect( Number( end.progress.seq ) ).toBeGreaterThan(
			Math.max(
				...seqs(
					heard.here.filter(
						( run ) => run.progress.stage === 'working'
					)
				)
			)
		);
		expect( await ledgerOf( worker, runId ) ).toEqual( [
			[ 'reserve', -1 ],
			[ 'refund', 1 ],
		] );
	} );

	it( 'records, queues, runs and settles a run in a bounded number of statements', async () => {
		const runs = 10;
		const ids: number[] = [];
		sent.api.length = 0;
		sent.worker.length = 0;
		for ( let i = 0; i < runs; i++ ) {
			ids.push( await start( noop.name, {} ) );
		}
		const submitted = sent.api.length;
		await waitFor( async () =>
			( await api.models.AiTaskRun.count( {
				where: { id: ids, status: 'succeeded', credits_charged: 1 },
			} ) ) === runs
				? true
				: undefined
		);
		const executed = sent.worker.length;
		// Settings and price; the run and its reservation in one transaction.
		expect( submitted / runs ).toBeLessThanOrEqual( 6 );
		// Claim; settings, prompts and price; the save, the final state with
		// its event and the charge in one transaction. No progress write: a run
		// this short is over before its first interval.
		expect( executed / runs ).toBeLessThanOrEqual( 10 );
		expect( progressWrites( sent.worker ) ).toBe( 0 );
		for ( const id of ids ) {
			expect( await ledgerOf( worker, id ) ).toEqual( [
				[ 'reserve', -1 ],
				[ 'settle', 0 ],
			] );
		}
	} );
} );

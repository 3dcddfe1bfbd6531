import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { clusterLexical } from '../src/modules/ai/clustering/lexical';
import {
	LexicalWorkerPool,
	workerEntry,
} from '../src/modules/ai/clustering/lexical-pool';
import { generateKeywords } from '../bench/keywords';
import { finished, grant } from './ai-support';
import { labeledKeywords } from './clustering-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

/**
 * Lexical clustering runs in a worker thread, so a big sector clustered by
 * the inline queue does not freeze the API of the same process.
 */

describe( 'the lexical clustering worker thread', () => {
	const pool = new LexicalWorkerPool();
	afterAll( () => pool.close() );

	it( 'loads the TypeScript worker from source (the compiled build loads the .js beside it)', () => {
		const entry = workerEntry();
		expect( entry.file ).toMatch( /clustering[/\\]lexical-worker\.ts$/ );
		expect( entry.execArgv ).toEqual( [
			'--require',
			expect.stringMatching( /tsx[/\\]dist[/\\]cjs/ ),
		] );
	} );

	it( 'answers what clustering on this thread answers, on one thread kept for the next run', async () => {
		const keywords = labeledKeywords().map( ( k ) => k.keyword );
		const expected = clusterLexical( keywords, { minClusterSize: 3 } );
		expect( await pool.run( keywords, { minClusterSize: 3 } ) ).toEqual(
			expected
		);
		expect( await pool.run( keywords.slice( 0, 40 ) ) ).toEqual(
			clusterLexical( keywords.slice( 0, 40 ) )
		);
		expect( pool.started ).toBe( 1 );
	} );

	it( 'stops a cancelled run at once by ending the thread; the next run gets a new one', async () => {
		const before = pool.started;
		const controller = new AbortController();
		const big = generateKeywords( 30_000 );
		const running = pool.run( big, {}, controller.signal );
		const queued = pool.run( big.slice( 0, 100 ), {}, controller.signal );
		setTimeout( () => controller.abort( new Error( 'stop' ) ), 100 );
		const started = Date.now();
		await expect( running ).rejects.toThrow( 'stop' );
		await expect( queued ).rejects.toThrow( 'stop' );
		// Far sooner than the seconds the 30k run needs.
		expect( Date.now() - started ).toBeLessThan( 1500 );
		const small = labeledKeywords()
			.slice( 0, 50 )
			.map( ( k ) => k.keyword );
		expect( await pool.run( small ) ).toEqual( clusterLexical( small ) );
		expect( pool.started ).toBe( before + 1 );
	} );

	it( 'rejects runs still working at shutdown and starts afresh afterwards', async () => {
		const running = pool.run( generateKeywords( 20_000 ) );
		await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
		await pool.close();
		await expect( running ).rejects.toThrow( /shut down/ );
		expect( await pool.run( [ 'a b', 'a b c' ] ) ).toEqual(
			clusterLexical( [ 'a b', 'a b c' ] )
		);
	} );
} );

describe( 'a big lexical run on the inline queue (API and jobs in one process)', () => {
	const SIZE = 50_000;
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ OPENAI_API_KEY: '', AI_RUN_TIMEOUT_MS: '600000' }
		);
		tenant = await addTenant( cloud, 'Big sector' );
		await grant( cloud, tenant, SIZE );
	}, 60_000 );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'keeps answering health requests while the keywords are clustered', async () => {
		const sector = await cloud.context.models.Sector.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			name: 'Long tail',
			industry_sector_id: null,
		} );
		const keywords = [ ...new Set( generateKeywords( SIZE ) ) ];
		// Straight to the table: 50k keywords through the API would be the test's whole budget.
		await cloud.context.db.sequelize.query(
			`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized)
			 SELECT :account, :site, :sector, k, k FROM jsonb_array_elements_text(:list::jsonb) AS k`,
			{
				replacements: {
					account: tenant.accountId,
					site: tenant.siteId,
					sector: Number( sector.id ),
					list: JSON.stringify( keywords ),
				},
				type: QueryTypes.INSERT,
			}
		);
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: Number( sector.id ), method: 'lexical' } )
			.expect( 202 );
		const runId = started.body.data.run_id;
		let stage = '';
		let clusteringFrom = 0;
		let clusteringTo = 0;
		const unwatch = cloud.context.services.ai.watch( runId, ( run ) => {
			const next = ( run.progress as { stage: string } ).stage;
			if ( next === 'clustering' && stage !== 'clustering' ) {
				clusteringFrom = Date.now();
			} else if ( next !== 'clustering' && stage === 'clustering' ) {
				clusteringTo = Date.now();
			}
			stage = next;
		} );
		// Health requests one after another until the run ends; each one's time, and whether clustering was under way.
		const during: number[] = [];
		let status = 'queued';
		while ( ! [ 'succeeded', 'failed', 'cancelled' ].includes( status ) ) {
			const sent = Date.now();
			const wasClustering = stage === 'clustering';
			await request( cloud.app ).get( '/api/v1/health/' ).expect( 200 );
			if ( wasClustering && stage === 'clustering' ) {
				during.push( Date.now() - sent );
			}
			const run = await cloud.context.models.AiTaskRun.findByPk( runId, {
				attributes: [ 'status' ],
			} );
			status = run!.status;
		}
		unwatch();
		const run = await finished( cloud, tenant, runId );
		expect( run.status ).toBe( 'succeeded' );
		expect(
			run.output_summary.keywords_clustered +
				run.output_summary.unclustered_count
		).toBe( keywords.length );
		const clusteringMs = clusteringTo - clusteringFrom;
		// The run must really have spent a while clustering for the test to mean anything.
		expect( clusteringMs ).toBeGreaterThan( 1000 );
		// Blocked, the loop would answer at most the one request stuck across the whole clustering.
		expect( during.length ).toBeGreaterThanOrEqual( 10 );
		// Loose: a second is far above a health round trip, far below a blocked loop's wait.
		expect( Math.max( ...during ) ).toBeLessThan(
			Math.min( 1000, clusteringMs / 2 )
		);
	}, 180_000 );
} );

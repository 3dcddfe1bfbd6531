import request from 'supertest';
import { Op } from 'sequelize';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { AI_DEFAULTS, tokenWeight } from '../src/modules/ai/defaults';
import { creditsFor } from '../src/modules/billing/prices';
import { finished, readEvents } from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import {
	adjustedRandIndex,
	labeledKeywords,
	type LabeledKeyword,
} from './clustering-support';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * auto_cluster end to end: the endpoint, the queued run, the saved clusters
 * and memberships, on real PostgreSQL with bee-queue on Redis (and the
 * inline driver without any AI key). The fake OpenAI server is the only
 * stand-in, spoken to by the real `openai` client.
 *
 * Quality: the same 0.9 adjusted-Rand bar as test/clustering.test.ts (there:
 * why 0.9), measured here on what was saved in the database.
 */
const ARI_THRESHOLD = 0.9;
const FIXTURE = labeledKeywords();
const TOPICS = [ ...new Set( FIXTURE.map( ( k ) => k.topic ) ) ];
const TOPIC_OF = new Map(
	FIXTURE.map( ( k ) => [ k.keyword.toLowerCase(), k.topic ] )
);

/** A fresh sector of the tenant holding these keywords; their ids in order. */
async function sectorWith(
	cloud: TestCloud,
	tenant: Tenant,
	name: string,
	keywords: readonly LabeledKeyword[]
): Promise< { sectorId: number; ids: number[] } > {
	// Straight to the table: the plan's sector limit is not what is tested here.
	const sector = await cloud.context.models.Sector.create( {
		account_id: tenant.accountId,
		site_id: tenant.siteId,
		name,
		industry_sector_id: null,
	} );
	const sectorId = Number( sector.id );
	const created = await request( cloud.app )
		.post( '/api/v1/planner/keywords/bulk_create/' )
		.set( bearer( tenant.owner ) )
		.send( {
			sector_id: sectorId,
			keywords: keywords.map( ( k ) => ( { keyword: k.keyword } ) ),
		} )
		.expect( 201 );
	const byText = new Map< string, number >(
		created.body.data.created.map(
			( k: { id: number; keyword: string } ) => [ k.keyword, k.id ]
		)
	);
	return {
		sectorId,
		ids: keywords.map( ( k ) => byText.get( k.keyword.trim() )! ),
	};
}

/** Cluster of each keyword as saved (undefined: in none). */
async function savedClusters( cloud: TestCloud, ids: number[] ) {
	const rows = await cloud.context.models.ClusterKeyword.findAll( {
		where: { keyword_id: { [ Op.in ]: ids } },
	} );
	const of = new Map< number, number >();
	for ( const row of rows ) {
		// The unique keyword_id constraint makes this impossible; say so if it ever is not.
		expect( of.has( Number( row.keyword_id ) ) ).toBe( false );
		of.set( Number( row.keyword_id ), Number( row.cluster_id ) );
	}
	return of;
}

/** Checks the run's summary against the database: every keyword once, clustered or reported. */
async function checkEveryKeywordOnce(
	cloud: TestCloud,
	run: any,
	ids: number[]
) {
	const of = await savedClusters( cloud, ids );
	const unclustered: number[] = run.output_summary.unclustered_keyword_ids;
	for ( const id of ids ) {
		expect( of.has( id ) !== unclustered.includes( id ) ).toBe( true );
	}
	expect( run.output_summary.keywords_clustered + unclustered.length ).toBe(
		ids.length
	);
	const clusterIds = run.output_summary.clusters.map(
		( c: { id: number } ) => c.id
	);
	expect( new Set( of.values() ) ).toEqual( new Set( clusterIds ) );
	return of;
}

function ariOf( of: Map< number, number >, ids: number[] ) {
	return adjustedRandIndex(
		FIXTURE.map( ( k ) => k.topic ),
		ids.map( ( id ) => String( of.get( id ) ?? `none-${ id }` ) )
	);
}

const userPrompt = ( body: {
	messages: { role: string; content: string }[];
} ) => body.messages.filter( ( m ) => m.role === 'user' ).at( -1 )!.content;

/** The numbered keyword lines of an llm clustering prompt. */
const numberedLines = ( text: string ) =>
	[ ...text.matchAll( /^(\d+)\. (.+)$/gm ) ].map( ( m ) => ( {
		n: Number( m[ 1 ] ),
		text: m[ 2 ]!,
	} ) );

/** A unit-ish vector along the keyword's topic axis, with a small deterministic wobble. */
function topicVector( text: string ): number[] {
	const topic = TOPICS.indexOf( TOPIC_OF.get( text.toLowerCase() )! );
	let seed = 7;
	for ( const char of text ) {
		seed = ( seed * 31 + char.charCodeAt( 0 ) ) % 1000003;
	}
	return Array.from( { length: 16 }, ( _, d ) =>
		d === topic ? 1 : Math.sin( seed + d ) * 0.1
	);
}

describe( 'auto_cluster on PostgreSQL with the bee queue', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{
				OPENAI_API_KEY: 'sk-test',
				OPENAI_BASE_URL: openai.url,
				AI_MAX_ATTEMPTS: '2',
				AI_RETRY_BASE_MS: '10',
			}
		);
		tenant = await addTenant( cloud, 'Cluster Co' );
		await cloud.context.services.credits.add(
			tenant.accountId,
			1000,
			'grant',
			'Test credits',
			'test-grant'
		);
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'clusters a sector lexically: clusters and memberships saved, quality above the bar, free of charge', async () => {
		const { sectorId, ids } = await sectorWith(
			cloud,
			tenant,
			'Lexical',
			FIXTURE
		);
		const estimate = ( method: string ) =>
			request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( tenant.owner ) )
				.send( {
					function: 'auto_cluster',
					input: { sector_id: sectorId, method },
				} )
				.expect( 200 );
		expect( ( await estimate( 'lexical' ) ).body.data ).toMatchObject( {
			credits: 0,
			sufficient: true,
		} );
		// The methods that call the model stay priced: 320 keywords at 0.08 credit per item
		// (half an item each by embeddings), and 0.1 per 1k tokens for their requests, each
		// reserved at 3.2 (2 × 4,000 prompt + 3 × 8,000 answer tokens): embeddings names at
		// most 160 clusters in 7 requests (and embeds 320 keywords: a few hundred light
		// tokens), llm sorts them in 3.
		expect( ( await estimate( 'embeddings' ) ).body.data.credits ).toBe(
			Math.ceil(
				160 * 0.08 +
					7 * 3.2 +
					( ( 320 *
						AI_DEFAULTS.embeddingTokensPerText *
						tokenWeight( AI_DEFAULTS.embeddingModel ) ) /
						1000 ) *
						0.1
			)
		);
		expect( ( await estimate( 'llm' ) ).body.data.credits ).toBe(
			Math.ceil( 320 * 0.08 + 3 * 3.2 )
		);
		const { CreditTransaction } = cloud.context.models;
		const ledgerBefore = await CreditTransaction.count( {
			where: { account_id: tenant.accountId },
		} );
		const balanceBefore = await cloud.context.services.credits.balance(
			tenant.accountId
		);
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: sectorId, method: 'lexical' } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			function_name: 'auto_cluster',
			sector_id: sectorId,
			output_summary: { method: 'lexical' },
		} );
		// No model, no price: nothing reserved or charged, not a line in the ledger.
		expect( run ).toMatchObject( {
			credits_reserved: 0,
			credits_charged: 0,
		} );
		expect(
			await CreditTransaction.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( ledgerBefore );
		expect(
			await cloud.context.services.credits.balance( tenant.accountId )
		).toBe( balanceBefore );
		expect( openai.requests ).toHaveLength( 0 );
		const of = await checkEveryKeywordOnce( cloud, run, ids );
		expect( ariOf( of, ids ) ).toBeGreaterThanOrEqual( ARI_THRESHOLD );
		const clusters = await cloud.context.models.Cluster.findAll( {
			where: { sector_id: sectorId },
		} );
		expect( clusters.length ).toBe( run.output_summary.clusters_created );
		expect( clusters.map( ( c ) => c.name ) ).toEqual(
			expect.arrayContaining( [
				'Trail running shoes',
				'Espresso machine',
			] )
		);
		for ( const cluster of clusters ) {
			expect( cluster ).toMatchObject( {
				account_id: tenant.accountId,
				site_id: tenant.siteId,
				status: 'active',
			} );
			expect( cluster.description ).toMatch( /keywords about/ );
		}

		// The sector has nothing left to cluster: a second run is refused, not run empty.
		const again = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: sectorId, method: 'lexical' } )
			.expect( 400 );
		expect( again.body.errors.sector_id[ 0 ] ).toMatch(
			/has no keywords outside a cluster/
		);
	} );

	it( 'names a lexical cluster after its most searched central keyword, not after a junk row', async () => {
		const sector = await cloud.context.models.Sector.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			name: 'Named',
			industry_sector_id: null,
		} );
		const sectorId = Number( sector.id );
		await request( cloud.app )
			.post( '/api/v1/planner/keywords/bulk_create/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: sectorId,
				keywords: [
					{ keyword: 'espresso machine', search_volume: 50 },
					{ keyword: 'best espresso machine', search_volume: 9_000 },
					{ keyword: 'espresso machine reviews', search_volume: 200 },
					{ keyword: 'cheap espresso machine', search_volume: 120 },
					{
						keyword:
							'espresso machine with grinder under 200 dollars',
						search_volume: 20_000,
					},
				],
			} )
			.expect( 201 );
		// A junk row from before the keyword rules refused them, the most searched of all.
		await cloud.context.db.sequelize.query(
			`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume)
			 VALUES (:account, :site, :sector, '☕☕☕', '☕☕☕', 1000000)`,
			{
				replacements: {
					account: tenant.accountId,
					site: tenant.siteId,
					sector: sectorId,
				},
			}
		);
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: sectorId, method: 'lexical' } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		expect(
			run.output_summary.clusters.map(
				( c: { name: string; keywords: number } ) => [
					c.name,
					c.keywords,
				]
			)
		).toEqual( [ [ 'Best espresso machine', 5 ] ] );
		expect( run.output_summary.unclustered_count ).toBe( 1 );
	} );

	it( 're-clusters named keywords: they leave their old cluster, others stay', async () => {
		const keywords = FIXTURE.filter( ( k ) =>
			[ 'kayak fishing', 'learning guitar' ].includes( k.topic )
		);
		const { sectorId, ids } = await sectorWith(
			cloud,
			tenant,
			'Moves',
			keywords
		);
		const old = await request( cloud.app )
			.post( '/api/v1/planner/clusters/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: sectorId,
				name: 'Mixed bag',
				keyword_ids: ids.slice( 0, 40 ),
			} )
			.expect( 201 );
		const named = ids.slice( 0, 30 );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: named, method: 'lexical', min_cluster_size: 3 } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const of = await savedClusters( cloud, ids );
		// The 10 not named stay in the old cluster; the named left it.
		for ( const id of ids.slice( 30, 40 ) ) {
			expect( of.get( id ) ).toBe( old.body.data.id );
		}
		for ( const id of named ) {
			expect( of.get( id ) ).not.toBe( old.body.data.id );
		}
		const unclustered: number[] =
			run.output_summary.unclustered_keyword_ids;
		expect(
			named.filter( ( id ) => of.has( id ) ).length + unclustered.length
		).toBe( named.length );
		for ( const cluster of run.output_summary.clusters ) {
			expect( cluster.keywords ).toBeGreaterThanOrEqual( 3 );
		}
	} );

	it( 'clusters by embeddings in batches, then names clusters with the model', async () => {
		const { sectorId, ids } = await sectorWith(
			cloud,
			tenant,
			'Embeddings',
			FIXTURE
		);
		openai.fallback( 'embeddings', ( req ) => ( {
			vectors: ( req.body.input as string[] ).map( topicVector ),
		} ) );
		openai.fallback( 'chat', ( req ) => {
			const lines = numberedLines( userPrompt( req.body ) );
			return {
				content: {
					clusters: lines.map( ( line ) => {
						const topic = TOPIC_OF.get(
							line.text.split( '; ' )[ 0 ]!.toLowerCase()
						)!;
						return {
							number: line.n,
							name: `Topic: ${ topic }`,
							description: `All about ${ topic }.`,
						};
					} ),
				},
			};
		} );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: sectorId } )
			.expect( 202 );
		expect( started.body.message ).toBe(
			'Clustering keywords (embeddings).'
		);
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		expect( run.output_summary.method ).toBe( 'embeddings' );

		// 320 keywords: batches of 256 and 64, every keyword embedded once.
		const embeds = openai.received( 'embeddings' );
		expect( embeds.map( ( r ) => r.body.input.length ) ).toEqual( [
			256, 64,
		] );
		expect( embeds.flatMap( ( r ) => r.body.input ).sort() ).toEqual(
			FIXTURE.map( ( k ) => k.keyword ).sort()
		);
		expect( embeds[ 0 ]!.body.dimensions ).toBe( 256 );
		expect( openai.received( 'chat' ) ).toHaveLength( 1 );
		expect( run.tokens_in ).toBeGreaterThan( 0 );

		const of = await checkEveryKeywordOnce( cloud, run, ids );
		expect( ariOf( of, ids ) ).toBeGreaterThanOrEqual( ARI_THRESHOLD );
		const clusters = await cloud.context.models.Cluster.findAll( {
			where: { sector_id: sectorId },
			order: [ [ 'name', 'ASC' ] ],
		} );
		expect( clusters.map( ( c ) => c.name ) ).toEqual(
			[ ...TOPICS ].sort().map( ( t ) => `Topic: ${ t }` )
		);
		expect( clusters[ 0 ]!.description ).toMatch( /^All about / );
	} );

	it( 'clusters by llm in batches of 150 carrying the cluster list forward, streaming progress in order', async () => {
		const { sectorId, ids } = await sectorWith(
			cloud,
			tenant,
			'LLM',
			FIXTURE
		);
		const skipped = 'trail running sneakers';
		openai.fallback( 'chat', ( req ) => {
			const byTopic = new Map< string, number[] >();
			for ( const line of numberedLines( userPrompt( req.body ) ) ) {
				// The model "forgets" one keyword: it must end up unclustered.
				if ( line.text === skipped ) {
					continue;
				}
				const topic = TOPIC_OF.get( line.text.toLowerCase() )!;
				byTopic.set( topic, [
					...( byTopic.get( topic ) ?? [] ),
					line.n,
				] );
			}
			return {
				latencyMs: 150,
				content: {
					clusters: [ ...byTopic ].map( ( [ topic, numbers ] ) => ( {
						// Later batches answer in other case: the name still matches.
						name: req.body.messages.some(
							( m: { content: string } ) =>
								m.content.includes( '(none yet)' )
						)
							? topic
							: topic.toUpperCase(),
						description: `Keywords about ${ topic }`,
						keywords: numbers,
					} ) ),
				},
			};
		} );
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { ids, method: 'llm' } )
			.expect( 202 );
		const runId: number = started.body.data.run_id;
		const events = await readEvents( cloud, tenant, runId );

		expect( events[ 0 ]!.event ).toBe( 'state' );
		expect( events.at( -1 ) ).toMatchObject( {
			event: 'done',
			data: { status: 'succeeded' },
		} );
		const seqs = events.map( ( e ) => e.data.progress.seq );
		expect( seqs ).toEqual( [ ...seqs ].sort( ( a, b ) => a - b ) );
		expect( new Set( seqs ).size ).toBe( seqs.length );
		const percents = events.map( ( e ) => e.data.progress.percent );
		expect( percents ).toEqual( [ ...percents ].sort( ( a, b ) => a - b ) );
		const messages = events.map( ( e ) => e.data.progress.message );
		expect( messages ).toContain( 'Clustering keywords (batch 3 of 3)' );
		const stages = events.map( ( e ) => e.data.progress.stage );
		expect( stages.indexOf( 'saving' ) ).toBeGreaterThan(
			stages.lastIndexOf( 'clustering' )
		);

		// Three prompts (150 + 150 + 20); none holds every keyword.
		const chats = openai.received( 'chat' );
		expect( chats ).toHaveLength( 3 );
		const batches = chats.map( ( c ) =>
			numberedLines( userPrompt( c.body ) )
		);
		expect( batches.map( ( b ) => b.length ) ).toEqual( [ 150, 150, 20 ] );
		for ( const chat of chats ) {
			const text = userPrompt( chat.body );
			expect(
				FIXTURE.filter( ( k ) => text.includes( `. ${ k.keyword }\n` ) )
					.length
			).toBeLessThanOrEqual( 150 );
		}
		expect(
			batches
				.flat()
				.map( ( l ) => l.text )
				.sort()
		).toEqual( FIXTURE.map( ( k ) => k.keyword ).sort() );
		// The second prompt lists what the first made.
		expect( userPrompt( chats[ 0 ]!.body ) ).toContain( '(none yet)' );
		expect( userPrompt( chats[ 1 ]!.body ) ).toContain(
			'- trail running shoes'
		);

		const run = await finished( cloud, tenant, runId );
		expect( run.sector_id ).toBe( sectorId );
		const of = await checkEveryKeywordOnce( cloud, run, ids );
		const skippedId =
			ids[ FIXTURE.findIndex( ( k ) => k.keyword === skipped ) ]!;
		expect( run.output_summary.unclustered_keyword_ids ).toEqual( [
			skippedId,
		] );
		expect( run.output_summary.clusters_created ).toBe( TOPICS.length );
		expect( ariOf( of, ids ) ).toBeGreaterThanOrEqual( 0.99 );
		// 320 keywords, a whole item each at 0.08 credit, and 0.1 credit per 1k tokens
		// (migration 0016): reserved for 3 requests at the 8,000 answer cap (2 × 4,000
		// prompt + 3 × 8,000 answer tokens each = 3.2 credits), charged the tokens used.
		const price = await cloud.context.services.prices.price(
			tenant.accountId,
			'auto_cluster'
		);
		expect( run ).toMatchObject( {
			credits_reserved: Math.ceil( 320 * 0.08 + 3 * 3.2 ),
			credits_charged: creditsFor( price, {
				items: 320,
				tokens: run.tokens_in + run.tokens_out,
			} ),
		} );
	} );

	it( 'cancels an llm run mid-call: nothing saved, credits back', async () => {
		const keywords = FIXTURE.filter(
			( k ) => k.topic === 'sourdough bread'
		);
		const { ids } = await sectorWith( cloud, tenant, 'Cancel', keywords );
		openai.fallback( 'chat', {
			latencyMs: 10_000,
			content: { clusters: [] },
		} );
		const before = await cloud.context.services.credits.balance(
			tenant.accountId
		);
		const clustersBefore = await cloud.context.models.Cluster.count();
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { ids, method: 'llm' } )
			.expect( 202 );
		const runId = started.body.data.run_id;
		await waitFor( () =>
			openai.received( 'chat' ).length === 1 ? true : undefined
		);
		const cancelledAt = Date.now();
		await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const run = await finished( cloud, tenant, runId );
		expect( run ).toMatchObject( {
			status: 'cancelled',
			credits_charged: 0,
			output_summary: null,
		} );
		await waitFor(
			() => openai.received( 'chat' )[ 0 ]!.abandonedAt,
			5_000
		);
		expect( Date.now() - cancelledAt ).toBeLessThan( 5_000 );
		expect( await cloud.context.models.Cluster.count() ).toBe(
			clustersBefore
		);
		expect( ( await savedClusters( cloud, ids ) ).size ).toBe( 0 );
		await waitFor( async () =>
			( await cloud.context.services.credits.balance(
				tenant.accountId
			) ) === before
				? true
				: undefined
		);
	} );

	it( 'refuses bad requests before any run or provider call', async () => {
		const other = await addTenant( cloud, 'Other Co' );
		const { ids } = await sectorWith(
			cloud,
			tenant,
			'Guarded',
			FIXTURE.slice( 0, 5 )
		);
		const runsBefore = await cloud.context.models.AiTaskRun.count();
		const post = ( who: Tenant, body: object ) =>
			request( cloud.app )
				.post( '/api/v1/planner/keywords/auto_cluster/' )
				.set( bearer( who.owner ) )
				.send( body );

		const theirs = await post( other, { ids, method: 'lexical' } ).expect(
			400
		);
		expect( theirs.body ).toMatchObject( { success: false } );
		expect( theirs.body.errors.ids ).toContain(
			`keyword ${ ids[ 0 ] } does not exist`
		);

		const neither = await post( tenant, { method: 'lexical' } ).expect(
			400
		);
		expect( neither.body.errors.ids ).toEqual( [
			'name the keywords (ids) or a sector (sector_id)',
		] );
		const badMethod = await post( tenant, {
			ids,
			method: 'kmeans',
		} ).expect( 400 );
		expect( badMethod.body.errors.method ).toBeDefined();
		const foreignSector = await post( other, {
			sector_id: (
				await sectorWith( cloud, tenant, 'Mine', FIXTURE.slice( 5, 8 ) )
			).sectorId,
			method: 'lexical',
		} ).expect( 400 );
		expect( foreignSector.body.errors.sector_id[ 0 ] ).toMatch(
			/does not exist/
		);

		const elsewhere = await sectorWith(
			cloud,
			tenant,
			'Elsewhere',
			FIXTURE.slice( 8, 10 )
		);
		const mixed = await post( tenant, {
			ids: [ ...ids, ...elsewhere.ids ],
			method: 'lexical',
		} ).expect( 400 );
		expect( mixed.body.errors.ids ).toEqual( [
			'the keywords of one run must belong to one sector',
		] );

		expect( await cloud.context.models.AiTaskRun.count() ).toBe(
			runsBefore
		);
		expect( openai.requests ).toHaveLength( 0 );
	} );
} );

describe( 'auto_cluster on the inline queue with no AI key', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ OPENAI_API_KEY: '' }
		);
		tenant = await addTenant( cloud, 'Keyless Co' );
		await cloud.context.services.credits.add(
			tenant.accountId,
			100,
			'grant',
			'Test credits',
			'test-grant'
		);
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'clusters lexically with no credits at all', async () => {
		const broke = await addTenant( cloud, 'Broke Co' );
		expect(
			await cloud.context.services.credits.balance( broke.accountId )
		).toBe( 0 );
		const { sectorId, ids } = await sectorWith(
			cloud,
			broke,
			'Broke',
			FIXTURE.slice( 0, 64 )
		);
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( broke.owner ) )
			.send( { sector_id: sectorId, method: 'lexical' } )
			.expect( 202 );
		const run = await finished( cloud, broke, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_charged: 0,
		} );
		await checkEveryKeywordOnce( cloud, run, ids );
		expect(
			await cloud.context.models.CreditTransaction.count( {
				where: { account_id: broke.accountId },
			} )
		).toBe( 0 );
	} );

	it( 'defaults to lexical and clusters without a provider', async () => {
		const { sectorId, ids } = await sectorWith(
			cloud,
			tenant,
			'Inline',
			FIXTURE
		);
		const started = await request( cloud.app )
			.post( '/api/v1/planner/keywords/auto_cluster/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: sectorId } )
			.expect( 202 );
		expect( started.body.message ).toBe( 'Clustering keywords (lexical).' );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		expect( run.input ).toMatchObject( {
			method: 'lexical',
			sector_id: sectorId,
		} );
		const of = await checkEveryKeywordOnce( cloud, run, ids );
		expect( ariOf( of, ids ) ).toBeGreaterThanOrEqual( ARI_THRESHOLD );
	} );

	it( 'refuses the methods that need a provider with 503, creating no run', async () => {
		const { ids } = await sectorWith(
			cloud,
			tenant,
			'Keyless',
			FIXTURE.slice( 0, 4 )
		);
		for ( const method of [ 'embeddings', 'llm' ] ) {
			const response = await request( cloud.app )
				.post( '/api/v1/planner/keywords/auto_cluster/' )
				.set( bearer( tenant.owner ) )
				.send( { ids, method } )
				.expect( 503 );
			expect( response.body.error ).toMatch( /AI is not configured/ );
		}
		expect(
			await cloud.context.models.AiTaskRun.count( {
				where: {
					account_id: tenant.accountId,
					status: { [ Op.ne ]: 'succeeded' },
				},
			} )
		).toBe( 0 );
	} );
} );

/**
 * A schedule rule runs the whole pipeline unattended on the production
 * shape — WordPress on native PHP with MariaDB, the cloud on PostgreSQL
 * with bee-queue workers on Redis, the fake OpenAI-compatible provider —
 * and its posts land in WordPress: cluster → ideas → approve → tasks →
 * content → images → optimize → links → publish. This process does the
 * scheduler's part (the tick, event delivery, the reconciler).
 */
import {
	loginRestClient,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type FakeOpenAI,
	type FakeRequest,
	type WordPressSite,
} from '@igny8/test-harness';
import request from 'supertest';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;

const KEYWORDS = [
	{ keyword: 'tomato seeds', search_volume: 900 },
	{ keyword: 'tomato seedlings', search_volume: 500 },
	{ keyword: 'growing tomato seeds', search_volume: 300 },
	{ keyword: 'rose pruning', search_volume: 800 },
	{ keyword: 'pruning roses', search_volume: 400 },
	{ keyword: 'rose pruning shears', search_volume: 200 },
];

const schemaName = ( r: FakeRequest ): string =>
	r.body?.response_format?.json_schema?.name ?? '';
const promptOf = ( r: FakeRequest ): string =>
	( ( r.body?.messages ?? [] ) as { content: string }[] )
		.map( ( m ) => m.content )
		.join( '\n' );

/** The provider's answers for every structured step, told apart by the schema the cloud asks for. */
function scriptProvider( fake: FakeOpenAI ) {
	fake.fallback( 'chat', ( r ) => {
		const name = schemaName( r );
		const prompt = promptOf( r );
		if ( name === 'content_ideas' ) {
			const cluster =
				/Cluster: ([^\n—]+)/.exec( prompt )?.[ 1 ]?.trim() ??
				'the garden';
			return {
				content: {
					ideas: [
						{
							title: `The complete guide to ${ cluster }`,
							description: `Everything about ${ cluster }.`,
							content_type: 'post',
							target_word_count: 1200,
							suggested_keywords: [ cluster ],
						},
					],
				},
			};
		}
		if ( name === 'image_prompts' ) {
			return {
				content: {
					featured: {
						prompt: 'Young tomato plants in terracotta pots',
						alt_text: 'Young tomato plants in pots',
					},
					in_article: [
						{
							prompt: 'Hands pruning a rose bush',
							alt_text: 'Pruning a rose bush',
						},
					],
				},
			};
		}
		const title =
			/titled "([^"]+)"/.exec( prompt )?.[ 1 ] ?? 'A garden article';
		if ( name === 'optimized_draft' ) {
			return {
				content: {
					title: `${ title }: the guide`,
					meta_description: `${ title }, step by step: what to do, when, and with which tools, for a healthy garden.`,
					content_html: `<p>${ title } in short.</p><h2>Getting started</h2><p>Start small and keep notes.</p><h2>Tools</h2><p>Sharp shears and good soil.</p>`,
				},
			};
		}
		return {
			content: {
				title,
				content_html: `<h2>${ title }</h2><p>Step one: start small.</p><h2>Tools</h2><p>Sharp shears and good soil.</p>`,
				excerpt: `A short guide: ${ title }.`,
				meta_description: `Learn ${ title.toLowerCase() }.`,
				categories: [ 'Guides' ],
				tags: [ 'garden' ],
			},
		};
	} );
}

beforeAll( async () => {
	openai = await startFakeOpenAI();
	scriptProvider( openai );
	const port = await freePort();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
			DATABASE_POOL_MAX: '5',
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { db: 'mariadb', port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Automation on MariaDB' );
	await grant( cloud, tenant, 500 );
	await connectSite( site, served.url, tenant );
	await request( cloud.app )
		.post( '/api/v1/planner/keywords/bulk_create/' )
		.set( bearer( tenant.owner ) )
		.send( { sector_id: tenant.sectorId, keywords: KEYWORDS } )
		.expect( 201 );
}, 180_000 );

afterAll( async () => {
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

type Run = {
	id: number;
	status: string;
	error: string | null;
	credits_used: number;
	steps: {
		status: string;
		message: string | null;
		credits_estimated: number | null;
		credits_used: number;
		output: { kind: string; ids: number[] };
	}[];
};

it( 'a schedule rule publishes the posts it wrote to WordPress, unattended, charging what its steps estimated at most', async () => {
	const credits = async () =>
		cloud.context.services.credits.balance( tenant.accountId );
	const before = await credits();
	const rule = (
		await request( cloud.app )
			.post( '/api/v1/automation/rules/' )
			.set( bearer( tenant.owner ) )
			.send( {
				name: 'Every morning',
				site_id: tenant.siteId,
				sector_id: tenant.sectorId,
				trigger: {
					kind: 'schedule',
					cron: '0 6 * * *',
					timezone: 'UTC',
				},
				actions: [
					{ type: 'cluster_keywords', method: 'lexical' },
					{ type: 'generate_ideas', ideas_per_cluster: 1 },
					{ type: 'approve_ideas', mode: 'all' },
					{ type: 'create_tasks' },
					{ type: 'generate_content' },
					{ type: 'generate_images', in_article_images: 1 },
					{ type: 'optimize', min_score: 100 },
					{ type: 'insert_links', max_links: 2 },
					{ type: 'publish', status: 'publish' },
				],
			} )
			.expect( 201 )
	).body.data;
	const { automationTriggers, automationExecutor } = cloud.context.services;
	expect(
		await automationTriggers.tick(
			new Date( Date.parse( rule.next_fire_at ) + 1000 )
		)
	).toBe( 1 );
	const run = await waitFor( async () => {
		await deliverEvents( cloud, 5_000 ).catch( () => undefined );
		await automationExecutor.reconcile();
		const listed = await request( cloud.app )
			.get( `/api/v1/automation/tasks/?rule_id=${ rule.id }` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const current = listed.body.results[ 0 ] as Run | undefined;
		return current &&
			[ 'succeeded', 'failed', 'capped' ].includes( current.status )
			? current
			: undefined;
	}, 240_000 );
	expect( run.error ).toBeNull();
	expect( run.steps.map( ( s ) => s.status ) ).toEqual(
		Array( 9 ).fill( 'succeeded' )
	);
	const written = run.steps[ 4 ]!.output.ids;
	expect( written ).toHaveLength( 2 );
	expect( run.steps[ 8 ]!.message ).toBe( '2 drafts sent to WordPress.' );

	// The posts, as WordPress reports them, once the publisher pushed them.
	const wordpress = await loginRestClient( site.url, site.admin );
	const records = await waitFor( async () => {
		const listed = await request( cloud.app )
			.get(
				`/api/v1/publisher/publishing-records/?site_id=${ tenant.siteId }`
			)
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const rows = listed.body.results as {
			content_id: number;
			status: string;
			post_id: number | null;
			last_error: string | null;
		}[];
		if ( rows.some( ( r ) => r.status === 'failed' ) ) {
			throw new Error( `Publishing failed: ${ JSON.stringify( rows ) }` );
		}
		return rows.length === 2 &&
			rows.every( ( r ) => r.status === 'published' )
			? rows
			: undefined;
	}, 120_000 );
	expect( records.map( ( r ) => r.content_id ).sort() ).toEqual(
		[ ...written ].sort()
	);
	for ( const record of records ) {
		const post = await wordpress.get< {
			status: string;
			title: { raw?: string };
			content: { raw?: string };
			featured_media: number;
		} >( `wp/v2/posts/${ record.post_id }`, { context: 'edit' } );
		expect( post.status ).toBe( 200 );
		expect( post.body.status ).toBe( 'publish' );
		// The optimizer's accepted revision is what went out.
		expect( post.body.title.raw ).toMatch( /: the guide$/ );
		expect( post.body.featured_media ).toBeGreaterThan( 0 );
	}
	// Charged once per AI run, never more than each step was estimated at.
	for ( const step of run.steps ) {
		expect( step.credits_used ).toBeLessThanOrEqual(
			step.credits_estimated ?? 0
		);
	}
	expect( before - ( await credits() ) ).toBe( run.credits_used );
	expect( site.phpErrors() ).toEqual( [] );
}, 420_000 );

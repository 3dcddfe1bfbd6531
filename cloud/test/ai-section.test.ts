import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { sectionsOf } from '../src/modules/writer';
import {
	AI_ENV,
	balance,
	closedLedger,
	finished,
	grant,
	promptOf,
} from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * regenerate_section end to end: `POST writer/content/regenerate_section/`
 * rewrites one section of a draft with the fake provider, leaves the rest of
 * the article as it was, keeps the heading, and is estimated and charged
 * like the other AI functions (default price: 1 credit per section + 0.1
 * per 1k tokens, migration 0024).
 */

const ARTICLE = [
	'<h2>Why start from seed</h2>',
	'<p>Seeds are cheap.</p>',
	'<h3>Varieties</h3>',
	'<p>Hundreds of them.</p>',
	'<h2>What you need</h2>',
	'<ul><li>Mix</li><li>Pots</li></ul>',
	'<h2>Timing</h2>',
	'<p>Six weeks before the last frost.</p>',
].join( '' );

describe( 'the sections of an article', () => {
	it( 'runs from each heading to the next heading of the same or a higher level', () => {
		const html = ARTICLE;
		expect(
			sectionsOf( html ).map( ( s ) => [
				s.heading,
				html.slice( s.start, s.end ),
			] )
		).toEqual( [
			[
				'Why start from seed',
				'<h2>Why start from seed</h2><p>Seeds are cheap.</p><h3>Varieties</h3><p>Hundreds of them.</p>',
			],
			[ 'Varieties', '<h3>Varieties</h3><p>Hundreds of them.</p>' ],
			[
				'What you need',
				'<h2>What you need</h2><ul><li>Mix</li><li>Pots</li></ul>',
			],
			[
				'Timing',
				'<h2>Timing</h2><p>Six weeks before the last frost.</p>',
			],
		] );
		expect( sectionsOf( '<p>No headings.</p>' ) ).toEqual( [] );
	} );
} );

describe( 'regenerate_section', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	let contentId: number;

	const start = ( body: object, as: Tenant = tenant ) =>
		request( cloud.app )
			.post( '/api/v1/writer/content/regenerate_section/' )
			.set( bearer( as.owner ) )
			.send( body );
	const stored = async () =>
		( await cloud.context.models.Content.findByPk( contentId ) )!;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			AI_ENV( openai )
		);
		tenant = await addTenant( cloud, 'Sections' );
		other = await addTenant( cloud, 'Sections elsewhere' );
		await grant( cloud, tenant, 50 );
		const auth = bearer( tenant.owner );
		const task = await request( cloud.app )
			.post( '/api/v1/writer/tasks/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				title: 'Tomatoes from seed',
				target_keywords: [ 'tomato seeds' ],
			} )
			.expect( 201 );
		const content = await request( cloud.app )
			.post( '/api/v1/writer/content/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				task_id: task.body.data.id,
				title: 'Grow tomatoes from seed',
				content_html: ARTICLE,
			} )
			.expect( 201 );
		contentId = content.body.data.id;
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'estimates one section before anything runs', async () => {
		const estimate = await request( cloud.app )
			.post( '/api/v1/billing/estimate/' )
			.set( bearer( tenant.owner ) )
			.send( {
				function: 'regenerate_section',
				input: { content_id: contentId, heading_index: 2 },
			} )
			.expect( 200 );
		expect( estimate.body.data ).toMatchObject( {
			function: 'regenerate_section',
		} );
		expect( estimate.body.data.credits ).toBeGreaterThanOrEqual( 1 );
		expect( openai.received( 'chat' ) ).toHaveLength( 0 );
	} );

	it( 'rewrites only the section picked, keeps its heading, and charges for it', async () => {
		openai.fallback( 'chat', () => ( {
			content: {
				section_html:
					'<h2>A heading the model made up</h2><p>You need <strong>three</strong> things:</p><ul><li>Seed-starting mix</li><li>Small pots</li><li>A sunny window</li></ul><script>alert(1)</script>',
			},
		} ) );
		const before = await balance( cloud, tenant );
		const started = await start( {
			content_id: contentId,
			heading_index: 2,
			instructions: 'Say why each item matters.',
		} ).expect( 202 );
		const runId: number = started.body.data.run_id;
		const run = await finished( cloud, tenant, runId );
		expect( run.status ).toBe( 'succeeded' );

		const prompt = promptOf( openai.received( 'chat' )[ 0 ]!.body );
		expect( prompt ).toContain(
			'Rewrite the section under the heading "What you need"'
		);
		expect( prompt ).toContain( '<ul><li>Mix</li><li>Pots</li></ul>' );
		expect( prompt ).toContain( 'Target keywords: tomato seeds' );
		expect( prompt ).toContain( 'Say why each item matters.' );
		// The whole article is there for context.
		expect( prompt ).toContain( 'Six weeks before the last frost.' );

		const section =
			'<h2>What you need</h2><p>You need <strong>three</strong> things:</p><ul><li>Seed-starting mix</li><li>Small pots</li><li>A sunny window</li></ul>';
		const content = await stored();
		expect( content.content_html ).toBe(
			ARTICLE.replace(
				'<h2>What you need</h2><ul><li>Mix</li><li>Pots</li></ul>',
				section
			)
		);
		expect( content.content_plain ).toContain( 'A sunny window' );
		expect( content.word_count ).toBeGreaterThan( 20 );
		expect( run.output_summary ).toMatchObject( {
			content_id: contentId,
			heading: 'What you need',
			section_html: section,
			sections_rewritten: 1,
		} );

		const ledger = await closedLedger( cloud, runId );
		expect( ledger[ 0 ]![ 0 ] ).toBe( 'reserve' );
		expect( run.credits_charged ).toBeGreaterThanOrEqual( 1 );
		expect( before - ( await balance( cloud, tenant ) ) ).toBe(
			run.credits_charged
		);
	} );

	it( 'changes nothing when the article changed while the run worked', async () => {
		openai.fallback( 'chat', {
			latencyMs: 1500,
			content: { section_html: '<p>Rewritten timing.</p>' },
		} );
		const started = await start( {
			content_id: contentId,
			heading_index: 3,
		} ).expect( 202 );
		// An editor renames the section's heading while the model writes.
		await waitFor( async () =>
			openai.received( 'chat' ).length > 0 ? true : undefined
		);
		const content = await stored();
		await content.update( {
			content_html: content.content_html.replace(
				'<h2>Timing</h2>',
				'<h2>When to sow</h2>'
			),
		} );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		expect( run.output_summary ).toMatchObject( {
			sections_rewritten: 0,
			skipped:
				'the article changed meanwhile: that section is not where it was',
		} );
		expect( ( await stored() ).content_html ).not.toContain(
			'Rewritten timing.'
		);
	} );

	it( 'refuses a heading that does not exist and another account’s content, before any charge', async () => {
		const before = await balance( cloud, tenant );
		const missing = await start( {
			content_id: contentId,
			heading_index: 9,
		} ).expect( 400 );
		expect( missing.body.errors ).toEqual( {
			heading_index: [ 'the article has 4 headings; pick 0 to 3' ],
		} );
		const foreign = await start(
			{ content_id: contentId, heading_index: 0 },
			other
		).expect( 400 );
		expect( foreign.body.errors ).toEqual( {
			content_id: [ `content ${ contentId } does not exist` ],
		} );
		await start( { content_id: contentId, heading_index: -1 } ).expect(
			400
		);
		expect( await balance( cloud, tenant ) ).toBe( before );
		expect( openai.received( 'chat' ) ).toHaveLength( 0 );
	} );
} );

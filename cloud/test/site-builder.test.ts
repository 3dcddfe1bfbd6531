import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import {
	AI_ENV,
	balance,
	closedLedger,
	finished,
	grant,
	promptOf,
} from './ai-support';
import {
	addContent,
	addTenant,
	bearer,
	pairedCredentials,
	type Tenant,
} from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

// The Playground's own validator of its blueprint schema, from the package the
// Playground CLI (`npm start`) runs on; its exports carry no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateBlueprint } = require( '@wp-playground/blueprints' ) as {
	validateBlueprint( blueprint: unknown ): {
		valid: boolean;
		errors?: unknown[];
	};
};

/**
 * The Site Builder's API over a real PostgreSQL and the fake AI provider:
 * blueprints written by hand (checked whole, versioned on every save,
 * reverted), their pages one by one (`site-builder/pages/`), generation by
 * AI priced and charged like every AI run, the Playground preview, and the
 * apply's bookkeeping (the WordPress side runs in tests/e2e/site-builder).
 */

const section = ( heading: string, summary = `About ${ heading }.` ) => ( {
	heading,
	summary,
} );

/** A small site: home, about, services with two services under it, contact; two categories; a menu. */
const STRUCTURE = {
	pages: [
		{
			title: 'Home',
			page_type: 'home',
			sections: [ section( 'Welcome' ) ],
		},
		{ title: 'About us', page_type: 'about' },
		{ key: 'services', title: 'Services', page_type: 'services' },
		{
			title: 'SEO audits',
			parent_key: 'services',
			page_type: 'service',
			sections: [ section( 'What we check' ), section( 'Pricing' ) ],
			target_keywords: [ 'seo audit' ],
		},
		{ title: 'Paid ads', parent_key: 'services', page_type: 'service' },
		{ title: 'Contact', page_type: 'contact' },
	],
	categories: [ { name: 'News' }, { name: 'Guides & How-tos' } ],
	menus: [
		{
			name: 'Main menu',
			location: 'primary',
			items: [
				{ type: 'page', target_key: 'home' },
				{ key: 'services', type: 'page', target_key: 'services' },
				{
					type: 'page',
					target_key: 'seo-audits',
					parent_key: 'services',
				},
				{ type: 'category', target_key: 'news' },
				{
					type: 'custom',
					label: 'Docs',
					url: 'https://docs.example.test/',
				},
			],
		},
	],
};

describe( 'the site builder', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;

	const api = ( as: Tenant = tenant ) => ( {
		get: ( path: string ) =>
			request( cloud.app )
				.get( `/api/v1/site-builder/${ path }` )
				.set( bearer( as.owner ) ),
		post: ( path: string, body: object ) =>
			request( cloud.app )
				.post( `/api/v1/site-builder/${ path }` )
				.set( bearer( as.owner ) )
				.send( body ),
		put: ( path: string, body: object ) =>
			request( cloud.app )
				.put( `/api/v1/site-builder/${ path }` )
				.set( bearer( as.owner ) )
				.send( body ),
		patch: ( path: string, body: object ) =>
			request( cloud.app )
				.patch( `/api/v1/site-builder/${ path }` )
				.set( bearer( as.owner ) )
				.send( body ),
		delete: ( path: string ) =>
			request( cloud.app )
				.delete( `/api/v1/site-builder/${ path }` )
				.set( bearer( as.owner ) ),
	} );
	const create = async ( extra: object = {} ) =>
		(
			await api()
				.post( 'blueprints/', {
					site_id: tenant.siteId,
					name: 'Agency site',
					...STRUCTURE,
					...extra,
				} )
				.expect( 201 )
		).body.data;
	const rows = async ( sql: string ) =>
		cloud.context.db.sequelize.query< Record< string, unknown > >( sql, {
			type: QueryTypes.SELECT,
		} );
	const counts = async () =>
		(
			await rows(
				`SELECT (SELECT count(*)::int FROM site_blueprints) AS blueprints,
				   (SELECT count(*)::int FROM site_blueprint_pages) AS pages,
				   (SELECT count(*)::int FROM site_blueprint_versions) AS versions,
				   (SELECT count(*)::int FROM site_blueprint_applies) AS applies`
			)
		)[ 0 ];

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			AI_ENV( openai )
		);
		tenant = await addTenant( cloud, 'Site Builder' );
		other = await addTenant( cloud, 'Site Builder elsewhere' );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	describe( 'blueprints written by hand', () => {
		it( 'creates version 1 with keys and slugs made from titles, pages in tree order with their places', async () => {
			const blueprint = await create();
			expect( blueprint ).toMatchObject( {
				site_id: tenant.siteId,
				name: 'Agency site',
				source: 'manual',
				version: 1,
				page_count: 6,
				category_count: 2,
				menu_count: 1,
				last_applied_version: null,
			} );
			expect(
				blueprint.pages.map(
					( p: {
						key: string;
						slug: string;
						parent_key: string;
					} ) => [ p.key, p.slug, p.parent_key ]
				)
			).toEqual( [
				[ 'home', 'home', null ],
				[ 'about-us', 'about-us', null ],
				[ 'services', 'services', null ],
				[ 'seo-audits', 'seo-audits', 'services' ],
				[ 'paid-ads', 'paid-ads', 'services' ],
				[ 'contact', 'contact', null ],
			] );
			expect(
				blueprint.pages.map( ( p: { position: number } ) => p.position )
			).toEqual( [ 0, 1, 2, 0, 1, 3 ] );
			expect( blueprint.pages[ 3 ] ).toMatchObject( {
				status: 'publish',
				target_keywords: [ 'seo audit' ],
				sections: [ section( 'What we check' ), section( 'Pricing' ) ],
			} );
			expect(
				blueprint.categories.map(
					( c: { key: string; slug: string } ) => c.slug
				)
			).toEqual( [ 'news', 'guides-and-how-tos' ] );
			expect(
				blueprint.menus[ 0 ].items.map(
					( i: { key: string } ) => i.key
				)
			).toEqual( [
				'page-home',
				'services',
				'page-seo-audits',
				'category-news',
				'custom-docs',
			] );
			const listed = await api()
				.get( `blueprints/?site_id=${ tenant.siteId }` )
				.expect( 200 );
			expect(
				listed.body.results.map( ( b: { id: number } ) => b.id )
			).toContain( blueprint.id );
			const versions = await api()
				.get( `blueprints/${ blueprint.id }/versions/` )
				.expect( 200 );
			expect( versions.body.results ).toEqual( [
				expect.objectContaining( {
					version: 1,
					source: 'manual',
					message: 'Created',
					page_count: 6,
					created_by: tenant.owner.id,
				} ),
			] );
		} );

		it( 'refuses a structure that does not hold together, naming every problem in the envelope, and saves nothing', async () => {
			const before = await counts();
			const response = await api()
				.post( 'blueprints/', {
					site_id: tenant.siteId,
					name: 'Broken',
					pages: [
						{ key: 'a', title: 'A', parent_key: 'b' },
						{ key: 'b', title: 'B', parent_key: 'a' },
						{ key: 'c', title: 'C', parent_key: 'nowhere' },
						{ key: 'd', title: 'Same', slug: 'same' },
						{ key: 'e', title: 'Same', slug: 'same' },
						{ key: 'f', title: 'F', cluster_id: 987654 },
					],
					menus: [
						{
							name: 'Menu',
							items: [
								{ type: 'page', target_key: 'missing' },
								{ type: 'custom', label: 'Bad' },
							],
						},
					],
				} )
				.expect( 400 );
			expect( response.body ).toMatchObject( {
				success: false,
				code: 'validation_error',
				error: 'Invalid body.',
				request_id: expect.any( String ),
			} );
			expect( response.body.errors ).toEqual( {
				'pages.0.parent_key': [
					'makes a cycle: an item cannot be under its own descendant',
				],
				'pages.1.parent_key': [
					'makes a cycle: an item cannot be under its own descendant',
				],
				'pages.2.parent_key': [
					'no item of pages has the key "nowhere"',
				],
				'pages.4.slug': [
					'"same" is already the slug of pages.3 at the same level',
				],
				'pages.5.cluster_id': [
					'cluster 987654 does not exist on this site',
				],
				'menus.0.items.0.target_key': [
					'no page has the key "missing"',
				],
				'menus.0.items.1.url': [ 'a custom link needs an address' ],
			} );
			const unknown = await api()
				.post( 'blueprints/', {
					site_id: tenant.siteId,
					name: 'Typo',
					pages: [ { title: 'A', page_typ: 'home' } ],
				} )
				.expect( 400 );
			expect( unknown.body.errors ).toEqual( {
				'pages.0.page_typ': [ 'is not a recognised field' ],
			} );
			const elsewhere = await api()
				.post( 'blueprints/', {
					site_id: other.siteId,
					name: 'Theirs',
				} )
				.expect( 400 );
			expect( elsewhere.body.errors ).toEqual( {
				site_id: [ `site ${ other.siteId } does not exist` ],
			} );
			expect( await counts() ).toEqual( before );
		} );

		it( 'makes a version of every save, refuses a stale one with 409, and reverts as a new version keeping page ids', async () => {
			const blueprint = await create();
			const about = blueprint.pages[ 1 ];
			const renamed = await api()
				.patch( `blueprints/${ blueprint.id }/`, {
					pages: blueprint.pages.map(
						( p: { key: string; title: string } ) => ( {
							key: p.key,
							title:
								p.key === 'about-us'
									? 'About the team'
									: p.title,
							slug: p.key === 'about-us' ? 'about-us' : undefined,
							parent_key:
								p.key === 'seo-audits' || p.key === 'paid-ads'
									? 'services'
									: null,
						} )
					),
					expected_version: 1,
					message: 'Renamed About',
				} )
				.expect( 200 );
			expect( renamed.body.data.version ).toBe( 2 );
			expect( renamed.body.data.pages[ 1 ] ).toMatchObject( {
				id: about.id,
				key: 'about-us',
				title: 'About the team',
			} );
			// The lists a PATCH leaves out stay as they were.
			expect( renamed.body.data.menus ).toEqual( blueprint.menus );

			const stale = await api()
				.patch( `blueprints/${ blueprint.id }/`, {
					name: 'Lost edit',
					expected_version: 1,
				} )
				.expect( 409 );
			expect( stale.body ).toMatchObject( {
				success: false,
				code: 'conflict',
			} );
			expect( stale.body.error ).toContain( 'it is at version 2' );

			const replaced = await api()
				.put( `blueprints/${ blueprint.id }/`, {
					name: 'Just a home page',
					pages: [ { key: 'home', title: 'Home' } ],
				} )
				.expect( 200 );
			expect( replaced.body.data ).toMatchObject( {
				version: 3,
				page_count: 1,
				category_count: 0,
				menu_count: 0,
			} );

			const reverted = await api()
				.post( `blueprints/${ blueprint.id }/revert/`, {
					version: 2,
					expected_version: 3,
				} )
				.expect( 200 );
			expect( reverted.body.data ).toMatchObject( {
				version: 4,
				name: 'Agency site',
				page_count: 6,
				menu_count: 1,
			} );
			expect( reverted.body.data.pages[ 0 ].id ).toBe(
				blueprint.pages[ 0 ].id
			);
			expect( reverted.body.data.pages[ 1 ].title ).toBe(
				'About the team'
			);
			const versions = await api()
				.get( `blueprints/${ blueprint.id }/versions/` )
				.expect( 200 );
			expect(
				versions.body.results.map(
					( v: {
						version: number;
						source: string;
						message: string;
					} ) => [ v.version, v.source, v.message ]
				)
			).toEqual( [
				[ 4, 'revert', 'Reverted to version 2' ],
				[ 3, 'manual', 'Edited' ],
				[ 2, 'manual', 'Renamed About' ],
				[ 1, 'manual', 'Created' ],
			] );
			const first = await api()
				.get( `blueprints/${ blueprint.id }/versions/1/` )
				.expect( 200 );
			expect( first.body.data.structure.pages[ 1 ].title ).toBe(
				'About us'
			);
			await api()
				.get( `blueprints/${ blueprint.id }/versions/9/` )
				.expect( 404 );
			await api()
				.post( `blueprints/${ blueprint.id }/revert/`, { version: 9 } )
				.expect( 400 );
		} );

		it( 'deletes a blueprint with its versions', async () => {
			const blueprint = await create();
			await api().delete( `blueprints/${ blueprint.id }/` ).expect( 204 );
			await api().get( `blueprints/${ blueprint.id }/` ).expect( 404 );
			expect(
				await rows(
					`SELECT id FROM site_blueprint_versions WHERE blueprint_id = ${ blueprint.id }`
				)
			).toEqual( [] );
		} );
	} );

	describe( 'pages', () => {
		it( 'adds, renames, moves and removes pages, each a new version of the blueprint', async () => {
			const blueprint = await create();
			const added = await api()
				.post( 'pages/', {
					blueprint_id: blueprint.id,
					title: 'Local SEO',
					parent_key: 'services',
					position: 0,
					target_keywords: [ 'local seo' ],
					expected_version: 1,
				} )
				.expect( 201 );
			expect( added.body.data ).toMatchObject( {
				blueprint_id: blueprint.id,
				key: 'local-seo',
				parent_key: 'services',
				position: 0,
			} );
			const listed = await api()
				.get( `pages/?blueprint_id=${ blueprint.id }` )
				.expect( 200 );
			expect(
				listed.body.results.map( ( p: { key: string } ) => p.key )
			).toEqual( [
				'home',
				'about-us',
				'services',
				'local-seo',
				'seo-audits',
				'paid-ads',
				'contact',
			] );

			const moved = await api()
				.patch( `pages/${ added.body.data.id }/`, {
					title: 'Local search',
					parent_key: null,
					position: 0,
				} )
				.expect( 200 );
			expect( moved.body.data ).toMatchObject( {
				id: added.body.data.id,
				key: 'local-seo',
				slug: 'local-seo',
				title: 'Local search',
				parent_key: null,
				position: 0,
			} );
			const cycle = await api()
				.patch( `pages/${ blueprint.pages[ 2 ].id }/`, {
					parent_key: 'seo-audits',
				} )
				.expect( 400 );
			expect( cycle.body.errors ).toEqual( {
				parent_key: [
					'makes a cycle: an item cannot be under its own descendant',
				],
				'pages.3.parent_key': [
					'makes a cycle: an item cannot be under its own descendant',
				],
			} );

			// Removing "services": its children move up, the menu's links to it go.
			await api()
				.delete( `pages/${ blueprint.pages[ 2 ].id }/` )
				.expect( 204 );
			const after = (
				await api().get( `blueprints/${ blueprint.id }/` ).expect( 200 )
			).body.data;
			expect( after.version ).toBe( 4 );
			expect(
				after.pages.map( ( p: { key: string; parent_key: string } ) => [
					p.key,
					p.parent_key,
				] )
			).toEqual( [
				[ 'local-seo', null ],
				[ 'home', null ],
				[ 'about-us', null ],
				[ 'seo-audits', null ],
				[ 'paid-ads', null ],
				[ 'contact', null ],
			] );
			expect(
				after.menus[ 0 ].items.map(
					( i: { key: string; parent_key: string } ) => [
						i.key,
						i.parent_key,
					]
				)
			).toEqual( [
				[ 'page-home', null ],
				[ 'page-seo-audits', null ],
				[ 'category-news', null ],
				[ 'custom-docs', null ],
			] );
			await api()
				.get( `pages/${ blueprint.pages[ 2 ].id }/` )
				.expect( 404 );
		} );
	} );

	describe( 'generation by AI', () => {
		const ANSWER = {
			name: 'Sunny Gardens site',
			pages: [
				{
					title: 'Home',
					slug: '',
					page_type: 'home',
					parent_slug: null,
					sections: [
						{
							heading: 'Gardens that grow',
							summary: 'Who we are.',
						},
					],
					target_keywords: [ 'garden design' ],
					cluster: null,
				},
				{
					title: 'Services',
					slug: 'services',
					page_type: 'services',
					parent_slug: null,
					sections: [],
					target_keywords: [],
					cluster: null,
				},
				{
					title: 'Running shoe fitting',
					slug: 'shoe-fitting',
					page_type: 'service',
					parent_slug: 'services',
					sections: [ { heading: 'How it works', summary: '' } ],
					target_keywords: [ 'running shoes' ],
					cluster: 'shoes',
				},
				{
					// A parent listed after it, and a slug the first page has: made sound.
					title: 'Home again',
					slug: 'home',
					page_type: 'custom',
					parent_slug: 'contact',
					sections: [],
					target_keywords: [],
					cluster: 'not a cluster',
				},
				{
					title: 'Contact',
					slug: 'contact',
					page_type: 'contact',
					parent_slug: null,
					sections: [],
					target_keywords: [],
					cluster: null,
				},
			],
			categories: [
				{ name: 'Garden tips', slug: '', parent_slug: null },
				{ name: 'Lawns', slug: 'lawns', parent_slug: 'garden-tips' },
			],
			menus: [
				{
					name: 'Main',
					location: 'primary',
					items: [
						{
							label: '',
							page_slug: 'home',
							category_slug: null,
							url: null,
						},
						{
							label: 'Tips',
							page_slug: null,
							category_slug: 'garden-tips',
							url: null,
						},
						{
							label: 'Gone',
							page_slug: 'pricing',
							category_slug: null,
							url: null,
						},
						{
							label: 'Evil',
							page_slug: null,
							category_slug: null,
							url: 'javascript:alert(1)',
						},
						{
							label: 'Shop',
							page_slug: null,
							category_slug: null,
							url: 'https://shop.example.test/',
						},
					],
				},
			],
		};

		it( "builds a blueprint from the site's industry, sectors and clusters, charged what it was estimated", async () => {
			await cloud.context.db.sequelize.query(
				`UPDATE sites SET industry_id = (SELECT id FROM industries WHERE slug = 'home-garden') WHERE id = $1`,
				{ bind: [ tenant.siteId ] }
			);
			const { clusterId } = await addContent( cloud, tenant );
			await grant( cloud, tenant, 50 );
			const estimate = await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( tenant.owner ) )
				.send( {
					function: 'generate_site_structure',
					input: { site_id: tenant.siteId },
				} )
				.expect( 200 );
			expect( estimate.body.data.credits ).toBe( 3 );
			openai.fallback( 'chat', () => ( { content: ANSWER } ) );
			const before = await balance( cloud, tenant );
			const started = await api()
				.post( 'blueprints/generate/', {
					site_id: tenant.siteId,
					max_pages: 10,
					instructions: 'Keep it small.',
				} )
				.expect( 202 );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			expect( run.status ).toBe( 'succeeded' );
			expect( run.credits_charged ).toBe( estimate.body.data.credits );
			expect( before - ( await balance( cloud, tenant ) ) ).toBe( 3 );
			expect(
				( await closedLedger( cloud, run.id ) ).map(
					( [ type ] ) => type
				)
			).toEqual( [ 'reserve', 'settle' ] );

			const prompt = promptOf( openai.received( 'chat' )[ 0 ]!.body );
			expect( prompt ).toContain( 'Industry: Home & Garden' );
			expect( prompt ).toContain( 'Sectors: Main' );
			expect( prompt ).toContain( '- Shoes: running shoes' );
			expect( prompt ).toContain( 'at most 10 pages' );
			expect( prompt ).toContain( 'Keep it small.' );
			// Asked as a strict structured output.
			expect(
				openai.received( 'chat' )[ 0 ]!.body.response_format
			).toMatchObject( {
				type: 'json_schema',
				json_schema: { name: 'site_structure', strict: true },
			} );

			const id = run.output_summary.blueprint_id;
			expect( run.output_summary ).toMatchObject( {
				version: 1,
				pages: 5,
				categories: 2,
				menus: 1,
			} );
			const blueprint = (
				await api().get( `blueprints/${ id }/` ).expect( 200 )
			).body.data;
			expect( blueprint ).toMatchObject( {
				name: 'Sunny Gardens site',
				source: 'ai',
				site_id: tenant.siteId,
				created_by: tenant.owner.id,
			} );
			expect(
				blueprint.pages.map(
					( p: {
						key: string;
						slug: string;
						parent_key: string | null;
						cluster_id: number | null;
					} ) => [ p.key, p.slug, p.parent_key, p.cluster_id ]
				)
			).toEqual( [
				[ 'home', 'home', null, null ],
				[ 'services', 'services', null, null ],
				[ 'shoe-fitting', 'shoe-fitting', 'services', clusterId ],
				[ 'home-2', 'home-2', null, null ],
				[ 'contact', 'contact', null, null ],
			] );
			expect( blueprint.categories ).toEqual( [
				expect.objectContaining( {
					key: 'garden-tips',
					parent_key: null,
				} ),
				expect.objectContaining( {
					key: 'lawns',
					parent_key: 'garden-tips',
				} ),
			] );
			expect(
				blueprint.menus[ 0 ].items.map(
					( i: {
						type: string;
						target_key: string;
						url: string;
					} ) => [ i.type, i.target_key ?? i.url ]
				)
			).toEqual( [
				[ 'page', 'home' ],
				[ 'category', 'garden-tips' ],
				[ 'custom', 'https://shop.example.test/' ],
			] );

			// Into the same blueprint: its next version, its name kept.
			openai.fallback( 'chat', () => ( {
				content: { ...ANSWER, name: 'Renamed by the model' },
			} ) );
			const again = await api()
				.post( 'blueprints/generate/', {
					site_id: tenant.siteId,
					blueprint_id: id,
					cluster_ids: [ clusterId ],
				} )
				.expect( 202 );
			const second = await finished(
				cloud,
				tenant,
				again.body.data.run_id
			);
			expect( second.status ).toBe( 'succeeded' );
			expect( second.output_summary ).toMatchObject( {
				blueprint_id: id,
				version: 2,
			} );
			const versions = await api()
				.get( `blueprints/${ id }/versions/` )
				.expect( 200 );
			expect(
				versions.body.results.map(
					( v: { source: string; name: string } ) => [
						v.source,
						v.name,
					]
				)
			).toEqual( [
				[ 'ai', 'Sunny Gardens site' ],
				[ 'ai', 'Sunny Gardens site' ],
			] );
		} );

		it( "refuses another account's blueprint or clusters before anything is reserved", async () => {
			const theirs = await addContent( cloud, other );
			await grant( cloud, tenant, 10 );
			const before = await balance( cloud, tenant );
			const clusters = await api()
				.post( 'blueprints/generate/', {
					site_id: tenant.siteId,
					cluster_ids: [ theirs.clusterId ],
				} )
				.expect( 400 );
			expect( clusters.body.errors ).toEqual( {
				cluster_ids: [
					`cluster ${ theirs.clusterId } does not exist on this site`,
				],
			} );
			const blueprint = (
				await api( other )
					.post( 'blueprints/', { site_id: other.siteId, name: 'B' } )
					.expect( 201 )
			).body.data;
			await api()
				.post( 'blueprints/generate/', {
					site_id: tenant.siteId,
					blueprint_id: blueprint.id,
				} )
				.expect( 400 );
			expect( await balance( cloud, tenant ) ).toBe( before );
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );
		} );
	} );

	describe( 'page copy written by AI', () => {
		let copy: Tenant;
		let clusterId: number;
		const PARAGRAPHS = [
			'We check every page for the problems that keep it from ranking: slow loading, broken links, thin content and missing titles.',
			'A one-off audit costs a fixed fee agreed up front; you get the findings in a report you can act on.',
		];
		const answer = ( texts: string[] = PARAGRAPHS ) => ( {
			content: {
				sections: texts.map( ( text, i ) => ( {
					heading: [ 'What we check', 'Pricing' ][ i ] ?? 'Extra',
					text,
				} ) ),
			},
		} );
		/** A blueprint of the small site, its “SEO audits” page on the cluster. */
		const blueprintWithPage = async () => {
			const created = (
				await api( copy )
					.post( 'blueprints/', {
						site_id: copy.siteId,
						name: 'Copy site',
						...STRUCTURE,
						pages: STRUCTURE.pages.map( ( p ) =>
							p.title === 'SEO audits'
								? { ...p, cluster_id: clusterId }
								: p
						),
					} )
					.expect( 201 )
			).body.data;
			const page = created.pages.find(
				( p: { key: string } ) => p.key === 'seo-audits'
			);
			return { blueprint: created, page };
		};
		const write = ( pageId: number, body: object = {}, as = copy ) =>
			api( as ).post( `pages/${ pageId }/write/`, body );
		const versionOf = async ( id: number ) =>
			( await api( copy ).get( `blueprints/${ id }/` ).expect( 200 ) )
				.body.data;

		beforeAll( async () => {
			copy = await addTenant( cloud, 'Site Builder copy' );
			await cloud.context.db.sequelize.query(
				`UPDATE sites SET industry_id = (SELECT id FROM industries WHERE slug = 'home-garden') WHERE id = $1`,
				{ bind: [ copy.siteId ] }
			);
			( { clusterId } = await addContent( cloud, copy ) );
			await cloud.context.models.AuthorProfile.create( {
				account_id: copy.accountId,
				name: 'House voice',
				description: '',
				tone: 'warm and plain',
				audience: 'small business owners',
				style: 'short sentences',
				language: 'en',
				is_default: true,
			} );
			await grant( cloud, copy, 20 );
		} );

		it( "writes the paragraph of every section as the blueprint's next version, charged what it was estimated", async () => {
			const { blueprint, page } = await blueprintWithPage();
			const estimate = await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( copy.owner ) )
				.send( {
					function: 'write_page_copy',
					input: { page_id: page.id },
				} )
				.expect( 200 );
			expect( estimate.body.data.credits ).toBe( 1 );
			openai.fallback( 'chat', answer() );
			const before = await balance( cloud, copy );
			const started = await write( page.id, {
				expected_version: blueprint.version,
			} ).expect( 202 );
			const run = await finished( cloud, copy, started.body.data.run_id );
			expect( run.status ).toBe( 'succeeded' );
			expect( run.function_name ).toBe( 'write_page_copy' );
			expect( run.credits_charged ).toBe( estimate.body.data.credits );
			expect( before - ( await balance( cloud, copy ) ) ).toBe( 1 );
			expect(
				( await closedLedger( cloud, run.id ) ).map(
					( [ type ] ) => type
				)
			).toEqual( [ 'reserve', 'settle' ] );
			expect( run.output_summary ).toMatchObject( {
				blueprint_id: blueprint.id,
				version: 2,
				page_id: page.id,
				sections: 2,
			} );

			// What the model was told: the page, its keywords and cluster, the site, the voice.
			const chat = openai.received( 'chat' )[ 0 ]!.body;
			const prompt = promptOf( chat );
			expect( prompt ).toContain(
				'Write the copy of the page "SEO audits" (service page)'
			);
			expect( prompt ).toContain( 'Industry: Home & Garden' );
			expect( prompt ).toContain( 'Sectors: Main' );
			expect( prompt ).toContain( 'Target keywords: seo audit' );
			expect( prompt ).toContain( 'Topic cluster: Shoes: running shoes' );
			expect( prompt ).toContain(
				'1. What we check — About What we check.'
			);
			expect( prompt ).toContain( '2. Pricing — About Pricing.' );
			expect( JSON.stringify( chat.messages ) ).toContain(
				'tone: warm and plain; audience: small business owners; style: short sentences'
			);
			expect( chat.response_format ).toMatchObject( {
				type: 'json_schema',
				json_schema: { name: 'page_copy', strict: true },
			} );

			// Only that page's summaries changed, in a new version.
			const after = await versionOf( blueprint.id );
			expect( after.version ).toBe( 2 );
			const written = after.pages.find(
				( p: { id: number } ) => p.id === page.id
			);
			expect( written.sections ).toEqual( [
				{ heading: 'What we check', summary: PARAGRAPHS[ 0 ] },
				{ heading: 'Pricing', summary: PARAGRAPHS[ 1 ] },
			] );
			const strip = ( p: Record< string, unknown > ) => {
				const { updated_at: _u, sections: _s, ...rest } = p;
				return rest;
			};
			expect( after.pages.map( strip ) ).toEqual(
				blueprint.pages.map( strip )
			);
			expect(
				after.pages
					.filter( ( p: { id: number } ) => p.id !== page.id )
					.map( ( p: { sections: unknown } ) => p.sections )
			).toEqual(
				blueprint.pages
					.filter( ( p: { id: number } ) => p.id !== page.id )
					.map( ( p: { sections: unknown } ) => p.sections )
			);
			expect( after.categories ).toEqual( blueprint.categories );
			expect( after.menus ).toEqual( blueprint.menus );
			const versions = await api( copy )
				.get( `blueprints/${ blueprint.id }/versions/` )
				.expect( 200 );
			expect( versions.body.results[ 0 ] ).toMatchObject( {
				version: 2,
				source: 'ai',
				message: 'Wrote the copy of “SEO audits” with AI',
				created_by: copy.owner.id,
			} );
		} );

		it( 'sends an answer without a paragraph per section back once, and refunds a run whose answer never fits', async () => {
			const { blueprint, page } = await blueprintWithPage();
			openai.script(
				'chat',
				answer( [ PARAGRAPHS[ 0 ]! ] ),
				answer( [ 'Repaired first.', 'Repaired second.' ] )
			);
			const repaired = await finished(
				cloud,
				copy,
				( await write( page.id ).expect( 202 ) ).body.data.run_id
			);
			expect( repaired.status ).toBe( 'succeeded' );
			const chats = openai.received( 'chat' );
			expect( chats ).toHaveLength( 2 );
			expect(
				( chats[ 1 ]!.body.messages as { content: string }[] ).at( -1 )!
					.content
			).toContain(
				'give exactly 2 sections, one per heading, in the order listed'
			);
			expect(
				( await versionOf( blueprint.id ) ).pages
					.find( ( p: { id: number } ) => p.id === page.id )
					.sections.map( ( s: { summary: string } ) => s.summary )
			).toEqual( [ 'Repaired first.', 'Repaired second.' ] );

			openai.reset();
			openai.fallback( 'chat', { content: { sections: 'none' } } );
			const before = await balance( cloud, copy );
			const failed = await finished(
				cloud,
				copy,
				( await write( page.id ).expect( 202 ) ).body.data.run_id
			);
			expect( failed.status ).toBe( 'failed' );
			expect( failed.error ).toBe(
				"The model's answer had no usable paragraphs for the page, even after it was asked to correct it. Nothing was charged: try again, or choose another text model in System → AI settings."
			);
			expect( openai.received( 'chat' ) ).toHaveLength( 2 );
			expect( await closedLedger( cloud, failed.id ) ).toEqual( [
				[ 'reserve', -1 ],
				[ 'refund', 1 ],
			] );
			expect( await balance( cloud, copy ) ).toBe( before );
			expect( ( await versionOf( blueprint.id ) ).version ).toBe( 2 );
		} );

		it( 'refuses to write over a save made since the editor opened it or while the model wrote, changing nothing', async () => {
			const { blueprint, page } = await blueprintWithPage();
			const before = await balance( cloud, copy );
			// Stale before it starts: 409, nothing reserved, no provider call.
			const stale = await write( page.id, {
				expected_version: blueprint.version + 1,
			} ).expect( 409 );
			expect( stale.body.error ).toMatch(
				/saved since you opened it \(it is at version 1, you have version 2\)/
			);
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );

			// Saved while the model writes: the run fails, refunded, and the edit stays.
			openai.fallback( 'chat', { ...answer(), latencyMs: 1500 } );
			const pending = write( page.id, {
				expected_version: blueprint.version,
			} ).then( ( response ) => response );
			await waitFor( async () =>
				openai.received( 'chat' ).length > 0 ? true : undefined
			);
			const edited = [
				{ heading: 'What we check', summary: 'Written by hand.' },
				{ heading: 'Pricing', summary: '' },
			];
			await api( copy )
				.patch( `pages/${ page.id }/`, { sections: edited } )
				.expect( 200 );
			const started = await pending;
			expect( started.status ).toBe( 202 );
			const run = await finished( cloud, copy, started.body.data.run_id );
			expect( run.status ).toBe( 'failed' );
			expect( run.error ).toBe(
				'The site structure was saved while the copy of this page was being written (it is at version 2, the copy was written for version 1), so the copy was not saved over those changes. Nothing was charged: write the copy again.'
			);
			expect( await closedLedger( cloud, run.id ) ).toEqual( [
				[ 'reserve', -1 ],
				[ 'refund', 1 ],
			] );
			expect( await balance( cloud, copy ) ).toBe( before );
			const after = await versionOf( blueprint.id );
			expect( after.version ).toBe( 2 );
			expect(
				after.pages.find( ( p: { id: number } ) => p.id === page.id )
					.sections
			).toEqual( edited );
		} );

		it( "answers 404 for another account's page and 400 for a page without sections, before anything is reserved", async () => {
			const { page } = await blueprintWithPage();
			const before = await balance( cloud, copy );
			await grant( cloud, other, 5 );
			const theirsBefore = await balance( cloud, other );
			await write( page.id, {}, other ).expect( 404 );
			await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( other.owner ) )
				.send( {
					function: 'write_page_copy',
					input: { page_id: page.id },
				} )
				.expect( 400 );
			const { blueprint } = await blueprintWithPage();
			const empty = blueprint.pages.find(
				( p: { key: string } ) => p.key === 'contact'
			);
			const refused = await write( empty.id ).expect( 400 );
			expect( refused.body.errors ).toEqual( {
				page_id: [
					'the page has no sections: add the headings of its outline first',
				],
			} );
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );
			expect( await balance( cloud, copy ) ).toBe( before );
			expect( await balance( cloud, other ) ).toBe( theirsBefore );
		} );
	} );

	describe( 'preview', () => {
		it( 'answers a WordPress Playground blueprint valid for its schema that builds the structure', async () => {
			const blueprint = await create( {
				name: 'Preview',
				pages: [
					...STRUCTURE.pages,
					{ title: `Tricky ' quote \\ '); exit; //`, slug: 'tricky' },
				],
			} );
			const response = await api()
				.get( `blueprints/${ blueprint.id }/preview/` )
				.expect( 200 );
			const { playground_blueprint: playground, playground_url: url } =
				response.body.data;
			expect( validateBlueprint( playground ) ).toEqual( {
				valid: true,
			} );
			expect(
				validateBlueprint( {
					...playground,
					steps: [ { step: 'runPHP', code: 1 } ],
				} ).valid
			).toBe( false );
			expect(
				playground.steps.map( ( s: { step: string } ) => s.step )
			).toEqual( [ 'setSiteOptions', 'runPHP' ] );
			// The structure travels base64-encoded: the tricky title cannot break out of the PHP.
			const code: string = playground.steps[ 1 ].code;
			const data = JSON.parse(
				Buffer.from(
					/base64_decode\( '([A-Za-z0-9+/=]+)' \)/.exec(
						code
					)![ 1 ]!,
					'base64'
				).toString( 'utf8' )
			);
			expect( code ).not.toContain( 'exit;' );
			expect( data.pages.map( ( p: { key: string } ) => p.key ) ).toEqual(
				[
					'home',
					'about-us',
					'services',
					'seo-audits',
					'paid-ads',
					'contact',
					'tricky',
				]
			);
			expect( data.pages[ 3 ].content ).toContain(
				'<!-- wp:heading -->\n<h2 class="wp-block-heading">What we check</h2>'
			);
			expect( data.menus[ 0 ].items ).toHaveLength( 5 );
			expect( url ).toBe(
				`https://playground.wordpress.net/#${ encodeURIComponent( JSON.stringify( playground ) ) }`
			);
		} );
	} );

	describe( 'apply', () => {
		it( 'refuses a site without a WordPress connection, and a stale plan, before queueing anything', async () => {
			const blueprint = await create();
			const before = await counts();
			const unconnected = await api()
				.post( `blueprints/${ blueprint.id }/apply/`, {} )
				.expect( 400 );
			expect( unconnected.body ).toMatchObject( {
				success: false,
				code: 'validation_error',
			} );
			expect( unconnected.body.error ).toContain(
				'not connected to WordPress'
			);
			const plan = await api()
				.get( `blueprints/${ blueprint.id }/plan/` )
				.expect( 400 );
			expect( plan.body.error ).toContain( 'not connected to WordPress' );
			await api()
				.post( `blueprints/${ blueprint.id }/apply/`, {
					expected_version: 2,
				} )
				.expect( 409 );
			await api()
				.post( `blueprints/${ blueprint.id }/apply/`, {
					removed: 'delete',
				} )
				.expect( 400 );
			expect( await counts() ).toEqual( before );
		} );

		it( 'queues one apply at a time, and records a site that cannot be reached as a failed apply', async () => {
			const blueprint = await create();
			// Paired, but nothing listens at its address.
			await cloud.context.models.SiteIntegration.create( {
				account_id: tenant.accountId,
				site_id: tenant.siteId,
				platform: 'wordpress',
				config_json: { rest_url: 'http://127.0.0.1:9/wp-json/' },
				credentials_json: pairedCredentials(
					cloud,
					'ig8_unreachable_site_builder',
					tenant.keyId
				),
			} );
			const first = await api()
				.post( `blueprints/${ blueprint.id }/apply/`, {
					removed: 'draft',
					overwrite_keys: [ 'contact' ],
				} )
				.expect( 202 );
			expect( first.body.data ).toMatchObject( {
				blueprint_id: blueprint.id,
				version: 1,
				removed: 'draft',
				overwrite_keys: [ 'contact' ],
			} );
			// While it waits for the site (retrying with backoff), asking again answers the same apply.
			const second = await api()
				.post( `blueprints/${ blueprint.id }/apply/`, {} )
				.expect( 202 );
			expect( second.body ).toMatchObject( {
				data: { id: first.body.data.id, removed: 'draft' },
				message: 'This blueprint is being applied already.',
			} );
			const status = await waitFor( async () => {
				const answer = await api()
					.get( `blueprints/${ blueprint.id }/status/` )
					.expect( 200 );
				return answer.body.data.active === null
					? answer.body.data
					: undefined;
			}, 60_000 );
			expect( status ).toMatchObject( {
				blueprint_id: blueprint.id,
				version: 1,
				last_applied_version: null,
				changed_since_apply: true,
			} );
			expect( status.applies[ 0 ] ).toMatchObject( {
				id: first.body.data.id,
				status: 'failed',
				report: null,
				error: expect.stringContaining( 'could not be reached' ),
			} );
			const plan = await api()
				.get( `blueprints/${ blueprint.id }/plan/` )
				.expect( 409 );
			expect( plan.body ).toMatchObject( {
				success: false,
				code: 'site_unavailable',
			} );
			await cloud.context.models.SiteIntegration.destroy( {
				where: { site_id: tenant.siteId },
			} );
		} );
	} );

	it( "never shows or changes another account's blueprints and pages", async () => {
		const mine = await create();
		const list = await api( other )
			.get( 'blueprints/?page_size=100' )
			.expect( 200 );
		expect(
			list.body.results.map( ( b: { site_id: number } ) => b.site_id )
		).not.toContain( tenant.siteId );
		await api( other ).get( `blueprints/${ mine.id }/` ).expect( 404 );
		const pages = await api( other )
			.get( `pages/?blueprint_id=${ mine.id }` )
			.expect( 200 );
		expect( pages.body.results ).toEqual( [] );
		await api( other )
			.post( 'pages/', { blueprint_id: mine.id, title: 'Sneaky' } )
			.expect( 400 );
		const foreign = await api( other )
			.get( `blueprints/?site_id=${ tenant.siteId }` )
			.expect( 200 );
		expect( foreign.body.results ).toEqual( [] );
	} );
} );

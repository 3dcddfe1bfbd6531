import request from 'supertest';
import { QueryTypes } from 'sequelize';
import type { SiteIntegrationRow } from '../src/db/models';
import { addTenant, bearer, type Tenant } from './fixtures';
import { addSecondSite, as, siteSession } from './security-support';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type TestCloud,
} from './support';

/**
 * The Linker on real PostgreSQL: the report of a site whose link graph is
 * built by hand, the index kept current by domain events (no rebuild), and
 * applying suggestions to IGNY8's copy of a draft — byte for byte, twice
 * as once, re-checked after an edit — with bad input refused in the
 * envelope and changing nothing.
 */

const SITE = 'https://example.test';

type Item = {
	wp_post_id: number;
	title: string;
	url: string;
	status?: string;
	content_html: string;
};

describe( 'linker (postgres)', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	let integration: SiteIntegrationRow;
	let auth: Record< string, string >;

	/** Posts as a site sync stores them (the integration's own path, with its event). */
	const sync = async ( items: Item[] ) => {
		await cloud.context.services.integrations.storePosts(
			integration,
			items.map( ( item ) => ( {
				post_type: 'post',
				status: 'publish',
				modified_gmt: null,
				content_hash: null,
				igny8_task_id: null,
				igny8_content_id: null,
				excerpt: '',
				date_gmt: null,
				author_email: null,
				categories: [],
				tags: [],
				...item,
			} ) ) as never,
			true
		);
	};
	const deliver = () => deliverEvents( cloud );
	const api = () => request( cloud.app );
	const count = async ( sql: string ) =>
		(
			await cloud.context.db.sequelize.query< { n: number } >( sql, {
				type: QueryTypes.SELECT,
			} )
		)[ 0 ]!.n;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ scheduler: false }
		);
		tenant = await addTenant( cloud, 'Linker Co' );
		other = await addTenant( cloud, 'Other Co' );
		auth = bearer( tenant.owner );
		integration = await cloud.context.models.SiteIntegration.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			platform: 'wordpress',
		} as never );

		// The hand-built graph. Marathon nutrition lived at /old-hydration/ first.
		await sync( [
			{
				wp_post_id: 4,
				title: 'Marathon nutrition',
				url: `${ SITE }/old-hydration/`,
				content_html: '<p>Gels, water and salt for race day.</p>',
			},
		] );
		await deliver();
		await sync( [
			{
				wp_post_id: 1,
				title: 'Trail running shoes guide',
				url: `${ SITE }/trail-running-shoes/`,
				content_html:
					'<p>Before buying, read our <a href="/road-running/">road running tips</a>, ' +
					'the <a href="https://example.test/missing-page/">missing page</a> and the ' +
					'<a href="https://example.test/?p=5">upcoming race</a>.</p>',
			},
			{
				wp_post_id: 2,
				title: 'Road running tips',
				url: `${ SITE }/road-running/`,
				content_html:
					'<p>Pick <a href="https://www.example.test/trail-running-shoes/">trail shoes</a> ' +
					'for dirt and read about <a href="/old-hydration/">hydration</a>.</p>',
			},
			{
				wp_post_id: 3,
				title: 'Hydration for runners',
				url: `${ SITE }/hydration/`,
				content_html:
					'<h2>Carbon plate racing shoes</h2><p>Many runners now race in carbon plate racing shoes, ' +
					'and hydration matters more than the shoes.</p>',
			},
			{
				wp_post_id: 4,
				title: 'Marathon nutrition',
				url: `${ SITE }/marathon-nutrition/`,
				content_html: '<p>Gels, water and salt for race day.</p>',
			},
			{
				wp_post_id: 5,
				title: 'Upcoming race',
				url: `${ SITE }/?p=5`,
				status: 'draft',
				content_html: '<p>Coming soon.</p>',
			},
		] );
		await deliver();
	}, 120_000 );

	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'reports counts, orphans, broken links and links to old addresses of a hand-built graph', async () => {
		const { body } = await api()
			.get( '/api/v1/linker/report/' )
			.query( { site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		const report = body.data;
		expect( report.totals ).toMatchObject( {
			posts: 5,
			internal_links: 5,
			orphans: 2,
			broken: 2,
			redirects: 1,
		} );
		expect(
			report.orphans.map( ( p: { post_id: number } ) => p.post_id ).sort()
		).toEqual( [ 3, 4 ] );
		expect(
			report.broken
				.map(
					( l: { href: string; state: string } ) =>
						`${ l.state } ${ l.href }`
				)
				.sort()
		).toEqual( [
			`missing ${ SITE }/missing-page/`,
			`unpublished ${ SITE }/?p=5`,
		] );
		expect( report.redirects[ 0 ] ).toMatchObject( {
			href: '/old-hydration/',
			state: 'redirect',
			source: { post_id: 2 },
			target: { post_id: 4 },
		} );

		const posts = await api()
			.get( '/api/v1/linker/posts/' )
			.query( { site_id: tenant.siteId, ordering: '-inbound' } )
			.set( auth )
			.expect( 200 );
		const byPost = Object.fromEntries(
			posts.body.results.map(
				( r: {
					post_id: number;
					inbound: number;
					outbound: number;
				} ) => [ r.post_id, [ r.inbound, r.outbound ] ]
			)
		);
		expect( byPost ).toEqual( {
			1: [ 1, 3 ],
			2: [ 1, 2 ],
			3: [ 0, 0 ],
			4: [ 0, 0 ],
			5: [ 1, 0 ],
		} );
	} );

	it( 'updates the suggestions of posts that should link to a newly published post, from its event alone', async () => {
		const before = await api()
			.get( '/api/v1/linker/suggestions/' )
			.query( { post_id: 3, site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		expect(
			before.body.results.map(
				( s: { target: { post_id: number } } ) => s.target.post_id
			)
		).not.toContain( 6 );

		await sync( [
			{
				wp_post_id: 6,
				title: 'Carbon plate racing shoes',
				url: `${ SITE }/carbon-plate-racing-shoes/`,
				content_html:
					'<p>What a carbon plate does, and who it helps.</p>',
			},
		] );
		await deliver();

		const after = await api()
			.get( '/api/v1/linker/suggestions/' )
			.query( { post_id: 3, site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		const toNew = after.body.results.find(
			( s: { target: { post_id: number } } ) => s.target.post_id === 6
		);
		expect( toNew ).toBeDefined();
		// The prose occurrence, verbatim; never the heading's.
		expect( toNew.anchor ).toBe( 'carbon plate racing shoes' );
		const html =
			'<h2>Carbon plate racing shoes</h2><p>Many runners now race in carbon plate racing shoes, ' +
			'and hydration matters more than the shoes.</p>';
		expect( html.slice( toNew.position.start, toNew.position.end ) ).toBe(
			toNew.anchor
		);
		expect( toNew.position.start ).toBeGreaterThan(
			html.indexOf( '</h2>' )
		);

		const inbound = await api()
			.get( '/api/v1/linker/inbound/' )
			.query( { post_id: 6, site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		expect(
			inbound.body.results.map(
				( s: { source: { post_id: number } } ) => s.source.post_id
			)
		).toContain( 3 );
		// Event-driven: no rebuild was asked for.
		expect(
			await count( 'SELECT count(*)::int AS n FROM linker_rebuilds' )
		).toBe( 0 );
	} );

	describe( 'applying to a draft in IGNY8', () => {
		const html =
			'<h2>Road running tips</h2>' +
			'<p>See <a href="/elsewhere/">road running tips</a> there.</p>' +
			'<p>Our road running tips cover cadence &amp; form.</p>';
		let contentId: number;
		let suggestion: {
			id: string;
			anchor: string;
			position: { start: number; end: number };
		};

		beforeAll( async () => {
			const created = await api()
				.post( '/api/v1/writer/content/' )
				.set( auth )
				.send( {
					sector_id: tenant.sectorId,
					title: 'Cadence drills',
					content_html: html,
				} )
				.expect( 201 );
			contentId = created.body.data.id;
			await deliver();
			const { body } = await api()
				.get( '/api/v1/linker/suggestions/' )
				.query( { content_id: contentId } )
				.set( auth )
				.expect( 200 );
			suggestion = body.results.find(
				( s: { target: { post_id: number } } ) => s.target.post_id === 2
			);
		} );

		const stored = async () =>
			(
				await api()
					.get( `/api/v1/writer/content/${ contentId }/` )
					.set( auth )
					.expect( 200 )
			).body.data.content_html as string;

		it( 'suggests the prose occurrence only: not the heading, not inside an existing link', () => {
			expect( suggestion ).toBeDefined();
			expect( suggestion.position.start ).toBe(
				html.indexOf( 'road running tips cover' )
			);
		} );

		it( 'changes nothing outside the inserted link, and applying twice is applying once', async () => {
			const first = await api()
				.post( '/api/v1/linker/apply/' )
				.set( auth )
				.send( {
					content_id: contentId,
					suggestion_ids: [ suggestion.id ],
				} )
				.expect( 200 );
			expect( first.body.data ).toEqual( {
				applied: [ suggestion.id ],
				skipped: [],
				wordpress: 'not_published',
			} );
			const expected =
				html.slice( 0, suggestion.position.start ) +
				`<a href="${ SITE }/road-running/" data-igny8-link="${ suggestion.id }">road running tips</a>` +
				html.slice( suggestion.position.end );
			expect( await stored() ).toBe( expected );

			const again = await api()
				.post( '/api/v1/linker/apply/' )
				.set( auth )
				.send( {
					content_id: contentId,
					suggestion_ids: [ suggestion.id ],
				} )
				.expect( 200 );
			expect( again.body.data.applied ).toEqual( [ suggestion.id ] );
			expect( await stored() ).toBe( expected );
		} );

		it( 'removes the links it added, giving back the text as it was', async () => {
			const { body } = await api()
				.post( '/api/v1/linker/remove/' )
				.set( auth )
				.send( { content_id: contentId } )
				.expect( 200 );
			expect( body.data.removed ).toEqual( [ suggestion.id ] );
			expect( await stored() ).toBe( html );
		} );

		it( 'finds the anchor again after an edit above it, and skips it once its sentence is gone', async () => {
			const edited = `<p>A new opening paragraph.</p>${ html }`;
			await api()
				.patch( `/api/v1/writer/content/${ contentId }/` )
				.set( auth )
				.send( { content_html: edited } )
				.expect( 200 );
			const moved = await api()
				.post( '/api/v1/linker/apply/' )
				.set( auth )
				.send( {
					content_id: contentId,
					suggestion_ids: [ suggestion.id ],
				} )
				.expect( 200 );
			expect( moved.body.data.applied ).toEqual( [ suggestion.id ] );
			const at = edited.indexOf( 'road running tips cover' );
			expect( await stored() ).toBe(
				edited.slice( 0, at ) +
					`<a href="${ SITE }/road-running/" data-igny8-link="${ suggestion.id }">road running tips</a>` +
					edited.slice( at + 'road running tips'.length )
			);
			await api()
				.post( '/api/v1/linker/remove/' )
				.set( auth )
				.send( { content_id: contentId, link_ids: [ suggestion.id ] } )
				.expect( 200 );

			// The suggestions as the editor sees them now (ids follow the text they were found in).
			const current = (
				await api()
					.get( '/api/v1/linker/suggestions/' )
					.query( { content_id: contentId } )
					.set( auth )
					.expect( 200 )
			).body.results.find(
				( s: { target: { post_id: number } } ) => s.target.post_id === 2
			);
			expect( current.anchor ).toBe( 'road running tips' );
			const gone = '<h2>Road running tips</h2><p>Cadence only.</p>';
			await api()
				.patch( `/api/v1/writer/content/${ contentId }/` )
				.set( auth )
				.send( { content_html: gone } )
				.expect( 200 );
			const skipped = await api()
				.post( '/api/v1/linker/apply/' )
				.set( auth )
				.send( {
					content_id: contentId,
					suggestion_ids: [ current.id ],
				} )
				.expect( 200 );
			expect( skipped.body.data.applied ).toEqual( [] );
			expect( skipped.body.data.skipped[ 0 ].reason ).toMatch(
				/no longer/
			);
			expect( await stored() ).toBe( gone );
		} );
	} );

	it( 'refuses bad input in the envelope and changes nothing', async () => {
		const before = await count(
			"SELECT count(*)::int AS n FROM linker_suggestions WHERE status <> 'open'"
		);
		const both = await api()
			.post( '/api/v1/linker/apply/' )
			.set( auth )
			.send( { content_id: 1, post_id: 1, suggestion_ids: [ 'x' ] } )
			.expect( 400 );
		expect( both.body ).toMatchObject( {
			success: false,
			errors: { content_id: [ expect.stringMatching( /not both/ ) ] },
		} );
		await api()
			.post( '/api/v1/linker/apply/' )
			.set( auth )
			.send( { post_id: 1, site_id: tenant.siteId, suggestion_ids: [] } )
			.expect( 400 );
		// Another account's site looks missing.
		const foreign = await api()
			.get( '/api/v1/linker/report/' )
			.query( { site_id: other.siteId } )
			.set( auth )
			.expect( 400 );
		expect( foreign.body.errors.site_id[ 0 ] ).toMatch( /does not exist/ );
		await api()
			.get( '/api/v1/linker/report/' )
			.query( { site_id: tenant.siteId } )
			.set( bearer( other.owner ) )
			.expect( 400 );
		const unknown = await api()
			.post( '/api/v1/linker/apply/' )
			.set( auth )
			.send( {
				post_id: 3,
				site_id: tenant.siteId,
				suggestion_ids: [ 'not-a-suggestion' ],
			} )
			.expect( 200 );
		expect( unknown.body.data ).toMatchObject( {
			applied: [],
			skipped: [ { id: 'not-a-suggestion' } ],
		} );
		expect(
			await count(
				"SELECT count(*)::int AS n FROM linker_suggestions WHERE status <> 'open'"
			)
		).toBe( before );
	} );

	it( 'rejects a suggestion: it is not offered again', async () => {
		const { body } = await api()
			.get( '/api/v1/linker/suggestions/' )
			.query( { post_id: 3, site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		const first = body.results[ 0 ];
		await api()
			.post( '/api/v1/linker/reject/' )
			.set( auth )
			.send( { suggestion_ids: [ first.id ] } )
			.expect( 200 );
		const after = await api()
			.get( '/api/v1/linker/suggestions/' )
			.query( { post_id: 3, site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		expect(
			after.body.results.map( ( s: { id: string } ) => s.id )
		).not.toContain( first.id );
	} );

	it( 'shows, across the account’s sites, the links between them and the posts competing for one keyword', async () => {
		const second = await addSecondSite( cloud, tenant );
		for ( const [ sectorId, title ] of [
			[ tenant.sectorId, 'Trail shoes, tested' ],
			[ second.sectorId, 'Our trail shoe picks' ],
		] as const ) {
			await api()
				.post( '/api/v1/writer/content/' )
				.set( auth )
				.send( {
					sector_id: sectorId,
					title,
					content_html: '<p>Shoes for trails.</p>',
					attributes: { focus_keyphrase: 'Trail Shoes' },
				} )
				.expect( 201 );
		}
		// A post of this site linking to the second site twice, and to itself once.
		await sync( [
			{
				wp_post_id: 7,
				title: 'Partners',
				url: `${ SITE }/partners/`,
				content_html:
					'<p>See <a href="https://second.test/picks/">our picks</a>, ' +
					'<a href="https://www.second.test/about/">the team</a> and ' +
					`<a href="${ SITE }/road-running/">road running</a>.</p>`,
			},
		] );
		await deliver();
		const { body } = await api()
			.get( '/api/v1/linker/graph/' )
			.set( auth )
			.expect( 200 );
		expect( body.data.cross_site ).toEqual( [
			{
				from_site_id: tenant.siteId,
				to_site_id: second.siteId,
				links: 2,
			},
		] );
		const group = body.data.cannibalization.find(
			( g: { keyword: string } ) => g.keyword === 'trail shoes'
		);
		expect(
			group.posts.map( ( p: { title: string; site_id: number } ) => [
				p.site_id,
				p.title,
			] )
		).toEqual( [
			[ tenant.siteId, 'Trail shoes, tested' ],
			[ second.siteId, 'Our trail shoe picks' ],
		] );
		// A WordPress user of one site sees that site's part only.
		const session = await siteSession( cloud, tenant.apiKey, 'editor' );
		const own = await api()
			.get( '/api/v1/linker/graph/' )
			.set( as( session ) )
			.expect( 200 );
		expect( own.body.data.cannibalization ).toEqual( [] );
		expect(
			own.body.data.sites.map( ( s: { site_id: number } ) => s.site_id )
		).toEqual( [ tenant.siteId ] );
	} );

	it( 'keeps a published post in step with its last push after the linker changed its links', async () => {
		const { models, services } = cloud.context;
		const created = await api()
			.post( '/api/v1/writer/content/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				title: 'Pushed once',
				content_html: '<p>Text.</p>',
			} )
			.expect( 201 );
		const before = 'a'.repeat( 64 );
		const after = 'b'.repeat( 64 );
		const record = await models.PublishingRecord.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			content_id: created.body.data.id,
			task_id: null,
			last_pushed_hash: before,
		} as never );
		// Edited in WordPress since the push (another hash): left for the publisher to see.
		await services.publisher.acknowledgeLinks(
			created.body.data.id,
			'c'.repeat( 64 ),
			after
		);
		await record.reload();
		expect( record.last_pushed_hash ).toBe( before );
		await services.publisher.acknowledgeLinks(
			created.body.data.id,
			before,
			after
		);
		await record.reload();
		expect( [ record.last_pushed_hash, record.remote_hash ] ).toEqual( [
			after,
			after,
		] );
	} );

	it( 'rebuilds a site as a queued run with progress, and the figures stay the same', async () => {
		const started = await api()
			.post( '/api/v1/linker/rebuild/' )
			.set( auth )
			.send( { site_id: tenant.siteId } )
			.expect( 202 );
		const finished = await waitFor( async () => {
			const { body } = await api()
				.get( `/api/v1/linker/rebuild/${ started.body.data.id }/` )
				.set( auth )
				.expect( 200 );
			return [ 'finished', 'failed' ].includes( body.data.status )
				? body.data
				: undefined;
		}, 60_000 );
		expect( finished ).toMatchObject( { status: 'finished', error: null } );
		expect( finished.done ).toBe( finished.total );
		expect( finished.total ).toBeGreaterThan( 0 );
		const { body } = await api()
			.get( '/api/v1/linker/report/' )
			.query( { site_id: tenant.siteId } )
			.set( auth )
			.expect( 200 );
		// The first test's graph, plus the carbon-plate and partners posts (orphans) and three drafts.
		expect( body.data.totals ).toMatchObject( {
			posts: 10,
			orphans: 4,
			broken: 2,
			redirects: 1,
		} );
	} );
} );

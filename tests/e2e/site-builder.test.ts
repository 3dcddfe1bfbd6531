/**
 * The Site Builder against real WordPress with IGNY8 Bridge and the real
 * cloud (issue 18's "must show"): a blueprint of 20 pages, 5 categories and
 * a menu, applied through the cloud's API and the plugin's signed route,
 * creates exactly those; applying it again changes nothing; after one page
 * is renamed in the blueprint and another edited in WordPress, the plan and
 * the apply update the first and report the second. A page taken out of the
 * blueprint is offered, then moved to the trash only when asked, never
 * deleted; input that does not hold together is refused in the unified
 * envelope (the cloud) or as a WordPress REST error (the plugin), and
 * nothing changes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
	callBridge,
	ensureWordPressCore,
	outboundAllow,
	startWordPress,
	type WordPressSite,
} from '@igny8/test-harness';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import {
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;

const section = ( heading: string ) => ( {
	heading,
	summary: `What "${ heading }" covers, in one sentence.`,
} );

const SERVICES = [
	'SEO audits',
	'Local SEO',
	'Technical SEO',
	'Content writing',
	'Link building',
	'Paid search',
	'Social ads',
	'Analytics setup',
];
const LANDINGS = [ 'SEO for dentists', 'SEO for lawyers', 'SEO for shops' ];

/** 20 pages: 6 at the top, 8 services and 3 landing pages under two of them, 3 under "About". */
const PAGES = [
	{
		key: 'home',
		title: 'Home',
		page_type: 'home',
		sections: [ section( 'Welcome' ) ],
	},
	{
		key: 'about',
		title: 'About us',
		page_type: 'about',
		sections: [ section( 'Our story' ), section( 'Our values' ) ],
	},
	{ title: 'Our team', parent_key: 'about', page_type: 'custom' },
	{ title: 'Careers', parent_key: 'about', page_type: 'custom' },
	{ title: 'Press', parent_key: 'about', page_type: 'custom' },
	{ key: 'services', title: 'Services', page_type: 'services' },
	...SERVICES.map( ( title ) => ( {
		title,
		parent_key: 'services',
		page_type: 'service',
		sections: [ section( 'What we do' ), section( 'Pricing' ) ],
		target_keywords: [ title.toLowerCase() ],
	} ) ),
	{ key: 'industries', title: 'Industries', page_type: 'landing' },
	...LANDINGS.map( ( title ) => ( {
		title,
		parent_key: 'industries',
		page_type: 'landing',
	} ) ),
	{ key: 'blog', title: 'Blog', page_type: 'blog' },
	{
		key: 'contact',
		title: 'Contact',
		page_type: 'contact',
		sections: [ section( 'Write to us' ) ],
	},
];
const CATEGORIES = [
	{ name: 'E2E News' },
	{ key: 'guides', name: 'E2E Guides' },
	{ name: 'E2E SEO guides', parent_key: 'guides' },
	{ name: 'E2E Case studies' },
	{ name: 'E2E Tools' },
];
const MENU = {
	name: 'E2E Main menu',
	location: 'primary',
	items: [
		{ type: 'page', target_key: 'home' },
		{ key: 'about', type: 'page', target_key: 'about' },
		{ key: 'services', type: 'page', target_key: 'services' },
		{
			type: 'page',
			target_key: 'seo-audits',
			parent_key: 'services',
		},
		{ type: 'page', target_key: 'local-seo', parent_key: 'services' },
		{ type: 'category', target_key: 'e2e-news', label: 'News' },
		{ type: 'page', target_key: 'contact' },
		{
			type: 'custom',
			label: 'Client login',
			url: 'https://app.example.test/login',
		},
	],
};

const api = {
	get: ( path: string ) =>
		request( cloud.app )
			.get( `/api/v1/site-builder/${ path }` )
			.set( bearer( tenant.owner ) ),
	send: ( method: 'post' | 'patch', path: string, body: object ) =>
		request( cloud.app )
			[ method ]( `/api/v1/site-builder/${ path }` )
			.set( bearer( tenant.owner ) )
			.send( body ),
};

type WpState = {
	pages: {
		ID: number;
		title: string;
		slug: string;
		parent: number;
		order: number;
		status: string;
		modified: string;
		content: string;
		key: string;
		blueprint: string;
	}[];
	categories: {
		term_id: number;
		name: string;
		slug: string;
		parent: number;
		key: string;
	}[];
	menus: {
		term_id: number;
		name: string;
		items: {
			title: string;
			object: string;
			object_id: number;
			parent: number;
			url: string;
		}[];
	}[];
	counts: { pages: number; categories: number; menus: number };
};

/** Every page (any status), category and classic menu of the site, as WordPress stores them. */
const wordpress = () =>
	phpJson< WpState >(
		site,
		`
wp_cache_flush();
$pages = array();
foreach ( get_posts( array( 'post_type' => 'page', 'post_status' => array( 'publish', 'draft', 'trash', 'private', 'pending' ), 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC', 'suppress_filters' => true ) ) as $p ) {
	$pages[] = array(
		'ID' => $p->ID, 'title' => $p->post_title, 'slug' => $p->post_name, 'parent' => $p->post_parent, 'order' => $p->menu_order,
		'status' => $p->post_status, 'modified' => $p->post_modified_gmt, 'content' => $p->post_content,
		'key' => (string) get_post_meta( $p->ID, '_igny8_blueprint_key', true ),
		'blueprint' => (string) get_post_meta( $p->ID, '_igny8_blueprint_id', true ),
	);
}
$categories = array();
foreach ( get_terms( array( 'taxonomy' => 'category', 'hide_empty' => false, 'orderby' => 'term_id' ) ) as $t ) {
	$categories[] = array( 'term_id' => $t->term_id, 'name' => $t->name, 'slug' => $t->slug, 'parent' => $t->parent, 'key' => (string) get_term_meta( $t->term_id, '_igny8_blueprint_key', true ) );
}
$menus = array();
foreach ( wp_get_nav_menus() as $m ) {
	$items = array();
	foreach ( wp_get_nav_menu_items( $m->term_id ) as $i ) {
		$items[] = array( 'title' => $i->title, 'object' => $i->object, 'object_id' => (int) $i->object_id, 'parent' => (int) $i->menu_item_parent, 'url' => $i->url );
	}
	$menus[] = array( 'term_id' => $m->term_id, 'name' => $m->name, 'items' => $items );
}
echo wp_json_encode( array(
	'pages' => $pages, 'categories' => $categories, 'menus' => $menus,
	'counts' => array( 'pages' => count( $pages ), 'categories' => count( $categories ), 'menus' => count( $menus ) ),
) );`
	);

type Report = {
	dry_run: boolean;
	pages: { key: string; action: string; post_id: number | null }[];
	categories: { key: string; action: string }[];
	menus: { key: string; action: string; menu_id: number | null }[];
	counts: Record< string, number >;
	warnings: string[];
};

const actions = ( list: { key: string; action: string }[] ) =>
	Object.fromEntries( list.map( ( item ) => [ item.key, item.action ] ) );
/** The counts without the zeros. */
const nonZero = ( counts: Record< string, number > ) =>
	Object.fromEntries( Object.entries( counts ).filter( ( [ , n ] ) => n ) );

async function plan( id: number, query = '' ): Promise< Report > {
	const answer = await api.get( `blueprints/${ id }/plan/${ query }` );
	expect( { status: answer.status, body: answer.body } ).toMatchObject( {
		status: 200,
		body: { success: true },
	} );
	expect( answer.body.data.dry_run ).toBe( true );
	return answer.body.data;
}

/** Applies through the API and waits for the job: the apply's report. */
async function apply( id: number, body: object = {} ): Promise< Report > {
	const started = await api.send( 'post', `blueprints/${ id }/apply/`, body );
	expect( { status: started.status, body: started.body } ).toMatchObject( {
		status: 202,
		body: { success: true },
	} );
	const run = await waitFor( async () => {
		const status = await api
			.get( `blueprints/${ id }/status/` )
			.expect( 200 );
		const found = status.body.data.applies.find(
			( a: { id: number } ) => a.id === started.body.data.id
		);
		return found && [ 'succeeded', 'failed' ].includes( found.status )
			? found
			: undefined;
	}, 60_000 );
	expect( { status: run.status, error: run.error } ).toEqual( {
		status: 'succeeded',
		error: null,
	} );
	expect( run.report.dry_run ).toBe( false );
	return run.report;
}

beforeAll( async () => {
	const port = await freePort();
	let wpPort = await freePort();
	while ( wpPort === port ) {
		wpPort = await freePort();
	}
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Site Builder E2E' );
	await connectSite( site, served.url, tenant );
}, 180_000 );

afterAll( async () => {
	await site?.stop();
	await served?.close();
	await cloud?.stop();
} );

describe( 'Site Builder → WordPress', () => {
	let blueprint: {
		id: number;
		version: number;
		pages: { id: number; key: string; title: string }[];
	};
	let fresh: WpState;
	let applied: WpState;

	it( 'applies a blueprint of 20 pages, 5 categories and a menu: the plan, then exactly those in WordPress', async () => {
		const created = await api
			.send( 'post', 'blueprints/', {
				site_id: tenant.siteId,
				name: 'Agency site',
				pages: PAGES,
				categories: CATEGORIES,
				menus: [ MENU ],
			} )
			.expect( 201 );
		blueprint = created.body.data;
		expect( blueprint.pages ).toHaveLength( 20 );
		fresh = await wordpress();

		// The plan: a dry run on the site, which changes nothing there.
		const planned = await plan( blueprint.id );
		expect( nonZero( planned.counts ) ).toEqual( { create: 26 } );
		expect( await wordpress() ).toEqual( fresh );

		const report = await apply( blueprint.id );
		expect( nonZero( report.counts ) ).toEqual( { create: 26 } );
		expect( actions( report.pages ) ).toEqual( actions( planned.pages ) );
		applied = await wordpress();

		// Exactly those: 20 pages, 5 categories and 1 menu more than the fresh site, all carrying their keys.
		expect( applied.counts ).toEqual( {
			pages: fresh.counts.pages + 20,
			categories: fresh.counts.categories + 5,
			menus: fresh.counts.menus + 1,
		} );
		const made = applied.pages.filter(
			( p ) => p.blueprint === String( blueprint.id )
		);
		expect( made.map( ( p ) => p.key ).sort() ).toEqual(
			blueprint.pages.map( ( p ) => p.key ).sort()
		);
		expect(
			report.pages.map( ( p ) => p.post_id ).sort( ( a, b ) => a! - b! )
		).toEqual( made.map( ( p ) => p.ID ) );
		const byKey = Object.fromEntries( made.map( ( p ) => [ p.key, p ] ) );
		expect( byKey[ 'seo-audits' ] ).toMatchObject( {
			title: 'SEO audits',
			slug: 'seo-audits',
			parent: byKey.services!.ID,
			order: 0,
			status: 'publish',
		} );
		expect( byKey[ 'analytics-setup' ]!.order ).toBe( 7 );
		expect( byKey[ 'seo-for-shops' ]!.parent ).toBe( byKey.industries!.ID );
		expect( byKey.about!.content ).toBe(
			[
				'<!-- wp:heading -->\n<h2 class="wp-block-heading">Our story</h2>\n<!-- /wp:heading -->',
				'<!-- wp:paragraph -->\n<p>What &quot;Our story&quot; covers, in one sentence.</p>\n<!-- /wp:paragraph -->',
				'<!-- wp:heading -->\n<h2 class="wp-block-heading">Our values</h2>\n<!-- /wp:heading -->',
				'<!-- wp:paragraph -->\n<p>What &quot;Our values&quot; covers, in one sentence.</p>\n<!-- /wp:paragraph -->',
			].join( '\n\n' )
		);
		const categories = applied.categories.filter( ( c ) => c.key );
		expect( categories.map( ( c ) => c.name ) ).toEqual(
			CATEGORIES.map( ( c ) => c.name )
		);
		const guides = categories.find( ( c ) => c.key === 'guides' )!;
		expect(
			categories.find( ( c ) => c.name === 'E2E SEO guides' )!.parent
		).toBe( guides.term_id );
		const menu = applied.menus.find( ( m ) => m.name === MENU.name )!;
		expect( menu.items.map( ( i ) => i.title ) ).toEqual( [
			'Home',
			'About us',
			'Services',
			'SEO audits',
			'Local SEO',
			'News',
			'Contact',
			'Client login',
		] );
		expect( menu.items[ 3 ]!.object_id ).toBe( byKey[ 'seo-audits' ]!.ID );
		expect( menu.items[ 5 ]!.object ).toBe( 'category' );
		expect( menu.items[ 7 ]!.url ).toBe( 'https://app.example.test/login' );
		// The default theme of this WordPress has no classic "primary" location: said, not hidden.
		expect( report.warnings.join( ' ' ) ).toContain(
			'has no menu location "primary"'
		);

		const status = await api
			.get( `blueprints/${ blueprint.id }/status/` )
			.expect( 200 );
		expect( status.body.data ).toMatchObject( {
			version: 1,
			last_applied_version: 1,
			changed_since_apply: false,
			active: null,
		} );
	} );

	it( 'changes nothing when the same blueprint is applied again', async () => {
		const planned = await plan( blueprint.id );
		expect( nonZero( planned.counts ) ).toEqual( { unchanged: 26 } );
		const report = await apply( blueprint.id );
		expect( nonZero( report.counts ) ).toEqual( { unchanged: 26 } );
		// Not a row nor a modification time moved.
		expect( await wordpress() ).toEqual( applied );
	} );

	it( 'updates a page renamed in the blueprint and reports, without overwriting, a page edited in WordPress', async () => {
		const local = blueprint.pages.find( ( p ) => p.key === 'local-seo' )!;
		const renamed = await api
			.send( 'patch', `pages/${ local.id }/`, {
				title: 'Local search optimisation',
				expected_version: blueprint.version,
			} )
			.expect( 200 );
		expect( renamed.body.data ).toMatchObject( {
			id: local.id,
			key: 'local-seo',
			slug: 'local-seo',
		} );
		const contact = applied.pages.find( ( p ) => p.key === 'contact' )!;
		await site.php(
			`wp_update_post( array( 'ID' => ${ contact.ID }, 'post_content' => '<!-- wp:paragraph -->\n<p>Call us on 555 0100 — written in WordPress.</p>\n<!-- /wp:paragraph -->' ) );`
		);
		const before = await wordpress();

		const planned = await plan( blueprint.id );
		expect( nonZero( planned.counts ) ).toEqual( {
			update: 1,
			edited: 1,
			unchanged: 24,
		} );
		expect( actions( planned.pages ) ).toMatchObject( {
			'local-seo': 'update',
			contact: 'edited',
		} );
		expect( await wordpress() ).toEqual( before );

		const report = await apply( blueprint.id );
		expect( actions( report.pages ) ).toEqual( actions( planned.pages ) );
		expect( actions( report.menus ) ).toEqual( {
			'e2e-main-menu': 'unchanged',
		} );
		const after = await wordpress();
		const page = ( state: WpState, key: string ) =>
			state.pages.find( ( p ) => p.key === key )!;
		expect( page( after, 'local-seo' ) ).toMatchObject( {
			ID: page( before, 'local-seo' ).ID,
			title: 'Local search optimisation',
			slug: 'local-seo',
		} );
		expect( page( after, 'contact' ).content ).toContain( '555 0100' );
		expect( after.counts ).toEqual( applied.counts );
		// Nothing else moved.
		const others = ( state: WpState ) =>
			state.pages.filter( ( p ) => p.key !== 'local-seo' );
		expect( others( after ) ).toEqual( others( before ) );
		// The menu shows the page's new title: it links the page.
		expect(
			after.menus.find( ( m ) => m.name === MENU.name )!.items[ 4 ]!.title
		).toBe( 'Local search optimisation' );
	} );

	it( 'offers a page taken out of the blueprint, and moves it to the trash only when asked — never deletes it', async () => {
		const press = blueprint.pages.find( ( p ) => p.key === 'press' )!;
		await request( cloud.app )
			.delete( `/api/v1/site-builder/pages/${ press.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		const wpPress = applied.pages.find( ( p ) => p.key === 'press' )!;

		const kept = await apply( blueprint.id );
		expect( actions( kept.pages ).press ).toBe( 'offered' );
		expect(
			( await wordpress() ).pages.find( ( p ) => p.ID === wpPress.ID )
		).toMatchObject( { status: 'publish' } );

		const planned = await plan( blueprint.id, '?removed=trash' );
		expect( actions( planned.pages ).press ).toBe( 'trash' );
		const trashed = await apply( blueprint.id, { removed: 'trash' } );
		expect( actions( trashed.pages ).press ).toBe( 'trash' );
		const after = await wordpress();
		expect(
			after.pages.find( ( p ) => p.ID === wpPress.ID )
		).toMatchObject( { status: 'trash', key: 'press' } );
		expect( after.counts.pages ).toBe( applied.counts.pages );
	} );

	it( 'refuses input that does not hold together in the envelope, and the plugin refuses it too, changing nothing', async () => {
		const before = await wordpress();
		const blueprints = await api.get( 'blueprints/' ).expect( 200 );
		const broken = await api
			.send( 'post', 'blueprints/', {
				site_id: tenant.siteId,
				name: 'Broken',
				pages: [
					{ key: 'a', title: 'A', parent_key: 'missing' },
					{ key: 'b', title: 'B', page_type: 'shop' },
				],
				menus: [
					{
						name: 'Menu',
						items: [
							{
								type: 'custom',
								label: 'X',
								url: 'javascript:alert(1)',
							},
						],
					},
				],
			} )
			.expect( 400 );
		expect( broken.body ).toEqual( {
			success: false,
			error: 'Invalid body.',
			code: 'validation_error',
			errors: {
				'pages.1.page_type': [ expect.any( String ) ],
				'menus.0.items.0.url': [ 'must be a valid http(s) URL' ],
			},
			request_id: expect.any( String ),
		} );
		const orphan = await api
			.send( 'patch', `blueprints/${ blueprint.id }/`, {
				pages: [ { key: 'a', title: 'A', parent_key: 'missing' } ],
			} )
			.expect( 400 );
		expect( orphan.body.errors ).toEqual( {
			'pages.0.parent_key': [ 'no item of pages has the key "missing"' ],
			// The menu still links pages this edit would remove.
			'menus.0.items.0.target_key': [ 'no page has the key "home"' ],
			'menus.0.items.1.target_key': [ 'no page has the key "about"' ],
			'menus.0.items.2.target_key': [ 'no page has the key "services"' ],
			'menus.0.items.3.target_key': [
				'no page has the key "seo-audits"',
			],
			'menus.0.items.4.target_key': [ 'no page has the key "local-seo"' ],
			'menus.0.items.6.target_key': [ 'no page has the key "contact"' ],
		} );
		const badApply = await api
			.send( 'post', `blueprints/${ blueprint.id }/apply/`, {
				removed: 'delete',
			} )
			.expect( 400 );
		expect( Object.keys( badApply.body.errors ) ).toEqual( [ 'removed' ] );
		expect(
			( await api.get( 'blueprints/' ).expect( 200 ) ).body.count
		).toBe( blueprints.body.count );

		// Straight to the plugin, signed as the cloud signs: a parent that is not in the structure.
		const key = { key: tenant.apiKey, keyId: tenant.keyId };
		const refused = await callBridge< { code: string; message: string } >(
			site.url,
			key,
			'POST',
			'/igny8/v1/site-structure',
			{
				body: {
					blueprint_id: blueprint.id,
					version: 99,
					pages: [
						{
							key: 'orphan',
							parent_key: 'nowhere',
							title: 'Orphan',
							slug: 'orphan',
							status: 'publish',
							menu_order: 0,
							content: '',
						},
					],
					categories: [],
					menus: [],
				},
			}
		);
		expect( refused.status ).toBe( 400 );
		expect( refused.body.code ).toBe( 'igny8_invalid_structure' );
		expect( refused.body.message ).toContain(
			'pages[0]: its parent "nowhere" is not listed before it'
		);
		const invalid = await callBridge< { code: string } >(
			site.url,
			key,
			'POST',
			'/igny8/v1/site-structure',
			{
				body: {
					blueprint_id: blueprint.id,
					version: 1,
					pages: 'all',
					categories: [],
					menus: [],
				},
			}
		);
		expect( invalid.status ).toBe( 400 );
		expect( invalid.body.code ).toBe( 'rest_invalid_param' );
		const unsigned = await fetch(
			`${ site.url }/wp-json/igny8/v1/site-structure`,
			{
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify( {
					blueprint_id: blueprint.id,
					version: 1,
					pages: [],
					categories: [],
					menus: [],
				} ),
			}
		);
		expect( unsigned.status ).toBe( 401 );
		expect( await wordpress() ).toEqual( before );
	} );

	it( 'previews the blueprint in a disposable WordPress Playground (the CLI `npm start` uses), built by the preview’s own steps', async () => {
		const preview = await api
			.get( `blueprints/${ blueprint.id }/preview/` )
			.expect( 200 );
		const playground = preview.body.data.playground_blueprint as {
			steps: object[];
		};
		const scratch = fs.mkdtempSync(
			path.join( os.tmpdir(), 'igny8-site-builder-preview-' )
		);
		try {
			// A throwaway copy of the offline WordPress: Playground installs into it (SQLite).
			const wp = path.join( scratch, 'wordpress' );
			fs.cpSync( ensureWordPressCore(), wp, { recursive: true } );
			const out = path.join( scratch, 'out' );
			fs.mkdirSync( out );
			const file = path.join( scratch, 'blueprint.json' );
			// The preview's steps, then one that writes down what they built.
			fs.writeFileSync(
				file,
				JSON.stringify( {
					...playground,
					steps: [
						...playground.steps,
						{
							step: 'runPHP',
							code: `<?php require_once '/wordpress/wp-load.php';
$pages = array();
foreach ( get_posts( array( 'post_type' => 'page', 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC' ) ) as $p ) {
	$pages[] = array( 'title' => $p->post_title, 'slug' => $p->post_name, 'parent' => $p->post_parent ? get_post( $p->post_parent )->post_name : null );
}
$menu = wp_get_nav_menu_object( 'E2E Main menu' );
file_put_contents( '/out/built.json', wp_json_encode( array(
	'pages' => $pages,
	'categories' => wp_list_pluck( get_terms( array( 'taxonomy' => 'category', 'hide_empty' => false ) ), 'name' ),
	'menu' => $menu ? wp_list_pluck( wp_get_nav_menu_items( $menu->term_id ), 'title' ) : null,
) ) );`,
						},
					],
				} )
			);
			const cli = path.join(
				path.dirname(
					require.resolve( '@wp-playground/cli/package.json' )
				),
				'wp-playground.js'
			);
			const exit = await new Promise< {
				code: number | null;
				log: string;
			} >( ( resolve ) => {
				let log = '';
				const child = spawn(
					process.execPath,
					[
						cli,
						'run-blueprint',
						`--blueprint=${ file }`,
						'--mount-dir-before-install',
						wp,
						'/wordpress',
						'--wordpress-install-mode=install-from-existing-files',
						'--mount-dir',
						out,
						'/out',
					],
					{ stdio: [ 'ignore', 'pipe', 'pipe' ] }
				);
				child.stdout.on( 'data', ( chunk ) => ( log += chunk ) );
				child.stderr.on( 'data', ( chunk ) => ( log += chunk ) );
				child.on( 'close', ( code ) => resolve( { code, log } ) );
			} );
			expect( exit ).toMatchObject( { code: 0 } );
			const built = JSON.parse(
				fs.readFileSync( path.join( out, 'built.json' ), 'utf8' )
			) as {
				pages: { title: string; slug: string; parent: string | null }[];
				categories: string[];
				menu: string[] | null;
			};
			// The blueprint's pages (19 now: "Press" was taken out) beside the two a WordPress install makes.
			const current = (
				await api.get( `blueprints/${ blueprint.id }/` ).expect( 200 )
			).body.data as { pages: { title: string; slug: string }[] };
			expect(
				built.pages
					.filter(
						( p ) =>
							! [ 'sample-page', 'privacy-policy' ].includes(
								p.slug
							)
					)
					.map( ( p ) => p.title )
			).toEqual( current.pages.map( ( p ) => p.title ) );
			expect( current.pages ).toHaveLength( 19 );
			expect(
				built.pages.find( ( p ) => p.slug === 'seo-audits' )
			).toMatchObject( { parent: 'services' } );
			expect( built.categories ).toEqual(
				expect.arrayContaining( CATEGORIES.map( ( c ) => c.name ) )
			);
			expect( built.menu ).toEqual( [
				'Home',
				'About us',
				'Services',
				'SEO audits',
				'Local search optimisation',
				'News',
				'Contact',
				'Client login',
			] );
		} finally {
			fs.rmSync( scratch, { recursive: true, force: true } );
		}
	} );
} );

/**
 * IGNY8 Bridge in real WordPress 6.6 on native PHP with MariaDB and WP_DEBUG on.
 */
import {
	startWordPress,
	type WordPressSite,
	type WpRestClient,
	type WpUser,
} from '@igny8/test-harness';
import { assertPluginUiBuilt } from './build-check';

const ROUTE = 'igny8/v1/connection';

let site: WordPressSite;
let editor: WpUser;
let subscriber: WpUser;
let asEditor: WpRestClient;
let asSubscriber: WpRestClient;

beforeAll( async () => {
	assertPluginUiBuilt();
	site = await startWordPress();
	editor = await site.createUser( { role: 'editor' } );
	subscriber = await site.createUser( { role: 'subscriber' } );
	[ asEditor, asSubscriber ] = await Promise.all( [
		site.login( editor ),
		site.login( subscriber ),
	] );
} );

afterAll( async () => {
	await site?.stop();
} );

describe( 'activation', () => {
	it( 'activates with no PHP notice, warning, deprecation or error logged', async () => {
		expect( site.phpErrors() ).toEqual( [] );
		const state = JSON.parse(
			await site.php( `
require_once ABSPATH . 'wp-admin/includes/plugin.php';
global $wpdb;
echo json_encode( array(
	'active'   => is_plugin_active( 'igny8-bridge/igny8-bridge.php' ),
	'version'  => IGNY8_BRIDGE_VERSION,
	'autoload' => $wpdb->get_col( "SELECT autoload FROM {$wpdb->options} WHERE option_name IN ( 'igny8_cloud_url', 'igny8_api_key' )" ),
) );` )
		) as { active: boolean; version: string; autoload: string[] };
		expect( state.active ).toBe( true );
		expect( state.version ).toBe( '0.1.0' );
		expect( state.autoload ).toHaveLength( 2 );
		for ( const autoload of state.autoload ) {
			expect( [ 'no', 'off' ] ).toContain( autoload );
		}
	} );
} );

describe( 'IGNY8 admin page', () => {
	it( 'renders for an editor with the root element and the built bundle', async () => {
		const page = await asEditor.page( '/wp-admin/admin.php?page=igny8' );
		expect( page.status ).toBe( 200 );
		expect( page.text ).toContain( '<div id="igny8-root"></div>' );
		expect( page.text ).not.toContain( 'npm run build' );
		const script = new RegExp(
			`<script src="(${ site.url }/wp-content/plugins/igny8-bridge/build/index\\.js\\?ver=[^"]+)" id="igny8-bridge-admin-js"`
		).exec( page.text );
		expect( script ).not.toBeNull();
		const boot = /window\.igny8Bridge = (\{.*?\});/.exec( page.text );
		expect( boot ).not.toBeNull();
		const admin = `${ site.url }/wp-admin/`;
		const pages = Object.fromEntries(
			(
				[
					[ 'dashboard', 'igny8' ],
					[ 'keywords', 'igny8-keywords' ],
					[ 'clusters', 'igny8-clusters' ],
					[ 'ideas', 'igny8-ideas' ],
					[ 'tasks', 'igny8-tasks' ],
					[ 'content', 'igny8-content' ],
					[ 'images', 'igny8-images' ],
					[ 'linker', 'igny8-linker' ],
					[ 'optimizer', 'igny8-optimizer' ],
					[ 'automation', 'igny8-automation' ],
					[ 'site-builder', 'igny8-site-builder' ],
					[ 'activity', 'igny8-activity' ],
					[ 'settings', 'igny8-workspace-settings' ],
				] as const
			 ).map( ( [ screen, slug ] ) => [
				screen,
				`${ admin }admin.php?page=${ slug }`,
			] )
		);
		// The top-level page is the dashboard; editors cannot manage options,
		// so they get no link to the key entry page; nothing secret is printed.
		expect( JSON.parse( boot![ 1 ]! ) ).toEqual( {
			restNamespace: 'igny8/v1',
			pluginVersion: '0.1.0',
			adminUrl: admin,
			connected: false,
			// Not connected: no cloud session to keep between pages.
			sessionScope: '',
			screen: 'dashboard',
			pages,
			settingsUrl: '',
			siteUrl: `${ site.url }/`,
			publishStatus: 'draft',
			setupDismissed: false,
			outbox: { pending: 0, failing: 0, dead: 0, rejected: 0 },
		} );
		// WordPress supplies React and the @wordpress packages the bundle needs.
		expect( page.text ).toMatch( /id="react-jsx-runtime-js"/ );
		expect( page.text ).toMatch( /id="wp-api-fetch-js"/ );
		expect( page.text ).toContain(
			'wp-content/plugins/igny8-bridge/build/index.css'
		);

		// The symlinked plugin's files are served at the URL WordPress printed.
		const bundle = await fetch( script![ 1 ]!.replace( /&amp;/g, '&' ) );
		expect( bundle.status ).toBe( 200 );
		expect( await bundle.text() ).toContain( 'igny8-root' );
	} );

	it( 'shows the IGNY8 menu to editors and not to subscribers', async () => {
		const editorDashboard = await asEditor.page( '/wp-admin/' );
		expect( editorDashboard.status ).toBe( 200 );
		expect( editorDashboard.text ).toMatch(
			/href=['"]admin\.php\?page=igny8['"]/
		);

		const subscriberProfile = await asSubscriber.page(
			'/wp-admin/profile.php'
		);
		expect( subscriberProfile.status ).toBe( 200 );
		expect( subscriberProfile.text ).not.toMatch(
			/admin\.php\?page=igny8/
		);
	} );

	it( 'is refused to a subscriber', async () => {
		const page = await asSubscriber.page(
			'/wp-admin/admin.php?page=igny8'
		);
		expect( page.status ).toBe( 403 );
		expect( page.text ).toContain(
			'Sorry, you are not allowed to access this page.'
		);
		expect( page.text ).not.toContain( 'igny8-root' );
	} );

	it( 'sends logged-out visitors to the login form', async () => {
		const page = await site
			.anonymous()
			.page( '/wp-admin/admin.php?page=igny8' );
		expect( page.status ).toBe( 302 );
		expect( page.headers.get( 'location' ) ).toContain( '/wp-login.php' );
	} );
} );

describe( 'GET /wp-json/igny8/v1/connection', () => {
	it( 'answers 401 to a logged-out visitor', async () => {
		const response = await site
			.anonymous()
			.get< { code: string } >( ROUTE );
		expect( response.status ).toBe( 401 );
		expect( response.body.code ).toBe( 'rest_forbidden' );
	} );

	it( 'answers 403 to a subscriber', async () => {
		const response = await asSubscriber.get< { code: string } >( ROUTE );
		expect( response.status ).toBe( 403 );
		expect( response.body.code ).toBe( 'rest_forbidden' );
	} );

	it( 'answers 200 "not configured" to an editor', async () => {
		const response = await asEditor.get( ROUTE );
		expect( response.status ).toBe( 200 );
		expect( response.body ).toEqual( {
			configured: false,
			cloud_url: null,
			api_key_set: false,
			reachable: null,
			cloud: null,
			error: null,
		} );
	} );

	it( 'refuses an editor request without the REST nonce (cookie alone is not enough)', async () => {
		// Without a nonce WordPress treats the cookie-authenticated request as logged out.
		const response = await fetch( `${ site.url }/wp-json/${ ROUTE }`, {
			headers: {
				Cookie: asEditor
					.cookies()
					.map( ( cookie ) => `${ cookie.name }=${ cookie.value }` )
					.join( '; ' ),
			},
		} );
		expect( response.status ).toBe( 401 );
	} );

	it( 'reports a configured but unreachable cloud with the transport error', async () => {
		// Nothing listens on port 9 (discard) here: a real connection failure through WordPress's HTTP API.
		await site.php( `
update_option( 'igny8_cloud_url', 'http://127.0.0.1:9' );
update_option( 'igny8_api_key', 'igny8_e2e_key_0123456789', false );` );
		try {
			const response =
				await asEditor.get< Record< string, unknown > >( ROUTE );
			expect( response.status ).toBe( 200 );
			expect( response.body ).toMatchObject( {
				configured: true,
				cloud_url: 'http://127.0.0.1:9',
				api_key_set: true,
				reachable: false,
				cloud: null,
			} );
			expect( response.body.error ).toMatch(
				/^Could not reach the IGNY8 cloud: /
			);
			expect( response.text ).not.toContain( 'igny8_e2e_key_0123456789' );
		} finally {
			await site.php(
				"delete_option( 'igny8_cloud_url' ); delete_option( 'igny8_api_key' );"
			);
		}
	} );
} );

describe( 'the whole run', () => {
	it( 'logged no PHP notice, warning, deprecation or error', () => {
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

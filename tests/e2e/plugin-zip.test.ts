/**
 * The distributed plugin: `dist/igny8-bridge.zip` uploaded through wp-admin
 * (Plugins → Add New → Upload Plugin) into a WordPress that has never seen
 * IGNY8 Bridge, activated, then deleted through wp-admin, which must leave
 * no option, table, cron event or (when chosen) post meta behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
	launchBrowser,
	loginToWpAdmin,
	screenshot,
	startWordPress,
	type WordPressSite,
} from '@igny8/test-harness';
import { buildPluginZip } from '../../scripts/plugin-zip';
import { assertPluginUiBuilt } from './build-check';

let site: WordPressSite;
let browser: Browser;
let zip: string;

beforeAll( async () => {
	assertPluginUiBuilt();
	zip = buildPluginZip();
	[ site, browser ] = await Promise.all( [
		startWordPress( { mountPlugin: false } ),
		launchBrowser(),
	] );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
} );

async function leftovers(): Promise< {
	options: string[];
	tables: string[];
	cron: boolean;
	meta: number;
	dir: boolean;
} > {
	return JSON.parse(
		await site.php( `
global $wpdb;
echo json_encode( array(
	'options' => $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'igny8\\\\_%'" ),
	'tables'  => $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $wpdb->prefix . 'igny8_' ) . '%' ) ),
	'cron'    => false !== wp_next_scheduled( 'igny8_drain_outbox' ),
	'meta'    => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\\\_igny8\\\\_%'" ),
	'dir'     => is_dir( WP_PLUGIN_DIR . '/igny8-bridge' ),
) );` )
	);
}

describe( 'igny8-bridge.zip', () => {
	it( 'holds one igny8-bridge/ folder with the built screens and no dev files', () => {
		const bytes = fs.readFileSync( zip );
		const names: string[] = [];
		// Central directory entries: signature 0x02014b50, name length at +28, name at +46.
		for ( let i = 0; i < bytes.length - 46; i++ ) {
			if ( bytes.readUInt32LE( i ) === 0x02014b50 ) {
				const length = bytes.readUInt16LE( i + 28 );
				names.push(
					bytes.subarray( i + 46, i + 46 + length ).toString()
				);
			}
		}
		expect( names ).toContain( 'igny8-bridge/igny8-bridge.php' );
		expect( names ).toContain( 'igny8-bridge/uninstall.php' );
		expect( names ).toContain( 'igny8-bridge/build/index.js' );
		expect( names ).toContain( 'igny8-bridge/build/index.asset.php' );
		expect( names ).toContain( 'igny8-bridge/src/Plugin.php' );
		expect(
			names.filter( ( name ) => ! name.startsWith( 'igny8-bridge/' ) )
		).toEqual( [] );
		expect(
			names.filter( ( name ) =>
				/\/tests\/|phpunit|node_modules|\/\./.test( name )
			)
		).toEqual( [] );
		expect( path.basename( zip ) ).toBe( 'igny8-bridge.zip' );
	} );

	it( 'uploads through Plugins → Add New → Upload Plugin, activates, and deletes cleanly', async () => {
		expect( ( await leftovers() ).dir ).toBe( false );
		const { context, page } = await loginToWpAdmin(
			browser,
			site.url,
			site.admin
		);
		try {
			await page.goto( '/wp-admin/plugin-install.php?tab=upload' );
			await page.setInputFiles( '#pluginzip', zip );
			await Promise.all( [
				page.waitForURL( /update\.php\?action=upload-plugin/ ),
				page.click( '#install-plugin-submit' ),
			] );
			await page.getByText( 'Plugin installed successfully.' ).waitFor();
			await Promise.all( [
				page.waitForURL( /plugins\.php/ ),
				page.getByRole( 'link', { name: 'Activate Plugin' } ).click(),
			] );
			await page.getByText( 'Plugin activated.' ).waitFor();
			await screenshot( page, 'igny8-bridge-zip-activated' );

			const active = JSON.parse(
				await site.php( `
require_once ABSPATH . 'wp-admin/includes/plugin.php';
global $wpdb;
echo json_encode( array(
	'active' => is_plugin_active( 'igny8-bridge/igny8-bridge.php' ),
	'link'   => is_link( WP_PLUGIN_DIR . '/igny8-bridge' ),
	'built'  => file_exists( WP_PLUGIN_DIR . '/igny8-bridge/build/index.js' ),
	'tests'  => file_exists( WP_PLUGIN_DIR . '/igny8-bridge/tests' ),
) );` )
			) as Record< string, boolean >;
			expect( active ).toEqual( {
				active: true,
				link: false,
				built: true,
				tests: false,
			} );
			const installed = await leftovers();
			expect( installed.tables.sort() ).toEqual( [
				'wp_igny8_locks',
				'wp_igny8_outbox',
				'wp_igny8_request_ids',
			] );
			expect( installed.cron ).toBe( true );

			// The settings page of the installed copy works, and the screens load.
			await page.goto(
				'/wp-admin/options-general.php?page=igny8-settings'
			);
			await page.getByRole( 'heading', { name: 'IGNY8' } ).waitFor();
			// Not connected yet: the workspace renders and says what to do.
			await page.goto( '/wp-admin/admin.php?page=igny8' );
			await page
				.locator( '#igny8-root .igny8-app .igny8-error' )
				.getByText( 'API key', { exact: false } )
				.waitFor();

			// Data to remove: a key, queued events, managed-post meta, and the owner's choice to remove meta.
			await site.php( `
update_option( 'igny8_api_key', 'ig8_zip_test_0123456789abcdef', false );
update_option( 'igny8_uninstall_remove_meta', '1', false );
$id = wp_insert_post( array( 'post_title' => 'Managed', 'post_status' => 'publish' ) );
update_post_meta( $id, '_igny8_content_id', 5 );
update_post_meta( $id, '_igny8_managed', '1' );` );
			const populated = await leftovers();
			expect( populated.meta ).toBe( 2 );
			expect( populated.options ).toEqual(
				expect.arrayContaining( [
					'igny8_api_key',
					'igny8_uninstall_remove_meta',
				] )
			);

			// Deactivate, then delete through the Plugins screen.
			await page.goto( '/wp-admin/plugins.php' );
			const row = page.locator( 'tr[data-slug="igny8-bridge"]' );
			await Promise.all( [
				page.waitForURL( /plugins\.php\?deactivate=true/ ),
				row.locator( '.deactivate a' ).click(),
			] );
			page.once( 'dialog', ( dialog ) => void dialog.accept() );
			await row.locator( '.delete a' ).click();
			await page
				.getByText( 'IGNY8 Bridge was successfully deleted.' )
				.waitFor();

			expect( await leftovers() ).toEqual( {
				options: [],
				tables: [],
				cron: false,
				meta: 0,
				dir: false,
			} );
			expect( site.phpErrors() ).toEqual( [] );
		} finally {
			await context.close();
		}
	} );

	it( 'keeps the _igny8_* post meta on uninstall unless the owner chose to remove it, and still removes options and tables', async () => {
		// A clean site whatever the test before left behind.
		await site.php( `
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if ( is_dir( WP_PLUGIN_DIR . '/igny8-bridge' ) ) {
	deactivate_plugins( 'igny8-bridge/igny8-bridge.php' );
	delete_plugins( array( 'igny8-bridge/igny8-bridge.php' ) );
}
global $wpdb;
$wpdb->query( "DELETE FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\_igny8\\_%'" );` );
		expect( await leftovers() ).toMatchObject( { dir: false, meta: 0 } );
		const installed = JSON.parse(
			await site.php( `
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
WP_Filesystem();
$unzipped = unzip_file( ${ JSON.stringify( zip ) }, WP_PLUGIN_DIR );
$active   = activate_plugin( 'igny8-bridge/igny8-bridge.php' );
echo json_encode( array( 'unzipped' => true === $unzipped, 'activated' => null === $active ) );` )
		) as Record< string, boolean >;
		expect( installed ).toEqual( { unzipped: true, activated: true } );
		// The "Remove IGNY8 post meta on uninstall" box left unticked (its default).
		await site.php( `
update_option( 'igny8_api_key', 'ig8_zip_test_0123456789abcdef', false );
$id = wp_insert_post( array( 'post_title' => 'Managed, kept', 'post_status' => 'publish' ) );
update_post_meta( $id, '_igny8_content_id', 6 );
update_post_meta( $id, '_igny8_managed', '1' );
update_post_meta( $id, '_igny8_task_id', 16 );` );
		const before = await leftovers();
		expect( before.options ).toEqual(
			expect.arrayContaining( [ 'igny8_api_key' ] )
		);
		expect( before.tables ).toHaveLength( 3 );

		// What Plugins → Delete runs: deactivate, then delete (which runs uninstall.php).
		const deleted = await site.php( `
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
deactivate_plugins( 'igny8-bridge/igny8-bridge.php' );
$result = delete_plugins( array( 'igny8-bridge/igny8-bridge.php' ) );
echo true === $result ? 'deleted' : wp_json_encode( $result );` );
		expect( deleted ).toBe( 'deleted' );

		expect( await leftovers() ).toEqual( {
			options: [],
			tables: [],
			cron: false,
			meta: 3,
			dir: false,
		} );
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

/**
 * The distributed plugin: `dist/igny8-bridge.zip` uploaded through wp-admin
 * (Plugins → Add New → Upload Plugin) into a WordPress that has never seen
 * IGNY8 Bridge, activated, then deleted through wp-admin, which must leave
 * no option, table, cron event or (when chosen) post meta behind.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
	launchBrowser,
	loginToWpAdmin,
	screenshot,
	startWordPress,
	type WordPressSite,
} from '@igny8/test-harness';
import { unzipSync } from 'fflate';
import { makePot, POT_FILE } from '../../scripts/make-pot';
import { buildPluginZip } from '../../scripts/plugin-zip';
import { assertPluginUiBuilt } from './build-check';

let site: WordPressSite;
let browser: Browser;
let zip: string;

beforeAll( async () => {
	assertPluginUiBuilt();
	// What `npm run build` runs after the screens: the .pot, then the zip.
	makePot();
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

interface PotEntry {
	msgid: string;
	plural?: string;
	comments: string[];
	references: string[];
}

/** Reads a .pot: one entry per msgid, with its comments and references. */
function readPot( text: string ): PotEntry[] {
	// PO strings escape as C does; for the escapes used here, JSON reads them the same.
	const unquote = ( value: string ): string => JSON.parse( value ) as string;
	return text
		.split( /\n\n+/ )
		.map( ( block ) => {
			const entry: PotEntry = { msgid: '', comments: [], references: [] };
			let field: 'msgid' | 'plural' | null = null;
			for ( const line of block.split( '\n' ) ) {
				if ( line.startsWith( '#.' ) ) {
					entry.comments.push( line.slice( 2 ).trim() );
				} else if ( line.startsWith( '#:' ) ) {
					entry.references.push( line.slice( 2 ).trim() );
				} else if ( line.startsWith( 'msgid_plural ' ) ) {
					field = 'plural';
					entry.plural = unquote( line.slice( 13 ) );
				} else if ( line.startsWith( 'msgid ' ) ) {
					field = 'msgid';
					entry.msgid = unquote( line.slice( 6 ) );
				} else if ( line.startsWith( '"' ) && field ) {
					entry[ field ] = ( entry[ field ] ?? '' ) + unquote( line );
				} else {
					field = null;
				}
			}
			return entry;
		} )
		.filter( ( entry ) => entry.msgid !== '' );
}

/** Every file under `dir` whose name matches, tests left out. */
function sources( dir: string, pattern: RegExp ): string[] {
	return fs
		.readdirSync( dir, { recursive: true, encoding: 'utf8' } )
		.filter(
			( name ) =>
				pattern.test( name ) &&
				! /(^|\/)(test|tests|node_modules)\//.test( name ) &&
				! name.includes( '.test.' )
		)
		.map( ( name ) => path.join( dir, name ) );
}

/**
 * The strings of single-string calls (`__( 'text', 'igny8-bridge' )`,
 * `esc_html__`, `esc_attr__`, `_e` …) found by a plain scan of the sources:
 * an oracle that does not share make-pot's parser.
 */
function scannedStrings( files: string[] ): Map< string, string > {
	const found = new Map< string, string >();
	const call =
		/\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1\s*,\s*['"]igny8-bridge['"]\s*\)/g;
	for ( const file of files ) {
		const text = fs.readFileSync( file, 'utf8' );
		for ( const match of text.matchAll( call ) ) {
			const raw = match[ 2 ]!;
			const value =
				match[ 1 ] === "'"
					? raw.replace( /\\(['\\])/g, '$1' )
					: raw.replace( /\\(["\\])/g, '$1' );
			found.set( value, path.relative( path.dirname( POT_FILE ), file ) );
		}
	}
	return found;
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

			// The old settings address of the installed copy lands on IGNY8 → Settings.
			await page.goto(
				'/wp-admin/options-general.php?page=igny8-settings'
			);
			await page.waitForURL(
				/page=igny8-workspace-settings&tab=connection/
			);
			await page.getByRole( 'tab', { name: 'Connection' } ).waitFor();
			// Not connected yet: the workspace renders its setup guide, which starts there.
			await page.goto( '/wp-admin/admin.php?page=igny8' );
			await page
				.locator( '#igny8-root .igny8-app .igny8-setup' )
				.getByRole( 'heading', { name: 'Connect this site' } )
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

describe( 'translations', () => {
	const zippedPot = (): string => {
		const files = unzipSync( new Uint8Array( fs.readFileSync( zip ) ) );
		const pot = files[ 'igny8-bridge/languages/igny8-bridge.pot' ];
		expect( pot ).toBeDefined();
		return new TextDecoder( 'utf-8', { fatal: true } ).decode( pot );
	};
	// The date changes on every extraction; line numbers move whenever a
	// source file is edited above a string, which changes no translation.
	const comparable = ( pot: string ) =>
		pot
			.replace( /^"POT-Creation-Date: [^"]*"$/m, '' )
			.replace( /^(#: \S+?):\d+$/gm, '$1' );

	it( 'ships a .pot identical to a fresh extraction of the current sources', () => {
		const scratch = fs.mkdtempSync(
			path.join( os.tmpdir(), 'igny8-pot-' )
		);
		try {
			const fresh = fs.readFileSync(
				makePot( path.join( scratch, 'igny8-bridge.pot' ) ),
				'utf8'
			);
			expect( comparable( zippedPot() ) ).toBe( comparable( fresh ) );
		} finally {
			fs.rmSync( scratch, { recursive: true, force: true } );
		}
	} );

	it( 'holds every string of the PHP and the scripts, in UTF-8, with plurals and translator comments', () => {
		const text = zippedPot();
		expect( text ).toContain( 'Content-Type: text/plain; charset=UTF-8' );
		expect( text ).toContain( 'X-Domain: igny8-bridge' );
		const entries = readPot( text );
		const byId = new Map(
			entries.map( ( entry ) => [ entry.msgid, entry ] )
		);

		// Every single-string call found by a plain scan of the shipped PHP and
		// of the scripts' sources is in the template.
		const root = path.resolve( __dirname, '..', '..' );
		const php = scannedStrings( [
			path.join( root, 'plugin', 'igny8-bridge.php' ),
			path.join( root, 'plugin', 'uninstall.php' ),
			...sources( path.join( root, 'plugin', 'src' ), /\.php$/ ),
		] );
		const scripts = scannedStrings(
			sources( path.join( root, 'plugin-ui', 'src' ), /\.tsx?$/ )
		);
		expect( php.size ).toBeGreaterThan( 50 );
		expect( scripts.size ).toBeGreaterThan( 150 );
		const missing = [ ...php, ...scripts ]
			.filter( ( [ msgid ] ) => ! byId.has( msgid ) )
			.map( ( [ msgid, file ] ) => `${ file }: ${ msgid }` );
		expect( missing ).toEqual( [] );

		// A PHP string, with where it comes from.
		expect(
			byId.get( 'You must be logged in to use IGNY8.' )?.references
		).toEqual(
			expect.arrayContaining( [
				expect.stringMatching(
					/^src\/Rest\/SessionController\.php:\d+/
				),
			] )
		);
		// A TSX plural pair with its translators comment.
		const plural = byId.get( '%s keyword' );
		expect( plural ).toMatchObject( {
			plural: '%s keywords',
			comments: expect.arrayContaining( [
				'translators: %s: number of keywords.',
			] ),
		} );
		expect( plural?.references.join( ' ' ) ).toMatch(
			/plugin-ui\/src\/screens\/keywords\.tsx:\d+/
		);
		// Typographic characters survive (the tool's default charset made them "?").
		const typographic = [ ...php.keys(), ...scripts.keys() ].filter(
			( msgid ) => /[“”‘’…→·—]/.test( msgid )
		);
		expect( typographic.length ).toBeGreaterThan( 10 );
		for ( const msgid of typographic ) {
			expect( byId.has( msgid ) ).toBe( true );
		}
	} );

	it( 'loads a script translation placed for the screens: the Dashboard shows it in Chromium', async () => {
		await site.php( `
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
WP_Filesystem();
if ( ! is_dir( WP_PLUGIN_DIR . '/igny8-bridge' ) ) {
	unzip_file( ${ JSON.stringify( zip ) }, WP_PLUGIN_DIR );
}
activate_plugin( 'igny8-bridge/igny8-bridge.php' );
delete_option( 'igny8_api_key' );
// WordPress offers only installed languages as the site language: an empty
// core catalog for fr_FR (a valid .mo with no strings) makes it one.
wp_mkdir_p( WP_LANG_DIR );
file_put_contents( WP_LANG_DIR . '/fr_FR.mo', pack( 'V7', 0x950412de, 0, 0, 28, 28, 0, 28 ) );` );
		// A new request: WordPress lists the installed languages once per request.
		await site.php( `
update_option( 'WPLANG', 'fr_FR' );
if ( 'fr_FR' !== get_option( 'WPLANG' ) ) { throw new Exception( 'The site language did not change.' ); }` );
		// Where WordPress looks for a language pack's script translations:
		// <lang dir>/plugins/<domain>-<locale>-<md5 of the script's path in the plugin>.json.
		const file = `igny8-bridge-fr_FR-${ crypto
			.createHash( 'md5' )
			.update( 'build/index.js' )
			.digest( 'hex' ) }.json`;
		const translations = {
			'translation-revision-date': '2026-01-01 00:00+0000',
			generator: 'igny8 e2e',
			domain: 'messages',
			locale_data: {
				messages: {
					'': {
						domain: 'messages',
						lang: 'fr_FR',
						'plural-forms': 'nplurals=2; plural=(n > 1);',
					},
					'Get started with IGNY8': [ 'Premiers pas avec IGNY8' ],
					'Step %1$d of %2$d': [ 'Étape %1$d sur %2$d' ],
				},
			},
		};
		await site.php( `
$dir = WP_LANG_DIR . '/plugins';
wp_mkdir_p( $dir );
file_put_contents( $dir . '/${ file }', base64_decode( '${ Buffer.from(
			JSON.stringify( translations )
		).toString( 'base64' ) }' ) );` );
		const { context, page } = await loginToWpAdmin(
			browser,
			site.url,
			site.admin
		);
		try {
			await page.goto( '/wp-admin/admin.php?page=igny8' );
			await page
				.getByRole( 'heading', { name: 'Premiers pas avec IGNY8' } )
				.waitFor();
			await page.getByText( 'Étape 1 sur 5' ).waitFor();
			// Untranslated strings stay in English rather than disappearing.
			await page
				.getByRole( 'heading', { name: 'Connect this site' } )
				.waitFor();
			await screenshot( page, 'igny8-bridge-zip-fr_FR-dashboard' );
		} finally {
			await context.close();
			await site.php( `
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
@unlink( WP_LANG_DIR . '/plugins/${ file }' );
@unlink( WP_LANG_DIR . '/fr_FR.mo' );
delete_option( 'WPLANG' );
deactivate_plugins( 'igny8-bridge/igny8-bridge.php' );
delete_plugins( array( 'igny8-bridge/igny8-bridge.php' ) );` );
		}
	} );
} );

/**
 * The editor's workspace against a real cloud and real WordPress: the
 * session exchange, every screen (screenshot, no console errors), the
 * subscriber lock-out, and the keyword import wizard → lexical clustering
 * with live progress.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
	collectConsoleErrors,
	freePort,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	REPO_ROOT,
	screenshot,
	startWordPress,
	type WordPressSite,
	type WpUser,
} from '@igny8/test-harness';
import { assertPluginUiBuilt } from './build-check';

let cloud: ChildProcess;
let cloudDir: string;
let cloudUrl: string;
let cloudLog = '';
let site: WordPressSite;
let editor: WpUser;
let subscriber: WpUser;
let browser: Browser;

async function api< T >(
	method: string,
	route: string,
	body?: unknown,
	token?: string
): Promise< T > {
	const response = await fetch( `${ cloudUrl }/api/v1${ route }`, {
		method,
		headers: {
			'Content-Type': 'application/json',
			...( token ? { Authorization: `Bearer ${ token }` } : {} ),
		},
		body: body === undefined ? undefined : JSON.stringify( body ),
	} );
	const json = ( await response.json() ) as { data: T };
	if ( ! response.ok ) {
		throw new Error(
			`${ method } ${ route }: ${ response.status } ${ JSON.stringify( json ) }`
		);
	}
	return json.data;
}

async function startCloud( origin: string ): Promise< void > {
	cloudDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-e2e-ws-' ) );
	const port = await freePort();
	cloudUrl = `http://127.0.0.1:${ port }`;
	cloud = spawn(
		path.join( REPO_ROOT, 'node_modules', '.bin', 'tsx' ),
		[ 'cloud/src/server.ts' ],
		{
			cwd: REPO_ROOT,
			env: {
				...process.env,
				NODE_ENV: 'test',
				PORT: String( port ),
				HOST: '127.0.0.1',
				IGNY8_DATA_DIR: cloudDir,
				DATABASE_URL: '',
				REDIS_URL: '',
				CORS_ORIGINS: origin,
				// The cloud may call back this WordPress (and only it) on loopback.
				IGNY8_OUTBOUND_ALLOW: outboundAllow( origin ),
			},
			stdio: [ 'ignore', 'pipe', 'pipe' ],
			detached: true,
		}
	);
	cloud.stdout?.on(
		'data',
		( chunk: Buffer ) => ( cloudLog += chunk.toString() )
	);
	cloud.stderr?.on(
		'data',
		( chunk: Buffer ) => ( cloudLog += chunk.toString() )
	);
	const deadline = Date.now() + 60_000;
	while ( Date.now() < deadline ) {
		if ( cloud.exitCode !== null ) {
			throw new Error( `cloud exited:\n${ cloudLog }` );
		}
		try {
			if ( ( await fetch( `${ cloudUrl }/api/v1/health/` ) ).ok ) {
				return;
			}
		} catch {
			// not up yet
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 200 ) );
	}
	throw new Error( `cloud did not start:\n${ cloudLog }` );
}

beforeAll( async () => {
	assertPluginUiBuilt();
	site = await startWordPress();
	await startCloud( new URL( site.url ).origin );
	const owner = await api< { access: string } >( 'POST', '/auth/register/', {
		account_name: 'E2E Agency',
		email: 'owner@e2e.test',
		password: 'correct horse battery staple 1',
	} );
	const cloudSite = await api< { id: number } >(
		'POST',
		'/auth/sites/',
		{ name: 'E2E site', wordpress_url: site.url },
		owner.access
	);
	await api(
		'POST',
		'/auth/sectors/',
		{ site_id: cloudSite.id, name: 'Gardening' },
		owner.access
	);
	const key = await api< { key: string } >(
		'POST',
		`/auth/sites/${ cloudSite.id }/api-keys/`,
		{},
		owner.access
	);
	editor = await site.createUser( { role: 'editor' } );
	subscriber = await site.createUser( { role: 'subscriber' } );
	await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( cloudUrl ) } );
update_option( 'igny8_api_key', ${ JSON.stringify( key.key ) }, false );
// The plugin's "Test connection": the key pairs, and the site signs from then on.
if ( ! \\IGNY8\\Bridge\\Plugin::instance()->connect() ) { throw new Exception( 'Test connection failed.' ); }` );
	browser = await launchBrowser();
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	if ( cloud?.pid && cloud.exitCode === null ) {
		process.kill( -cloud.pid, 'SIGTERM' );
		await new Promise( ( resolve ) => cloud.once( 'exit', resolve ) );
	}
	if ( cloudDir ) {
		fs.rmSync( cloudDir, { recursive: true, force: true } );
	}
} );

const SCREENS: Array< [ string, string ] > = [
	[ 'dashboard', 'igny8' ],
	[ 'keywords', 'igny8-keywords' ],
	[ 'clusters', 'igny8-clusters' ],
	[ 'ideas', 'igny8-ideas' ],
	[ 'tasks', 'igny8-tasks' ],
	[ 'content', 'igny8-content' ],
	[ 'images', 'igny8-images' ],
	[ 'linker', 'igny8-linker' ],
	[ 'activity', 'igny8-activity' ],
	[ 'settings', 'igny8-workspace-settings' ],
];

describe( 'the IGNY8 workspace', () => {
	it( 'gives an editor a site-scoped cloud session with the editor role', async () => {
		const asEditor = await site.login( editor );
		const response = await asEditor.post< {
			token: string;
			role: string;
			site_id: number;
			expires_at: string;
		} >( 'igny8/v1/session', {} );
		expect( response.status ).toBe( 200 );
		expect( response.body.role ).toBe( 'editor' );
		expect( response.body.token.length ).toBeGreaterThan( 20 );
		expect( Date.parse( response.body.expires_at ) ).toBeGreaterThan(
			Date.now()
		);
	} );

	it( 'refuses the session and the screens to a subscriber', async () => {
		const asSubscriber = await site.login( subscriber );
		const response = await asSubscriber.post( 'igny8/v1/session', {} );
		expect( response.status ).toBe( 403 );
		const { page } = await loginToWpAdmin( browser, site.url, subscriber );
		const visit = await page.goto(
			'/wp-admin/admin.php?page=igny8-keywords'
		);
		expect( visit?.status() ).toBe( 403 );
		expect( await page.locator( '#igny8-root' ).count() ).toBe( 0 );
		await page.context().close();
	} );

	it( 'lets a WordPress admin arrange sectors from Settings, within the plan', async () => {
		const admin = await site.createUser( { role: 'administrator' } );
		const { page } = await loginToWpAdmin( browser, site.url, admin );
		const errors = collectConsoleErrors( page );
		await page.goto(
			'/wp-admin/admin.php?page=igny8-workspace-settings&tab=usage'
		);
		const card = page.locator( '.igny8-settings__card', {
			hasText: 'Site and sectors',
		} );
		await card.getByText( 'Gardening' ).waitFor();
		await card.getByLabel( 'New sector' ).fill( 'Orchards' );
		await card.getByRole( 'button', { name: 'Add sector' } ).click();
		// The free plan has one sector per site: the refusal says why and what to do.
		await card
			.locator( '.igny8-error' )
			.getByText( 'allows 1 sector per site', { exact: false } )
			.waitFor();
		expect(
			errors.errors.filter(
				( error ) => ! error.includes( 'status of 403' )
			)
		).toEqual( [] );
		await page.context().close();
	} );

	it( 'renders every screen without console errors (screenshots in test-output)', async () => {
		const { page } = await loginToWpAdmin( browser, site.url, editor );
		const errors = collectConsoleErrors( page );
		for ( const [ name, slug ] of SCREENS ) {
			await page.goto( `/wp-admin/admin.php?page=${ slug }` );
			await page
				.locator(
					`.igny8-app[data-screen="${ name }"] .igny8-app__main > *`
				)
				.first()
				.waitFor();
			await page
				.locator( '.igny8-loading' )
				.first()
				.waitFor( { state: 'detached', timeout: 15_000 } )
				.catch( () => undefined );
			await screenshot( page, `igny8-workspace-${ name }` );
		}
		expect( errors.errors ).toEqual( [] );
		await page.context().close();
	} );

	it( 'imports a CSV through the wizard and clusters it with live progress', async () => {
		const { page } = await loginToWpAdmin( browser, site.url, editor );
		const errors = collectConsoleErrors( page );
		await page.goto( '/wp-admin/admin.php?page=igny8-keywords' );
		// The toolbar's button (an empty list offers another).
		await page
			.locator( '.igny8-toolbar' )
			.getByRole( 'button', { name: 'Import keywords' } )
			.click();
		const csv = [
			'Keyword,Search Volume',
			'tomato seeds,900',
			'tomato seedlings,500',
			'growing tomato seeds,300',
			'rose pruning,800',
			'pruning roses,400',
			',12',
			'rose pruning shears,200',
		].join( '\n' );
		await page.locator( 'input[type="file"]' ).setInputFiles( {
			name: 'kw.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from( csv ),
		} );
		await page.getByRole( 'button', { name: 'Preview' } ).click();
		await page.locator( '.igny8-import__rows' ).waitFor();
		await screenshot( page, 'igny8-workspace-import-preview' );
		await page
			.getByRole( 'button', { name: 'Import', exact: true } )
			.click();
		await page
			.locator( '.igny8-import__summary' )
			.waitFor( { timeout: 30_000 } );
		await expect(
			page.locator( '.igny8-import__summary' ).textContent()
		).resolves.toMatch( /Imported 6 keywords/ );
		await screenshot( page, 'igny8-workspace-import-summary' );
		await page.getByRole( 'button', { name: 'Done' } ).click();
		await page.locator( 'table tbody tr' ).nth( 5 ).waitFor();
		expect( await page.locator( 'table tbody tr' ).count() ).toBe( 6 );

		await page.getByRole( 'button', { name: 'Cluster all' } ).click();
		await page.locator( '.igny8-estimate' ).waitFor();
		await page.getByRole( 'button', { name: 'Start clustering' } ).click();
		await page
			.locator( '.igny8-run[data-status="succeeded"]' )
			.waitFor( { timeout: 60_000 } );
		expect(
			await page
				.getByRole( 'progressbar' )
				.getAttribute( 'aria-valuenow' )
		).toBe( '100' );
		await screenshot( page, 'igny8-workspace-cluster-done' );
		expect( errors.errors ).toEqual( [] );
		await page.context().close();
	} );
} );

/**
 * WordPress → cloud: the plugin checks a real IGNY8 cloud (started from
 * cloud/src in embedded mode) and the screen shows what it answered.
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
	type WpRestClient,
	type WpUser,
} from '@igny8/test-harness';
import { ensureLocalConnection } from '../../scripts/lib/connect';
import { assertPluginUiBuilt } from './build-check';

interface CloudHealth {
	success: boolean;
	data: {
		status: string;
		version: string;
		db: { state: string; mode: string };
		queue: { state: string; driver: string };
	};
}

let cloud: ChildProcess;
let cloudDataDir: string;
let cloudUrl: string;
let cloudOutput = '';
let site: WordPressSite;
let editor: WpUser;
let asEditor: WpRestClient;
let apiKey: string;

async function startCloud( wordpressUrl: string ): Promise< void > {
	cloudDataDir = fs.mkdtempSync(
		path.join( os.tmpdir(), 'igny8-e2e-cloud-' )
	);
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
				IGNY8_DATA_DIR: cloudDataDir,
				DATABASE_URL: '',
				REDIS_URL: '',
				// The cloud may call back this WordPress (and only it) on loopback.
				IGNY8_OUTBOUND_ALLOW: outboundAllow( wordpressUrl ),
			},
			stdio: [ 'ignore', 'pipe', 'pipe' ],
			detached: true,
		}
	);
	cloud.stdout?.on(
		'data',
		( chunk: Buffer ) => ( cloudOutput += chunk.toString() )
	);
	cloud.stderr?.on(
		'data',
		( chunk: Buffer ) => ( cloudOutput += chunk.toString() )
	);
	const deadline = Date.now() + 60_000;
	while ( Date.now() < deadline ) {
		if ( cloud.exitCode !== null ) {
			throw new Error(
				`The cloud exited with ${ cloud.exitCode }:\n${ cloudOutput }`
			);
		}
		try {
			const response = await fetch( `${ cloudUrl }/api/v1/health/` );
			if ( response.ok ) {
				return;
			}
		} catch {
			// Not listening yet.
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 200 ) );
	}
	throw new Error(
		`The cloud did not answer within 60 s:\n${ cloudOutput }`
	);
}

async function stopCloud(): Promise< void > {
	if (
		cloud?.pid !== undefined &&
		cloud.exitCode === null &&
		cloud.signalCode === null
	) {
		const exited = new Promise( ( resolve ) =>
			cloud.once( 'exit', resolve )
		);
		process.kill( -cloud.pid, 'SIGTERM' );
		const force = setTimeout(
			() => cloud.pid && process.kill( -cloud.pid, 'SIGKILL' ),
			10_000
		);
		await exited;
		clearTimeout( force );
	}
	if ( cloudDataDir ) {
		fs.rmSync( cloudDataDir, { recursive: true, force: true } );
	}
}

beforeAll( async () => {
	assertPluginUiBuilt();
	const wpPort = await freePort();
	[ site ] = await Promise.all( [
		startWordPress( { port: wpPort } ),
		startCloud( `http://127.0.0.1:${ wpPort }` ),
	] );
	editor = await site.createUser( { role: 'editor' } );
	asEditor = await site.login( editor );
	// A real tenant, site and key, made through the cloud's API as `npm start` does.
	const connection = await ensureLocalConnection( {
		cloudUrl,
		wordpressUrl: site.url,
		file: path.join( cloudDataDir, 'local-connection.json' ),
		note: () => undefined,
	} );
	apiKey = connection.apiKey;
	await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( cloudUrl ) } );
update_option( 'igny8_api_key', ${ JSON.stringify( apiKey ) }, false );
// The plugin's "Test connection": the key pairs, and the site signs from then on.
if ( ! \\IGNY8\\Bridge\\Plugin::instance()->connect() ) { throw new Exception( 'Test connection failed.' ); }` );
} );

afterAll( async () => {
	await site?.stop();
	await stopCloud();
} );

describe( 'connection to a real cloud', () => {
	it( 'reports the cloud reachable with what its health check says', async () => {
		const health = ( await (
			await fetch( `${ cloudUrl }/api/v1/health/` )
		).json() ) as CloudHealth;

		const response = await asEditor.get( 'igny8/v1/connection' );

		expect( response.status ).toBe( 200 );
		expect( response.body ).toEqual( {
			configured: true,
			cloud_url: cloudUrl,
			api_key_set: true,
			reachable: true,
			cloud: {
				status: health.data.status,
				version: health.data.version,
				db_mode: health.data.db.mode,
				queue_driver: health.data.queue.driver,
			},
			error: null,
		} );
		expect( response.text ).not.toContain( apiKey );
	} );

	it( 'shows the cloud version, database mode and queue driver on the IGNY8 Settings screen', async () => {
		let browser: Browser | undefined;
		try {
			browser = await launchBrowser();
			const { page } = await loginToWpAdmin( browser, site.url, editor );
			const consoleErrors = collectConsoleErrors( page );
			await page.goto(
				'/wp-admin/admin.php?page=igny8-workspace-settings'
			);
			const card = page.locator( '#igny8-root .igny8-connection' );
			await card
				.getByText( 'Connected: the IGNY8 cloud is reachable.' )
				.waitFor();
			const details = await card
				.locator( 'dt' )
				.evaluateAll( ( terms ) =>
					terms.map( ( term ) => [
						term.textContent,
						term.nextElementSibling?.textContent,
					] )
				);
			expect( details ).toEqual(
				expect.arrayContaining( [
					[ 'Cloud URL', cloudUrl ],
					[ 'Cloud version', expect.any( String ) ],
					[ 'Database mode', expect.any( String ) ],
					[ 'Queue driver', expect.any( String ) ],
				] )
			);
			await screenshot( page, 'igny8-cloud-connection-reachable' );
			expect( consoleErrors.errors ).toEqual( [] );
		} finally {
			await browser?.close();
		}
	} );

	it( 'reports the cloud unreachable once it stops', async () => {
		await stopCloud();

		const response = await asEditor.get< {
			reachable: boolean;
			error: string;
		} >( 'igny8/v1/connection' );

		expect( response.status ).toBe( 200 );
		expect( response.body.reachable ).toBe( false );
		expect( response.body.error ).toMatch(
			/^Could not reach the IGNY8 cloud: /
		);
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

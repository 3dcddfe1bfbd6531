import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CONSOLE_CSP } from '../src/http/console';
import { startTestCloud, type TestCloud } from './support';

/**
 * The cloud serves the agency console's build at `/console/`: the index for
 * the app's own routes, hashed bundles cached for good, its own CSP, and the
 * API next to it untouched.
 */

const INDEX =
	'<!doctype html><title>IGNY8 console</title><div id="root"></div>';
const BUNDLE = 'console.0123456789abcdef.js';

let cloud: TestCloud;
let dir: string;

beforeAll( async () => {
	dir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-console-' ) );
	fs.writeFileSync( path.join( dir, 'index.html' ), INDEX );
	fs.writeFileSync( path.join( dir, BUNDLE ), 'console.log(1)' );
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{ IGNY8_CONSOLE_DIR: dir },
		{ workers: false }
	);
}, 120_000 );
afterAll( async () => {
	await cloud?.stop();
	fs.rmSync( dir, { recursive: true, force: true } );
} );

describe( 'GET /console/', () => {
	it( 'serves the built index, never cached, under a same-origin-only CSP', async () => {
		const response = await request( cloud.app )
			.get( '/console/' )
			.expect( 200 );
		expect( response.text ).toBe( INDEX );
		expect( response.headers[ 'content-type' ] ).toMatch( /^text\/html/ );
		expect( response.headers[ 'cache-control' ] ).toBe( 'no-cache' );
		expect( response.headers[ 'content-security-policy' ] ).toBe(
			CONSOLE_CSP
		);
		const directives = Object.fromEntries(
			CONSOLE_CSP.split( '; ' ).map( ( d ) => [
				d.split( ' ' )[ 0 ],
				d.split( ' ' ).slice( 1 ).join( ' ' ),
			] )
		);
		expect( directives ).toMatchObject( {
			'default-src': "'self'",
			'script-src': "'self'",
			'connect-src': "'self'",
			'object-src': "'none'",
			'frame-ancestors': "'none'",
		} );
	} );

	it( 'sends /console to /console/', async () => {
		const response = await request( cloud.app )
			.get( '/console' )
			.expect( 301 );
		expect( response.headers.location ).toBe( '/console/' );
	} );

	it( 'answers the app’s own routes with the index, so a reload or a shared link works', async () => {
		for ( const route of [
			'/console/sites',
			'/console/sites/12',
			'/console/x/y/z?tab=1',
		] ) {
			const response = await request( cloud.app )
				.get( route )
				.expect( 200 );
			expect( response.text ).toBe( INDEX );
		}
	} );

	it( 'caches hashed bundles for good and 404s a missing one instead of sending HTML', async () => {
		const bundle = await request( cloud.app )
			.get( `/console/${ BUNDLE }` )
			.expect( 200 );
		expect( bundle.headers[ 'cache-control' ] ).toBe(
			'public, max-age=31536000, immutable'
		);
		expect( bundle.headers[ 'content-type' ] ).toMatch( /javascript/ );
		const missing = await request( cloud.app )
			.get( '/console/console.ffffffffffff.js' )
			.expect( 404 );
		expect( missing.text ).not.toContain( '<title>IGNY8 console' );
	} );

	it( 'does not shadow the API: its paths still answer JSON', async () => {
		const me = await request( cloud.app )
			.get( '/api/v1/auth/me/' )
			.expect( 401 );
		expect( me.body.success ).toBe( false );
		const health = await request( cloud.app )
			.get( '/api/v1/health/' )
			.expect( 200 );
		expect( health.body.success ).toBe( true );
		const unknown = await request( cloud.app )
			.get( '/api/v1/console/' )
			.expect( 404 );
		expect( unknown.body.success ).toBe( false );
		// A path that only starts like the console is not the console.
		const lookalike = await request( cloud.app )
			.get( '/consoles' )
			.expect( 404 );
		expect( lookalike.text ).not.toContain( '<title>IGNY8 console' );
	} );

	it( 'says the console is not built when its index is missing', async () => {
		fs.renameSync(
			path.join( dir, 'index.html' ),
			path.join( dir, 'gone.html' )
		);
		try {
			const response = await request( cloud.app )
				.get( '/console/sites' )
				.expect( 503 );
			expect( response.text ).toContain( 'npm run build -w console' );
		} finally {
			fs.renameSync(
				path.join( dir, 'gone.html' ),
				path.join( dir, 'index.html' )
			);
		}
	} );
} );

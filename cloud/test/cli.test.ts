import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@igny8/test-harness';
import { MIGRATIONS } from '../src/db/migrations';
import { startTestCloud, type TestCloud } from './support';

const CLI = path.resolve( __dirname, '../src/cli.ts' );

describe( 'the admin CLI', () => {
	let database: TestDatabase;
	let dataDir: string;

	beforeAll( async () => {
		database = await createTestDatabase( 'cli' );
		dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-cli-' ) );
	} );
	afterAll( async () => {
		await database?.drop();
		fs.rmSync( dataDir, { recursive: true, force: true } );
	} );

	function cli( ...args: string[] ) {
		const result = spawnSync(
			process.execPath,
			[ '--import', 'tsx', CLI, ...args ],
			{
				env: {
					PATH: process.env.PATH,
					DATABASE_URL: database.url,
					IGNY8_DATA_DIR: dataDir,
					LOG_LEVEL: 'silent',
				},
				encoding: 'utf8',
				timeout: 60_000,
			}
		);
		return {
			status: result.status,
			stdout: result.stdout,
			stderr: result.stderr,
			json: () => JSON.parse( result.stdout ),
		};
	}

	it( 'migrates, then reports the database up to date', () => {
		expect( cli( 'migrate', '--json' ).json() ).toEqual( {
			applied: MIGRATIONS.map( ( m ) => m.name ),
		} );
		expect( MIGRATIONS.length ).toBeGreaterThanOrEqual( 4 );
		const again = cli( 'migrate' );
		expect( again.stdout ).toBe( 'database is up to date\n' );
		expect( cli( 'migrate', '--status', '--json' ).json() ).toEqual( {
			pending: [],
		} );
	} );

	it( 'creates an account, a site and an API key that the API then accepts', async () => {
		const account = cli(
			'create-account',
			'--name',
			'CLI Agency',
			'--email',
			'boss@cli.test',
			'--password',
			'a long cli password',
			'--plan',
			'growth',
			'--credits',
			'250',
			'--json'
		);
		expect( account.status ).toBe( 0 );
		expect( account.json() ).toMatchObject( {
			account: { slug: 'cli-agency', credits: 250, status: 'active' },
			user: { email: 'boss@cli.test', role: 'owner' },
		} );

		const site = cli(
			'create-site',
			'--account',
			'cli-agency',
			'--name',
			'Bakery Blog',
			'--url',
			'https://bakery.example',
			'--json'
		).json();
		expect( site.site ).toMatchObject( {
			name: 'Bakery Blog',
			wordpress_url: 'https://bakery.example',
			account_id: account.json().account.id,
		} );

		const key = cli(
			'create-api-key',
			'--site',
			String( site.site.id ),
			'--json'
		).json();
		expect( key.api_key.key ).toMatch( /^ig8_/ );

		const cloud: TestCloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ DATABASE_URL: database.url, IGNY8_DATA_DIR: dataDir }
		);
		try {
			const listed = await request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( 'X-IGNY8-API-Key', key.api_key.key )
				.expect( 200 );
			expect(
				listed.body.results.map( ( s: { id: number } ) => s.id )
			).toEqual( [ site.site.id ] );
			await request( cloud.app )
				.post( '/api/v1/auth/login/' )
				.send( {
					email: 'boss@cli.test',
					password: 'a long cli password',
				} )
				.expect( 200 );
		} finally {
			await cloud.stop( { keepDatabase: true } );
		}
	} );

	it( 'tops up an account once per key', () => {
		const first = cli(
			'top-up',
			'--account',
			'cli-agency',
			'--credits',
			'75',
			'--key',
			'invoice-42',
			'--json'
		).json();
		expect( first.transaction ).toMatchObject( {
			type: 'topup',
			amount: 75,
			balance_after: 325,
		} );
		const again = cli(
			'top-up',
			'--account',
			'cli-agency',
			'--credits',
			'75',
			'--key',
			'invoice-42',
			'--json'
		).json();
		expect( again.transaction.id ).toBe( first.transaction.id );
		expect(
			cli( 'top-up', '--account', 'cli-agency', '--credits', '0' ).stderr
		).toContain( '--credits' );
	} );

	it( 'refuses bad options with a clear message and writes nothing', () => {
		const result = cli(
			'create-account',
			'--name',
			'Bad',
			'--email',
			'not-an-email',
			'--password',
			'short'
		);
		expect( result.status ).toBe( 1 );
		expect( result.stderr ).toContain(
			'--email: must be a valid email address'
		);
		expect( result.stderr ).toContain(
			'--password: must be at least 10 characters'
		);
		expect(
			cli(
				'create-site',
				'--account',
				'no-such-account',
				'--name',
				'X',
				'--url',
				'https://x.example'
			).stderr
		).toBe( 'igny8-cloud: Account "no-such-account" not found.\n' );
	} );

	it( 'prints usage for an unknown command and exits 2', () => {
		const result = cli( 'frobnicate' );
		expect( result.status ).toBe( 2 );
		expect( result.stderr ).toContain( 'unknown command "frobnicate"' );
	} );
} );

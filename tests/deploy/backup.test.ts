/**
 * docs/deploy.md's backup and restore of PostgreSQL, done for real: a
 * database migrated and filled by the deployment's own commands (`migrate`
 * and the admin CLI, with the migrate service's environment) is dumped with
 * pg_dump's custom format, restored with pg_restore into a fresh database,
 * and read back table by table and through an api process started on it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
	createTestDatabase,
	createTestRedis,
	freePort,
	type TestDatabase,
	type TestRedis,
} from '@igny8/test-harness';
import {
	envFromExample,
	loadCompose,
	type ComposeFile,
} from './support/compose';
import { commandOf, containerEnvironment, onHost } from './support/host';
import {
	runToEnd,
	startProcess,
	stopProcess,
	waitForOutput,
	type HostProcess,
} from './support/processes';

/** The flags docs/deploy.md gives pg_dump and pg_restore. */
const DUMP_FLAGS = [ '--format=custom', '--no-owner', '--no-privileges' ];
const RESTORE_FLAGS = [
	'--no-owner',
	'--no-privileges',
	'--exit-on-error',
	'--single-transaction',
];

const EMAIL = 'owner@backup.example.test';
const PASSWORD = 'a long backup password';

let source: TestDatabase;
let restored: TestDatabase;
let redis: TestRedis;
let compose: ComposeFile;
let workDir: string;
let api: HostProcess | undefined;

/** The admin CLI as `docker compose run --rm migrate node cloud/dist/cli.js …` runs it. */
async function cli( database: TestDatabase, ...args: string[] ) {
	const [ node, script ] = commandOf( compose, 'migrate' );
	const result = await runToEnd(
		[ node!, script!, ...args ],
		onHost(
			containerEnvironment( compose, 'migrate' ),
			{
				DATABASE_URL: database.url,
				REDIS_URL: redis.url,
				IGNY8_DATA_DIR: path.join( workDir, 'cli' ),
			},
			workDir
		)
	);
	if ( result.code !== 0 ) {
		throw new Error( `cli ${ args.join( ' ' ) }: ${ result.output }` );
	}
	return result.output;
}

async function query< T extends object >(
	database: TestDatabase,
	sql: string
): Promise< T[] > {
	const client = new pg.Client( { connectionString: database.url } );
	await client.connect();
	try {
		return ( await client.query< T >( sql ) ).rows;
	} finally {
		await client.end();
	}
}

/** Every table of the schema with its row count and a digest of its rows. */
async function contents( database: TestDatabase ) {
	const tables = await query< { name: string } >(
		database,
		"SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
	);
	const out: Record< string, { rows: number; digest: string } > = {};
	for ( const { name } of tables ) {
		const [ row ] = await query< { rows: number; digest: string } >(
			database,
			`SELECT COUNT(*)::int AS rows, md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${ name }" t`
		);
		out[ name ] = row!;
	}
	return out;
}

function run( command: string, args: string[] ) {
	const result = spawnSync( command, args, { encoding: 'utf8' } );
	if ( result.error ) {
		throw result.error;
	}
	if ( result.status !== 0 ) {
		throw new Error(
			`${ command } exited ${ result.status }: ${ result.stderr }`
		);
	}
	return result;
}

beforeAll( async () => {
	workDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-backup-' ) );
	[ source, restored ] = await Promise.all( [
		createTestDatabase( 'backup' ),
		createTestDatabase( 'restored' ),
	] );
	redis = createTestRedis( 'backup' );
	compose = loadCompose( envFromExample( { QUEUE_PREFIX: redis.prefix } ) );
} );

afterAll( async () => {
	if ( api ) {
		await stopProcess( api, 'SIGKILL' );
	}
	await source?.drop();
	await restored?.drop();
	await redis?.cleanup();
	if ( workDir ) {
		fs.rmSync( workDir, { recursive: true, force: true } );
	}
} );

describe( 'backing up and restoring PostgreSQL', () => {
	it( 'restores a dump of a migrated database with data into a fresh database, and the cloud runs on it', async () => {
		await cli( source, 'migrate' );
		const account = JSON.parse(
			await cli(
				source,
				'create-account',
				'--name',
				'Backup Co',
				'--email',
				EMAIL,
				'--password',
				PASSWORD,
				'--plan',
				'agency',
				'--json'
			)
		) as { account: { slug: string } };
		const slug = account.account.slug;
		const site = JSON.parse(
			await cli(
				source,
				'create-site',
				'--account',
				slug,
				'--name',
				'Backed-up site',
				'--url',
				'https://backup.example.test',
				'--json'
			)
		) as { site: { id: number } };
		await cli(
			source,
			'create-api-key',
			'--site',
			String( site.site.id ),
			'--json'
		);
		await cli(
			source,
			'top-up',
			'--account',
			slug,
			'--credits',
			'1234',
			'--key',
			'backup-test',
			'--json'
		);
		const before = await contents( source );

		const dump = path.join( workDir, 'igny8.dump' );
		run( 'pg_dump', [
			...DUMP_FLAGS,
			`--dbname=${ source.url }`,
			`--file=${ dump }`,
		] );
		expect( fs.statSync( dump ).size ).toBeGreaterThan( 10_000 );
		run( 'pg_restore', [
			...RESTORE_FLAGS,
			`--dbname=${ restored.url }`,
			dump,
		] );

		// Every table, row for row.
		const after = await contents( restored );
		expect( after ).toEqual( before );
		const filled = Object.entries( before ).filter(
			( [ , table ] ) => table.rows > 0
		);
		expect( filled.map( ( [ name ] ) => name ) ).toEqual(
			expect.arrayContaining( [
				'igny8_migrations',
				'accounts',
				'users',
				'sites',
				'credit_transactions',
			] )
		);
		// Nothing left to migrate, and new rows take new ids (sequences came along).
		expect(
			JSON.parse( await cli( restored, 'migrate', '--status', '--json' ) )
		).toEqual( { pending: [] } );
		const next = JSON.parse(
			await cli(
				restored,
				'create-site',
				'--account',
				slug,
				'--name',
				'Made after the restore',
				'--url',
				'https://after.example.test',
				'--json'
			)
		) as { site: { id: number } };
		expect( next.site.id ).toBeGreaterThan( site.site.id );

		// The restored database serves: sign in, the balance, the sites.
		const port = await freePort();
		api = startProcess(
			'api',
			commandOf( compose, 'api' ),
			onHost(
				containerEnvironment( compose, 'api' ),
				{
					DATABASE_URL: restored.url,
					REDIS_URL: redis.url,
					HOST: '127.0.0.1',
					PORT: String( port ),
					IGNY8_DATA_DIR: path.join( workDir, 'api' ),
				},
				workDir
			)
		);
		await waitForOutput( api, /igny8 cloud listening/ );
		const base = `http://127.0.0.1:${ port }/api/v1`;
		const login = await fetch( `${ base }/auth/login/`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify( { email: EMAIL, password: PASSWORD } ),
		} );
		expect( login.status ).toBe( 200 );
		const { access } = (
			( await login.json() ) as { data: { access: string } }
		 ).data;
		const get = async < T >( pathname: string ) =>
			( await (
				await fetch( `${ base }${ pathname }`, {
					headers: { authorization: `Bearer ${ access }` },
				} )
			).json() ) as T;
		const balance = await get< { data: { credits: number } } >(
			'/billing/balance/'
		);
		const [ accountRow ] = await query< { credits: number } >(
			restored,
			`SELECT credits FROM accounts WHERE slug = '${ slug }'`
		);
		expect( balance.data.credits ).toBe( accountRow!.credits );
		expect( balance.data.credits ).toBeGreaterThanOrEqual( 1234 );
		const sites = await get< { results: { name: string }[] } >(
			'/auth/sites/'
		);
		expect( sites.results.map( ( s ) => s.name ).sort() ).toEqual( [
			'Backed-up site',
			'Made after the restore',
		] );
	} );
} );

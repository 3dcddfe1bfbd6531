import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, createTestRedis } from '@igny8/test-harness';
import { waitFor } from './support';

const SERVER = path.resolve( __dirname, '../src/server.ts' );
const BASE_ENV = {
	PATH: process.env.PATH,
	HOME: process.env.HOME,
	LOG_LEVEL: 'info',
};

/** Runs the real server entry point (TypeScript through tsx) until it exits. */
function runToExit( env: Record< string, string > ) {
	return spawnSync( process.execPath, [ '--import', 'tsx', SERVER ], {
		env: { ...BASE_ENV, ...env },
		encoding: 'utf8',
		timeout: 30_000,
	} );
}

describe( 'start-up with bad configuration', () => {
	it.each( [
		[
			'PORT',
			'eighty',
			'igny8-cloud: invalid configuration: PORT must be a whole number from 0 to 65535',
		],
		[
			'PORT',
			'70000',
			'igny8-cloud: invalid configuration: PORT must be a whole number from 0 to 65535',
		],
		[
			'DATABASE_URL',
			'mysql://root@localhost/x',
			'igny8-cloud: invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
		],
		[
			'DATABASE_URL',
			'not a url',
			'igny8-cloud: invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
		],
		[
			'REDIS_URL',
			'localhost:6379',
			'igny8-cloud: invalid configuration: REDIS_URL must be a redis:// or rediss:// URL',
		],
		[
			'IGNY8_ROLE',
			'cron',
			'igny8-cloud: invalid configuration: IGNY8_ROLE must be all, api, worker or scheduler',
		],
		[
			'IGNY8_ROLE',
			'worker',
			'igny8-cloud: invalid configuration: IGNY8_ROLE worker needs DATABASE_URL and REDIS_URL (without them one process does everything: leave IGNY8_ROLE unset)',
		],
	] )(
		'exits non-zero with one line when %s is %p',
		( name, value, line ) => {
			const result = runToExit( { [ name ]: value } );
			expect( result.status ).not.toBe( 0 );
			expect( result.stderr ).toBe( `${ line }\n` );
			expect( result.stdout ).toBe( '' );
		}
	);

	it( 'exits non-zero with one line when the database refuses connections', () => {
		const result = runToExit( {
			DATABASE_URL: 'postgres://postgres@127.0.0.1:1/igny8',
		} );
		expect( result.status ).toBe( 1 );
		expect( result.stderr ).toBe(
			'igny8-cloud: cannot connect to 127.0.0.1:1 (connection refused)\n'
		);
	} );
} );

describe( 'the server process', () => {
	it( 'serves health, then stops cleanly on SIGTERM and releases its port', async () => {
		const database = await createTestDatabase( 'process' );
		const redis = createTestRedis( 'process' );
		const dataDir = fs.mkdtempSync(
			path.join( os.tmpdir(), 'igny8-process-' )
		);
		const child = spawn( process.execPath, [ '--import', 'tsx', SERVER ], {
			env: {
				...BASE_ENV,
				PORT: '0',
				DATABASE_URL: database.url,
				REDIS_URL: redis.url,
				QUEUE_PREFIX: redis.prefix,
				IGNY8_DATA_DIR: dataDir,
			},
		} );
		let output = '';
		child.stdout.on( 'data', ( chunk ) => ( output += chunk ) );
		child.stderr.on( 'data', ( chunk ) => ( output += chunk ) );
		const exited = new Promise< number | null >( ( resolve ) =>
			child.on( 'exit', resolve )
		);
		try {
			const url = await waitFor(
				() => /"url":"(http:[^"]+)"/.exec( output )?.[ 1 ],
				20_000
			);
			const health = await fetch(
				`${ url }/api/v1/health/?check=queue`
			).then( ( r ) => r.json() );
			expect( health ).toMatchObject( {
				success: true,
				data: {
					status: 'ok',
					db: { mode: 'postgres' },
					queue: { driver: 'bee' },
				},
			} );

			child.kill( 'SIGTERM' );
			expect( await exited ).toBe( 0 );
			expect( output ).toContain( '"msg":"stopped"' );
			await expect(
				fetch( `${ url }/api/v1/health/` )
			).rejects.toThrow();
		} finally {
			child.kill( 'SIGKILL' );
			await database.drop();
			await redis.cleanup();
			fs.rmSync( dataDir, { recursive: true, force: true } );
		}
	} );
} );

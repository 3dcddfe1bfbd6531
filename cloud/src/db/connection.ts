import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import type { Logger } from '../logger';

export type DatabaseMode = 'postgres' | 'pglite';

export type Database = {
	sequelize: Sequelize;
	mode: DatabaseMode;
	/** True when the database answers a trivial query right now. */
	ping(): Promise< boolean >;
	close(): Promise< void >;
};

/**
 * BIGINT (int8) arrives from pg as a string by default. Every int8 here is an
 * id or a counter far below 2^53, so read them as numbers, and refuse loudly
 * rather than round silently if one ever is not.
 */
function readInt8AsNumbers(): void {
	pg.types.setTypeParser( pg.types.builtins.INT8, ( value: string ) => {
		const parsed = Number( value );
		if ( ! Number.isSafeInteger( parsed ) ) {
			throw new RangeError(
				`int8 value ${ value } exceeds the safe integer range`
			);
		}
		return parsed;
	} );
}

type Options = {
	databaseUrl?: string;
	dataDir: string;
	poolMax: number;
	acquireTimeoutMs?: number;
	logger: Logger;
};

/**
 * Opens the database. With a URL: PostgreSQL through `pg`. Without one: an
 * embedded PGlite persisted under the data folder, served on a loopback socket
 * so the very same `pg` driver and SQL run in both modes.
 */
export async function openDatabase( options: Options ): Promise< Database > {
	readInt8AsNumbers();
	if ( options.databaseUrl ) {
		const sequelize = connect( options.databaseUrl, { ...options } );
		return wrap( sequelize, 'postgres', async () => undefined );
	}
	const embedded = await startEmbeddedPostgres(
		path.join( options.dataDir, 'pgdata' )
	);
	// PGlite is one session: a second pooled connection would interleave
	// statements inside another connection's transaction.
	const sequelize = connect( embedded.url, { ...options, poolMax: 1 } );
	return wrap( sequelize, 'pglite', embedded.stop );
}

function connect(
	url: string,
	{ poolMax, acquireTimeoutMs = 30_000, logger }: Options
): Sequelize {
	return new Sequelize( url, {
		dialect: 'postgres',
		logging: ( sql ) => logger.trace( { sql }, 'sql' ),
		pool: { max: poolMax, min: 0, idle: 10_000, acquire: acquireTimeoutMs },
		define: { underscored: true },
	} );
}

function wrap(
	sequelize: Sequelize,
	mode: DatabaseMode,
	stopEmbedded: () => Promise< void >
): Database {
	let closed = false;
	return {
		sequelize,
		mode,
		async ping() {
			try {
				await sequelize.query( 'SELECT 1' );
				return true;
			} catch {
				return false;
			}
		},
		async close() {
			if ( closed ) {
				return;
			}
			closed = true;
			await sequelize.close();
			await stopEmbedded();
		},
	};
}

async function startEmbeddedPostgres(
	dir: string
): Promise< { url: string; stop: () => Promise< void > } > {
	fs.mkdirSync( dir, { recursive: true } );
	const db = await PGlite.create( dir );
	const server = new PGLiteSocketServer( { db, host: '127.0.0.1', port: 0 } );
	await server.start();
	const address = server.getServerConn();
	return {
		url: `postgres://postgres@${ address }/postgres?sslmode=disable`,
		async stop() {
			await server.stop();
			await db.close();
		},
	};
}

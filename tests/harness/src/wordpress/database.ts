import crypto from 'node:crypto';
import mysql from 'mysql2/promise';

/**
 * The database a test WordPress runs on: MariaDB (a production host) or
 * SQLite through the SQLite Database Integration (WordPress Playground,
 * what `npm start` runs).
 */
export type WpDatabase = 'mariadb' | 'sqlite';

export const WP_DATABASES: readonly WpDatabase[] = [ 'mariadb', 'sqlite' ];

/** The database test sites use when a test does not choose: `IGNY8_WP_DB`, default MariaDB. */
export function defaultWpDatabase(): WpDatabase {
	const wanted = process.env.IGNY8_WP_DB;
	if ( wanted === undefined || wanted === '' ) {
		return 'mariadb';
	}
	if ( ! ( WP_DATABASES as readonly string[] ).includes( wanted ) ) {
		throw new Error(
			`IGNY8_WP_DB must be one of ${ WP_DATABASES.join( ', ' ) }, not "${ wanted }"`
		);
	}
	return wanted as WpDatabase;
}

/** How the harness reaches MariaDB/MySQL: `IGNY8_MYSQL_*`, defaulting to a local root login. */
export interface MysqlSettings {
	host: string;
	port: number;
	user: string;
	password: string;
}

export function mysqlSettings(): MysqlSettings {
	return {
		host: process.env.IGNY8_MYSQL_HOST ?? '127.0.0.1',
		port: Number( process.env.IGNY8_MYSQL_PORT ?? 3306 ),
		user: process.env.IGNY8_MYSQL_USER ?? 'root',
		password: process.env.IGNY8_MYSQL_PASSWORD ?? '',
	};
}

/** A database name no other test run uses: `igny8_wp_<random>`. */
export function uniqueDatabaseName( prefix = 'igny8_wp' ): string {
	return `${ prefix }_${ crypto.randomBytes( 6 ).toString( 'hex' ) }`;
}

function assertSafeName( name: string ): void {
	if ( ! /^[A-Za-z0-9_]{1,64}$/.test( name ) ) {
		throw new Error( `Refusing an unsafe database name: ${ name }` );
	}
}

async function withServer< T >(
	run: ( connection: mysql.Connection ) => Promise< T >
): Promise< T > {
	const settings = mysqlSettings();
	let connection: mysql.Connection;
	try {
		connection = await mysql.createConnection( { ...settings } );
	} catch ( error ) {
		throw new Error(
			`Cannot connect to MySQL/MariaDB at ${ settings.host }:${ settings.port } as ${ settings.user } ` +
				`(set IGNY8_MYSQL_HOST/PORT/USER/PASSWORD): ${ ( error as Error ).message }`
		);
	}
	try {
		return await run( connection );
	} finally {
		await connection.end();
	}
}

/** Drops (if present) and creates an empty utf8mb4 database. */
export async function recreateDatabase( name: string ): Promise< void > {
	assertSafeName( name );
	await withServer( async ( connection ) => {
		await connection.query( `DROP DATABASE IF EXISTS \`${ name }\`` );
		await connection.query(
			`CREATE DATABASE \`${ name }\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
		);
	} );
}

export async function dropDatabase( name: string ): Promise< void > {
	assertSafeName( name );
	await withServer( async ( connection ) => {
		await connection.query( `DROP DATABASE IF EXISTS \`${ name }\`` );
	} );
}

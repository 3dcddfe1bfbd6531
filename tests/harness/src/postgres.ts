import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A fresh PostgreSQL database per test file on the local server. The server
 * comes from IGNY8_TEST_PG_URL (an admin connection, default the local
 * `postgres` superuser over TCP with trust auth); each call creates a new
 * database and returns its URL and a drop function.
 */
export const ADMIN_PG_URL =
	process.env.IGNY8_TEST_PG_URL ??
	'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = {
	url: string;
	name: string;
	drop(): Promise< void >;
};

export async function createTestDatabase(
	label = 'test'
): Promise< TestDatabase > {
	const name = `igny8_${ label
		.replace( /[^a-z0-9]/gi, '' )
		.toLowerCase()
		.slice( 0, 20 ) }_${ randomBytes( 5 ).toString( 'hex' ) }`;
	await withAdmin( ( client ) =>
		client.query( `CREATE DATABASE "${ name }"` )
	);
	const url = new URL( ADMIN_PG_URL );
	url.pathname = `/${ name }`;
	return {
		url: url.toString(),
		name,
		drop: () =>
			withAdmin( ( client ) =>
				client.query(
					`DROP DATABASE IF EXISTS "${ name }" WITH (FORCE)`
				)
			).then( () => undefined ),
	};
}

async function withAdmin< T >(
	work: ( client: Client ) => Promise< T >
): Promise< T > {
	const client = new Client( { connectionString: ADMIN_PG_URL } );
	await client.connect();
	try {
		return await work( client );
	} finally {
		await client.end();
	}
}

import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/**
 * Redis per test file: the shared local server, isolated by a unique key
 * prefix; `cleanup()` deletes every key under it.
 */
export const TEST_REDIS_URL =
	process.env.IGNY8_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export type TestRedis = {
	url: string;
	prefix: string;
	cleanup(): Promise< void >;
};

export function createTestRedis( label = 'test' ): TestRedis {
	const prefix = `igny8-test:${ label }:${ randomBytes( 5 ).toString( 'hex' ) }`;
	return {
		url: TEST_REDIS_URL,
		prefix,
		cleanup: () => deleteKeys( `${ prefix }:*` ),
	};
}

export async function countKeys( pattern: string ): Promise< number > {
	return ( await scan( pattern ) ).length;
}

async function deleteKeys( pattern: string ): Promise< void > {
	const keys = await scan( pattern );
	if ( keys.length === 0 ) {
		return;
	}
	await withClient(
		( client ) =>
			new Promise< void >( ( resolve, reject ) =>
				client.del( keys, ( error ) =>
					error ? reject( error ) : resolve()
				)
			)
	);
}

async function scan( pattern: string ): Promise< string[] > {
	return withClient( async ( client ) => {
		const found: string[] = [];
		let cursor = '0';
		do {
			const [ next, keys ] = await new Promise< [ string, string[] ] >(
				( resolve, reject ) =>
					client.scan(
						cursor,
						'MATCH',
						pattern,
						'COUNT',
						'500',
						( error, reply ) =>
							error ? reject( error ) : resolve( reply )
					)
			);
			cursor = next;
			found.push( ...keys );
		} while ( cursor !== '0' );
		return found;
	} );
}

async function withClient< T >(
	work: ( client: ReturnType< typeof createClient > ) => Promise< T >
): Promise< T > {
	const client = createClient( { url: TEST_REDIS_URL } );
	try {
		return await work( client );
	} finally {
		client.quit();
	}
}

/**
 * Internal dependencies
 */
import { CloudClient, parseEventBlock, queryString } from '../client';
import { ApiError } from '../errors';
import { SessionManager, type CloudSession } from '../session';

function session( token: string ): CloudSession {
	return {
		token,
		expires_at: new Date( Date.now() + 900_000 ).toISOString(),
		cloud_url: 'https://cloud.test/',
		site_id: 1,
		role: 'admin',
	};
}

function json( status: number, body: unknown ): Response {
	return {
		ok: status >= 200 && status < 300,
		status,
		json: async () => body,
	} as Response;
}

function setup( responses: Array< Response | Error > ) {
	let issued = 0;
	const manager = new SessionManager( async () =>
		session( `t${ ++issued }` )
	);
	const calls: Array< { url: string; init?: RequestInit } > = [];
	const fetchImpl = jest.fn( async ( url: string, init?: RequestInit ) => {
		calls.push( { url, init } );
		const next = responses.shift();
		if ( ! next ) {
			throw new Error( 'no more responses' );
		}
		if ( next instanceof Error ) {
			throw next;
		}
		return next;
	} );
	return { client: new CloudClient( manager, fetchImpl ), calls, manager };
}

describe( 'CloudClient', () => {
	it( 'returns a list envelope read with get() as its page (it has no data)', async () => {
		const { client } = setup( [
			json( 200, {
				success: true,
				count: 1,
				next: null,
				previous: null,
				results: [ { id: 3, name: 'Coach' } ],
				request_id: 'r',
			} ),
		] );
		await expect(
			client.get( '/system/author-profiles/' )
		).resolves.toEqual( {
			count: 1,
			results: [ { id: 3, name: 'Coach' } ],
		} );
	} );

	it( 'sends the bearer token to the cloud URL and unwraps the envelope', async () => {
		const { client, calls, manager } = setup( [
			json( 200, {
				success: true,
				data: { credits: 5 },
				request_id: 'r',
			} ),
		] );
		await expect(
			client.get( '/billing/balance/', { b: 2, a: '' } )
		).resolves.toEqual( { credits: 5 } );
		expect( calls[ 0 ]?.url ).toBe(
			'https://cloud.test/api/v1/billing/balance/?b=2'
		);
		expect(
			( calls[ 0 ]?.init?.headers as Record< string, string > )
				.Authorization
		).toBe( 'Bearer t1' );
		manager.stop();
	} );

	it( 'renews the session once on 401 and retries with the new token', async () => {
		const { client, calls, manager } = setup( [
			json( 401, { success: false, error: 'expired' } ),
			json( 200, { success: true, data: 'ok', request_id: 'r' } ),
		] );
		await expect( client.get( '/x/' ) ).resolves.toBe( 'ok' );
		expect(
			( calls[ 1 ]?.init?.headers as Record< string, string > )
				.Authorization
		).toBe( 'Bearer t2' );
		manager.stop();
	} );

	it( 'gives up after the second 401', async () => {
		const { client, manager } = setup( [
			json( 401, { success: false, error: 'no' } ),
			json( 401, { success: false, error: 'no' } ),
		] );
		await expect( client.get( '/x/' ) ).rejects.toMatchObject( {
			kind: 'unauthorized',
			status: 401,
		} );
		manager.stop();
	} );

	it( 'maps 402 to a credits error carrying the cloud message', async () => {
		const { client, manager } = setup( [
			json( 402, {
				success: false,
				error: 'Need 12 credits, have 3.',
				request_id: 'abc',
			} ),
		] );
		const error = ( await client
			.post( '/planner/clusters/generate_ideas/', {} )
			.catch( ( e ) => e ) ) as ApiError;
		expect( error ).toBeInstanceOf( ApiError );
		expect( error.kind ).toBe( 'credits' );
		expect( error.message ).toBe( 'Need 12 credits, have 3.' );
		expect( error.requestId ).toBe( 'abc' );
		manager.stop();
	} );

	it( 'maps a site cap refusal (402) to its own kind, carrying the cloud message', async () => {
		const message =
			'“Blog” has reached its monthly credit cap: the cap is 10 credits, the site has used 9 this month (UTC calendar month, 1 left) and this needs 4. Nothing was charged.';
		const { client, manager } = setup( [
			json( 402, {
				success: false,
				error: message,
				code: 'site_credit_cap_reached',
			} ),
		] );
		const error = ( await client
			.post( '/planner/clusters/generate_ideas/', {} )
			.catch( ( e ) => e ) ) as ApiError;
		expect( error.kind ).toBe( 'site_cap' );
		expect( error.status ).toBe( 402 );
		expect( error.message ).toBe( message );
		manager.stop();
	} );

	it( 'maps a network failure to "cloud unreachable"', async () => {
		const { client, manager } = setup( [
			new TypeError( 'Failed to fetch' ),
		] );
		await expect( client.get( '/x/' ) ).rejects.toMatchObject( {
			kind: 'unreachable',
		} );
		manager.stop();
	} );

	it( 'maps 400 with field errors, 503 ai_not_configured, and another 503 as a server problem', async () => {
		const { client, manager } = setup( [
			json( 400, {
				success: false,
				error: 'Invalid',
				errors: { keyword: [ 'may not be blank' ] },
			} ),
			json( 503, {
				success: false,
				code: 'ai_not_configured',
				error: 'AI is not configured: the server has no OPENAI_API_KEY',
			} ),
			json( 503, {
				success: false,
				code: 'service_unavailable',
				error: 'The database is not configured for writes',
			} ),
		] );
		await expect( client.post( '/x/', {} ) ).rejects.toMatchObject( {
			kind: 'validation',
			fieldErrors: { keyword: [ 'may not be blank' ] },
		} );
		await expect( client.post( '/y/', {} ) ).rejects.toMatchObject( {
			kind: 'ai_not_configured',
		} );
		await expect( client.post( '/z/', {} ) ).rejects.toMatchObject( {
			kind: 'server',
		} );
		manager.stop();
	} );

	it( 'reads list envelopes as count + results', async () => {
		const { client, manager } = setup( [
			json( 200, {
				success: true,
				count: 42,
				next: null,
				previous: null,
				results: [ { id: 1 } ],
				request_id: 'r',
			} ),
		] );
		await expect(
			client.list( '/planner/keywords/', { page: 2 } )
		).resolves.toEqual( { count: 42, results: [ { id: 1 } ] } );
		manager.stop();
	} );
} );

describe( 'SSE parsing', () => {
	it( 'reads event, id and multi-line data, and skips comments', () => {
		expect(
			parseEventBlock( 'id: 3\nevent: progress\ndata: {"a":\ndata: 1}' )
		).toEqual( {
			event: 'progress',
			id: '3',
			data: '{"a":\n1}',
		} );
		expect( parseEventBlock( ': keep-alive' ) ).toBeNull();
	} );

	it( 'builds stable query strings', () => {
		expect( queryString( { z: 1, a: 'x', n: null, u: undefined } ) ).toBe(
			'?a=x&z=1'
		);
		expect( queryString( {} ) ).toBe( '' );
	} );
} );

import request from 'supertest';
import { healthSchema, successEnvelope } from '@igny8/shared-types';
import { ALL_MODES, startTestCloud, type TestCloud } from './support';

const healthEnvelope = successEnvelope( healthSchema );

describe.each( ALL_MODES )(
	'GET /api/v1/health/ on $db with the $queue queue',
	( modes ) => {
		let cloud: TestCloud;

		// PGlite starts in seconds alone, slower on a busy machine.
		beforeAll( async () => {
			cloud = await startTestCloud( modes );
		}, 120_000 );
		afterAll( async () => {
			await cloud?.stop();
		} );

		it( 'answers in the envelope, naming the database mode and queue driver', async () => {
			const response = await request( cloud.app )
				.get( '/api/v1/health/' )
				.expect( 200 );
			const body = healthEnvelope.parse( response.body );
			expect( body.data ).toMatchObject( {
				status: 'ok',
				db: { state: 'ok', mode: modes.db },
				queue: { state: 'ok', driver: modes.queue },
			} );
			expect( body.request_id ).toMatch( /^[0-9a-f-]{36}$/ );
			expect( response.headers[ 'x-request-id' ] ).toBe(
				body.request_id
			);
		} );

		it( 'is ready when the database and the queue answer', async () => {
			const response = await request( cloud.app )
				.get( '/api/v1/health/ready/' )
				.expect( 200 );
			expect( response.body.data ).toMatchObject( {
				status: 'ok',
				db: { state: 'ok' },
				queue: { state: 'ok' },
			} );
		} );

		it( 'accepts the path without its trailing slash', async () => {
			const response = await request( cloud.app )
				.get( '/api/v1/health' )
				.expect( 200 );
			expect( response.body.success ).toBe( true );
		} );

		it( 'keeps a sane caller-supplied request id and replaces a hostile one', async () => {
			const kept = await request( cloud.app )
				.get( '/api/v1/health/' )
				.set( 'X-Request-ID', 'trace-abc-123456' );
			expect( kept.body.request_id ).toBe( 'trace-abc-123456' );
			const replaced = await request( cloud.app )
				.get( '/api/v1/health/' )
				.set( 'X-Request-ID', 'bad id\twith "quotes"' );
			// A fresh UUID of the server's own, not the caller's text (a random
			// UUID may well contain the hex "bad": checking for that word flaked).
			expect( replaced.body.request_id ).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
			);
			expect( replaced.headers[ 'x-request-id' ] ).toBe(
				replaced.body.request_id
			);
		} );

		it( 'proves the queue round trip on request: a worker commits the heartbeat', async () => {
			const response = await request( cloud.app )
				.get( '/api/v1/health/?check=queue' )
				.expect( 200 );
			expect( response.body.data.status ).toBe( 'ok' );
			expect( response.body.data.queue.round_trip_ms ).toEqual(
				expect.any( Number )
			);
			const [ rows ] = await cloud.context.db.sequelize.query(
				'SELECT driver FROM system_heartbeats'
			);
			expect( rows ).toEqual( [ { driver: modes.queue } ] );
		} );

		it( 'answers unknown routes with a 404 in the error envelope', async () => {
			const response = await request( cloud.app )
				.get( '/api/v1/no-such-thing/' )
				.expect( 404 );
			expect( response.body ).toEqual( {
				success: false,
				code: 'not_found',
				error: 'No route for GET /api/v1/no-such-thing/.',
				request_id: response.headers[ 'x-request-id' ],
			} );
		} );
	}
);

describe( 'health when a dependency is down', () => {
	it( 'reports the database as down and the status as degraded, still in the envelope', async () => {
		const cloud = await startTestCloud( {
			db: 'postgres',
			queue: 'inline',
		} );
		try {
			await cloud.context.db.sequelize.close();
			const response = await request( cloud.app )
				.get( '/api/v1/health/' )
				.expect( 200 );
			expect( response.body.data ).toMatchObject( {
				status: 'degraded',
				db: { state: 'down', mode: 'postgres' },
			} );
			// Readiness says no, so a load balancer sends traffic elsewhere; liveness stays 200.
			const ready = await request( cloud.app )
				.get( '/api/v1/health/ready/' )
				.expect( 503 );
			expect( ready.body ).toMatchObject( {
				success: false,
				code: 'service_unavailable',
				error: 'Not ready: the database does not answer.',
			} );
		} finally {
			await cloud.stop().catch( () => undefined );
		}
	} );
} );

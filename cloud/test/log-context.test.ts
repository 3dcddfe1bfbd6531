import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { requestId } from '../src/http/request-id';
import { withLogContext } from '../src/log-context';
import { createLogger } from '../src/logger';
import { InlineQueue } from '../src/queue/inline';
import { tracedQueue } from '../src/queue/traced';
import { waitFor } from './support';

/** A logger whose JSON lines land in an array. */
function capturedLogger() {
	const lines: Record< string, unknown >[] = [];
	const destination = new Writable( {
		write( chunk: Buffer, _encoding, done ) {
			for ( const line of chunk.toString().split( '\n' ) ) {
				if ( line ) {
					lines.push( JSON.parse( line ) );
				}
			}
			done();
		},
	} );
	return { logger: createLogger( 'info', destination ), lines };
}

describe( 'log context', () => {
	it( 'puts the request id on every line written while the request is served, including after awaits', async () => {
		const { logger, lines } = capturedLogger();
		const app = express();
		app.use( requestId );
		app.get( '/work', async ( _req, res ) => {
			await new Promise( ( resolve ) => setTimeout( resolve, 5 ) );
			logger.info( 'deep inside' );
			res.json( { ok: true } );
		} );
		await request( app )
			.get( '/work' )
			.set( 'X-Request-ID', 'caller-trace-0001' )
			.expect( 200 );
		expect( lines ).toContainEqual(
			expect.objectContaining( {
				msg: 'deep inside',
				request_id: 'caller-trace-0001',
			} )
		);
		logger.info( 'outside' );
		expect( lines.at( -1 ) ).not.toHaveProperty( 'request_id' );
	} );

	it( 'carries the queuing request id to the job, which runs with its job and run ids, and hands the handler its own payload', async () => {
		const { logger, lines } = capturedLogger();
		const queue = tracedQueue( new InlineQueue( logger ), logger );
		const seen: unknown[] = [];
		queue.define< { run_id: number }, void >( {
			type: 'test.traced',
			handler: async ( job ) => {
				seen.push( job.data );
				logger.info( 'working' );
			},
		} );
		await queue.startWorkers();
		try {
			await withLogContext( { request_id: 'req-42' }, () =>
				queue.enqueue(
					'test.traced',
					{ run_id: 7 },
					{ jobId: 'traced-7' }
				)
			);
			await waitFor( () =>
				lines.find( ( line ) => line.msg === 'job succeeded' )
			);
			expect( seen ).toEqual( [ { run_id: 7 } ] );
			const context = {
				request_id: 'req-42',
				run_id: 7,
				job_id: 'traced-7',
				job_type: 'test.traced',
				attempt: 1,
			};
			expect( lines ).toContainEqual(
				expect.objectContaining( { msg: 'working', ...context } )
			);
			expect( lines ).toContainEqual(
				expect.objectContaining( {
					msg: 'job succeeded',
					...context,
					ms: expect.any( Number ),
				} )
			);
		} finally {
			await queue.close( 1_000 );
		}
	} );

	it( 'logs a failed job once with its ids and leaves payloads without a request untouched', async () => {
		const { logger, lines } = capturedLogger();
		const queue = tracedQueue( new InlineQueue( logger ), logger );
		const seen: unknown[] = [];
		queue.define< { n: number }, void >( {
			type: 'test.failing',
			handler: async ( job ) => {
				seen.push( job.data );
				throw new Error( 'nope' );
			},
		} );
		await queue.startWorkers();
		try {
			await queue.enqueue(
				'test.failing',
				{ n: 1 },
				{ jobId: 'failing-1' }
			);
			await waitFor( () =>
				lines.find( ( line ) => line.msg === 'job failed' )
			);
			expect( seen ).toEqual( [ { n: 1 } ] );
			const failed = lines.filter(
				( line ) => line.msg === 'job failed'
			);
			expect( failed ).toHaveLength( 1 );
			expect( failed[ 0 ] ).toMatchObject( {
				job_id: 'failing-1',
				err: { message: 'nope' },
			} );
			expect( failed[ 0 ] ).not.toHaveProperty( 'request_id' );
		} finally {
			await queue.close( 1_000 );
		}
	} );
} );

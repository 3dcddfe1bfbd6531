import request from 'supertest';
import type { FakeOpenAI } from '@igny8/test-harness';
import { bearer, type Tenant } from './fixtures';
import { waitFor, type TestCloud } from './support';

/** What AI tests share: the fake provider's env, run streams, run ends and ledgers. */

export const AI_ENV = ( openai: FakeOpenAI ) => ( {
	OPENAI_API_KEY: 'sk-test',
	OPENAI_BASE_URL: openai.url,
	AI_MAX_ATTEMPTS: '3',
	AI_RETRY_BASE_MS: '10',
	AI_REQUEST_TIMEOUT_MS: '5000',
} );

export type SseEvent = { event: string; id: string; data: any };

/** Reads a run's event stream to its end. */
export function readEvents(
	cloud: TestCloud,
	tenant: Tenant,
	runId: number
): Promise< SseEvent[] > {
	return new Promise( ( resolve, reject ) => {
		request( cloud.app )
			.get( `/api/v1/system/ai-runs/${ runId }/events/` )
			.set( bearer( tenant.owner ) )
			.buffer( true )
			.parse( ( res, callback ) => {
				let text = '';
				res.setEncoding( 'utf8' );
				res.on( 'data', ( chunk: string ) => ( text += chunk ) );
				res.on( 'end', () => callback( null, text ) );
			} )
			.expect( 200 )
			.expect( 'Content-Type', /text\/event-stream/ )
			.then( ( response ) => {
				const blocks = ( response.body as string )
					.split( '\n\n' )
					.filter( ( block ) => block.startsWith( 'id:' ) );
				resolve(
					blocks.map( ( block ) => {
						const field = ( name: string ) =>
							block
								.split( '\n' )
								.find( ( line ) =>
									line.startsWith( `${ name }: ` )
								)
								?.slice( name.length + 2 ) ?? '';
						return {
							id: field( 'id' ),
							event: field( 'event' ),
							data: JSON.parse( field( 'data' ) ),
						};
					} )
				);
			}, reject );
	} );
}

/** The stream's shape for a run that succeeded: state, progress in order, done. */
export function expectOrderedStream( events: SseEvent[], stage: string ) {
	expect( events[ 0 ]!.event ).toBe( 'state' );
	expect( events.at( -1 )!.event ).toBe( 'done' );
	expect( events.at( -1 )!.data.status ).toBe( 'succeeded' );
	expect(
		events.slice( 1, -1 ).every( ( e ) => e.event === 'progress' )
	).toBe( true );
	const seqs = events.map( ( e ) => e.data.progress.seq );
	expect( seqs ).toEqual( [ ...seqs ].sort( ( a, b ) => a - b ) );
	expect( new Set( seqs ).size ).toBe( seqs.length );
	const percents = events.map( ( e ) => e.data.progress.percent );
	expect( percents ).toEqual( [ ...percents ].sort( ( a, b ) => a - b ) );
	const stages = events.map( ( e ) => e.data.progress.stage );
	expect( stages ).toContain( stage );
	expect( stages.indexOf( 'saving' ) ).toBeGreaterThan(
		stages.lastIndexOf( stage )
	);
	expect( stages.at( -1 ) ).toBe( 'done' );
	return stages;
}

export async function ledgerOf( cloud: TestCloud, runId: number ) {
	const rows = await cloud.context.models.CreditTransaction.findAll( {
		where: { job_id: `ai-run-${ runId }` },
		order: [ [ 'id', 'ASC' ] ],
	} );
	return rows.map( ( r ) => [ r.type, r.amount ] );
}

/** A run's ledger once closed: the reservation, then the settle or refund. */
export async function closedLedger( cloud: TestCloud, runId: number ) {
	return waitFor( async () => {
		const rows = await ledgerOf( cloud, runId );
		return rows.length >= 2 ? rows : undefined;
	} );
}

export async function balance( cloud: TestCloud, tenant: Tenant ) {
	return cloud.context.services.credits.balance( tenant.accountId );
}

export async function finished(
	cloud: TestCloud,
	tenant: Tenant,
	runId: number,
	timeoutMs = 30_000
) {
	return waitFor( async () => {
		const response = await request( cloud.app )
			.get( `/api/v1/system/ai-runs/${ runId }/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const run = response.body.data;
		return [ 'succeeded', 'failed', 'cancelled' ].includes( run.status )
			? run
			: undefined;
	}, timeoutMs );
}

export const promptOf = ( body: {
	messages: { role: string; content: string }[];
} ) => body.messages.map( ( m ) => m.content ).join( '\n' );

export async function grant(
	cloud: TestCloud,
	tenant: Tenant,
	credits: number
) {
	await cloud.context.services.credits.add(
		tenant.accountId,
		credits,
		'grant',
		'Test credits',
		`test-grant-${ tenant.accountId }-${ Date.now() }-${ Math.random() }`
	);
}

/**
 * WordPress dependencies
 */
import { createRegistry } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { setClient } from '../../../api';
import type { CloudClient, StreamEvent } from '../../../api/client';
import { receiveRuns } from '../actions';
import reducer, { initialState } from '../reducer';
import { getActiveRunFor, getActiveRuns } from '../selectors';
import { store as jobsStore } from '..';

const run = (
	id: number,
	status: string,
	seq: number,
	fn = 'auto_cluster',
	percent = 0
) =>
	( {
		id,
		status,
		function_name: fn,
		progress: { stage: 's', percent, seq },
	} ) as never;

describe( 'jobs reducer and selectors', () => {
	it( 'never replaces a run with an older update', () => {
		let state = reducer(
			initialState,
			receiveRuns( [ run( 1, 'running', 5, 'auto_cluster', 50 ) ] )
		);
		state = reducer(
			state,
			receiveRuns( [ run( 1, 'running', 3, 'auto_cluster', 20 ) ] )
		);
		expect( state.runs[ 1 ]?.progress.percent ).toBe( 50 );
	} );

	it( 'lists active runs newest first and finds one per function', () => {
		const state = reducer(
			initialState,
			receiveRuns( [
				run( 1, 'succeeded', 9 ),
				run( 2, 'running', 1, 'generate_ideas' ),
				run( 3, 'queued', 0 ),
			] )
		);
		expect( getActiveRuns( state ).map( ( r ) => r.id ) ).toEqual( [
			3, 2,
		] );
		expect( getActiveRunFor( state, 'generate_ideas' )?.id ).toBe( 2 );
		expect( getActiveRunFor( state, 'generate_content' ) ).toBeUndefined();
		expect( getActiveRuns( state ) ).toBe( getActiveRuns( state ) );
	} );
} );

describe( 'jobs resolvers', () => {
	afterEach( () => setClient( null ) );

	it( 're-attaches to running runs after a reload and follows them to the end', async () => {
		const stream = jest.fn(
			async ( _path: string, onEvent: ( e: StreamEvent ) => void ) => {
				onEvent( {
					event: 'state',
					id: '1',
					data: JSON.stringify(
						run( 7, 'running', 1, 'generate_ideas', 30 )
					),
				} );
				onEvent( {
					event: 'progress',
					id: '2',
					data: JSON.stringify(
						run( 7, 'running', 2, 'generate_ideas', 70 )
					),
				} );
				onEvent( {
					event: 'done',
					id: '3',
					data: JSON.stringify(
						run( 7, 'succeeded', 3, 'generate_ideas', 100 )
					),
				} );
			}
		);
		const list = jest.fn(
			async ( _path: string, query: { status: string } ) =>
				query.status === 'running'
					? {
							count: 1,
							results: [
								run( 7, 'running', 1, 'generate_ideas', 30 ),
							],
						}
					: { count: 0, results: [] }
		);
		setClient( { list, stream } as unknown as CloudClient );
		const registry = createRegistry();
		registry.register( jobsStore );

		await registry.resolveSelect( jobsStore ).getActiveRuns();
		expect( list ).toHaveBeenCalledWith( '/system/ai-runs/', {
			status: 'running',
			page_size: 50,
		} );
		await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );

		expect( stream ).toHaveBeenCalledWith(
			'/system/ai-runs/7/events/',
			expect.any( Function ),
			expect.anything()
		);
		expect( registry.select( jobsStore ).getRun( 7 )?.status ).toBe(
			'succeeded'
		);
		expect( registry.select( jobsStore ).getActiveRuns() ).toEqual( [] );
	} );

	it( 'starting a run posts the action, loads the run and follows it', async () => {
		const post = jest.fn( async () => ( { run_id: 11 } ) );
		const get = jest.fn( async () =>
			run( 11, 'queued', 0, 'generate_content' )
		);
		const stream = jest.fn(
			async ( _p: string, onEvent: ( e: StreamEvent ) => void ) =>
				onEvent( {
					event: 'done',
					id: '1',
					data: JSON.stringify(
						run( 11, 'succeeded', 1, 'generate_content', 100 )
					),
				} )
		);
		setClient( { post, get, stream } as unknown as CloudClient );
		const registry = createRegistry();
		registry.register( jobsStore );

		const started = await registry
			.dispatch( jobsStore )
			.startRun( '/writer/tasks/generate_content/', { ids: [ 1 ] } );
		expect( started ).toEqual( { run_id: 11 } );
		expect( post ).toHaveBeenCalledWith(
			'/writer/tasks/generate_content/',
			{ ids: [ 1 ] }
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
		expect( registry.select( jobsStore ).getRun( 11 )?.status ).toBe(
			'succeeded'
		);
	} );
} );

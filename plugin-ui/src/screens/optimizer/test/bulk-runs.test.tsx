/**
 * External dependencies
 */
import type { AiRun, OptimizerBulkResult } from '@igny8/shared-types';
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRegistry, RegistryProvider } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../../test-support/react-root';
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import { AiActionModal } from '../../../components/ai-action';
import { store as jobsStore } from '../../../store/jobs';
import type { OptimizerScoreItem } from '../../../store/optimizer';
import { ActiveOptimization, LeftOut } from '../dashboard';

const item = ( id: number, title: string ) =>
	( { id, content_id: id, title } ) as OptimizerScoreItem;
const ITEMS = [
	item( 1, 'Tomatoes' ),
	item( 2, 'Peppers' ),
	item( 3, 'Basil' ),
	item( 4, 'Mint' ),
	item( 5, 'Chard' ),
	item( 6, 'Kale' ),
];

const dom = reactRoot();

/** The whole page: the modal renders outside the dom.container. */
const text = () => document.body.textContent ?? '';

beforeAll( () => {
	globalThis.IS_REACT_ACT_ENVIRONMENT = true;
} );
afterEach( () => {} );

/**
 * A cloud whose runs stay in progress (their stream open until the test
 * ends), and a registry with the jobs store that uses it.
 * @param post What POST requests answer.
 * @param run  What reading a run answers.
 */
function usingCloud( post: jest.Mock, run: AiRun | undefined ) {
	setClient( {
		post,
		get: jest.fn( async () => run ),
		list: jest.fn( async () => ( { count: 0, results: [] } ) ),
		stream: jest.fn(
			( _path: string, _on: unknown, signal: AbortSignal ) =>
				new Promise( ( resolve ) =>
					signal.addEventListener( 'abort', resolve )
				)
		),
	} as unknown as CloudClient );
	const registry = createRegistry();
	registry.register( jobsStore );
	return registry;
}

describe( 'drafts a bulk run left out', () => {
	const answer = (
		contentIds: number[],
		leftOut: number[]
	): OptimizerBulkResult => ( {
		run_id: 9,
		content_ids: contentIds,
		left_out: leftOut,
		credits_reserved: contentIds.length,
	} );

	it( 'names them by title, with how many the cap covered', async () => {
		await act( async () => {
			dom.root.render(
				<LeftOut
					answer={ answer( [ 1, 2 ], [ 3, 4 ] ) }
					items={ ITEMS }
				/>
			);
		} );
		expect(
			dom.container.querySelector( '.components-notice__content' )
				?.textContent
		).toBe(
			'The credit cap covers 2 posts of the 4 posts selected. Left out: “Basil”, “Mint”. Select them and start another run when this one is done.'
		);
	} );

	it( 'names the first three and counts the rest', async () => {
		await act( async () => {
			dom.root.render(
				<LeftOut
					answer={ answer( [ 1 ], [ 2, 3, 4, 5, 6 ] ) }
					items={ ITEMS }
				/>
			);
		} );
		expect( dom.container.textContent ).toContain(
			'Left out: “Peppers”, “Basil”, “Mint” and 2 posts more.'
		);
	} );

	it( 'says nothing when the cap covered every draft', async () => {
		await act( async () => {
			dom.root.render(
				<LeftOut answer={ answer( [ 1, 2 ], [] ) } items={ ITEMS } />
			);
		} );
		expect( dom.container.innerHTML ).toBe( '' );
	} );

	it( 'shows under the run’s progress what the started action answered', async () => {
		const running = {
			id: 9,
			function_name: 'optimize_content',
			status: 'running',
			input: {},
			progress: { stage: 'rewriting', percent: 10, seq: 1 },
			error: null,
		} as unknown as AiRun;
		const post = jest.fn( async ( path: string ) =>
			path === '/billing/estimate/'
				? { credits: 2, balance: 50, sufficient: true }
				: answer( [ 1, 2 ], [ 3 ] )
		);
		const registry = usingCloud( post, running );
		await act( async () => {
			dom.root.render(
				<RegistryProvider value={ registry }>
					<AiActionModal
						title="Optimize 3 posts with AI"
						fn="optimize_content"
						estimateInput={ { content_ids: [ 1, 2, 3 ] } }
						path="/optimizer/bulk/"
						body={ { content_ids: [ 1, 2, 3 ], credit_cap: 2 } }
						startLabel="Start optimizing"
						onClose={ () => undefined }
						started={ ( started ) => (
							<LeftOut
								answer={
									started as unknown as OptimizerBulkResult
								}
								items={ ITEMS }
							/>
						) }
					/>
				</RegistryProvider>
			);
		} );
		expect( text() ).not.toContain( 'Left out' );
		const start = Array.from( document.querySelectorAll( 'button' ) ).find(
			( candidate ) => candidate.textContent === 'Start optimizing'
		);
		await act( async () => {
			start!.click();
		} );
		expect( post ).toHaveBeenCalledWith( '/optimizer/bulk/', {
			content_ids: [ 1, 2, 3 ],
			credit_cap: 2,
		} );
		expect( text() ).toContain( 'Left out: “Basil”.' );
	} );
} );

describe( 'an optimization run going on', () => {
	const run = ( status: string, seq: number ) =>
		( {
			id: 14,
			function_name: 'optimize_content',
			status,
			input: { content_ids: [ 1, 2 ] },
			progress: {
				stage: status === 'running' ? 'rewriting' : 'done',
				percent: status === 'running' ? 40 : 100,
				seq,
			},
			error: null,
		} ) as unknown as AiRun;

	async function renderWith( runs: AiRun[] ) {
		const registry = usingCloud( jest.fn(), runs[ 0 ] );
		registry.dispatch( jobsStore ).receiveRuns( runs );
		const done = jest.fn();
		await act( async () => {
			dom.root.render(
				<RegistryProvider value={ registry }>
					<ActiveOptimization onDone={ done } />
				</RegistryProvider>
			);
		} );
		return { registry, done };
	}

	it( 'offers its progress after a reload, and keeps the result on screen once it ends', async () => {
		const { registry, done } = await renderWith( [ run( 'running', 1 ) ] );
		const link = Array.from( document.querySelectorAll( 'button' ) ).find(
			( candidate ) =>
				candidate.textContent ===
				'AI optimization in progress — show progress'
		);
		expect( link ).toBeDefined();
		await act( async () => {
			link!.click();
		} );
		expect( text() ).toContain( 'Optimizing with AI' );
		expect( text() ).not.toContain( 'AI optimization in progress' );
		await act( async () => {
			registry
				.dispatch( jobsStore )
				.receiveRuns( [ run( 'succeeded', 2 ) ] );
		} );
		expect( done ).toHaveBeenCalledTimes( 1 );
		expect( text() ).toContain(
			'Each rewritten draft now has an AI revision waiting for review'
		);
	} );

	it( 'shows nothing when no optimization runs', async () => {
		await renderWith( [] );
		expect( dom.container.innerHTML ).toBe( '' );
	} );
} );

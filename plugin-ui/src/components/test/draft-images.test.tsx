/**
 * External dependencies
 */
import type { AiRun, Image } from '@igny8/shared-types';
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRegistry, RegistryProvider } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../test-support/react-root';
import { setClient } from '../../api';
import type { CloudClient, StreamEvent } from '../../api/client';
import { store as jobsStore } from '../../store/jobs';
import { store as writerStore } from '../../store/writer';
import { DraftImages, pendingImages, runOnDraft } from '../draft-images';

const TASK = 7;
const CONTENT = 11;

function image( id: number, changes: Partial< Image > = {} ): Image {
	return {
		id,
		account_id: 1,
		site_id: 1,
		sector_id: 1,
		task_id: TASK,
		content_id: CONTENT,
		image_url: `https://cloud.test/files/${ id }.png`,
		prompt: `A trail at dawn, picture ${ id }`,
		is_featured: false,
		position: id,
		alt_text: `Trail ${ id }`,
		caption: '',
		created_at: '2025-01-01T00:00:00.000Z',
		updated_at: '2025-01-01T00:00:00.000Z',
		...changes,
	};
}

// A run as the cloud answers it; a finished one is a later update (higher `seq`).
const run = ( id: number, fn: string, input: object, status = 'running' ) =>
	( {
		id,
		function_name: fn,
		status,
		input,
		progress: {
			stage: status === 'running' ? 'describing' : 'done',
			percent: status === 'running' ? 50 : 100,
			seq: status === 'running' ? 3 : 4,
		},
		error: null,
	} ) as unknown as AiRun;

type FakeClient = {
	list: jest.Mock;
	patch: jest.Mock;
	post: jest.Mock;
	get: jest.Mock;
	stream: jest.Mock;
};

const dom = reactRoot();
let client: FakeClient;

/**
 * A client whose image list answers `pages` in turn (the last one repeats);
 * no run is going on the site.
 * @param pages The image lists to answer.
 */
function fakeClient( ...pages: Image[][] ): FakeClient {
	let call = 0;
	client = {
		list: jest.fn( async ( path: string ) => {
			if ( path !== '/writer/images/' ) {
				return { count: 0, results: [] };
			}
			const results = pages[ Math.min( call++, pages.length - 1 ) ]!;
			return { count: results.length, results };
		} ),
		patch: jest.fn(),
		post: jest.fn(),
		get: jest.fn(),
		stream: jest.fn(),
	};
	setClient( client as unknown as CloudClient );
	return client;
}

const flush = () => act( async () => undefined );

/**
 * Lets pending answers and re-renders settle until `selector` is on the page.
 * @param selector What to wait for.
 */
async function settled( selector: string ): Promise< Element > {
	const deadline = Date.now() + 3000;
	while ( Date.now() < deadline ) {
		const found = document.querySelector( selector );
		if ( found ) {
			return found;
		}
		await act(
			() =>
				new Promise< void >( ( resolve ) => setTimeout( resolve, 20 ) )
		);
	}
	throw new Error( `${ selector } never appeared` );
}

/** The image lists loaded so far. */
const imageLoads = () =>
	client.list.mock.calls.filter( ( [ path ] ) => path === '/writer/images/' )
		.length;

async function render( canEdit = true ): Promise< void > {
	const registry = createRegistry();
	registry.register( writerStore );
	registry.register( jobsStore );
	await act( async () => {
		dom.root.render(
			<RegistryProvider value={ registry }>
				<DraftImages
					contentId={ CONTENT }
					taskId={ TASK }
					canEdit={ canEdit }
				/>
			</RegistryProvider>
		);
	} );
	await flush();
}

/** Everything on the page, dialogs included (they render into body). */
const text = () => document.body.textContent ?? '';

function button( name: string, scope: ParentNode = document.body ) {
	const found = Array.from( scope.querySelectorAll( 'button' ) ).find(
		( candidate ) => candidate.textContent === name
	);
	if ( ! found ) {
		throw new Error( `No "${ name }" button` );
	}
	return found;
}

const hasButton = ( name: string, scope: ParentNode = document.body ) =>
	Array.from( scope.querySelectorAll( 'button' ) ).some(
		( candidate ) => candidate.textContent === name
	);

const card = ( id: number ) =>
	dom.container.querySelector(
		`.igny8-image-card[data-image-id="${ id }"]`
	) as HTMLElement;

/**
 * Types into a React-controlled input the way a person does.
 * @param input The field.
 * @param value What to type.
 */
function type( input: HTMLTextAreaElement, value: string ): void {
	const setter = Object.getOwnPropertyDescriptor(
		HTMLTextAreaElement.prototype,
		'value'
	)!.set!;
	setter.call( input, value );
	input.dispatchEvent( new Event( 'input', { bubbles: true } ) );
}

afterEach( () => {
	setClient( null );
} );

describe( 'a draft’s images', () => {
	it( 'says what to do when the draft has none', async () => {
		fakeClient( [] );
		await render();
		expect( client.list ).toHaveBeenCalledWith( '/writer/images/', {
			content_id: CONTENT,
			ordering: 'position,id',
			page_size: 50,
		} );
		expect( text() ).toContain( 'No images yet.' );
		expect( text() ).toContain(
			'Generate image prompts to describe a featured image and 2 in-article images.'
		);
		expect( hasButton( 'Generate image prompts' ) ).toBe( true );
		expect( hasButton( 'Generate images' ) ).toBe( false );
	} );

	it( 'shows each image as a thumbnail with its prompt and alt text, and offers to draw the waiting prompts', async () => {
		fakeClient( [
			image( 1, { is_featured: true } ),
			image( 2 ),
			image( 3, { image_url: null } ),
		] );
		await render();
		const thumbnail = card( 1 ).querySelector( 'img' )!;
		expect( thumbnail.getAttribute( 'src' ) ).toBe(
			'https://cloud.test/files/1.png'
		);
		expect( thumbnail.getAttribute( 'alt' ) ).toBe( 'Trail 1' );
		expect( card( 2 ).textContent ).toContain(
			'Prompt: A trail at dawn, picture 2'
		);
		expect(
			( card( 2 ).querySelector( 'textarea' ) as HTMLTextAreaElement )
				.value
		).toBe( 'Trail 2' );
		expect( card( 3 ).querySelector( 'img' ) ).toBeNull();
		expect( card( 3 ).textContent ).toContain( 'Not drawn yet' );
		expect(
			dom.container.querySelectorAll( '[data-featured="true"]' )
		).toHaveLength( 1 );
		expect( card( 1 ).textContent ).toContain( 'Featured image' );
		expect( hasButton( 'Set as featured', card( 1 ) ) ).toBe( false );
		expect( hasButton( 'Regenerate', card( 2 ) ) ).toBe( true );
		// Nothing to redraw before it was ever drawn: "Generate images" does that.
		expect( hasButton( 'Regenerate', card( 3 ) ) ).toBe( false );
		expect( text() ).toContain(
			'1 prompt is waiting for its picture: choose “Generate images”.'
		);
		expect( hasButton( 'Generate images' ) ).toBe( true );
	} );

	it( 'moves the featured badge at once when another image is chosen', async () => {
		fakeClient( [ image( 1, { is_featured: true } ), image( 2 ) ] );
		client.patch.mockResolvedValue( image( 2, { is_featured: true } ) );
		await render();
		await act( async () => {
			button( 'Set as featured', card( 2 ) ).click();
		} );
		expect( client.patch ).toHaveBeenCalledWith( '/writer/images/2/', {
			is_featured: true,
		} );
		expect( card( 2 ).dataset.featured ).toBe( 'true' );
		expect( card( 1 ).dataset.featured ).toBe( 'false' );
		expect( hasButton( 'Set as featured', card( 1 ) ) ).toBe( true );
		// No reload of the list was needed.
		expect( imageLoads() ).toBe( 1 );
	} );

	it( 'saves edited alt text, and says why when it cannot', async () => {
		fakeClient( [ image( 1 ) ] );
		client.patch
			.mockRejectedValueOnce( new Error( 'The cloud said no.' ) )
			.mockResolvedValueOnce( image( 1, { alt_text: 'Boots on rock' } ) );
		await render();
		const input = card( 1 ).querySelector(
			'textarea'
		) as HTMLTextAreaElement;
		expect( hasButton( 'Save alt text', card( 1 ) ) ).toBe( false );
		await act( async () => type( input, '  Boots on rock ' ) );
		await act( async () => {
			button( 'Save alt text', card( 1 ) ).click();
		} );
		expect( card( 1 ).textContent ).toContain( 'The cloud said no.' );
		await act( async () => {
			button( 'Save alt text', card( 1 ) ).click();
		} );
		expect( client.patch ).toHaveBeenLastCalledWith( '/writer/images/1/', {
			alt_text: 'Boots on rock',
		} );
		expect( card( 1 ).textContent ).toContain( 'Saved.' );
		expect( card( 1 ).querySelector( 'img' )!.getAttribute( 'alt' ) ).toBe(
			'Boots on rock'
		);
		expect( card( 1 ).textContent ).not.toContain( 'The cloud said no.' );
	} );

	it( 'shows a viewer the images and nothing to change them with', async () => {
		fakeClient( [ image( 1, { is_featured: true } ), image( 2 ) ] );
		await render( false );
		expect( dom.container.querySelectorAll( 'img' ) ).toHaveLength( 2 );
		expect( card( 2 ).textContent ).toContain( 'Alt text: Trail 2' );
		expect(
			dom.container.querySelectorAll( 'button, input, textarea' )
		).toHaveLength( 0 );
	} );

	it( 'prices image prompts first, then starts them and shows what they made', async () => {
		const made = [
			image( 21, { image_url: null, is_featured: true, position: 0 } ),
			image( 22, { image_url: null, position: 1 } ),
		];
		fakeClient( [], made );
		client.post.mockImplementation( async ( path: string ) =>
			path === '/billing/estimate/'
				? {
						function: 'generate_image_prompts',
						credits: 4,
						balance: 90,
						sufficient: true,
					}
				: { run_id: 5 }
		);
		const done = run(
			5,
			'generate_image_prompts',
			{ task_ids: [ TASK ] },
			'succeeded'
		);
		client.get.mockResolvedValue(
			run( 5, 'generate_image_prompts', { task_ids: [ TASK ] } )
		);
		client.stream.mockImplementation(
			async ( _path: string, onEvent: ( e: StreamEvent ) => void ) =>
				onEvent( {
					event: 'done',
					id: '3',
					data: JSON.stringify( done ),
				} )
		);
		await render();
		await act( async () => {
			button( 'Generate image prompts' ).click();
		} );
		const dialog = document.querySelector( '.igny8-modal' )!;
		expect( dialog.textContent ).toContain(
			'This will use at most 4 credits. Your balance: 90 credits.'
		);
		expect( client.post ).toHaveBeenCalledWith( '/billing/estimate/', {
			function: 'generate_image_prompts',
			input: { task_ids: [ TASK ], in_article_images: 2 },
		} );
		await act( async () => {
			button( 'Write prompts', dialog ).click();
		} );
		await flush();
		expect( client.post ).toHaveBeenCalledWith(
			'/writer/tasks/generate_image_prompts/',
			{ ids: [ TASK ], in_article_images: 2 }
		);
		expect( client.stream.mock.calls[ 0 ]![ 0 ] ).toBe(
			'/system/ai-runs/5/events/'
		);
		// The list was loaded again, and the dialog shows what the run made.
		expect( imageLoads() ).toBe( 2 );
		const result = await settled(
			'.igny8-modal .igny8-run__result .igny8-image-card'
		).then( ( found ) => found.closest( '.igny8-run__result' )! );
		expect( result.textContent ).toContain(
			'Prompt: A trail at dawn, picture 21'
		);
		expect( result.textContent ).toContain( 'Alt text: Trail 22' );
		// The draft now has prompts waiting: drawing them is the next step.
		expect( hasButton( 'Generate images', dom.container ) ).toBe( true );
	} );

	it( 'regenerates one image through its own route, priced as that image', async () => {
		fakeClient( [ image( 1 ), image( 2 ) ] );
		client.post.mockImplementation( async ( path: string ) =>
			path === '/billing/estimate/'
				? {
						function: 'generate_images',
						credits: 2,
						balance: 1,
						sufficient: false,
					}
				: { run_id: 9 }
		);
		await render();
		await act( async () => {
			button( 'Regenerate', card( 2 ) ).click();
		} );
		expect( client.post ).toHaveBeenCalledWith( '/billing/estimate/', {
			function: 'generate_images',
			input: { image_ids: [ 2 ] },
		} );
		const dialog = document.querySelector( '.igny8-modal' )!;
		// Not enough credits: said before anything starts, with what to do.
		expect( dialog.textContent ).toContain(
			'Not enough credits for this run.'
		);
		expect( dialog.textContent ).toContain( 'Add credits' );
		expect(
			button( 'Regenerate', dialog ).getAttribute( 'aria-disabled' )
		).toBe( 'true' );
		expect( client.post ).toHaveBeenCalledTimes( 1 );
	} );
} );

describe( 'which run belongs to a draft', () => {
	it( 'finds prompts for its task and pictures of its images, nothing else', () => {
		const runs = [
			run( 4, 'generate_images', { image_ids: [ 99 ] } ),
			run( 3, 'generate_content', { task_ids: [ TASK ] } ),
			run( 2, 'generate_images', { image_ids: [ 5, 6 ] } ),
			run( 1, 'generate_image_prompts', { task_ids: [ TASK ] } ),
		];
		expect( runOnDraft( runs, TASK, [ 6 ] )?.id ).toBe( 2 );
		expect( runOnDraft( runs, TASK, [] )?.id ).toBe( 1 );
		expect( runOnDraft( runs, null, [ 7 ] ) ).toBeUndefined();
	} );

	it( 'counts as waiting only prompts without a picture', () => {
		expect(
			pendingImages( [
				image( 1 ),
				image( 2, { image_url: null } ),
				image( 3, { image_url: null, prompt: ' ' } ),
			] ).map( ( i ) => i.id )
		).toEqual( [ 2 ] );
	} );
} );

/**
 * External dependencies
 */
import type { Content, OptimizerRevision } from '@igny8/shared-types';
import { act } from 'react';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../../test-support/react-root';
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import { RevisionReview } from '../revision';

const block = ( text: string ) =>
	`<!-- wp:paragraph --><p>${ text }</p><!-- /wp:paragraph -->`;

const CURRENT = {
	id: 11,
	title: 'Tomatoes',
	meta_description: 'Old description.',
	content_html: [ block( 'Old intro.' ), block( 'Kept paragraph.' ) ].join(
		''
	),
} as Content;

const REVISION: OptimizerRevision = {
	id: 31,
	content_id: 11,
	site_id: 1,
	run_id: 5,
	base_revision: 3,
	status: 'proposed',
	check_ids: [ 'keyphrase_in_introduction' ],
	title: 'Tomatoes',
	meta_description: 'Grow tomatoes: a new description.',
	content_html: [
		block( 'Grow tomatoes: a new intro.' ),
		block( 'Kept paragraph.' ),
	].join( '' ),
	score_before: 45,
	score_after: 78,
	created_at: '2026-12-07T06:00:00.000Z',
	decided_at: null,
};

const dom = reactRoot();
let post: jest.Mock;
let decisions: Array< [ string, unknown ] >;

const text = () => document.body.textContent ?? '';

function button( name: string ) {
	const found = Array.from( document.querySelectorAll( 'button' ) ).find(
		( candidate ) => candidate.textContent === name
	);
	if ( ! found ) {
		throw new Error( `No "${ name }" button` );
	}
	return found;
}

async function click( name: string ) {
	await act( async () => {
		button( name ).click();
	} );
}

async function render() {
	await act( async () => {
		dom.root.render(
			<RevisionReview
				revision={ REVISION }
				current={ CURRENT }
				canEdit
				onDecided={ ( decision, content ) =>
					decisions.push( [ decision, content ] )
				}
			/>
		);
	} );
}

beforeEach( () => {
	decisions = [];
	post = jest.fn();
	setClient( { post } as unknown as CloudClient );
} );

afterEach( () => {
	setClient( null );
} );

describe( 'an AI revision waiting for review', () => {
	it( 'shows the draft and the revision side by side, paragraph by paragraph', async () => {
		await render();
		const rows = Array.from(
			dom.container.querySelectorAll(
				'[data-testid="igny8-diff"] .igny8-optimizer__diff-row[data-kind]'
			)
		).map( ( row ) => [
			row.getAttribute( 'data-kind' ),
			row.textContent,
		] );
		expect( rows ).toEqual( [
			[ 'changed', 'Old intro.ChangedGrow tomatoes: a new intro.' ],
			[ 'same', 'Kept paragraph.(unchanged)' ],
		] );
		expect( text() ).toContain(
			'1 paragraph changed, 0 paragraphs added, 0 paragraphs removed, 1 paragraph unchanged.'
		);
		expect( text() ).toContain( 'Grow tomatoes: a new description.' );
		expect( text() ).toContain( 'Score 45 → 78' );
	} );

	it( 'accepts only after the person confirms', async () => {
		const updated = { ...CURRENT, content_html: REVISION.content_html };
		post.mockResolvedValue( updated );
		await render();
		await click( 'Accept…' );
		expect( post ).not.toHaveBeenCalled();
		expect( text() ).toContain( 'Accept the AI revision?' );
		await click( 'Cancel' );
		expect( post ).not.toHaveBeenCalled();
		expect( decisions ).toEqual( [] );

		await click( 'Accept…' );
		await click( 'Accept revision' );
		expect( post ).toHaveBeenCalledWith(
			'/optimizer/revisions/31/accept/',
			{}
		);
		expect( decisions ).toEqual( [ [ 'accepted', updated ] ] );
	} );

	it( 'says what to do when the draft changed since the revision was written', async () => {
		post.mockRejectedValue(
			new ApiError( 'conflict', 'The draft changed.', { status: 409 } )
		);
		await render();
		await click( 'Accept…' );
		await click( 'Accept revision' );
		expect( decisions ).toEqual( [] );
		expect( text() ).toContain(
			'The draft changed after this revision was written, so it was not applied.'
		);
	} );

	it( 'rejects, leaving the draft as it is', async () => {
		post.mockResolvedValue( { ...REVISION, status: 'rejected' } );
		await render();
		await click( 'Reject' );
		expect( post ).toHaveBeenCalledWith(
			'/optimizer/revisions/31/reject/',
			{}
		);
		expect( decisions ).toEqual( [ [ 'rejected', undefined ] ] );
	} );
} );

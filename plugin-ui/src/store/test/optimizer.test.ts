/**
 * External dependencies
 */
import type { OptimizerCheck, OptimizerScoreRow } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { resolveSelect, select } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { setClient } from '../../api';
import { CloudClient } from '../../api/client';
import { SessionManager } from '../../api/session';
import { fixableChecks, groupChecks, OPTIMIZER, ratingOf } from '../optimizer';

const row = (
	contentId: number,
	score: number | null,
	pending: number | null = null
): OptimizerScoreRow => ( {
	content_id: contentId,
	site_id: 1,
	title: `Draft ${ contentId }`,
	entity_type: 'post',
	keyphrase: 'grow tomatoes',
	score,
	seo_score: score,
	readability_score: score,
	rating: ratingOf( score ),
	analyzed_at: score === null ? null : '2026-12-01T10:00:00.000Z',
	pending_revision_id: pending,
} );

const check = (
	id: OptimizerCheck[ 'id' ],
	group: OptimizerCheck[ 'group' ],
	rating: OptimizerCheck[ 'rating' ],
	aiFixable = false
): OptimizerCheck => ( {
	id,
	group,
	rating,
	score: { good: 9, ok: 6, bad: 3 }[ rating ],
	message: `${ id } is ${ rating }`,
	ai_fixable: aiFixable,
} );

/**
 * Points the store at a cloud that answers each request with the next body.
 * @param bodies The answers, in order (the last one repeats).
 * @return The URLs asked for.
 */
function cloudAnswering( ...bodies: unknown[] ): string[] {
	const urls: string[] = [];
	const manager = new SessionManager( async () => ( {
		token: 't',
		expires_at: new Date( Date.now() + 900_000 ).toISOString(),
		cloud_url: 'https://cloud.test/',
		site_id: 1,
		role: 'admin',
	} ) );
	setClient(
		new CloudClient( manager, async ( url ) => {
			urls.push( url );
			const body =
				bodies[ Math.min( urls.length - 1, bodies.length - 1 ) ];
			return {
				ok: true,
				status: 200,
				json: async () => body,
			} as Response;
		} )
	);
	return urls;
}

const page = ( count: number, results: OptimizerScoreRow[] ) => ( {
	success: true,
	count,
	next: null,
	previous: null,
	results,
} );

afterEach( () => setClient( null ) );

describe( 'ratingOf', () => {
	it( 'rates 70 and up good, 40 to 69 ok, below 40 bad, and nothing without a score', () => {
		expect( [ 100, 70, 69, 40, 39, 0 ].map( ratingOf ) ).toEqual( [
			'good',
			'good',
			'ok',
			'ok',
			'bad',
			'bad',
		] );
		expect( ratingOf( null ) ).toBeNull();
	} );
} );

describe( 'groupChecks and fixableChecks', () => {
	const checks = [
		check( 'keyphrase_in_title', 'seo', 'good' ),
		check( 'keyphrase_density', 'seo', 'ok', true ),
		check( 'internal_links', 'seo', 'bad' ),
		check( 'passive_voice', 'readability', 'good', true ),
		check( 'sentence_length', 'readability', 'bad', true ),
	];

	it( 'splits the checks by group, the ones to fix first on top', () => {
		const groups = groupChecks( checks );
		expect( groups.seo.map( ( item ) => item.id ) ).toEqual( [
			'internal_links',
			'keyphrase_density',
			'keyphrase_in_title',
		] );
		expect( groups.readability.map( ( item ) => item.id ) ).toEqual( [
			'sentence_length',
			'passive_voice',
		] );
	} );

	it( 'offers AI fixes only for failing checks the AI can address', () => {
		expect( fixableChecks( checks ).map( ( item ) => item.id ) ).toEqual( [
			'keyphrase_density',
			'sentence_length',
		] );
	} );
} );

describe( 'the optimizer store', () => {
	it( 'lists the scores under their content id, for the query asked', async () => {
		const urls = cloudAnswering(
			page( 2, [ row( 4, 80 ), row( 9, 20 ) ] )
		);
		const query = { rating: 'bad', page: 1, page_size: 25 };
		const result = await resolveSelect( OPTIMIZER ).getScores( query );
		expect(
			result.items.map( ( item: { id: number; score: number } ) => [
				item.id,
				item.score,
			] )
		).toEqual( [
			[ 4, 80 ],
			[ 9, 20 ],
		] );
		expect( result.count ).toBe( 2 );
		expect( urls ).toHaveLength( 1 );
		expect( urls[ 0 ] ).toContain( '/api/v1/optimizer/scores/?' );
		expect( urls[ 0 ] ).toContain( 'rating=bad' );
		expect( urls[ 0 ] ).toContain( 'page_size=25' );
	} );

	it( 'keeps a failed page’s error for its query', async () => {
		const manager = new SessionManager( async () => ( {
			token: 't',
			expires_at: new Date( Date.now() + 900_000 ).toISOString(),
			cloud_url: 'https://cloud.test/',
			site_id: 1,
			role: 'admin',
		} ) );
		setClient(
			new CloudClient(
				manager,
				async () =>
					( {
						ok: false,
						status: 400,
						json: async () => ( {
							success: false,
							error: 'rating must be good, ok or bad',
							errors: {
								rating: [ 'must be good, ok or bad' ],
							},
						} ),
					} ) as Response
			)
		);
		const query = { rating: 'awful' };
		await resolveSelect( OPTIMIZER ).getScores( query );
		expect(
			( select( OPTIMIZER ) as any ).getListError( 'scores', query )
		).toContain( 'rating must be good, ok or bad' );
	} );

	it( 'reads the summary from the cloud in one request', async () => {
		const figures = {
			total: 102,
			good: 100,
			ok: 0,
			bad: 1,
			unanalyzed: 1,
			average: 80,
			pending: 1,
		};
		const urls = cloudAnswering( { success: true, data: figures } );
		const summary = await resolveSelect( OPTIMIZER ).getSummary();
		expect( urls ).toHaveLength( 1 );
		expect( urls[ 0 ] ).toContain( '/api/v1/optimizer/summary/' );
		expect( summary ).toEqual( figures );
	} );
} );

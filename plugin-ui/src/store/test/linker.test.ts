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
import { LINKER, postRef } from '../linker';

const row = ( documentId: number, title: string ) => ( {
	document_id: documentId,
	content_id: null,
	post_id: documentId + 100,
	title,
	url: `https://site.test/?p=${ documentId + 100 }`,
	status: 'publish',
	post_type: 'post',
	inbound: 0,
	outbound: 2,
	open_suggestions: 1,
} );

function cloudAnswering( body: unknown ) {
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
			return {
				ok: true,
				status: 200,
				json: async () => body,
			} as Response;
		} )
	);
	return urls;
}

afterEach( () => setClient( null ) );

describe( 'postRef', () => {
	it( 'names IGNY8 content by its content id, other posts by their WordPress id', () => {
		expect( postRef( { content_id: 7, post_id: 12 } ) ).toEqual( {
			content_id: 7,
		} );
		expect( postRef( { content_id: null, post_id: 12 } ) ).toEqual( {
			post_id: 12,
		} );
		expect( postRef( { content_id: null, post_id: null } ) ).toBeNull();
	} );
} );

describe( 'the linker store', () => {
	it( 'lists the index’s posts under their document id, for the query asked', async () => {
		const urls = cloudAnswering( {
			success: true,
			count: 2,
			next: null,
			previous: null,
			results: [ row( 4, 'Composting' ), row( 9, 'Tomatoes' ) ],
		} );
		const query = { filter: 'orphans', page: 1, page_size: 25 };
		const page = await resolveSelect( LINKER ).getPosts( query );
		expect( page.count ).toBe( 2 );
		expect(
			page.items.map( ( item: { id: number; title: string } ) => [
				item.id,
				item.title,
			] )
		).toEqual( [
			[ 4, 'Composting' ],
			[ 9, 'Tomatoes' ],
		] );
		expect( urls ).toEqual( [
			'https://cloud.test/api/v1/linker/posts/?filter=orphans&page=1&page_size=25',
		] );
	} );

	it( 'keeps the report’s failure in words for the screen', async () => {
		const manager = new SessionManager( async () => {
			throw new Error( 'no session' );
		} );
		setClient( new CloudClient( manager ) );
		await resolveSelect( LINKER ).getReport();
		expect( select( LINKER ).getReport() ).toBeNull();
		expect( select( LINKER ).getReportError() ).toEqual(
			expect.any( String )
		);
	} );
} );

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BRIDGE_ROUTES, bridgePostWriteSchema } from '@igny8/shared-types';
import { GENERATED, staleFiles } from '../../scripts/contract';
import {
	bridgeContract,
	wordpressArgs,
} from '../../shared-types/src/bridge-contract';
import { BRIDGE_EXAMPLES } from '../../shared-types/src/bridge-examples';
import type { OutboundClient } from '../src/net/outbound';
import { WpClient, WpClientError } from '../src/modules/integration/wp-client';

const ROOT = path.resolve( __dirname, '../..' );

describe( 'the bridge contract', () => {
	describe.each( Object.entries( BRIDGE_EXAMPLES ) )(
		'%s',
		( name, examples ) => {
			const schema =
				BRIDGE_ROUTES[ name as keyof typeof BRIDGE_ROUTES ].request!;

			it.each(
				examples!.valid.map( ( e ) => [ e.name, e.input ] as const )
			)( 'accepts %s', ( _, input ) => {
				expect( schema.safeParse( input ).error ).toBeUndefined();
			} );
			it.each(
				examples!.invalid.map( ( e ) => [ e.name, e.input ] as const )
			)( 'refuses %s', ( _, input ) => {
				expect( schema.safeParse( input ).success ).toBe( false );
			} );
		}
	);

	it( 'is checked in as the source makes it, for the plugin and its tests', () => {
		expect( staleFiles( ROOT ) ).toEqual( [] );
	} );

	it( 'notices a generated file that was edited or not regenerated', () => {
		const copy = fs.mkdtempSync(
			path.join( os.tmpdir(), 'igny8-contract-' )
		);
		try {
			for ( const [ file, make ] of Object.entries( GENERATED ) ) {
				fs.mkdirSync( path.dirname( path.join( copy, file ) ), {
					recursive: true,
				} );
				fs.writeFileSync( path.join( copy, file ), make() );
			}
			expect( staleFiles( copy ) ).toEqual( [] );
			const contract = path.join(
				copy,
				'plugin/src/Contract/bridge-contract.json'
			);
			fs.writeFileSync(
				contract,
				fs
					.readFileSync( contract, 'utf8' )
					.replace( '"maxItems": 50', '"maxItems": 60' )
			);
			expect( staleFiles( copy ) ).toEqual( [
				'plugin/src/Contract/bridge-contract.json',
			] );
		} finally {
			fs.rmSync( copy, { recursive: true, force: true } );
		}
	} );

	it( 'gives WordPress args it enforces: required per field, nullable as a type list, closed nested objects', () => {
		const args = wordpressArgs( bridgePostWriteSchema );
		expect( args.content_id ).toEqual( {
			type: 'integer',
			minimum: 1,
			required: true,
		} );
		expect( args.task_id ).toEqual( {
			type: [ 'integer', 'null' ],
			minimum: 1,
		} );
		expect( args.force ).toEqual( { type: 'boolean', default: false } );
		expect( args.images ).toMatchObject( {
			type: 'array',
			maxItems: 50,
			items: {
				type: 'object',
				required: [ 'url' ],
				additionalProperties: false,
			},
		} );
		expect( JSON.stringify( bridgeContract() ) ).not.toContain( 'anyOf' );
	} );

	it( 'stops a post the site would refuse before sending it, naming the field', async () => {
		const fetch = jest.fn();
		const wp = new WpClient( {
			restUrl: 'https://shop.example.test/wp-json/',
			keyId: 1,
			signingSecret: 'a'.repeat( 64 ),
			outbound: { fetch } as unknown as OutboundClient,
		} );
		const refused = await wp
			.upsertPost( {
				content_id: 1,
				title: 'Post',
				content_html: '<p>x</p>',
				featured_image: { url: 'javascript:alert(1)' },
			} )
			.catch( ( e: unknown ) => e );
		expect( refused ).toBeInstanceOf( WpClientError );
		expect( ( refused as Error ).message ).toBe(
			'The post cannot be sent: featured_image.url: must be an http(s) address.'
		);
		expect( fetch ).not.toHaveBeenCalled();
	} );

	it( 'refuses a site answer that does not fit the contract, naming the field', async () => {
		const answer = ( body: unknown ) =>
			new WpClient( {
				restUrl: 'https://shop.example.test/wp-json/',
				keyId: 1,
				signingSecret: 'a'.repeat( 64 ),
				outbound: {
					fetch: async () =>
						new Response(
							JSON.stringify( { success: true, data: body } ),
							{
								status: 200,
							}
						),
				} as unknown as OutboundClient,
			} );
		const page = await answer( {
			items: [ { wp_post_id: 'seven' } ],
			next_cursor: null,
		} )
			.exportPosts( { perPage: 10 } )
			.catch( ( e: unknown ) => e );
		expect( ( page as Error ).message ).toBe(
			"The site's post export does not fit the bridge contract (items.0.wp_post_id: Invalid input: expected number, received string): update IGNY8 Bridge on the site."
		);
		const pushed = await answer( {
			post_id: 5,
			url: 'javascript:alert(1)',
			status: 'publish',
			content_hash: 'a'.repeat( 64 ),
			modified_gmt: '2026-11-26T12:00:00Z',
			featured_media_id: null,
		} ).upsertPost( { content_id: 1, title: 'Post', content_html: 'x' } );
		// The answer fits; an address that is not http(s) is still not kept.
		expect( pushed ).toMatchObject( { post_id: 5, url: '' } );
	} );
} );

import { parse } from 'csv-parse/sync';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { z } from 'zod';
import { apiRoutes } from '../src/app';
import type { AnyRoute } from '../src/http/route';
import { addTenant, bearer, type Tenant, pairedCredentials } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

/**
 * Hostile input: JSON keys that name Object.prototype members, bodies with
 * fields nobody declared, and text that a spreadsheet would run as a formula.
 */

let cloud: TestCloud;
let tenant: Tenant;

beforeAll( async () => {
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{},
		{ workers: false }
	);
	tenant = await addTenant( cloud, 'Hostile input' );
} );

afterAll( async () => {
	await cloud?.stop();
} );

const withBody = () =>
	apiRoutes( cloud.context ).filter( ( spec ) => spec.body !== undefined );

/** Any path parameter filled with a plausible value: validation runs before any lookup. */
const urlOf = ( spec: AnyRoute ) =>
	`/api/v1${ spec.path.replace( /:(\w+)/g, ( _m, name: string ) =>
		name === 'key' ? 'generate_ideas' : '999999'
	) }`;

/** Routes only a site key may call answer a person 403 before reading the body. */
const callerOf = ( spec: AnyRoute ) =>
	spec.permission === 'site_sync'
		? { 'X-IGNY8-API-Key': tenant.apiKey }
		: bearer( tenant.owner );

describe( 'prototype keys in a JSON body', () => {
	it.each( [
		'constructor',
		'toString',
		'__proto__',
		'hasOwnProperty',
		'valueOf',
	] )(
		'“%s” is refused as an unknown field by every route with a body, never a 500',
		async ( key ) => {
			const routes = withBody();
			expect( routes.length ).toBeGreaterThan( 40 );
			const outcomes: string[] = [];
			for ( const spec of routes ) {
				// Raw JSON: an object literal cannot carry an own `__proto__` key.
				const response = await request( cloud.app )
					[ spec.method ]( urlOf( spec ) )
					.set( callerOf( spec ) )
					.set( 'Content-Type', 'application/json' )
					.send( `{"${ key }": {"polluted": true}}` );
				const named =
					response.body?.errors &&
					Object.hasOwn( response.body.errors, key ) &&
					response.body.errors[ key ][ 0 ] ===
						'is not a recognised field';
				outcomes.push(
					`${ spec.method } ${ spec.path } → ${ response.status }${ named ? ' naming it' : '' }`
				);
			}
			expect( outcomes ).toEqual(
				routes.map(
					( spec ) =>
						`${ spec.method } ${ spec.path } → 400 naming it`
				)
			);
			// Nothing was polluted along the way.
			expect(
				( {} as Record< string, unknown > ).polluted
			).toBeUndefined();
		}
	);

	it( 'is refused inside nested objects too', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/auth/site-session/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.set( 'Content-Type', 'application/json' )
			.send(
				'{"wp_user": {"id": 1, "login": "a", "display_name": "A", "constructor": 1}, "role": "viewer"}'
			)
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			'wp_user.constructor': [ 'is not a recognised field' ],
		} );
	} );
} );

describe( 'what the fuzz found', () => {
	const envelope = {
		success: false,
		error: expect.any( String ),
		request_id: expect.any( String ),
	};

	it( 'answers a body that does not inflate with 400 in the envelope', async () => {
		for ( const encoding of [ 'gzip', 'deflate', 'br' ] ) {
			const response = await request( cloud.app )
				.patch( '/api/v1/writer/tasks/1/' )
				.set( bearer( tenant.owner ) )
				.set( 'Content-Type', 'application/json' )
				.set( 'Content-Encoding', encoding )
				.send( '{"title": "not compressed"}' );
			expect( { encoding, status: response.status } ).toEqual( {
				encoding,
				status: 400,
			} );
			expect( response.body ).toMatchObject( {
				...envelope,
				code: 'bad_request',
			} );
		}
	} );

	it( 'refuses the NUL character, which PostgreSQL cannot store, in bodies, maps and queries, naming the field', async () => {
		const auth = bearer( tenant.owner );
		const extra = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				keyword: 'fine',
				extra: { note: 'a\u0000b' },
			} )
			.expect( 400 );
		expect( extra.body.errors ).toEqual( {
			'extra.note': [ 'may not contain the NUL character (U+0000)' ],
		} );
		const title = await request( cloud.app )
			.post( '/api/v1/writer/tasks/' )
			.set( auth )
			.send( { sector_id: tenant.sectorId, title: 'x\u0000y' } )
			.expect( 400 );
		expect( Object.keys( title.body.errors ) ).toEqual( [ 'title' ] );
		const search = await request( cloud.app )
			.get( '/api/v1/planner/keywords/?search=%00' )
			.set( auth )
			.expect( 400 );
		expect( Object.keys( search.body.errors ) ).toEqual( [ 'search' ] );
		expect(
			await cloud.context.models.Task.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 0 );
	} );

	it( 'answers 409, not 500, when the site to ask for its structure does not answer', async () => {
		const { models } = cloud.context;
		const integration = await models.SiteIntegration.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			platform: 'wordpress',
			// A closed port: the call is refused at once.
			config_json: { rest_url: 'http://127.0.0.1:9/wp-json/' },
			credentials_json: pairedCredentials(
				cloud,
				tenant.apiKey,
				tenant.keyId
			),
		} );
		const response = await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ integration.id }/update-structure/`
			)
			.set( bearer( tenant.owner ) )
			.send( {} );
		expect( response.status ).toBe( 409 );
		expect( response.body ).toMatchObject( {
			...envelope,
			code: 'site_unavailable',
		} );
		expect( response.body.error ).toMatch( /could not be reached/ );
		await integration.destroy();
	} );

	it( 'answers a path that does not decode with 400 in the envelope', async () => {
		const response = await request( cloud.app )
			.get( '/api/v1/planner/keywords/%E0%A4%A/' )
			.set( bearer( tenant.owner ) );
		expect( response.status ).toBe( 400 );
		expect( response.body ).toMatchObject( envelope );
	} );

	it( 'answers 401, not 500, to a token of ours whose claims are not usable ids', async () => {
		const sign = ( claims: object ) =>
			jwt.sign( claims, cloud.context.secrets.jwtSecret, {
				algorithm: 'HS256',
				issuer: 'igny8-cloud',
				audience: 'igny8-api',
				expiresIn: 60,
			} );
		for ( const claims of [
			{
				sub: '1e400',
				account_id: 1,
				role: 'owner',
				sid: '00000000-0000-0000-0000-000000000000',
			},
			{ sub: '1', account_id: 1, role: 'owner', sid: 'not-a-uuid' },
			{ sub: '1', account_id: 1.5, role: 'owner', sid: 'x' },
			{
				sub: 'wp:1:1',
				account_id: 1,
				role: 'constructor',
				site_id: 1,
				kid: 1,
				wp_user: { id: 1, login: 'a', display_name: 'A' },
			},
			{
				sub: 'wp:1:1',
				account_id: 1,
				role: 'admin',
				site_id: 1,
				kid: 1e20,
				wp_user: { id: 1, login: 'a', display_name: 'A' },
			},
		] ) {
			const response = await request( cloud.app )
				.get( '/api/v1/planner/keywords/' )
				.set( 'Authorization', `Bearer ${ sign( claims ) }` );
			expect( { claims, status: response.status } ).toEqual( {
				claims,
				status: 401,
			} );
			expect( response.body ).toMatchObject( envelope );
		}
	} );
} );

describe( 'body schemas', () => {
	/** Objects with named fields must refuse the rest; maps (records) are open by design. */
	function looseObjects( node: unknown, path = '' ): string[] {
		if ( ! node || typeof node !== 'object' ) {
			return [];
		}
		const here = node as Record< string, unknown >;
		const loose =
			here.type === 'object' &&
			here.properties !== undefined &&
			here.additionalProperties !== false
				? [ path || '(root)' ]
				: [];
		return [
			...loose,
			...Object.entries( here ).flatMap( ( [ key, child ] ) =>
				looseObjects( child, `${ path }/${ key }` )
			),
		];
	}

	it( 'refuse unknown fields on every route (strict objects)', () => {
		const loose = withBody().flatMap( ( spec ) =>
			looseObjects(
				z.toJSONSchema( spec.body!, {
					io: 'input',
					unrepresentable: 'any',
				} )
			).map( ( where ) => `${ spec.method } ${ spec.path } ${ where }` )
		);
		expect( loose ).toEqual( [] );
	} );
} );

describe( 'CSV exports', () => {
	it( 'neutralize every text cell a spreadsheet would run as a formula, and keep numbers numbers', async () => {
		const auth = bearer( tenant.owner );
		const keyword = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( auth )
			.send( {
				sector_id: tenant.sectorId,
				keyword: '-2+3 running shoes',
				search_volume: 1200,
			} )
			.expect( 201 );
		const hostile = [
			"-2+3+cmd|' /C calc'!A0",
			'=1+1',
			'+1+1',
			'@SUM(A1)',
			'\tcmd',
			'\rcmd',
		];
		for ( const [ i, description ] of hostile.entries() ) {
			await request( cloud.app )
				.post( '/api/v1/planner/clusters/' )
				.set( auth )
				.send( {
					sector_id: tenant.sectorId,
					name: i === 0 ? '-1 cluster' : `Cluster ${ i }`,
					description,
					keyword_ids: i === 0 ? [ keyword.body.data.id ] : [],
				} )
				.expect( 201 );
		}
		const clusters = await request( cloud.app )
			.get(
				`/api/v1/planner/clusters/export/?sector_id=${ tenant.sectorId }`
			)
			.set( auth )
			.expect( 200 );
		const rows = parse( clusters.text, { columns: true } ) as Record<
			string,
			string
		>[];
		expect( rows.map( ( r ) => r.description ) ).toEqual(
			hostile.map( ( text ) => `'${ text }` )
		);
		expect( rows[ 0 ] ).toMatchObject( {
			cluster: "'-1 cluster",
			keywords: "'-2+3 running shoes",
			keyword_count: '1',
			total_volume: '1200',
		} );
		// Numeric columns are written as bare numbers.
		expect( clusters.text.split( '\n' )[ 1 ] ).toMatch( /,1,1200,/ );
		const keywords = await request( cloud.app )
			.get(
				`/api/v1/planner/keywords/export/?sector_id=${ tenant.sectorId }`
			)
			.set( auth )
			.expect( 200 );
		const [ row ] = parse( keywords.text, { columns: true } ) as Record<
			string,
			string
		>[];
		expect( row ).toMatchObject( {
			keyword: "'-2+3 running shoes",
			search_volume: '1200',
			cluster: "'-1 cluster",
		} );
	} );
} );

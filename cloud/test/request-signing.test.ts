import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import {
	canonicalRequest,
	deriveSigningSecret,
	signRequest,
} from '../src/modules/auth/bridge-signing';
import { WpClient } from '../src/modules/integration/wp-client';
import type { OutboundClient } from '../src/net/outbound';
import { addTenant, bearer, type Tenant } from './fixtures';
import { signedCall, signedHeaders, type SigningKey } from './site-signing';
import { startTestCloud, type TestCloud } from './support';

/**
 * Bridge trust (docs/bridge-protocol.md → Secrets, Authentication): a site
 * key travels once, to pair; every call after is signed with the key's id
 * and the secret derived from it, checked for time, replay and key, and a
 * replaced key retires once the cloud has used the new one plus 300 s.
 */

const TEST_CONNECTION = '/api/v1/integration/integrations/test-connection/';
const EVENTS = '/api/v1/integration/events/';
const CONNECT_BODY = {
	site_url: 'https://signed.example.test',
	rest_url: 'https://signed.example.test/wp-json/',
	metadata: {},
};

const event = () => ( {
	id: randomUUID(),
	type: 'term.changed',
	occurred_at: new Date().toISOString(),
	term: {
		taxonomy: 'category',
		term_id: 3,
		name: 'News',
		slug: 'news',
		action: 'created',
	},
} );

describe( 'signed calls from a paired WordPress site', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;

	const pair = ( key: string ) =>
		request( cloud.app )
			.post( TEST_CONNECTION )
			.set( 'X-IGNY8-API-Key', key )
			.send( CONNECT_BODY );

	const newKey = async ( owner: Tenant ): Promise< SigningKey > => {
		const created = await request( cloud.app )
			.post( `/api/v1/auth/sites/${ owner.siteId }/api-keys/` )
			.set( bearer( owner.owner ) )
			.send( { name: 'rotated' } )
			.expect( 201 );
		return { keyId: created.body.data.id, apiKey: created.body.data.key };
	};

	/** What a refused call must leave as it was. */
	const snapshot = async () => {
		const { models } = cloud.context;
		const integration = await models.SiteIntegration.findOne( {
			where: { site_id: tenant.siteId },
		} );
		const [ counts ] = await cloud.context.db.sequelize.query<
			Record< string, string >
		>(
			`SELECT (SELECT COUNT(*) FROM site_key_requests) AS requests,
			        (SELECT COUNT(*) FROM site_terms) AS terms`,
			{ type: QueryTypes.SELECT }
		);
		const keys = await models.SiteApiKey.findAll( {
			where: { site_id: tenant.siteId },
			order: [ [ 'id', 'ASC' ] ],
		} );
		return JSON.stringify( {
			credentials: integration?.credentials_json,
			counts,
			keys: keys.map( ( k ) => [
				k.id,
				k.signing_secret,
				k.paired_at,
				k.retires_at,
			] ),
		} );
	};

	const expectRefused = async (
		call: request.Test,
		code: string,
		before: string
	) => {
		const response = await call.expect( 401 );
		expect( response.body ).toMatchObject( { success: false, code } );
		expect( response.body.request_id ).toEqual( expect.any( String ) );
		expect( await snapshot() ).toBe( before );
		return response;
	};

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Signed Co' );
		other = await addTenant( cloud, 'Other Signed Co' );
		const paired = await pair( tenant.apiKey ).expect( 200 );
		expect( paired.body.data.key_id ).toBe( tenant.keyId );
		await pair( other.apiKey ).expect( 200 );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'stores only the derived secret, sealed, with the key id', async () => {
		const key = await cloud.context.models.SiteApiKey.findByPk(
			tenant.keyId
		);
		expect( key!.paired_at ).toBeInstanceOf( Date );
		expect( key!.signing_secret ).not.toContain(
			deriveSigningSecret( tenant.apiKey )
		);
		const integration = await cloud.context.models.SiteIntegration.findOne(
			{ where: { site_id: tenant.siteId } }
		);
		expect( Object.keys( integration!.credentials_json ).sort() ).toEqual( [
			'key_id',
			'key_prefix',
			'signing_secret',
		] );
		expect( JSON.stringify( integration!.credentials_json ) ).not.toContain(
			tenant.apiKey
		);
	} );

	it( 'accepts a correctly signed call, with and without a body', async () => {
		const sent = event();
		const response = await signedCall( cloud.app, tenant, 'post', EVENTS, {
			events: [ sent ],
		} ).expect( 200 );
		expect( response.body.data.accepted ).toEqual( [ sent.id ] );
		const list = await signedCall(
			cloud.app,
			tenant,
			'get',
			'/api/v1/integration/integrations/?platform=wordpress'
		).expect( 200 );
		expect( list.body.results ).toHaveLength( 1 );
		// A signed test-connection refreshes the integration and keeps the pairing.
		const refreshed = await signedCall(
			cloud.app,
			tenant,
			'post',
			TEST_CONNECTION,
			CONNECT_BODY
		).expect( 200 );
		expect( refreshed.body.data.key_id ).toBe( tenant.keyId );
	} );

	it( 'refuses a wrong signature, a wrong key id, a stale timestamp and a malformed request, changing nothing', async () => {
		const before = await snapshot();
		const body = { events: [ event() ] };
		const cases: [ string, Parameters< typeof signedCall >[ 5 ] ][] = [
			[ 'forged', { signature: 'f'.repeat( 64 ) } ],
			[ 'another key’s secret', { key: other.apiKey } ],
			[ 'the key instead of its derived secret', { signature: '' } ],
			[ 'another site’s key id', { keyId: String( other.keyId ) } ],
			[ 'an unknown key id', { keyId: '999999' } ],
			[ 'a malformed key id', { keyId: '12abc' } ],
			[
				'a stale timestamp',
				{ timestamp: String( Math.floor( Date.now() / 1000 ) - 360 ) },
			],
			[
				'a future timestamp',
				{ timestamp: String( Math.floor( Date.now() / 1000 ) + 360 ) },
			],
			[ 'a malformed request id', { requestId: 'x' } ],
		];
		for ( const [ what, overrides ] of cases ) {
			const signature =
				what === 'the key instead of its derived secret'
					? undefined
					: overrides?.signature;
			const call =
				what === 'the key instead of its derived secret'
					? ( () => {
							const raw = JSON.stringify( body );
							const headers = signedHeaders(
								tenant,
								'POST',
								EVENTS,
								raw
							);
							headers[ 'X-IGNY8-Signature' ] = signRequest(
								tenant.apiKey,
								canonicalRequest( {
									method: 'POST',
									route: EVENTS,
									query: {},
									timestamp: headers[ 'X-IGNY8-Timestamp' ]!,
									requestId: headers[ 'X-IGNY8-Request-Id' ]!,
									body: raw,
								} )
							);
							return request( cloud.app )
								.post( EVENTS )
								.set( headers )
								.send( raw );
						} )()
					: signedCall( cloud.app, tenant, 'post', EVENTS, body, {
							...overrides,
							...( signature ? { signature } : {} ),
						} );
			const response = await call;
			expect( [ what, response.status, response.body.code ] ).toEqual( [
				what,
				401,
				'invalid_signature',
			] );
		}
		// A body changed after signing.
		const raw = JSON.stringify( body );
		const headers = signedHeaders( tenant, 'POST', EVENTS, raw );
		await expectRefused(
			request( cloud.app )
				.post( EVENTS )
				.set( headers )
				.send( JSON.stringify( { events: [ event() ] } ) ),
			'invalid_signature',
			before
		);
		expect( await snapshot() ).toBe( before );
	} );

	it( 'refuses a replayed request id, and of two racing copies exactly one passes', async () => {
		const raw = JSON.stringify( { events: [ event() ] } );
		const headers = signedHeaders( tenant, 'POST', EVENTS, raw );
		const send = () =>
			request( cloud.app ).post( EVENTS ).set( headers ).send( raw );
		await send().expect( 200 );
		const before = await snapshot();
		const replay = await expectRefused(
			send(),
			'invalid_signature',
			before
		);
		expect( replay.body.error ).toBe(
			'This request was already received.'
		);

		const racing = JSON.stringify( { events: [ event() ] } );
		const copy = signedHeaders( tenant, 'POST', EVENTS, racing );
		const answers = await Promise.all(
			Array.from( { length: 6 }, () =>
				request( cloud.app ).post( EVENTS ).set( copy ).send( racing )
			)
		);
		expect(
			answers.map( ( a ) => a.status ).sort( ( x, y ) => x - y )
		).toEqual( [ 200, 401, 401, 401, 401, 401 ] );
	} );

	it( 'prunes request ids older than twice the window as new ones arrive', async () => {
		const { sequelize } = cloud.context.db;
		await sequelize.query(
			`INSERT INTO site_key_requests (site_id, request_id, seen_at)
			 VALUES (:site, 'old-request-id', NOW() - INTERVAL '601 seconds'),
			        (:site, 'recent-request-id', NOW() - INTERVAL '100 seconds')`,
			{ replacements: { site: tenant.siteId } }
		);
		await signedCall(
			cloud.app,
			tenant,
			'get',
			'/api/v1/integration/integrations/'
		).expect( 200 );
		const ids = await sequelize.query< { request_id: string } >(
			`SELECT request_id FROM site_key_requests WHERE site_id = :site AND request_id LIKE '%-request-id'`,
			{ replacements: { site: tenant.siteId }, type: QueryTypes.SELECT }
		);
		expect( ids.map( ( r ) => r.request_id ) ).toEqual( [
			'recent-request-id',
		] );
	} );

	it( 'refuses the plain key once the site has paired, anywhere, and changes nothing', async () => {
		const before = await snapshot();
		await expectRefused(
			request( cloud.app )
				.post( EVENTS )
				.set( 'X-IGNY8-API-Key', tenant.apiKey )
				.send( { events: [ event() ] } ),
			'site_key_paired',
			before
		);
		// Not even to pair again: a paired key never travels again.
		await expectRefused( pair( tenant.apiKey ), 'site_key_paired', before );
		await expectRefused(
			request( cloud.app )
				.get( '/api/v1/integration/integrations/' )
				.set( 'X-IGNY8-API-Key', tenant.apiKey ),
			'site_key_paired',
			before
		);
		// A signed call that carries the key too.
		await expectRefused(
			signedCall(
				cloud.app,
				tenant,
				'post',
				EVENTS,
				{ events: [ event() ] },
				{ plainKey: tenant.apiKey }
			),
			'invalid_signature',
			before
		);
	} );

	it( 'rotates without downtime: the old secret is accepted until the cloud has used the new one plus 300 s, then refused', async () => {
		const { models } = cloud.context;
		const next = await newKey( tenant );
		// A key of a paired site that has not paired itself is sent in plain only to pair.
		const before = await snapshot();
		await expectRefused(
			request( cloud.app )
				.post( EVENTS )
				.set( 'X-IGNY8-API-Key', next.apiKey )
				.send( { events: [ event() ] } ),
			'site_key_paired',
			before
		);
		const paired = await pair( next.apiKey ).expect( 200 );
		expect( paired.body.data.key_id ).toBe( next.keyId );

		// The cloud has not used the new key yet: calls signed with the old one still pass.
		const old: SigningKey = tenant;
		await signedCall( cloud.app, old, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		await signedCall( cloud.app, next, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		expect(
			( await models.SiteApiKey.findByPk( old.keyId ) )!.retires_at
		).toBeNull();

		// The cloud calls the site, signed with the new key, and the site accepts.
		const integration = await models.SiteIntegration.findOne( {
			where: { site_id: tenant.siteId },
		} );
		const seen: Record< string, string >[] = [];
		const fakeSite = {
			fetch: async ( _url: URL, init: RequestInit ) => {
				seen.push( init.headers as Record< string, string > );
				return new Response(
					JSON.stringify( { success: true, data: { ok: 1 } } ),
					{ status: 200 }
				);
			},
		} as unknown as OutboundClient;
		const client = cloud.context.services.integrations.clientFor(
			integration!
		);
		(
			client as unknown as { options: { outbound: OutboundClient } }
		 ).options.outbound = fakeSite;
		await client.siteMetadata();
		expect( seen[ 0 ]![ 'X-IGNY8-Key-Id' ] ).toBe( String( next.keyId ) );
		expect( seen[ 0 ] ).not.toHaveProperty( 'X-IGNY8-API-Key' );
		const retires = ( await models.SiteApiKey.findByPk( old.keyId ) )!
			.retires_at!;
		expect( retires.getTime() - Date.now() ).toBeGreaterThan( 290_000 );
		expect( retires.getTime() - Date.now() ).toBeLessThanOrEqual( 300_000 );
		expect(
			( await models.SiteApiKey.findByPk( next.keyId ) )!.retires_at
		).toBeNull();

		// Within the window the old secret still passes…
		await signedCall( cloud.app, old, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		// …and once it has gone by, it is refused; the new one is not.
		await models.SiteApiKey.update(
			{ retires_at: new Date( Date.now() - 1000 ) },
			{ where: { id: old.keyId } }
		);
		const after = await snapshot();
		await expectRefused(
			signedCall( cloud.app, old, 'post', EVENTS, {
				events: [ event() ],
			} ),
			'invalid_signature',
			after
		);
		await signedCall( cloud.app, next, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		// A site session opened with the retired key ends with it.
		tenant = { ...tenant, keyId: next.keyId, apiKey: next.apiKey };
	} );

	it( 'signs the cloud’s calls to the site with the key id and derived secret, never the key', async () => {
		const calls: { url: URL; init: RequestInit }[] = [];
		const confirmed: number[] = [];
		const client = new WpClient( {
			restUrl: 'https://signed.example.test/wp-json/',
			keyId: 7,
			signingSecret: deriveSigningSecret( 'ig8_the_key' ),
			outbound: {
				fetch: async ( url: URL, init: RequestInit ) => {
					calls.push( { url, init } );
					return new Response( '{"success":true,"data":{}}', {
						status: 200,
					} );
				},
			} as unknown as OutboundClient,
			onAuthenticated: async () => {
				confirmed.push( 1 );
			},
		} );
		await client.siteMetadata();
		await client.siteMetadata();
		const headers = calls[ 0 ]!.init.headers as Record< string, string >;
		expect( headers ).not.toHaveProperty( 'X-IGNY8-API-Key' );
		expect( JSON.stringify( calls ) ).not.toContain( 'ig8_the_key' );
		expect( headers[ 'X-IGNY8-Key-Id' ] ).toBe( '7' );
		expect( headers[ 'X-IGNY8-Signature' ] ).toBe(
			signRequest(
				deriveSigningSecret( 'ig8_the_key' ),
				canonicalRequest( {
					method: 'GET',
					route: '/igny8/v1/site-metadata',
					query: {},
					timestamp: headers[ 'X-IGNY8-Timestamp' ]!,
					requestId: headers[ 'X-IGNY8-Request-Id' ]!,
					body: '',
				} )
			)
		);
		// Told once that the site accepted the new key.
		expect( confirmed ).toEqual( [ 1 ] );
	} );

	it( 'retires at once the keys an earlier pairing had replaced, and refuses a revoked key on the next call', async () => {
		const { models } = cloud.context;
		const third = await newKey( tenant );
		await pair( third.apiKey ).expect( 200 );
		// `tenant` now holds the second key: it stays until the cloud uses the third.
		await signedCall( cloud.app, tenant, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		const first = await models.SiteApiKey.findAll( {
			where: { site_id: tenant.siteId },
			order: [ [ 'id', 'ASC' ] ],
		} );
		expect( first[ 0 ]!.retires_at!.getTime() ).toBeLessThanOrEqual(
			Date.now()
		);
		expect(
			first.find( ( k ) => k.id === tenant.keyId )!.retires_at
		).toBeNull();

		await signedCall( cloud.app, third, 'post', EVENTS, {
			events: [ event() ],
		} ).expect( 200 );
		await request( cloud.app )
			.delete(
				`/api/v1/auth/sites/${ tenant.siteId }/api-keys/${ third.keyId }/`
			)
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		const before = await snapshot();
		await expectRefused(
			signedCall( cloud.app, third, 'post', EVENTS, {
				events: [ event() ],
			} ),
			'invalid_signature',
			before
		);
	} );
} );

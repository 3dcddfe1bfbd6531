import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AiProviderError, downloadImage } from '../src/modules/ai/provider';
import { ConfigError, loadConfig } from '../src/config';
import { encryptSecret } from '../src/modules/auth/crypto';
import { WpClient, WpClientError } from '../src/modules/integration/wp-client';
import { addressKind, parseAllowList } from '../src/net/address-policy';
import {
	OUTBOUND_LIMITS,
	OutboundClient,
	OutboundError,
	type OutboundLimits,
	type Resolver,
} from '../src/net/outbound';
import { addTenant, bearer, type Tenant, pairedCredentials } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * The cloud's outbound client: every request to an address a tenant chose
 * (a site's REST URL, an AI base URL, an image link) refuses internal
 * addresses unless IGNY8_OUTBOUND_ALLOW lists them, checks the address it
 * connects to, re-checks redirects, and caps size and time. A recorder is
 * an HTTP server on loopback that notes every request it gets: where the
 * cloud must not go, it must stay empty.
 */

type Recorded = {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
};
type Recorder = {
	url: string;
	port: number;
	requests: Recorded[];
	close(): Promise< void >;
};

async function recorder(
	handler: ( req: http.IncomingMessage, res: http.ServerResponse ) => void = (
		_req,
		res
	) => {
		res.writeHead( 200, { 'Content-Type': 'application/json' } );
		res.end( '{}' );
	}
): Promise< Recorder > {
	const requests: Recorded[] = [];
	const server = http.createServer( ( req, res ) => {
		requests.push( {
			method: req.method ?? '',
			url: req.url ?? '',
			headers: req.headers,
		} );
		handler( req, res );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${ port }`,
		port,
		requests,
		close: () =>
			new Promise< void >( ( resolve ) => {
				server.closeAllConnections();
				server.close( () => resolve() );
			} ),
	};
}

/** A port nothing listens on. */
async function closedPort(): Promise< number > {
	const probe = await recorder();
	await probe.close();
	return probe.port;
}

const LIMITS: OutboundLimits = {
	maxBytes: 1024 * 1024,
	timeoutMs: 5_000,
	maxRedirects: 3,
};

/** Answers every name with `answers(name, call)`; counts the lookups. */
function fakeResolver(
	answers: ( name: string, call: number ) => string[]
): Resolver & { calls: string[] } {
	const calls: string[] = [];
	const resolve = async ( name: string ) => {
		calls.push( name );
		return answers( name, calls.length ).map( ( address ) => ( {
			address,
			family: address.includes( ':' ) ? 6 : 4,
		} ) );
	};
	return Object.assign( resolve, { calls } );
}

async function refusal(
	promise: Promise< unknown >
): Promise< OutboundError > {
	const error = await promise.then(
		() => undefined,
		( e: unknown ) => e
	);
	expect( error ).toBeInstanceOf( OutboundError );
	return error as OutboundError;
}

describe( 'the outbound client', () => {
	let a: Recorder;
	let b: Recorder;
	const clients: OutboundClient[] = [];
	const client = ( allow = '', resolver?: Resolver ) => {
		const made = new OutboundClient( {
			allow: parseAllowList( allow ),
			resolver,
		} );
		clients.push( made );
		return made;
	};

	beforeAll( async () => {
		a = await recorder( ( req, res ) => {
			res.writeHead( 200, { 'Content-Type': 'text/plain' } );
			res.end( `a saw ${ req.headers.host }` );
		} );
		b = await recorder();
	} );
	beforeEach( () => {
		a.requests.length = 0;
		b.requests.length = 0;
	} );
	afterAll( async () => {
		await Promise.all( clients.map( ( c ) => c.close() ) );
		await a?.close();
		await b?.close();
	} );

	it( 'classifies every internal address kind, IPv4-mapped and NAT64 forms included', () => {
		const cases: [ string, string ][] = [
			[ '93.184.216.34', 'public' ],
			[ '2606:4700:4700::1111', 'public' ],
			[ '127.0.0.1', 'loopback' ],
			[ '127.8.9.10', 'loopback' ],
			[ '::1', 'loopback' ],
			[ '10.1.2.3', 'private' ],
			[ '172.16.0.1', 'private' ],
			[ '192.168.1.1', 'private' ],
			[ '100.64.0.1', 'carrier_nat' ],
			[ '169.254.1.1', 'link_local' ],
			[ 'fe80::1', 'link_local' ],
			[ 'fc00::1', 'unique_local' ],
			[ 'fd12:3456::1', 'unique_local' ],
			[ '224.0.0.1', 'multicast' ],
			[ 'ff02::1', 'multicast' ],
			[ '0.0.0.0', 'unspecified' ],
			[ '::', 'unspecified' ],
			[ '255.255.255.255', 'broadcast' ],
			[ '169.254.169.254', 'metadata' ],
			[ 'fd00:ec2::254', 'metadata' ],
			[ '100.100.100.200', 'metadata' ],
			[ '::ffff:127.0.0.1', 'loopback' ],
			[ '::ffff:10.0.0.1', 'private' ],
			[ '::ffff:169.254.169.254', 'metadata' ],
			[ '64:ff9b::7f00:1', 'loopback' ],
			[ '64:ff9b::a00:1', 'private' ],
			[ '64:ff9b::5db8:d822', 'public' ],
			[ '192.0.2.1', 'reserved' ],
			[ '2001:db8::1', 'reserved' ],
		];
		expect(
			cases.map( ( [ address ] ) => [ address, addressKind( address ) ] )
		).toEqual( cases );
	} );

	it( 'refuses a loopback address before connecting, and says how to allow it', async () => {
		const error = await refusal(
			client().fetch( `${ b.url }/`, {}, LIMITS )
		);
		expect( error.kind ).toBe( 'refused' );
		expect( error.message ).toBe(
			'127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW).'
		);
		expect( b.requests ).toEqual( [] );
	} );

	it( 'refuses names that resolve to internal addresses, and cloud metadata names whatever they resolve to', async () => {
		const table: Record< string, string > = {
			'private.test': '10.0.0.5',
			'cgnat.test': '100.64.1.1',
			'linklocal.test': '169.254.10.10',
			'metadata.test': '169.254.169.254',
			'mapped.test': '::ffff:127.0.0.1',
			'nat64.test': '64:ff9b::a00:5',
			'ula.test': 'fd00::5',
			'aws6.test': 'fd00:ec2::254',
			'zero.test': '0.0.0.0',
			'multicast.test': '239.1.1.1',
			'metadata.google.internal': '93.184.216.34',
		};
		const outbound = client(
			'',
			fakeResolver( ( name ) => [ table[ name ] ?? '93.184.216.34' ] )
		);
		const verdicts: Record< string, string > = {};
		for ( const name of Object.keys( table ) ) {
			const error = await refusal(
				outbound.check( `https://${ name }/wp-json/` )
			);
			verdicts[ name ] = error.reason.split( ', which' )[ 0 ]!;
		}
		expect( verdicts ).toEqual( {
			'private.test':
				'private.test resolves to a private network address',
			'cgnat.test':
				'cgnat.test resolves to a shared (carrier-grade NAT) network address',
			'linklocal.test': 'linklocal.test resolves to a link-local address',
			'metadata.test':
				'metadata.test resolves to a cloud metadata service address',
			'mapped.test':
				'mapped.test resolves to a loopback address (this machine)',
			'nat64.test': 'nat64.test resolves to a private network address',
			'ula.test':
				'ula.test resolves to a private (unique-local) IPv6 address',
			'aws6.test':
				'aws6.test resolves to a cloud metadata service address',
			'zero.test': 'zero.test resolves to an unspecified address',
			'multicast.test': 'multicast.test resolves to a multicast address',
			'metadata.google.internal':
				'metadata.google.internal resolves to a cloud metadata service address',
		} );
		// A public answer passes the check (nothing is connected to by a check).
		await expect(
			outbound.check( 'https://public.test/wp-json/' )
		).resolves.toBeUndefined();
		await expect(
			refusal( outbound.check( 'ftp://public.test/' ) )
		).resolves.toMatchObject( {
			kind: 'refused',
			reason: 'ftp: addresses are not fetched; use an http:// or https:// address',
		} );
	} );

	it( 'allows exactly what IGNY8_OUTBOUND_ALLOW lists: a host:port, a host, a CIDR, a name', async () => {
		const hostPort = client( `127.0.0.1:${ a.port }` );
		await expect(
			( await hostPort.fetch( `${ a.url }/x`, {}, LIMITS ) ).text()
		).resolves.toBe( `a saw 127.0.0.1:${ a.port }` );
		expect(
			( await refusal( hostPort.fetch( `${ b.url }/`, {}, LIMITS ) ) )
				.kind
		).toBe( 'refused' );
		expect( b.requests ).toEqual( [] );

		const host = client( '127.0.0.1' );
		expect( ( await host.fetch( `${ a.url }/`, {}, LIMITS ) ).status ).toBe(
			200
		);
		expect( ( await host.fetch( `${ b.url }/`, {}, LIMITS ) ).status ).toBe(
			200
		);
		expect( b.requests ).toHaveLength( 1 );

		const range = client( '127.0.0.0/8' );
		expect(
			( await range.fetch( `${ b.url }/`, {}, LIMITS ) ).status
		).toBe( 200 );
		const otherRange = client( '10.0.0.0/8,::1' );
		await refusal( otherRange.fetch( `${ b.url }/`, {}, LIMITS ) );
		expect( b.requests ).toHaveLength( 2 );

		// A name allows that name (on that port), whatever it resolves to.
		const named = client(
			`wp.internal.test:${ a.port }`,
			fakeResolver( () => [ '127.0.0.1' ] )
		);
		await expect(
			(
				await named.fetch(
					`http://wp.internal.test:${ a.port }/`,
					{},
					LIMITS
				)
			).text()
		).resolves.toBe( `a saw wp.internal.test:${ a.port }` );
		await refusal(
			named.fetch( `http://wp.internal.test:${ b.port }/`, {}, LIMITS )
		);
		await refusal(
			named.fetch( `http://other.test:${ a.port }/`, {}, LIMITS )
		);
		expect( b.requests ).toHaveLength( 2 );

		// A range never opens a metadata address; naming it exactly does.
		const linkLocal = client( '169.254.0.0/16' );
		await expect(
			linkLocal.check( 'http://169.254.10.10/' )
		).resolves.toBeUndefined();
		await refusal( linkLocal.check( 'http://169.254.169.254/' ) );
		await expect(
			client( '169.254.169.254' ).check( 'http://169.254.169.254/' )
		).resolves.toBeUndefined();
	} );

	it( 'reads IGNY8_OUTBOUND_ALLOW once, in the config, and names a bad entry', () => {
		expect(
			loadConfig( {
				IGNY8_OUTBOUND_ALLOW:
					'127.0.0.1:8080, wp.internal ,10.0.0.0/8,[::1]:9',
			} ).outboundAllow.map( ( entry ) => entry.text )
		).toEqual( [
			'127.0.0.1:8080',
			'wp.internal',
			'10.0.0.0/8',
			'[::1]:9',
		] );
		expect( loadConfig( {} ).outboundAllow ).toEqual( [] );
		for ( const [ value, message ] of [
			[
				'wp.internal, not a host!',
				'IGNY8_OUTBOUND_ALLOW has a bad entry "not a host!" (write a host such as wp.internal, a host:port such as 127.0.0.1:8080, or a CIDR such as 10.0.0.0/8)',
			],
			[
				'10.0.0.0/33',
				'IGNY8_OUTBOUND_ALLOW has a bad range "10.0.0.0/33" (write a CIDR such as 10.0.0.0/8 or fd00::/8)',
			],
			[
				'127.0.0.1:70000',
				'IGNY8_OUTBOUND_ALLOW has a bad port in "127.0.0.1:70000" (a port is 1 to 65535)',
			],
		] as const ) {
			expect( () =>
				loadConfig( { IGNY8_OUTBOUND_ALLOW: value } )
			).toThrow( new ConfigError( message ) );
		}
	} );

	it( 'refuses a redirect from an allowed host to a private address; the recorder behind it sees nothing', async () => {
		const redirector = await recorder( ( req, res ) => {
			const to =
				req.url === '/to-b'
					? `${ b.url }/secret`
					: req.url === '/to-metadata'
						? 'http://169.254.169.254/latest/meta-data/'
						: req.url === '/to-file'
							? 'file:///etc/passwd'
							: `/hop${ Number( req.url?.slice( 4 ) || 0 ) + 1 }`;
			res.writeHead( 302, { Location: to } );
			res.end();
		} );
		try {
			const outbound = client( `127.0.0.1:${ redirector.port }` );
			const error = await refusal(
				outbound.fetch( `${ redirector.url }/to-b`, {}, LIMITS )
			);
			expect( error.kind ).toBe( 'refused' );
			expect( b.requests ).toEqual( [] );
			await expect(
				refusal(
					outbound.fetch(
						`${ redirector.url }/to-metadata`,
						{},
						LIMITS
					)
				)
			).resolves.toMatchObject( { kind: 'refused' } );
			await expect(
				refusal(
					outbound.fetch( `${ redirector.url }/to-file`, {}, LIMITS )
				)
			).resolves.toMatchObject( { kind: 'redirect' } );
			// Same-origin hops are followed, at most three.
			const hops = await refusal(
				outbound.fetch( `${ redirector.url }/hop0`, {}, LIMITS )
			);
			expect( hops.message ).toBe( 'It redirected more than 3 times.' );
			expect(
				redirector.requests.filter( ( r ) =>
					r.url.startsWith( '/hop' )
				)
			).toHaveLength( 4 );
			// The image download behind a provider's link goes the same way.
			const image = await downloadImage(
				outbound,
				`${ redirector.url }/to-b`,
				5_000
			).then(
				() => undefined,
				( e: unknown ) => e
			);
			expect( image ).toBeInstanceOf( AiProviderError );
			expect( ( image as Error ).message ).toBe(
				'The generated image could not be downloaded: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW).'
			);
			expect( b.requests ).toEqual( [] );
		} finally {
			await redirector.close();
		}
	} );

	it( 'follows a redirect to another allowed origin without the credentials', async () => {
		const redirector = await recorder( ( _req, res ) => {
			res.writeHead( 307, { Location: `${ b.url }/landed` } );
			res.end();
		} );
		try {
			const outbound = client(
				`127.0.0.1:${ redirector.port },127.0.0.1:${ b.port }`
			);
			const response = await outbound.fetch(
				`${ redirector.url }/start`,
				{
					method: 'POST',
					body: '{"a":1}',
					headers: {
						'Content-Type': 'application/json',
						Authorization: 'Bearer sk-secret',
						'X-IGNY8-API-Key': 'ig8_secret',
					},
				},
				LIMITS
			);
			expect( response.status ).toBe( 200 );
			expect( redirector.requests[ 0 ]!.headers.authorization ).toBe(
				'Bearer sk-secret'
			);
			expect( b.requests ).toHaveLength( 1 );
			expect( b.requests[ 0 ] ).toMatchObject( {
				method: 'POST',
				url: '/landed',
			} );
			expect( b.requests[ 0 ]!.headers.authorization ).toBeUndefined();
			expect(
				b.requests[ 0 ]!.headers[ 'x-igny8-api-key' ]
			).toBeUndefined();
			expect( b.requests[ 0 ]!.headers[ 'content-type' ] ).toBe(
				'application/json'
			);
		} finally {
			await redirector.close();
		}
	} );

	it( 'connects only to the address it checked: a rebinding DNS answer is refused', async () => {
		// First answer public (what a check at submission sees), then loopback.
		const resolver = fakeResolver( ( _name, call ) =>
			call === 1 ? [ '93.184.216.34' ] : [ '127.0.0.1' ]
		);
		const outbound = client( '', resolver );
		const url = `http://rebind.test:${ b.port }/wp-json/`;
		await expect( outbound.check( url ) ).resolves.toBeUndefined();
		const error = await refusal( outbound.fetch( url, {}, LIMITS ) );
		expect( error.reason ).toMatch(
			/^rebind\.test resolves to a loopback address/
		);
		expect( b.requests ).toEqual( [] );
		// One lookup for the check, one for the connection: none in between to race.
		expect( resolver.calls ).toEqual( [ 'rebind.test', 'rebind.test' ] );

		// Allowed: the one lookup's checked address is the one connected to.
		const pinned = fakeResolver( ( _name, call ) =>
			call === 1 ? [ '127.0.0.1' ] : [ '10.9.9.9' ]
		);
		const response = await client( `127.0.0.1:${ a.port }`, pinned ).fetch(
			`http://pinned.test:${ a.port }/`,
			{},
			LIMITS
		);
		await expect( response.text() ).resolves.toBe(
			`a saw pinned.test:${ a.port }`
		);
		expect( pinned.calls ).toEqual( [ 'pinned.test' ] );
	} );

	it( 'cuts off an answer over the cap with a clear error, without reading the rest', async () => {
		const CHUNK = Buffer.alloc( 64 * 1024, 'x' );
		const TOTAL = 256 * 1024 * 1024;
		let written = 0;
		let closed!: () => void;
		const ended = new Promise< void >(
			( resolve ) => ( closed = resolve )
		);
		const endless = await recorder( ( req, res ) => {
			if ( req.url === '/declared' ) {
				res.writeHead( 200, {
					'Content-Length': String( 5 * 1024 * 1024 ),
				} );
				res.end();
				return;
			}
			res.writeHead( 200, {
				'Content-Type': 'application/octet-stream',
			} );
			res.on( 'close', () => closed() );
			const pump = () => {
				while ( written < TOTAL && ! res.destroyed ) {
					written += CHUNK.length;
					if ( ! res.write( CHUNK ) ) {
						res.once( 'drain', pump );
						return;
					}
				}
				res.end();
			};
			pump();
		} );
		try {
			const outbound = client( `127.0.0.1:${ endless.port }` );
			const response = await outbound.fetch(
				`${ endless.url }/stream`,
				{},
				LIMITS
			);
			const error = await refusal( response.arrayBuffer() );
			expect( error.kind ).toBe( 'too_large' );
			expect( error.message ).toBe(
				'The answer is larger than the 1 MB limit.'
			);
			await ended;
			// The connection was dropped long before the server could send it all.
			expect( written ).toBeLessThan( TOTAL / 4 );
			// A declared length over the cap is refused before any of it is read.
			const declared = await refusal(
				outbound.fetch( `${ endless.url }/declared`, {}, LIMITS )
			);
			expect( declared.kind ).toBe( 'too_large' );
		} finally {
			await endless.close();
		}
	} );

	it( 'stops a slow drip, and a server that never answers, at the total deadline', async () => {
		const timers: NodeJS.Timeout[] = [];
		const slow = await recorder( ( req, res ) => {
			if ( req.url === '/silent' ) {
				return;
			}
			res.writeHead( 200, { 'Content-Type': 'text/plain' } );
			let sent = 0;
			const drip = setInterval( () => {
				if ( res.destroyed || sent > 300 ) {
					clearInterval( drip );
					res.end();
					return;
				}
				sent += 1;
				res.write( '.' );
			}, 50 );
			timers.push( drip );
		} );
		try {
			const outbound = client( `127.0.0.1:${ slow.port }` );
			const quick = { ...LIMITS, timeoutMs: 600 };
			const response = await outbound.fetch(
				`${ slow.url }/drip`,
				{},
				quick
			);
			const dripped = await refusal( response.text() );
			expect( dripped.kind ).toBe( 'timeout' );
			expect( dripped.message ).toBe(
				'There was no complete answer within 0.6 s.'
			);
			const silent = await refusal(
				outbound.fetch( `${ slow.url }/silent`, {}, quick )
			);
			expect( silent.kind ).toBe( 'timeout' );
		} finally {
			timers.forEach( clearInterval );
			await slow.close();
		}
	} );

	it( 'the WordPress client repeats nothing a site answered but IGNY8 Bridge’s own explanation', async () => {
		const site = await recorder( ( req, res ) => {
			if ( req.url?.includes( 'site-metadata' ) ) {
				res.writeHead( 500, { 'Content-Type': 'application/json' } );
				res.end(
					JSON.stringify( {
						message: 'TOPSECRET postgres at 10.0.0.7:5432 said no',
					} )
				);
				return;
			}
			res.writeHead( 400, { 'Content-Type': 'application/json' } );
			res.end(
				JSON.stringify( {
					code: 'igny8_image_refused',
					message: 'The image host\nshop.test is not allowed.',
					data: { status: 400 },
				} )
			);
		} );
		try {
			const wp = new WpClient( {
				restUrl: `${ site.url }/wp-json/`,
				keyId: 1,
				signingSecret: 'a'.repeat( 64 ),
				outbound: client( `127.0.0.1:${ site.port }` ),
			} );
			const failed = await wp.siteMetadata().then(
				() => undefined,
				( e: unknown ) => e
			);
			expect( failed ).toBeInstanceOf( WpClientError );
			expect( ( failed as Error ).message ).toBe(
				'The site answered HTTP 500.'
			);
			const refused = await wp
				.upsertPost( {
					content_id: 1,
					title: 'Post',
					content_html: '<p>x</p>',
				} )
				.then(
					() => undefined,
					( e: unknown ) => e
				);
			expect( ( refused as Error ).message ).toBe(
				'The site answered HTTP 400: The image host shop.test is not allowed.'
			);
		} finally {
			await site.close();
		}
	} );

	it( 'gives the WordPress calls a 20 MB cap and no redirects by default', () => {
		expect( OUTBOUND_LIMITS.wordpress ).toEqual( {
			maxBytes: 20 * 1024 * 1024,
			timeoutMs: 20_000,
			maxRedirects: 0,
		} );
	} );
} );

describe( 'outbound requests a tenant can cause', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let inside: Recorder;
	/** A WordPress the operator allowed, answering what a test sets. */
	let site: Recorder;
	let siteAnswer: (
		req: http.IncomingMessage,
		res: http.ServerResponse
	) => void;

	const integrations = () =>
		cloud.context.models.SiteIntegration.count( {
			where: { account_id: tenant.accountId },
		} );

	beforeAll( async () => {
		inside = await recorder();
		site = await recorder( ( req, res ) => siteAnswer( req, res ) );
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ IGNY8_OUTBOUND_ALLOW: `127.0.0.1:${ site.port }` }
		);
		tenant = await addTenant( cloud, 'Outbound Co' );
	} );
	beforeEach( () => {
		inside.requests.length = 0;
		site.requests.length = 0;
	} );
	afterAll( async () => {
		await cloud?.stop();
		await inside?.close();
		await site?.close();
	} );

	/** An integration row as if stored before this check existed (or by the operator). */
	async function storedIntegration( restUrl: string ) {
		await cloud.context.models.SiteIntegration.destroy( {
			where: { site_id: tenant.siteId },
		} );
		return cloud.context.models.SiteIntegration.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			platform: 'wordpress',
			config_json: { rest_url: restUrl },
			credentials_json: pairedCredentials(
				cloud,
				tenant.apiKey,
				tenant.keyId
			),
		} );
	}

	it( 'answers 400 to an integration pointed at an internal address, stores nothing and calls nothing', async () => {
		const before = await integrations();
		const loopback = `${ inside.url }/wp-json/`;
		const created = await request( cloud.app )
			.post( '/api/v1/integration/integrations/' )
			.set( bearer( tenant.owner ) )
			.send( {
				site_id: tenant.siteId,
				config_json: { rest_url: loopback },
			} )
			.expect( 400 );
		expect( created.body ).toMatchObject( {
			success: false,
			error: "The site's REST URL is not allowed: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW).",
			errors: {
				'config_json.rest_url': [
					'127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW)',
				],
			},
		} );
		expect( created.body.request_id ).toEqual( expect.any( String ) );

		const connected = await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( {
				site_url: 'http://localhost',
				rest_url: `http://localhost:${ inside.port }/wp-json/`,
				metadata: {},
			} )
			.expect( 400 );
		expect( connected.body.errors.rest_url[ 0 ] ).toMatch(
			/^localhost resolves to a loopback address/
		);
		const metadata = await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( {
				site_url: 'http://169.254.169.254',
				rest_url: 'http://169.254.169.254/latest/meta-data/',
				metadata: {},
			} )
			.expect( 400 );
		expect( metadata.body.errors.rest_url[ 0 ] ).toMatch(
			/^169\.254\.169\.254 is a cloud metadata service address/
		);
		expect( await integrations() ).toBe( before );

		// A name that does not resolve (yet) is accepted: each call checks again.
		const ok = await request( cloud.app )
			.post( '/api/v1/integration/integrations/' )
			.set( bearer( tenant.owner ) )
			.send( {
				site_id: tenant.siteId,
				config_json: { rest_url: 'https://shop.example.test/wp-json/' },
			} )
			.expect( 201 );
		const patched = await request( cloud.app )
			.patch( `/api/v1/integration/integrations/${ ok.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.send( {
				config_json: { rest_url: `http://10.0.0.8:${ inside.port }/` },
			} )
			.expect( 400 );
		expect( patched.body.errors[ 'config_json.rest_url' ][ 0 ] ).toMatch(
			/^10\.0\.0\.8 is a private network address/
		);
		const row = await cloud.context.models.SiteIntegration.findByPk(
			ok.body.data.id
		);
		expect( row!.config_json.rest_url ).toBe(
			'https://shop.example.test/wp-json/'
		);
		expect( inside.requests ).toEqual( [] );
		await row!.destroy();
	} );

	it( 'refuses to call an internal address stored earlier, the same whether its port is open or closed', async () => {
		const answers: string[] = [];
		for ( const port of [ inside.port, await closedPort() ] ) {
			const integration = await storedIntegration(
				`http://127.0.0.1:${ port }/wp-json/`
			);
			const response = await request( cloud.app )
				.post(
					`/api/v1/integration/integrations/${ integration.id }/update-structure/`
				)
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 409 );
			answers.push( response.body.error );

			await request( cloud.app )
				.post(
					`/api/v1/integration/integrations/${ integration.id }/sync/`
				)
				.set( bearer( tenant.owner ) )
				.send( { mode: 'full' } )
				.expect( 202 );
			const failed = await waitFor( async () => {
				await integration.reload();
				return integration.sync_state === 'failed'
					? integration
					: undefined;
			} );
			answers.push( failed.sync_error! );
		}
		expect( new Set( answers ) ).toEqual(
			new Set( [
				'The site could not be reached: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW). Check that the site is up and IGNY8 Bridge is connected, then try again.',
				'The site could not be reached: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW).',
			] )
		);
		expect( inside.requests ).toEqual( [] );
	} );

	it( 'stores only the checked fields of what a site answers, and never its error body', async () => {
		const integration = await storedIntegration( `${ site.url }/wp-json/` );
		siteAnswer = ( _req, res ) => {
			res.writeHead( 200, { 'Content-Type': 'application/json' } );
			res.end(
				JSON.stringify( {
					success: true,
					data: {
						site_name: 'Shop',
						internal_dump: 'TOPSECRET-1 <html>admin panel</html>',
						post_types: [
							{
								name: 'post',
								label: 'Posts',
								counts: { publish: 2 },
								leak: 'TOPSECRET-2',
							},
							{ name: { nested: 'TOPSECRET-3' } },
						],
						taxonomies: 'TOPSECRET-4',
					},
				} )
			);
		};
		const updated = await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ integration.id }/update-structure/`
			)
			.set( bearer( tenant.owner ) )
			.send( {} )
			.expect( 200 );
		expect( site.requests ).toHaveLength( 1 );
		expect( updated.body.data.config_json.structure ).toEqual( {
			site_name: 'Shop',
			post_types: [
				{ name: 'post', label: 'Posts', counts: { publish: 2 } },
			],
		} );
		const read = await request( cloud.app )
			.get( `/api/v1/integration/integrations/${ integration.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( JSON.stringify( read.body ) ).not.toMatch( /TOPSECRET/ );

		// What the plugin pushes at test-connection is kept the same way.
		const connected = await request( cloud.app )
			.post( '/api/v1/integration/integrations/test-connection/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( {
				site_url: site.url,
				rest_url: `${ site.url }/wp-json/`,
				metadata: {
					post_types: [
						{ name: 'page', label: 'Pages', extra: 'TOPSECRET-5' },
					],
					raw: 'TOPSECRET-6',
				},
			} )
			.expect( 200 );
		expect( connected.body.data.config_json.structure ).toEqual( {
			post_types: [ { name: 'page', label: 'Pages' } ],
		} );

		siteAnswer = ( _req, res ) => {
			res.writeHead( 500, { 'Content-Type': 'application/json' } );
			res.end(
				JSON.stringify( {
					message:
						'TOPSECRET-7 Fatal error in /var/www/wp-config.php',
				} )
			);
		};
		const failed = await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ connected.body.data.id }/update-structure/`
			)
			.set( bearer( tenant.owner ) )
			.send( {} )
			.expect( 409 );
		expect( failed.body.error ).toBe(
			'The site answered HTTP 500. Check that the site is up and IGNY8 Bridge is connected, then try again.'
		);
		await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ connected.body.data.id }/sync/`
			)
			.set( bearer( tenant.owner ) )
			.send( { mode: 'full' } )
			.expect( 202 );
		const synced = await waitFor( async () => {
			const row = await cloud.context.models.SiteIntegration.findByPk(
				connected.body.data.id
			);
			return row?.sync_state === 'failed' ? row : undefined;
		}, 30_000 );
		expect( synced.sync_error ).toBe( 'The site answered HTTP 500.' );
		const after = await request( cloud.app )
			.get(
				`/api/v1/integration/integrations/${ connected.body.data.id }/`
			)
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( JSON.stringify( after.body ) ).not.toMatch( /TOPSECRET/ );
	} );

	it( 'cuts off a site’s answer past 20 MB with a clear error', async () => {
		const integration = await storedIntegration( `${ site.url }/wp-json/` );
		siteAnswer = ( _req, res ) => {
			res.writeHead( 200, { 'Content-Type': 'application/json' } );
			res.write( '{"data":{"site_name":"' );
			const chunk = 'y'.repeat( 1024 * 1024 );
			let sent = 0;
			const pump = () => {
				while ( sent < 21 && ! res.destroyed ) {
					sent += 1;
					if ( ! res.write( chunk ) ) {
						res.once( 'drain', pump );
						return;
					}
				}
				res.end( '"}}' );
			};
			pump();
		};
		const response = await request( cloud.app )
			.post(
				`/api/v1/integration/integrations/${ integration.id }/update-structure/`
			)
			.set( bearer( tenant.owner ) )
			.send( {} )
			.expect( 409 );
		expect( response.body.error ).toBe(
			"The site's answer could not be used: the answer is larger than the 20 MB limit. Check that the site is up and IGNY8 Bridge is connected, then try again."
		);
	} );

	it( 'answers 400 to an AI base URL on an internal address, stores nothing and calls nothing', async () => {
		const response = await request( cloud.app )
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( tenant.owner ) )
			.send( {
				api_key: 'sk-own-key-1234',
				base_url: `${ inside.url }/v1`,
			} )
			.expect( 400 );
		expect( response.body ).toMatchObject( {
			success: false,
			error: 'The AI base URL is not allowed: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW).',
			errors: {
				base_url: [
					'127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW)',
				],
			},
		} );
		const settings = await request( cloud.app )
			.get( '/api/v1/system/settings/ai/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( settings.body.data ).toMatchObject( {
			base_url: null,
			has_api_key: false,
		} );

		// One stored before this check existed is refused when used, before connecting.
		await cloud.context.models.AiSettings.create( {
			account_id: tenant.accountId,
			text_model: null,
			image_model: null,
			image_provider: null,
			temperature: null,
			max_tokens: null,
			api_key_encrypted: encryptSecret(
				cloud.context.secrets.encryptionKey,
				'sk-own-key-1234'
			),
			api_key_last4: '1234',
			base_url: `${ inside.url }/v1`,
			structured_output: null,
			updated_by: tenant.owner.id,
		} );
		const { provider } = await cloud.context.services.aiSettings.forAccount(
			tenant.accountId
		);
		const error = await provider
			.chat( [ { role: 'user', content: 'Hello' } ] )
			.then(
				() => undefined,
				( e: unknown ) => e
			);
		expect( error ).toBeInstanceOf( AiProviderError );
		expect( ( error as Error ).message ).toBe(
			'The AI provider could not be reached: 127.0.0.1 is a loopback address (this machine), which the cloud does not connect to (the operator can allow it with IGNY8_OUTBOUND_ALLOW)'
		);
		expect( inside.requests ).toEqual( [] );
	} );
} );

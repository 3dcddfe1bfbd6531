import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses the cloud may connect to on a tenant's behalf.
 *
 * Only public unicast addresses, by default: a site URL, an AI base URL or
 * an image URL is chosen by a tenant, so without this an account could make
 * the cloud read its own internal services (databases, admin ports, the
 * cloud provider's metadata endpoint that hands out credentials). The
 * operator opens exceptions with IGNY8_OUTBOUND_ALLOW.
 */

/** What kind of address a connection would go to; everything but `public` is refused unless allowed. */
export type AddressKind =
	| 'public'
	| 'loopback'
	| 'private'
	| 'carrier_nat'
	| 'link_local'
	| 'unique_local'
	| 'multicast'
	| 'unspecified'
	| 'broadcast'
	| 'reserved'
	| 'metadata';

/** One IGNY8_OUTBOUND_ALLOW entry. */
export type AllowEntry =
	/** A host name: that name, whatever it resolves to (`port` null: any port). */
	| { kind: 'host'; host: string; port: number | null; text: string }
	/** An IP address (normalised; IPv4-mapped IPv6 as IPv4). */
	| { kind: 'address'; address: string; port: number | null; text: string }
	/** A range of addresses, any port. Never opens a metadata address: name those exactly. */
	| {
			kind: 'cidr';
			range: [ ipaddr.IPv4 | ipaddr.IPv6, number ];
			text: string;
	  };

/**
 * Cloud metadata services. Their addresses sit in ranges refused anyway
 * (link-local, unique-local, CGNAT, IETF-reserved); they are named so the
 * error says what they are and so no CIDR entry opens them by accident.
 */
const METADATA_ADDRESSES = new Set( [
	'169.254.169.254', // AWS, GCP, Azure, DigitalOcean, OpenStack…
	'169.254.170.2', // AWS ECS task credentials
	'100.100.100.200', // Alibaba Cloud
	'192.0.0.192', // Oracle Cloud
	'fd00:ec2:0:0:0:0:0:254', // AWS over IPv6
] );
const METADATA_NAMES = new Set( [
	'metadata',
	'metadata.google.internal',
	'metadata.goog',
	'instance-data',
	'instance-data.ec2.internal',
] );

const NAT64 = ipaddr.parseCIDR( '64:ff9b::/96' );
const IPV4_COMPATIBLE = ipaddr.parseCIDR( '::/96' );

const HOST_NAME =
	/^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;

/** `Host` of a URL as a bare, lower-case name or address (no brackets, no trailing dot). */
export function bareHost( hostname: string ): string {
	return hostname
		.replace( /^\[(.*)\]$/, '$1' )
		.replace( /\.$/, '' )
		.toLowerCase();
}

/** The address itself, or the IPv4 address an IPv6 form carries (mapped, translated, NAT64). */
function unwrap( address: string ): ipaddr.IPv4 | ipaddr.IPv6 {
	const ip = ipaddr.parse( address );
	if ( ip.kind() === 'ipv4' ) {
		return ip;
	}
	const v6 = ip as ipaddr.IPv6;
	const range = v6.range();
	if (
		range === 'ipv4Mapped' ||
		range === 'rfc6145' ||
		v6.match( NAT64 ) ||
		// Deprecated IPv4-compatible (::a.b.c.d); :: and ::1 keep their own kinds.
		( v6.match( IPV4_COMPATIBLE ) &&
			range !== 'unspecified' &&
			range !== 'loopback' )
	) {
		const bytes = v6.toByteArray().slice( 12 );
		return ipaddr.fromByteArray( bytes );
	}
	return v6;
}

/** The normalised text of an address, as allow entries store it. */
export function normalAddress( address: string ): string {
	const ip = unwrap( address );
	return ip.kind() === 'ipv4' ? ip.toString() : ip.toNormalizedString();
}

export function addressKind( address: string ): AddressKind {
	const ip = unwrap( address );
	const text = ip.kind() === 'ipv4' ? ip.toString() : ip.toNormalizedString();
	if ( METADATA_ADDRESSES.has( text ) ) {
		return 'metadata';
	}
	switch ( ip.range() ) {
		case 'unicast':
			return 'public';
		case 'loopback':
			return 'loopback';
		case 'private':
			return 'private';
		case 'carrierGradeNat':
			return 'carrier_nat';
		case 'linkLocal':
			return 'link_local';
		case 'uniqueLocal':
			return 'unique_local';
		case 'multicast':
			return 'multicast';
		case 'unspecified':
			return 'unspecified';
		case 'broadcast':
			return 'broadcast';
		default:
			// Documentation, benchmarking, 6to4, Teredo, ORCHID…: nothing a site lives on.
			return 'reserved';
	}
}

export function isMetadataName( host: string ): boolean {
	return METADATA_NAMES.has( bareHost( host ) );
}

const KIND_WORDS: Record< Exclude< AddressKind, 'public' >, string > = {
	loopback: 'a loopback address (this machine)',
	private: 'a private network address',
	carrier_nat: 'a shared (carrier-grade NAT) network address',
	link_local: 'a link-local address',
	unique_local: 'a private (unique-local) IPv6 address',
	multicast: 'a multicast address',
	unspecified: 'an unspecified address',
	broadcast: 'the broadcast address',
	reserved: 'a reserved address',
	metadata: 'a cloud metadata service address',
};

export function describeKind( kind: Exclude< AddressKind, 'public' > ): string {
	return KIND_WORDS[ kind ];
}

/** An entry naming this host (by name) and port. */
export function allowsHost(
	allow: readonly AllowEntry[],
	host: string,
	port: number
): boolean {
	const name = bareHost( host );
	return allow.some(
		( entry ) =>
			entry.kind === 'host' &&
			entry.host === name &&
			( entry.port === null || entry.port === port )
	);
}

/** An entry covering this address and port: exactly, or by range (never a metadata address by range). */
export function allowsAddress(
	allow: readonly AllowEntry[],
	address: string,
	port: number
): boolean {
	const text = normalAddress( address );
	const ip = unwrap( address );
	const metadata = METADATA_ADDRESSES.has( text );
	return allow.some( ( entry ) => {
		if ( entry.kind === 'address' ) {
			return (
				entry.address === text &&
				( entry.port === null || entry.port === port )
			);
		}
		if ( entry.kind === 'cidr' && ! metadata ) {
			return (
				ip.kind() === entry.range[ 0 ].kind() && ip.match( entry.range )
			);
		}
		return false;
	} );
}

export class AllowListError extends Error {}

function parsePort( text: string, entry: string ): number {
	const port = Number( text );
	if ( ! Number.isInteger( port ) || port < 1 || port > 65535 ) {
		throw new AllowListError(
			`has a bad port in "${ entry }" (a port is 1 to 65535)`
		);
	}
	return port;
}

function parseEntry( raw: string ): AllowEntry {
	const text = raw.trim().toLowerCase();
	if ( text.includes( '/' ) ) {
		const [ address = '', bits = '' ] = text.split( '/' );
		if ( net.isIP( address ) && /^\d{1,3}$/.test( bits ) ) {
			try {
				return { kind: 'cidr', range: ipaddr.parseCIDR( text ), text };
			} catch {
				// Falls through to the error below.
			}
		}
		throw new AllowListError(
			`has a bad range "${ raw.trim() }" (write a CIDR such as 10.0.0.0/8 or fd00::/8)`
		);
	}
	let host = text;
	let port: number | null = null;
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec( text );
	const named = /^([^:]+):(\d+)$/.exec( text );
	if ( bracketed ) {
		host = bracketed[ 1 ]!;
		port = bracketed[ 2 ] ? parsePort( bracketed[ 2 ], raw.trim() ) : null;
		if ( ! net.isIPv6( host ) ) {
			throw new AllowListError(
				`has a bad entry "${ raw.trim() }" (only an IPv6 address goes in brackets)`
			);
		}
	} else if ( named ) {
		host = named[ 1 ]!;
		port = parsePort( named[ 2 ]!, raw.trim() );
	}
	if ( net.isIP( host ) ) {
		return { kind: 'address', address: normalAddress( host ), port, text };
	}
	host = host.replace( /\.$/, '' );
	if ( HOST_NAME.test( host ) ) {
		return { kind: 'host', host, port, text };
	}
	throw new AllowListError(
		`has a bad entry "${ raw.trim() }" (write a host such as wp.internal, a host:port such as 127.0.0.1:8080, or a CIDR such as 10.0.0.0/8)`
	);
}

/** IGNY8_OUTBOUND_ALLOW: comma-separated hosts, host:port pairs and CIDR ranges. */
export function parseAllowList( value: string | undefined ): AllowEntry[] {
	return ( value ?? '' )
		.split( ',' )
		.map( ( entry ) => entry.trim() )
		.filter( Boolean )
		.map( parseEntry );
}

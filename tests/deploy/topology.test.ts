/**
 * docker/compose.yml's topology run from host processes, so the
 * configuration the containers get is the one tested: `migrate` first, then
 * as many `api`, `worker` and `scheduler` processes as the file's replica
 * counts say, each `node cloud/dist/server.js` (the image's CMD) with exactly
 * the environment compose gives its service (the image's ENV, then the
 * service's `environment` interpolated from a docker/.env made from
 * .env.example), behind Caddy running docker/Caddyfile with the environment
 * compose gives Caddy. Only what the host changes is replaced: the addresses
 * of PostgreSQL, Redis, the proxy and each process's port and data folder
 * (`HOST_ONLY` below). A real WordPress on PHP with MariaDB stands in for the
 * trial one; the AI provider is the fake OpenAI-compatible server.
 *
 * Then a smoke test through Caddy (sign up, sign in, a site, AI runs,
 * publishing to WordPress), and each service restarted in turn while
 * requests and a new AI run go on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
	createTestDatabase,
	createTestRedis,
	freePort,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type FakeOpenAI,
	type FakeRequest,
	type TestDatabase,
	type TestRedis,
	type WordPressSite,
} from '@igny8/test-harness';
import type { Tenant } from '../../cloud/test/fixtures';
import {
	connectSite,
	postsForContent,
} from '../../cloud/test/wordpress-bridge';
import {
	CADDYFILE,
	REPO_ROOT,
	envFromExample,
	environmentOf,
	execForm,
	loadCompose,
	replicasOf,
	type ComposeFile,
} from './support/compose';
import { commandOf, containerEnvironment, onHost } from './support/host';
import {
	eventually,
	isRunning,
	processesConnectedTo,
	runToEnd,
	startProcess,
	stopProcess,
	waitForOutput,
	type HostProcess,
} from './support/processes';

type Role = 'api' | 'worker' | 'scheduler';
type Envelope< T > = { success: boolean; data: T };
type ListPage< T > = { count: number; results: T[] };
type Run = { id: number; status: string; error?: string | null };

/** A cloud process as a container of its service would be. */
type CloudProcess = HostProcess & {
	role: Role;
	env: Record< string, string >;
};

/**
 * The variables whose compose values only make sense on the compose network
 * (service names, container paths, one port for every replica), and what a
 * host process gets instead. Everything else is compose's value.
 */
const HOST_ONLY = [
	'DATABASE_URL',
	'REDIS_URL',
	'HOST',
	'PORT',
	'PUBLIC_URL',
	'IGNY8_DATA_DIR',
	'IGNY8_CONSOLE_DIR',
] as const;
const CADDY_HOST_ONLY = [
	'IGNY8_DOMAIN',
	'IGNY8_API_UPSTREAMS',
	'WORDPRESS_DOMAIN',
	'WORDPRESS_UPSTREAM',
	'CADDY_ADMIN',
] as const;

const PASSWORD = 'a long deploy password';

let openai: FakeOpenAI;
let database: TestDatabase;
let redis: TestRedis;
let wordpress: WordPressSite;
let workDir: string;
let compose: ComposeFile;
let caddy: HostProcess;
let caddyEnv: Record< string, string >;
let proxyUrl: string;
let wordpressProxyUrl: string;
let cloud: CloudProcess[] = [];
/** Latency of the fake provider's answers, changed by the restart tests. */
let aiLatencyMs = 0;

/** A container's environment on this host (see support/host.ts). */
const hostEnv = (
	serviceName: string,
	replacements: Record< string, string >
) =>
	onHost(
		containerEnvironment( compose, serviceName ),
		replacements,
		workDir
	);

async function startCloudProcess(
	role: Role,
	index: number,
	port: number
): Promise< CloudProcess > {
	const dataDir = path.join( workDir, `${ role }-${ index }` );
	fs.mkdirSync( dataDir, { recursive: true } );
	const env = hostEnv( role, {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		HOST: '127.0.0.1',
		PORT: String( port ),
		PUBLIC_URL: proxyUrl,
		IGNY8_DATA_DIR: dataDir,
		// Where `npm run build` puts the console (the image: /app/console/build).
		IGNY8_CONSOLE_DIR: path.join( REPO_ROOT, 'console', 'build' ),
	} satisfies Record< ( typeof HOST_ONLY )[ number ], string > );
	const proc = startProcess(
		`${ role }-${ index }`,
		commandOf( compose, role ),
		env
	);
	await waitForOutput(
		proc,
		role === 'api' ? /igny8 cloud listening/ : /igny8 cloud \w+ started/
	);
	return {
		...proc,
		role,
		env,
	};
}

/** Restarts a cloud process like a container: same environment, same port. */
async function restartCloudProcess(
	proc: CloudProcess,
	signal: NodeJS.Signals
): Promise< { exitCode: number | null; restarted: CloudProcess } > {
	const exitCode = await stopProcess( proc, signal );
	const [ role, index ] = proc.name.split( '-' ) as [ Role, string ];
	const restarted = await startCloudProcess(
		role,
		Number( index ),
		Number( proc.env.PORT )
	);
	cloud = cloud.map( ( p ) => ( p === proc ? restarted : p ) );
	return { exitCode, restarted };
}

/** Runs the service's compose health check for a process, with its environment. */
function healthcheck( proc: CloudProcess ) {
	const test = compose.services[ proc.role ]!.healthcheck!.test!;
	return runToEnd( execForm( test ), proc.env, 10_000 );
}

const byRole = ( role: Role ) => cloud.filter( ( proc ) => proc.role === role );

/** The fake provider: ideas for an ideas prompt, an article for anything else. */
function answer( request: FakeRequest ) {
	const name: string | undefined =
		request.body?.response_format?.json_schema?.name;
	const prompt = ( ( request.body?.messages ?? [] ) as { content: string }[] )
		.map( ( message ) => message.content )
		.join( '\n' );
	if ( name === 'content_ideas' || /content ideas/i.test( prompt ) ) {
		return {
			latencyMs: aiLatencyMs,
			content: {
				ideas: [
					{
						title: 'Deploying IGNY8 on one host',
						description:
							'Caddy, two APIs, two workers, one scheduler.',
						content_type: 'post',
						target_word_count: 900,
						suggested_keywords: [ 'self-hosted seo' ],
					},
				],
			},
		};
	}
	const title =
		/titled "([^"]+)"/.exec( prompt )?.[ 1 ] ?? 'A deploy article';
	return {
		latencyMs: aiLatencyMs,
		content: {
			title,
			content_html: `<h2>${ title }</h2><p>Behind a reverse proxy.</p>`,
			excerpt: `About ${ title }.`,
			meta_description: `Learn ${ title.toLowerCase() }.`,
			categories: [ 'Guides' ],
			tags: [ 'deploy' ],
		},
	};
}

/** The cloud API through Caddy, as a signed-in user. */
class Client {
	token = '';

	async call< T >(
		method: string,
		pathname: string,
		body?: unknown,
		expected = [ 200, 201, 202 ]
	): Promise< T > {
		const response = await fetch( `${ proxyUrl }/api/v1${ pathname }`, {
			method,
			headers: {
				...( this.token
					? { authorization: `Bearer ${ this.token }` }
					: {} ),
				...( body === undefined
					? {}
					: { 'content-type': 'application/json' } ),
			},
			body: body === undefined ? undefined : JSON.stringify( body ),
		} );
		const text = await response.text();
		if ( ! expected.includes( response.status ) ) {
			throw new Error(
				`${ method } ${ pathname } answered ${ response.status }: ${ text }`
			);
		}
		return JSON.parse( text ) as T;
	}

	async data< T >( method: string, pathname: string, body?: unknown ) {
		return ( await this.call< Envelope< T > >( method, pathname, body ) )
			.data;
	}

	async list< T >( pathname: string ): Promise< T[] > {
		return ( await this.call< ListPage< T > >( 'GET', pathname ) ).results;
	}

	/** Starts an AI action; answers its run id. */
	async startRun( pathname: string, body: unknown ): Promise< number > {
		return (
			await this.data< { run_id: number } >( 'POST', pathname, body )
		).run_id;
	}

	async finishedRun( runId: number, timeoutMs = 60_000 ): Promise< Run > {
		return eventually(
			`run ${ runId } to finish`,
			async () => {
				const run = await this.data< Run >(
					'GET',
					`/system/ai-runs/${ runId }/`
				);
				return [ 'succeeded', 'failed', 'cancelled' ].includes(
					run.status
				)
					? run
					: undefined;
			},
			timeoutMs
		);
	}
}

const client = new Client();
let tenant: Tenant;
let clusterId: number;

type Traffic = { stop(): Promise< number[] > };
/** Request loops still running (a failed test's): afterEach stops them. */
const traffic = new Set< Traffic >();

/** Requests through Caddy, one after another, until stopped; each one's status. */
function keepRequesting(): Traffic {
	const statuses: number[] = [];
	let running = true;
	const loop = ( async () => {
		while ( running ) {
			const response = await fetch( `${ proxyUrl }/api/v1/auth/me/`, {
				headers: { authorization: `Bearer ${ client.token }` },
			} ).catch( () => undefined );
			statuses.push( response?.status ?? 0 );
			await response?.arrayBuffer();
			await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
		}
	} )();
	const handle: Traffic = {
		async stop() {
			running = false;
			traffic.delete( handle );
			await loop;
			return statuses;
		},
	};
	traffic.add( handle );
	return handle;
}

afterEach( async () => {
	await Promise.all( [ ...traffic ].map( ( loop ) => loop.stop() ) );
} );

const startIdeasRun = () =>
	client.startRun( '/planner/clusters/generate_ideas/', {
		ids: [ clusterId ],
		ideas_per_cluster: 1,
	} );

beforeAll( async () => {
	workDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-deploy-' ) );
	openai = await startFakeOpenAI();
	openai.fallback( 'chat', answer );
	[ database, wordpress ] = await Promise.all( [
		createTestDatabase( 'deploy' ),
		startWordPress( { db: 'mariadb' } ),
	] );
	redis = createTestRedis( 'deploy' );
	const [ proxyPort, wordpressProxyPort, adminPort ] = await Promise.all( [
		freePort(),
		freePort(),
		freePort(),
	] );
	proxyUrl = `http://127.0.0.1:${ proxyPort }`;
	wordpressProxyUrl = `http://127.0.0.1:${ wordpressProxyPort }`;

	// docker/.env as an operator writes it: the example, secrets filled in,
	// the AI provider and the addresses the cloud may call set. The queue
	// prefix is this run's own, since the test Redis is shared.
	const dotenv = envFromExample( {
		OPENAI_API_KEY: 'sk-deploy-test',
		OPENAI_BASE_URL: openai.url,
		IGNY8_OUTBOUND_ALLOW: outboundAllow( openai.url, wordpress.url ),
		QUEUE_PREFIX: redis.prefix,
	} );
	compose = loadCompose( dotenv );

	// `migrate` runs to completion before anything else starts.
	const migrateEnv = hostEnv( 'migrate', {
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		IGNY8_DATA_DIR: path.join( workDir, 'migrate' ),
	} );
	const migrate = await runToEnd(
		commandOf( compose, 'migrate' ),
		migrateEnv
	);
	expect( migrate ).toEqual( {
		code: 0,
		output: expect.stringMatching( /^applied: 0001-/ ),
	} );

	const apiPorts = await Promise.all(
		Array.from( { length: replicasOf( compose.services.api! ) }, () =>
			freePort()
		)
	);
	cloud = await Promise.all( [
		...apiPorts.map( ( port, i ) =>
			startCloudProcess( 'api', i + 1, port )
		),
		...Array.from(
			{ length: replicasOf( compose.services.worker! ) },
			( _, i ) => startCloudProcess( 'worker', i + 1, 0 )
		),
		...Array.from(
			{ length: replicasOf( compose.services.scheduler! ) },
			( _, i ) => startCloudProcess( 'scheduler', i + 1, 0 )
		),
	] );

	// Caddy as its image runs it, on the same Caddyfile.
	const caddyHome = path.join( workDir, 'caddy' );
	fs.mkdirSync( caddyHome );
	caddyEnv = {
		...hostEnv( 'caddy', {
			IGNY8_DOMAIN: proxyUrl,
			IGNY8_API_UPSTREAMS: apiPorts
				.map( ( port ) => `127.0.0.1:${ port }` )
				.join( ' ' ),
			WORDPRESS_DOMAIN: wordpressProxyUrl,
			WORDPRESS_UPSTREAM: new URL( wordpress.url ).host,
			CADDY_ADMIN: `127.0.0.1:${ adminPort }`,
		} satisfies Record< ( typeof CADDY_HOST_ONLY )[ number ], string > ),
		// Where the caddy image keeps certificates and its config (/data, /config).
		XDG_DATA_HOME: path.join( caddyHome, 'data' ),
		XDG_CONFIG_HOME: path.join( caddyHome, 'config' ),
	};
	caddy = startProcess(
		'caddy',
		[ 'caddy', 'run', '--config', CADDYFILE, '--adapter', 'caddyfile' ],
		caddyEnv
	);
	await eventually( 'Caddy to proxy to a ready api', async () => {
		const response = await fetch( `${ proxyUrl }/api/v1/health/ready/` );
		await response.arrayBuffer();
		return response.status === 200 ? true : undefined;
	} );
}, 180_000 );

afterAll( async () => {
	await Promise.all(
		[ ...cloud, ...( caddy ? [ caddy ] : [] ) ].map( ( proc ) =>
			stopProcess( proc, 'SIGKILL' )
		)
	);
	await wordpress?.stop();
	await openai?.close();
	await database?.drop();
	await redis?.cleanup();
	if ( workDir ) {
		fs.rmSync( workDir, { recursive: true, force: true } );
	}
} );

describe( 'the compose topology on host processes', () => {
	it( 'runs as many processes of each role as compose says, each passing its compose health check', async () => {
		expect( cloud.map( ( proc ) => proc.name ).sort() ).toEqual( [
			'api-1',
			'api-2',
			'scheduler-1',
			'worker-1',
			'worker-2',
		] );
		// Exactly compose's environment, but for what only the host changes.
		const changed = (
			given: Record< string, string >,
			composed: Record< string, string >
		) =>
			Object.keys( { ...given, ...composed } )
				.filter( ( name ) => given[ name ] !== composed[ name ] )
				.filter( ( name ) => ! [ 'PATH', 'HOME' ].includes( name ) )
				.sort();
		for ( const proc of cloud ) {
			expect(
				changed( proc.env, containerEnvironment( compose, proc.role ) )
			).toEqual( [ ...HOST_ONLY ].sort() );
		}
		expect(
			changed( caddyEnv, environmentOf( compose.services.caddy! ) )
		).toEqual(
			[ ...CADDY_HOST_ONLY, 'XDG_CONFIG_HOME', 'XDG_DATA_HOME' ].sort()
		);
		for ( const proc of cloud ) {
			expect( proc.env.IGNY8_ROLE ).toBe( proc.role );
			expect( proc.env.NODE_ENV ).toBe( 'production' );
			expect( await healthcheck( proc ) ).toEqual( {
				code: 0,
				output: `igny8 ${ proc.role }: healthy\n`,
			} );
		}
		// Caddy sends /console/ to the cloud's console (its own CSP says so)…
		const consolePage = await fetch( `${ proxyUrl }/console/` );
		expect(
			consolePage.headers.get( 'content-security-policy' )
		).toContain( "frame-ancestors 'none'" );
		// …and refuses what is neither the API nor the console.
		const other = await fetch( `${ proxyUrl }/wp-admin/` );
		expect( other.status ).toBe( 404 );
		const root = await fetch( `${ proxyUrl }/`, { redirect: 'manual' } );
		expect( root.headers.get( 'location' ) ).toBe( '/console/' );
	} );

	it( 'signs up, signs in, connects a site, runs AI jobs and publishes to WordPress, all through Caddy', async () => {
		const email = 'owner@deploy.example.test';
		const registered = await client.data< { access: string } >(
			'POST',
			'/auth/register/',
			{ account_name: 'Deploy Agency', email, password: PASSWORD }
		);
		expect( registered.access ).toEqual( expect.any( String ) );
		const signedIn = await client.data< { access: string } >(
			'POST',
			'/auth/login/',
			{ email, password: PASSWORD }
		);
		client.token = signedIn.access;
		const me = await client.data< {
			user: { id: number; email: string; role: 'owner' };
			account: { id: number; slug: string };
		} >( 'GET', '/auth/me/' );
		expect( me.user.email ).toBe( email );

		// An operator's one-off admin command, as `docker compose run --rm
		// migrate node cloud/dist/cli.js …` runs it: the migrate service's environment.
		const topUp = await runToEnd(
			[
				'node',
				'cloud/dist/cli.js',
				'top-up',
				'--account',
				me.account.slug,
				'--credits',
				'5000',
			],
			hostEnv( 'migrate', {
				DATABASE_URL: database.url,
				REDIS_URL: redis.url,
				IGNY8_DATA_DIR: path.join( workDir, 'cli' ),
			} )
		);
		expect( topUp.code ).toBe( 0 );

		const site = await client.data< { id: number } >(
			'POST',
			'/auth/sites/',
			{ name: 'Deploy test site', wordpress_url: wordpress.url }
		);
		const sector = await client.data< { id: number } >(
			'POST',
			'/auth/sectors/',
			{ site_id: site.id, name: 'Main' }
		);
		const key = await client.data< { id: number; key: string } >(
			'POST',
			`/auth/sites/${ site.id }/api-keys/`,
			{ name: 'WordPress' }
		);
		tenant = {
			accountId: me.account.id,
			owner: {
				id: me.user.id,
				email,
				role: 'owner',
				token: client.token,
				accountId: me.account.id,
			},
			siteId: site.id,
			sectorId: sector.id,
			keyId: key.id,
			apiKey: key.key,
		};
		// The plugin's own "Test connection", to the cloud's public address (Caddy).
		const connected = await connectSite( wordpress, proxyUrl, tenant );
		expect( connected.id ).toBe( site.id );

		const keyword = await client.data< { id: number } >(
			'POST',
			'/planner/keywords/',
			{
				sector_id: sector.id,
				keyword: 'self-hosted seo platform',
				search_volume: 700,
			}
		);
		clusterId = (
			await client.data< { id: number } >( 'POST', '/planner/clusters/', {
				sector_id: sector.id,
				name: 'Self-hosting',
				keyword_ids: [ keyword.id ],
			} )
		).id;
		const ideasRun = await client.finishedRun( await startIdeasRun() );
		expect( ideasRun.status ).toBe( 'succeeded' );
		const [ idea ] = await client.list< { id: number } >(
			`/planner/ideas/?sector_id=${ sector.id }`
		);
		const { tasks } = await client.data< { tasks: { id: number }[] } >(
			'POST',
			'/planner/ideas/bulk_to_tasks/',
			{ ids: [ idea!.id ] }
		);
		const taskId = tasks[ 0 ]!.id;
		const writeRun = await client.finishedRun(
			await client.startRun( '/writer/tasks/generate_content/', {
				ids: [ taskId ],
			} )
		);
		expect( writeRun.status ).toBe( 'succeeded' );
		const [ content ] = await client.list< { id: number; title: string } >(
			`/writer/content/?sector_id=${ sector.id }&task_id=${ taskId }`
		);
		expect( content!.title ).toBe( 'Deploying IGNY8 on one host' );

		await client.data( 'POST', '/publisher/publish/', {
			content_ids: [ content!.id ],
			status: 'publish',
		} );
		const record = await eventually(
			'the post to be published',
			async () => {
				const [ latest ] = await client.list< {
					status: string;
					post_id: number | null;
					last_error: string | null;
				} >(
					`/publisher/publishing-records/?site_id=${ site.id }&content_id=${ content!.id }`
				);
				if ( latest?.status === 'failed' ) {
					throw new Error(
						`publishing failed: ${ latest.last_error }`
					);
				}
				return latest?.status === 'published' ? latest : undefined;
			}
		);
		const posts = await postsForContent( wordpress, content!.id );
		expect( posts ).toHaveLength( 1 );
		expect( posts[ 0 ] ).toMatchObject( {
			ID: record.post_id,
			post_title: 'Deploying IGNY8 on one host',
			post_status: 'publish',
		} );
		// And the post through Caddy's WordPress site.
		const viaProxy = await fetch(
			`${ wordpressProxyUrl }/?rest_route=/wp/v2/posts/${ record.post_id }`
		);
		expect( viaProxy.status ).toBe( 200 );
		expect(
			( ( await viaProxy.json() ) as { title: { rendered: string } } )
				.title.rendered
		).toBe( 'Deploying IGNY8 on one host' );
	} );

	it( 'keeps answering and finishes a run started while an api process is killed and restarted', async () => {
		const [ victim, survivor ] = byRole( 'api' );
		const requests = keepRequesting();
		await stopProcess( victim!, 'SIGKILL' );
		expect( ( await healthcheck( victim! ) ).code ).toBe( 1 );
		const runId = await startIdeasRun();
		const { restarted } = await restartCloudProcess( victim!, 'SIGKILL' );
		expect( ( await healthcheck( restarted ) ).code ).toBe( 0 );
		expect( ( await client.finishedRun( runId ) ).status ).toBe(
			'succeeded'
		);
		// Caddy's readiness check lets the restarted process back in.
		await eventually(
			'the restarted api to serve proxied requests',
			async () =>
				/"path":"(\/api\/v1)?\/auth\/me\/"/.test( restarted.output() )
					? true
					: undefined,
			20_000
		);
		const statuses = await requests.stop();
		expect( statuses.length ).toBeGreaterThan( 10 );
		expect( statuses.filter( ( status ) => status !== 200 ) ).toEqual( [] );
		expect( isRunning( survivor! ) ).toBe( true );
	} );

	it( 'lets a stopping worker finish its run, and another worker take a run started meanwhile', async () => {
		const workers = byRole( 'worker' );
		// No idle connection to the provider left, so the one that appears is the run's.
		await eventually(
			'idle provider connections to close',
			async () =>
				processesConnectedTo(
					Number( new URL( openai.url ).port ),
					workers
				).length === 0
					? true
					: undefined,
			15_000
		);
		aiLatencyMs = 3_000;
		const requests = keepRequesting();
		const running = await startIdeasRun();
		const [ busy ] = await eventually(
			'a worker to call the provider',
			async () => {
				const found = processesConnectedTo(
					Number( new URL( openai.url ).port ),
					workers
				);
				return found.length === 1 ? found : undefined;
			},
			15_000,
			50
		);
		const other = workers.find( ( worker ) => worker !== busy )!;
		// `docker compose restart`/a rolling update: SIGTERM, then a new container.
		busy!.child.kill( 'SIGTERM' );
		aiLatencyMs = 0;
		const meanwhile = await startIdeasRun();
		const { exitCode, restarted } = await restartCloudProcess(
			busy as CloudProcess,
			'SIGTERM'
		);
		expect( exitCode ).toBe( 0 );
		// It finished the run it held before it exited…
		expect( busy!.output() ).toMatch(
			new RegExp( `"run_id":${ running }[^\\n]*"msg":"job succeeded"` )
		);
		expect( ( await client.finishedRun( running ) ).status ).toBe(
			'succeeded'
		);
		// …and the run started while it stopped ran elsewhere.
		expect( ( await client.finishedRun( meanwhile ) ).status ).toBe(
			'succeeded'
		);
		expect( other.output() + restarted.output() ).toMatch(
			new RegExp( `"run_id":${ meanwhile }[^\\n]*"msg":"job succeeded"` )
		);
		expect( ( await healthcheck( restarted ) ).code ).toBe( 0 );
		const statuses = await requests.stop();
		expect( statuses.filter( ( status ) => status !== 200 ) ).toEqual( [] );
	} );

	it( 'keeps answering while the scheduler is killed, and the restarted one takes the periodic work back', async () => {
		const [ scheduler ] = byRole( 'scheduler' );
		const db = new pg.Client( { connectionString: database.url } );
		await db.connect();
		const dispatcher = async () =>
			(
				await db.query< { claimed_by: string; last_tick: string } >(
					"SELECT claimed_by, last_tick FROM scheduler_tasks WHERE name = 'domain-events.dispatch'"
				)
			).rows[ 0 ];
		try {
			expect( ( await dispatcher() )?.claimed_by ).toBe(
				`${ os.hostname() }:${ scheduler!.pid }`
			);
			const requests = keepRequesting();
			await stopProcess( scheduler!, 'SIGKILL' );
			const runId = await startIdeasRun();
			expect( ( await client.finishedRun( runId ) ).status ).toBe(
				'succeeded'
			);
			// Nobody else runs the periodic work while no scheduler is up.
			const stalled = ( await dispatcher() )!.last_tick;
			await new Promise( ( resolve ) => setTimeout( resolve, 2_500 ) );
			expect( ( await dispatcher() )!.last_tick ).toBe( stalled );

			const { restarted } = await restartCloudProcess(
				scheduler as CloudProcess,
				'SIGKILL'
			);
			await eventually(
				'the restarted scheduler to claim the dispatch tick',
				async () =>
					( await dispatcher() )?.claimed_by ===
					`${ os.hostname() }:${ restarted.pid }`
						? true
						: undefined,
				15_000
			);
			expect( ( await healthcheck( restarted ) ).code ).toBe( 0 );
			const statuses = await requests.stop();
			expect( statuses.filter( ( status ) => status !== 200 ) ).toEqual(
				[]
			);
		} finally {
			await db.end();
		}
		// Everything still up, and a last run end to end through Caddy.
		expect( cloud.every( isRunning ) ).toBe( true );
		expect(
			( await client.finishedRun( await startIdeasRun() ) ).status
		).toBe( 'succeeded' );
	} );
} );

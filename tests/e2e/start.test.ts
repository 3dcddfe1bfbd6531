/**
 * README command 1: `npm start` brings up the cloud and WordPress (Playground
 * on SQLite), prints their URLs, runs the whole pipeline (keyword → cluster →
 * idea → task → draft → images → published post in that WordPress → an edit
 * in WordPress back in the cloud), stops cleanly on Ctrl-C and finds its data
 * again on the next start. Runs `npm start` itself, with a temporary data
 * folder and the fake OpenAI-compatible server as the AI provider.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
	loginRestClient,
	startFakeOpenAI,
	type FakeOpenAI,
} from '@igny8/test-harness';
import {
	expectPipelineOutcome,
	runPipeline,
	scriptPipelineProvider,
	type PipelineResult,
} from './support/pipeline';

const REPO_ROOT = path.resolve( __dirname, '..', '..' );
/** The README's command, from the same npm that runs this test. */
const NPM = process.env.npm_execpath
	? [ process.execPath, process.env.npm_execpath ]
	: [ 'npm' ];

/** First start: maybe a wp-admin bundle build, a WordPress install under WebAssembly. */
const FIRST_START_MS = 8 * 60_000;
const NEXT_START_MS = 4 * 60_000;
const STOP_MS = 45_000;

interface Running {
	process: ChildProcess;
	output: () => string;
	exited: Promise< { code: number | null; signal: NodeJS.Signals | null } >;
	cloudUrl: string;
	wpUrl: string;
	/** The admin password `npm start` printed. */
	password: string;
	/** The one-time sign-in link it printed. */
	link: string;
}

function start(
	dataDir: string,
	timeoutMs: number,
	ports: { IGNY8_CLOUD_PORT?: string } = {}
): Promise< Running > {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		IGNY8_WP_OFFLINE: '1',
		IGNY8_DATA_DIR: dataDir,
		OPENAI_API_KEY: 'sk-fake-start-test',
		OPENAI_BASE_URL: openai.url,
	};
	delete env.IGNY8_CLOUD_PORT;
	delete env.IGNY8_WP_PORT;
	Object.assign( env, ports );
	// Its own process group, so a signal to the group is what Ctrl-C at a terminal sends.
	const [ command, ...prefix ] = NPM;
	const child = spawn( command!, [ ...prefix, 'start' ], {
		cwd: REPO_ROOT,
		env,
		detached: true,
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	let text = '';
	child.stdout!.on(
		'data',
		( chunk: Buffer ) => ( text += chunk.toString() )
	);
	child.stderr!.on(
		'data',
		( chunk: Buffer ) => ( text += chunk.toString() )
	);
	const exited = new Promise< {
		code: number | null;
		signal: NodeJS.Signals | null;
	} >( ( resolve ) =>
		child.once( 'exit', ( code, signal ) => resolve( { code, signal } ) )
	);
	started.push( child );

	return new Promise( ( resolve, reject ) => {
		const timer = setTimeout( () => {
			finish();
			reject(
				new Error(
					`npm start printed no URLs within ${ timeoutMs / 1000 } s. Output:\n${ text }${ logs( dataDir ) }`
				)
			);
		}, timeoutMs );
		const poll = setInterval( () => {
			const cloud = /^IGNY8 cloud: (http:\/\/\S+)$/m.exec( text );
			const wp =
				/^WordPress admin: (http:\/\/\S+)\/wp-admin\/ \(user admin \/ password (\S+)\)$/m.exec(
					text
				);
			const link =
				/^One-time sign-in link \(this machine, \d+ min\): (http:\/\/\S+)$/m.exec(
					text
				);
			if ( cloud && wp && link && /Ctrl-C/.test( text ) ) {
				finish();
				resolve( {
					process: child,
					output: () => text,
					exited,
					cloudUrl: cloud[ 1 ]!,
					wpUrl: wp[ 1 ]!,
					password: wp[ 2 ]!,
					link: link[ 1 ]!,
				} );
			}
		}, 200 );
		void exited.then( ( info ) => {
			finish();
			reject(
				new Error(
					`npm start exited (${ JSON.stringify( info ) }) before it was ready. Output:\n${ text }${ logs( dataDir ) }`
				)
			);
		} );
		function finish() {
			clearTimeout( timer );
			clearInterval( poll );
		}
	} );
}

function logs( dataDir: string ): string {
	const dir = path.join( dataDir, 'logs' );
	return [ 'start.log', 'cloud.log', 'wordpress.log' ]
		.map( ( name ) => {
			const file = path.join( dir, name );
			const body = fs.existsSync( file )
				? fs
						.readFileSync( file, 'utf8' )
						.split( '\n' )
						.slice( -25 )
						.join( '\n' )
				: '(none)';
			return `\n--- ${ name } ---\n${ body }`;
		} )
		.join( '' );
}

/** Sends SIGINT to the whole group (a terminal's Ctrl-C) and waits for the exit. */
async function interrupt( running: Running ): Promise< {
	code: number | null;
	signal: NodeJS.Signals | null;
	ms: number;
} > {
	const began = Date.now();
	process.kill( -running.process.pid!, 'SIGINT' );
	let timer: NodeJS.Timeout | undefined;
	const result = await Promise.race( [
		running.exited.finally( () => clearTimeout( timer ) ),
		new Promise< never >( ( _, reject ) => {
			timer = setTimeout(
				() =>
					reject(
						new Error(
							`still running ${ STOP_MS / 1000 } s after SIGINT`
						)
					),
				STOP_MS
			);
		} ),
	] );
	return { ...result, ms: Date.now() - began };
}

/**
 * `npm start` stopped as a terminal's Ctrl-C stops it: the script exits 0
 * after stopping both children (its log says so), and npm, which got the
 * SIGINT too, ends either with that code or by re-raising the signal.
 */
function expectCleanStop( stopped: {
	code: number | null;
	signal: NodeJS.Signals | null;
} ): void {
	expect( [ 'code 0', 'signal SIGINT' ] ).toContain(
		stopped.signal ? `signal ${ stopped.signal }` : `code ${ stopped.code }`
	);
	const notes = fs
		.readFileSync( path.join( dataDir, 'logs', 'start.log' ), 'utf8' )
		.trim()
		.split( '\n' );
	expect( notes[ notes.length - 1 ] ).toMatch( / exit 0$/ );
}

function freePort(): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const server = net.createServer();
		server.once( 'error', reject );
		server.listen( { port: 0, host: '127.0.0.1' }, () => {
			const { port } = server.address() as net.AddressInfo;
			server.close( () => resolve( port ) );
		} );
	} );
}

function portIsFree( url: string ): Promise< boolean > {
	const port = Number( new URL( url ).port );
	return new Promise( ( resolve ) => {
		const server = net.createServer();
		server.once( 'error', () => resolve( false ) );
		server.listen( { port, host: '127.0.0.1', exclusive: true }, () =>
			server.close( () => resolve( true ) )
		);
	} );
}

/** A browser's top-level navigation to a URL typed by its user. */
function navigate( url: string ): Promise< {
	status: number;
	location: string | undefined;
	cookies: string[];
} > {
	return new Promise( ( resolve, reject ) => {
		http.get(
			url,
			{
				headers: {
					accept: 'text/html',
					'sec-fetch-mode': 'navigate',
					'sec-fetch-site': 'none',
					'sec-fetch-dest': 'document',
				},
			},
			( response ) => {
				response.resume();
				response.on( 'end', () =>
					resolve( {
						status: response.statusCode ?? 0,
						location: response.headers.location,
						cookies: response.headers[ 'set-cookie' ] ?? [],
					} )
				);
			}
		).on( 'error', reject );
	} );
}

function signsIn( cookies: string[] ): boolean {
	return cookies.some( ( cookie ) =>
		cookie.startsWith( 'wordpress_logged_in_' )
	);
}

/** The machine's own addresses other than loopback (LAN, container bridge). */
function externalAddresses(): string[] {
	return Object.values( os.networkInterfaces() )
		.flat()
		.filter(
			( entry ): entry is os.NetworkInterfaceInfo =>
				!! entry && ! entry.internal && entry.family === 'IPv4'
		)
		.map( ( entry ) => entry.address );
}

function connects( host: string, port: number ): Promise< boolean > {
	return new Promise( ( resolve ) => {
		const socket = net.connect( { host, port } );
		socket.setTimeout( 3_000, () => {
			socket.destroy();
			resolve( false );
		} );
		socket.once( 'connect', () => {
			socket.destroy();
			resolve( true );
		} );
		socket.once( 'error', () => resolve( false ) );
	} );
}

/** A WordPress session for the printed credentials: cookies plus a REST nonce. */
async function logIn(
	wpUrl: string,
	password: string
): Promise< { cookie: string; nonce: string } > {
	const jar = new Map< string, string >( [
		[ 'wordpress_test_cookie', 'WP%20Cookie%20check' ],
	] );
	const header = () =>
		[ ...jar ]
			.map( ( [ name, value ] ) => `${ name }=${ value }` )
			.join( '; ' );
	const remember = ( response: Response ) => {
		for ( const line of response.headers.getSetCookie() ) {
			const [ pair = '' ] = line.split( ';' );
			const at = pair.indexOf( '=' );
			jar.set( pair.slice( 0, at ), pair.slice( at + 1 ) );
		}
	};
	const login = await fetch( `${ wpUrl }/wp-login.php`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			cookie: header(),
		},
		body: new URLSearchParams( {
			log: 'admin',
			pwd: password,
			testcookie: '1',
			'wp-submit': 'Log In',
		} ),
	} );
	remember( login );
	expect( login.status ).toBe( 302 );
	expect(
		[ ...jar.keys() ].some( ( name ) =>
			name.startsWith( 'wordpress_logged_in_' )
		)
	).toBe( true );
	const nonce = await fetch(
		`${ wpUrl }/wp-admin/admin-ajax.php?action=rest-nonce`,
		{ headers: { cookie: header() } }
	);
	remember( nonce );
	const text = ( await nonce.text() ).trim();
	expect( text ).toMatch( /^[0-9a-f]{10}$/ );
	return { cookie: header(), nonce: text };
}

const started: ChildProcess[] = [];
let dataDir: string;
let openai: FakeOpenAI;

beforeAll( async () => {
	dataDir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-start-' ) );
	openai = await startFakeOpenAI();
	scriptPipelineProvider( openai );
} );

afterAll( async () => {
	for ( const child of started ) {
		if ( child.exitCode === null && child.signalCode === null ) {
			try {
				process.kill( -child.pid!, 'SIGKILL' );
			} catch {
				// Gone.
			}
		}
	}
	fs.rmSync( dataDir, { recursive: true, force: true } );
	await openai?.close();
} );

describe( 'npm start', () => {
	let first: Running;
	const marker = `igny8-start-marker-${ Date.now() }`;

	test(
		'prints the cloud, console and WordPress admin URLs and nothing much else',
		async () => {
			first = await start( dataDir, FIRST_START_MS );
			// npm's own header (`> igny8@… start`, `> tsx scripts/start.ts`) aside.
			const lines = first
				.output()
				.trim()
				.split( '\n' )
				.filter(
					( line ) => line.trim() !== '' && ! line.startsWith( '> ' )
				);
			// Starting…, the cloud, the console, WordPress admin, the sign-in link, Ctrl-C.
			expect( lines.length ).toBeLessThanOrEqual( 6 );
			expect( first.cloudUrl ).toMatch( /^http:\/\/127\.0\.0\.1:\d+$/ );
			expect( first.wpUrl ).toMatch( /^http:\/\/127\.0\.0\.1:\d+$/ );
			expect(
				fs.existsSync( path.join( dataDir, 'logs', 'cloud.log' ) )
			).toBe( true );
			expect(
				fs.existsSync( path.join( dataDir, 'logs', 'wordpress.log' ) )
			).toBe( true );
		},
		FIRST_START_MS + 10_000
	);

	test( 'serves the agency console, and the owner it prints signs in', async () => {
		const printed =
			/^Agency console: (http:\/\/\S+)\/console\/ \(user (\S+) \/ password (\S+)\)$/m.exec(
				first.output()
			);
		expect( printed?.[ 1 ] ).toBe( first.cloudUrl );
		const page = await fetch( `${ first.cloudUrl }/console/` );
		expect( page.status ).toBe( 200 );
		expect( await page.text() ).toMatch( /<html/i );
		const login = await fetch( `${ first.cloudUrl }/api/v1/auth/login/`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify( {
				email: printed![ 2 ],
				password: printed![ 3 ],
			} ),
		} );
		expect( login.status ).toBe( 200 );
	} );

	test( 'the cloud answers its health check in the API envelope', async () => {
		const response = await fetch( `${ first.cloudUrl }/api/v1/health/` );
		expect( response.status ).toBe( 200 );
		const body = ( await response.json() ) as {
			success: boolean;
			data: { status: string };
			request_id: string;
		};
		expect( body.success ).toBe( true );
		expect( typeof body.data.status ).toBe( 'string' );
		expect( body.request_id ).toMatch( /\S{8,}/ );
	} );

	test( 'WordPress answers with the plugin active and pointed at the cloud', async () => {
		const index = await fetch( `${ first.wpUrl }/wp-json/` );
		expect( index.status ).toBe( 200 );
		const { namespaces } = ( await index.json() ) as {
			namespaces: string[];
		};
		expect( namespaces ).toContain( 'igny8/v1' );

		// A script is not logged in: wp-admin sends it to the login page.
		const anonymous = await fetch( `${ first.wpUrl }/wp-admin/`, {
			redirect: 'manual',
		} );
		expect( anonymous.status ).toBe( 302 );
		expect( anonymous.headers.get( 'location' ) ).toContain(
			'/wp-login.php'
		);
		const loginPage = await fetch( `${ first.wpUrl }/wp-login.php` );
		expect( loginPage.status ).toBe( 200 );
		expect( await loginPage.text() ).toContain( 'user_login' );
		// Nor is a browser opening the printed URL: it gets the login form.
		// (node:http, because fetch sends its own Sec-Fetch-Mode.)
		const browser = await navigate( `${ first.wpUrl }/wp-admin/` );
		expect( browser.status ).toBe( 302 );
		expect( browser.location ).toContain( '/wp-login.php' );
		expect( signsIn( browser.cookies ) ).toBe( false );

		const session = await logIn( first.wpUrl, first.password );
		const connection = await fetch(
			`${ first.wpUrl }/wp-json/igny8/v1/connection`,
			{
				headers: {
					cookie: session.cookie,
					'x-wp-nonce': session.nonce,
				},
			}
		);
		expect( connection.status ).toBe( 200 );
		// Connected out of the box: the plugin holds a working site key and reaches the cloud.
		expect( await connection.json() ).toMatchObject( {
			cloud_url: first.cloudUrl,
			configured: true,
			api_key_set: true,
			reachable: true,
			cloud: { status: 'ok', db_mode: 'pglite', queue_driver: 'inline' },
		} );

		// The wp-admin screens' session: a site-scoped cloud token for the admin,
		// and the site's first sector ready to work in.
		const opened = await fetch(
			`${ first.wpUrl }/wp-json/igny8/v1/session`,
			{
				method: 'POST',
				headers: {
					cookie: session.cookie,
					'x-wp-nonce': session.nonce,
				},
			}
		);
		expect( opened.status ).toBe( 200 );
		const token = ( await opened.json() ) as {
			token: string;
			role: string;
			site_id: number;
		};
		expect( token.role ).toBe( 'admin' );
		const sectors = await fetch(
			`${ first.cloudUrl }/api/v1/auth/sectors/?site_id=${ token.site_id }`,
			{ headers: { authorization: `Bearer ${ token.token }` } }
		);
		expect( sectors.status ).toBe( 200 );
		expect(
			( ( await sectors.json() ) as { results: { name: string }[] } )
				.results
		).toEqual( [ expect.objectContaining( { name: 'General' } ) ] );

		const created = await fetch( `${ first.wpUrl }/wp-json/wp/v2/posts`, {
			method: 'POST',
			headers: {
				cookie: session.cookie,
				'x-wp-nonce': session.nonce,
				'content-type': 'application/json',
			},
			body: JSON.stringify( { title: marker, status: 'publish' } ),
		} );
		expect( created.status ).toBe( 201 );
	} );

	test( 'signs in with the printed password, not with a default one', async () => {
		expect( first.password ).toMatch( /^[A-Za-z0-9_-]{24}$/ );
		expect( first.password ).not.toBe( 'password' );
		const wrong = await fetch( `${ first.wpUrl }/wp-login.php`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
			},
			body: new URLSearchParams( {
				log: 'admin',
				pwd: 'password',
				testcookie: '1',
			} ),
		} );
		expect( wrong.status ).toBe( 200 );
		expect( signsIn( wrong.headers.getSetCookie() ) ).toBe( false );
		// The printed password is not written to the log files.
		for ( const name of [ 'start.log', 'wordpress.log', 'cloud.log' ] ) {
			expect(
				fs.readFileSync( path.join( dataDir, 'logs', name ), 'utf8' )
			).not.toContain( first.password );
		}
	} );

	test( 'the one-time link signs in once, and only with its token', async () => {
		const link = new URL( first.link );
		expect( link.origin ).toBe( first.wpUrl );
		const forged = new URL( link );
		forged.searchParams.set( 'token', 'x'.repeat( 43 ) );
		const refused = await navigate( forged.toString() );
		expect( refused.status ).toBe( 403 );
		expect( signsIn( refused.cookies ) ).toBe( false );

		// A wrong guess did not spend the real token.
		const used = await navigate( first.link );
		expect( used.status ).toBe( 302 );
		expect( used.location ).toBe( `${ first.wpUrl }/wp-admin/` );
		expect( signsIn( used.cookies ) ).toBe( true );
		const cookie = used.cookies
			.map( ( line ) => line.split( ';' )[ 0 ] )
			.join( '; ' );
		const dashboard = await fetch( `${ first.wpUrl }/wp-admin/`, {
			redirect: 'manual',
			headers: { cookie },
		} );
		expect( dashboard.status ).toBe( 200 );

		const again = await navigate( first.link );
		expect( again.status ).toBe( 403 );
		expect( signsIn( again.cookies ) ).toBe( false );
	} );

	test( 'WordPress listens on loopback only, like the cloud', async () => {
		const port = Number( new URL( first.wpUrl ).port );
		expect( await connects( '127.0.0.1', port ) ).toBe( true );
		for ( const address of externalAddresses() ) {
			expect( await connects( address, port ) ).toBe( false );
		}
	} );

	test(
		'runs the whole pipeline: a keyword becomes a post in this WordPress, and an edit there comes back',
		async () => {
			const result: PipelineResult = await runPipeline( {
				cloudUrl: first.cloudUrl,
				wordpress: await loginRestClient( first.wpUrl, {
					id: 1,
					login: 'admin',
					password: first.password,
					email: 'admin@localhost.com',
					role: 'administrator',
				} ),
				// What a visit does on a site without a system cron: WP-cron runs due events.
				runCron: async () => {
					await (
						await fetch( `${ first.wpUrl }/wp-cron.php` )
					).text();
				},
				stepTimeoutMs: 180_000,
			} );
			expectPipelineOutcome( result );
			const page = await fetch( result.postUrl );
			expect( page.status ).toBe( 200 );
			await expect( page.text() ).resolves.toContain( 'Step one' );
			// The structured steps asked the provider for strict JSON schemas.
			expect(
				openai
					.received( 'chat' )
					.map( ( request ) => request.body.response_format?.type )
			).not.toContain( undefined );
		},
		15 * 60_000
	);

	test(
		'Ctrl-C stops both children and exits 0',
		async () => {
			const stopped = await interrupt( first );
			expectCleanStop( stopped );
			expect( stopped.ms ).toBeLessThan( STOP_MS );
			expect( await portIsFree( first.cloudUrl ) ).toBe( true );
			expect( await portIsFree( first.wpUrl ) ).toBe( true );
			expect( fs.existsSync( path.join( dataDir, 'start.pid' ) ) ).toBe(
				false
			);
		},
		STOP_MS + 10_000
	);

	test(
		'a second start finds the first one’s data',
		async () => {
			// Another cloud port this time: WordPress must follow it.
			const cloudPort = String( await freePort() );
			const second = await start( dataDir, NEXT_START_MS, {
				IGNY8_CLOUD_PORT: cloudPort,
			} );
			try {
				const found = await fetch(
					`${ second.wpUrl }/wp-json/wp/v2/posts?search=${ marker }`
				);
				expect( found.status ).toBe( 200 );
				const posts = ( await found.json() ) as {
					title: { rendered: string };
				}[];
				expect(
					posts.map( ( post ) => post.title.rendered )
				).toContain( marker );

				const health = await fetch(
					`${ second.cloudUrl }/api/v1/health/`
				);
				expect( health.status ).toBe( 200 );
				// The embedded database was reopened, not created again.
				const cloudLog = fs.readFileSync(
					path.join( dataDir, 'logs', 'cloud.log' ),
					'utf8'
				);
				expect( cloudLog ).not.toMatch( /"event":"migrated"/ );

				expect( second.cloudUrl ).toBe(
					`http://127.0.0.1:${ cloudPort }`
				);
				// The same WordPress port as last time (it was free), the new cloud URL.
				expect( second.wpUrl ).toBe( first.wpUrl );
				// The same password on every start; a new link each time.
				expect( second.password ).toBe( first.password );
				expect( second.link ).not.toBe( first.link );
				const session = await logIn( second.wpUrl, second.password );
				const connection = await fetch(
					`${ second.wpUrl }/wp-json/igny8/v1/connection`,
					{
						headers: {
							cookie: session.cookie,
							'x-wp-nonce': session.nonce,
						},
					}
				);
				expect( await connection.json() ).toMatchObject( {
					cloud_url: second.cloudUrl,
					configured: true,
					reachable: true,
				} );
			} finally {
				const stopped = await interrupt( second );
				expectCleanStop( stopped );
			}
		},
		NEXT_START_MS + STOP_MS + 10_000
	);
} );

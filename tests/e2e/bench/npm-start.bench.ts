import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	ensureWordPressCore,
	freePort,
	loginRestClient,
	startFakeOpenAI,
} from '@igny8/test-harness';
import { report, runBench } from '../../../cloud/bench/support';
import { runPipeline, scriptPipelineProvider } from '../support/pipeline';

/**
 * `npm start` on a fresh clone, as a new user runs it: a clone of the
 * committed tree with its dependencies installed (node_modules hard-linked
 * from this checkout, so no `npm ci` is timed) and no build output or data.
 * Two figures, from the command to
 *   1. "WordPress connected": the URLs printed, the plugin registered with the cloud;
 *   2. the first publish: the pipeline's post published in that WordPress.
 * Baseline, same run: the Playground CLI alone installing and serving the
 * same offline WordPress on a fresh tree, without IGNY8 (what a start can
 * never beat).
 */
const ROOT = path.resolve( __dirname, '..', '..', '..' );

function freshClone( into: string ): string {
	const clone = path.join( into, 'igny8' );
	execFileSync( 'git', [ 'clone', '--quiet', ROOT, clone ] );
	for ( const dir of [
		'',
		'cloud',
		'plugin-ui',
		'shared-types',
		'tests/e2e',
		'tests/harness',
	] ) {
		const modules = path.join( ROOT, dir, 'node_modules' );
		if ( fs.existsSync( modules ) ) {
			execFileSync( 'cp', [
				'-al',
				modules,
				path.join( clone, dir, 'node_modules' ),
			] );
		}
	}
	return clone;
}

function waitForLine(
	child: ChildProcess,
	pattern: RegExp,
	timeoutMs: number
): Promise< RegExpExecArray > {
	let text = '';
	return new Promise( ( resolve, reject ) => {
		const timer = setTimeout(
			() =>
				reject(
					new Error(
						`no ${ pattern } within ${ timeoutMs / 1000 } s:\n${ text }`
					)
				),
			timeoutMs
		);
		const onData = ( chunk: Buffer ) => {
			text += chunk.toString();
			const match = pattern.exec( text );
			if ( match ) {
				clearTimeout( timer );
				resolve( match );
			}
		};
		child.stdout!.on( 'data', onData );
		child.stderr!.on( 'data', onData );
		child.once( 'exit', ( code ) => {
			clearTimeout( timer );
			reject(
				new Error( `exited ${ code } before ${ pattern }:\n${ text }` )
			);
		} );
	} );
}

function stop( child: ChildProcess ): Promise< void > {
	return new Promise( ( resolve ) => {
		if ( child.exitCode !== null || child.signalCode !== null ) {
			return resolve();
		}
		child.once( 'exit', () => resolve() );
		process.kill( -child.pid!, 'SIGINT' );
		setTimeout( () => {
			try {
				process.kill( -child.pid!, 'SIGKILL' );
			} catch {
				// Gone.
			}
		}, 30_000 ).unref();
	} );
}

/** Seconds for the Playground CLI alone to install and serve the offline WordPress. */
async function barePlayground( scratch: string ): Promise< number > {
	const tree = path.join( scratch, 'bare-wordpress' );
	fs.cpSync( ensureWordPressCore(), tree, { recursive: true } );
	const port = await freePort();
	const cli = path.join(
		path.dirname(
			require.resolve( '@wp-playground/cli/package.json', {
				paths: [ ROOT ],
			} )
		),
		'wp-playground.js'
	);
	const started = Date.now();
	const child = spawn(
		process.execPath,
		[
			cli,
			'server',
			`--port=${ port }`,
			'--php=8.3',
			'--workers=6',
			'--mount-dir-before-install',
			tree,
			'/wordpress',
			'--wordpress-install-mode=install-from-existing-files-if-needed',
		],
		{ cwd: ROOT, detached: true, stdio: [ 'ignore', 'pipe', 'pipe' ] }
	);
	try {
		await waitForLine( child, /Ready! WordPress is running/, 600_000 );
		return ( Date.now() - started ) / 1000;
	} finally {
		await stop( child );
	}
}

runBench( async () => {
	const scratch = fs.mkdtempSync(
		path.join( os.tmpdir(), 'igny8-start-bench-' )
	);
	const openai = await startFakeOpenAI();
	scriptPipelineProvider( openai );
	let child: ChildProcess | undefined;
	try {
		const baseline = await barePlayground( scratch );
		const clone = freshClone( scratch );
		const started = Date.now();
		child = spawn( 'npm', [ 'start' ], {
			cwd: clone,
			detached: true,
			stdio: [ 'ignore', 'pipe', 'pipe' ],
			env: {
				...process.env,
				IGNY8_WP_OFFLINE: '1',
				IGNY8_DATA_DIR: path.join( scratch, 'data' ),
				OPENAI_API_KEY: 'sk-fake-bench',
				OPENAI_BASE_URL: openai.url,
			},
		} );
		const urls = waitForLine(
			child,
			/IGNY8 cloud: (\S+)\n[^\n]*WordPress admin: (\S+)\/wp-admin\/ \(user admin \/ password (\S+)\)/,
			900_000
		);
		const [ , cloudUrl, wpUrl, password ] = await urls;
		const connected = ( Date.now() - started ) / 1000;
		let published = 0;
		await runPipeline( {
			cloudUrl: cloudUrl!,
			wordpress: await loginRestClient( wpUrl!, {
				id: 1,
				login: 'admin',
				password: password!,
				email: 'admin@localhost.com',
				role: 'administrator',
			} ),
			runCron: async () => {
				await ( await fetch( `${ wpUrl }/wp-cron.php` ) ).text();
			},
			stepTimeoutMs: 300_000,
			onPublished: () => {
				published = ( Date.now() - started ) / 1000;
			},
		} );
		const baselineName =
			'the Playground CLI alone installing and serving the same WordPress (s)';
		report( {
			name: 'npm_start.fresh_clone.seconds_to_wordpress_connected',
			value: Number( connected.toFixed( 1 ) ),
			unit: 's',
			baseline: baselineName,
			baseline_value: Number( baseline.toFixed( 1 ) ),
		} );
		report( {
			name: 'npm_start.fresh_clone.seconds_to_first_publish',
			value: Number( published.toFixed( 1 ) ),
			unit: 's',
			baseline: baselineName,
			baseline_value: Number( baseline.toFixed( 1 ) ),
		} );
	} finally {
		if ( child ) {
			await stop( child );
		}
		await openai.close();
		fs.rmSync( scratch, { recursive: true, force: true } );
	}
} );

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm test`: every suite in the repository, in order of speed, each in its
 * own process. A failing suite does not hide the ones after it; the run ends
 * with one summary line and fails if anything failed.
 *
 *   npm test               everything
 *   npm test -- cloud e2e  only the named suites
 *
 * The plugin's PHPUnit suite runs twice: `phpunit` on MariaDB and
 * `phpunit-sqlite` on SQLite (the SQLite integration WordPress Playground
 * runs), each in its own prepared site.
 */
const ROOT = path.resolve( __dirname, '..' );
const REPORTS = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-test-' ) );
const JEST = path.join( ROOT, 'node_modules', 'jest', 'bin', 'jest.js' );
const VM_MODULES =
	'--experimental-vm-modules --disable-warning=ExperimentalWarning';

type Counts = { passed: number; failed: number; skipped: number };
type Suite = {
	name: string;
	/** Minutes after which the suite is killed and counted as failed. */
	limitMinutes: number;
	run(): { status: number | null; counts: Counts | null; timedOut: boolean };
};

function jestSuite(
	name: string,
	config: string,
	limitMinutes: number,
	extraEnv: Record< string, string > = {}
): Suite {
	return {
		name,
		limitMinutes,
		run() {
			const report = path.join( REPORTS, `${ name }.json` );
			// --forceExit: run in band (2 cores), one test file's stray handle
			// would otherwise keep jest waiting after the results are written.
			const result = spawnSync(
				process.execPath,
				[
					JEST,
					'-c',
					config,
					'--json',
					`--outputFile=${ report }`,
					'--forceExit',
				],
				{
					cwd: ROOT,
					stdio: 'inherit',
					env: { ...process.env, ...extraEnv },
					...limits( limitMinutes ),
				}
			);
			let counts: Counts | null = null;
			if ( fs.existsSync( report ) ) {
				const json = JSON.parse(
					fs.readFileSync( report, 'utf8' )
				) as {
					numPassedTests: number;
					numFailedTests: number;
					numPendingTests: number;
					numTotalTestSuites: number;
					numFailedTestSuites: number;
				};
				// A suite that crashes before its tests run counts as one failure.
				counts = {
					passed: json.numPassedTests,
					failed:
						json.numFailedTests +
						( json.numFailedTests === 0
							? json.numFailedTestSuites
							: 0 ),
					skipped: json.numPendingTests,
				};
			}
			return {
				status: result.status,
				counts,
				timedOut: result.signal === 'SIGKILL',
			};
		},
	};
}

function commandSuite(
	name: string,
	limitMinutes: number,
	command: string,
	args: string[],
	junit?: string,
	extraEnv: Record< string, string > = {}
): Suite {
	return {
		name,
		limitMinutes,
		run() {
			const result = spawnSync( command, args, {
				cwd: ROOT,
				stdio: 'inherit',
				env: { ...process.env, ...extraEnv },
				...limits( limitMinutes ),
			} );
			let counts: Counts | null = null;
			if ( junit && fs.existsSync( junit ) ) {
				const xml = fs.readFileSync( junit, 'utf8' );
				// The first <testsuite> is the whole run; attribute order varies by version.
				const top = /<testsuite\b[^>]*>/.exec( xml )?.[ 0 ] ?? '';
				const attr = ( name: string ) =>
					Number(
						new RegExp( `\\b${ name }="(\\d+)"` ).exec(
							top
						)?.[ 1 ] ?? 0
					);
				if ( top ) {
					const failed = attr( 'failures' ) + attr( 'errors' );
					counts = {
						passed: attr( 'tests' ) - failed - attr( 'skipped' ),
						failed,
						skipped: attr( 'skipped' ),
					};
				}
			}
			return {
				status: result.status,
				counts,
				timedOut: result.signal === 'SIGKILL',
			};
		},
	};
}

/** A hung suite is killed (and reported) instead of eating the whole CI budget. */
function limits( minutes: number ) {
	return { timeout: minutes * 60_000, killSignal: 'SIGKILL' as const };
}

/** PHPUnit on one database: its own prepared site (`wp-prepare[-sqlite]`), then the suite. */
function phpunitSuites( name: string, db: 'mariadb' | 'sqlite' ): Suite[] {
	const report = path.join( REPORTS, `${ name }.xml` );
	// The bootstrap picks the site file from IGNY8_WP_DB; a stray IGNY8_PHPUNIT_SITE must not override it.
	const env = { IGNY8_WP_DB: db, IGNY8_PHPUNIT_SITE: '' };
	return [
		commandSuite(
			name.replace( 'phpunit', 'wp-prepare' ),
			5,
			process.execPath,
			[
				'--import',
				'tsx',
				'tests/harness/src/wordpress/prepare-cli.ts',
				db,
			],
			undefined,
			env
		),
		commandSuite(
			name,
			15,
			'phpunit',
			[ '-c', 'plugin/phpunit.xml.dist', '--log-junit', report ],
			report,
			env
		),
	];
}

const SUITES: Suite[] = [
	jestSuite( 'cloud', 'cloud/jest.config.js', 25, {
		NODE_OPTIONS: VM_MODULES,
	} ),
	jestSuite( 'plugin-ui', 'plugin-ui/jest.config.js', 5 ),
	...phpunitSuites( 'phpunit', 'mariadb' ),
	...phpunitSuites( 'phpunit-sqlite', 'sqlite' ),
	jestSuite( 'deploy', 'tests/deploy/jest.config.js', 10 ),
	jestSuite( 'e2e', 'tests/e2e/jest.config.js', 45, {
		NODE_OPTIONS: VM_MODULES,
	} ),
];

const wanted = process.argv.slice( 2 );
const selected = SUITES.filter(
	( suite ) =>
		wanted.length === 0 ||
		wanted.includes( suite.name ) ||
		( suite.name.startsWith( 'wp-prepare' ) &&
			wanted.includes( suite.name.replace( 'wp-prepare', 'phpunit' ) ) )
);
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const broken: string[] = [];

for ( const suite of selected ) {
	process.stdout.write( `\n=== ${ suite.name } ===\n` );
	const { status, counts, timedOut } = suite.run();
	if ( timedOut ) {
		process.stdout.write(
			`\n${ suite.name }: killed after ${ suite.limitMinutes } min\n`
		);
	}
	if ( counts ) {
		total.passed += counts.passed;
		total.failed += counts.failed;
		total.skipped += counts.skipped;
	}
	if ( status !== 0 ) {
		broken.push( suite.name );
		if ( ! counts || counts.failed === 0 ) {
			total.failed += 1;
		}
	}
}

fs.rmSync( REPORTS, { recursive: true, force: true } );
process.stdout.write(
	`\n${ broken.length ? `failed suites: ${ broken.join( ', ' ) }\n` : '' }`
);
process.stdout.write(
	`tests: ${ total.passed } passed, ${ total.failed } failed, ${ total.skipped } skipped\n`
);
process.exit( broken.length > 0 ? 1 : 0 );

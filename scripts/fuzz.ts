import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run fuzz`: the cloud API fuzz (cloud/test/fuzz.test.ts) with many
 * more requests than `npm test` sends. A random seed unless `FUZZ_SEED` is
 * given (a failure prints the seed that reproduces it).
 *
 *   npm run fuzz                          20,000 requests, a fresh seed
 *   FUZZ_RUNS=500 FUZZ_SEED=42 npm run fuzz
 */
const ROOT = path.resolve( __dirname, '..' );
const JEST = path.join( ROOT, 'node_modules', 'jest', 'bin', 'jest.js' );

const runs = process.env.FUZZ_RUNS ?? '20000';
const seed =
	process.env.FUZZ_SEED ?? String( Math.floor( Math.random() * 2 ** 31 ) );
process.stdout.write( `API fuzz: FUZZ_RUNS=${ runs } FUZZ_SEED=${ seed }\n` );

const result = spawnSync(
	process.execPath,
	[
		JEST,
		'-c',
		'cloud/jest.config.js',
		'--runTestsByPath',
		'cloud/test/fuzz.test.ts',
	],
	{
		cwd: ROOT,
		stdio: 'inherit',
		env: {
			...process.env,
			NODE_OPTIONS:
				'--experimental-vm-modules --disable-warning=ExperimentalWarning',
			FUZZ_RUNS: runs,
			FUZZ_SEED: seed,
		},
	}
);
process.exit( result.status ?? 1 );

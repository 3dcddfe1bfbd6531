/**
 * Jest settings every TypeScript workspace shares. Tests run TypeScript
 * straight from source (type checking is `npm run build`'s job), and the
 * workspaces' own packages resolve to their sources so a test never runs
 * against a stale build.
 */
const path = require( 'node:path' );

const root = __dirname;

module.exports = {
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': [
			'ts-jest',
			{ tsconfig: path.join( root, 'tsconfig.jest.json' ) },
		],
	},
	moduleNameMapper: {
		'^@igny8/shared-types$': path.join( root, 'shared-types/src/index.ts' ),
		'^@igny8/test-harness$': path.join( root, 'tests/harness/src/index.ts' ),
		'^@igny8/cloud/(.*)$': path.join( root, 'cloud/src/$1' ),
	},
	testMatch: [ '**/?(*.)test.ts' ],
	testPathIgnorePatterns: [ '/node_modules/', '/dist/' ],
	testTimeout: 30_000,
};

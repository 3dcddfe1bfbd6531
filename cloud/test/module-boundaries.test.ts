import { spawn } from 'node:child_process';
import path from 'node:path';

// The rule is plain CommonJS so eslint.config.mjs can load it without a build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { violation } = require( '../../eslint-rules/module-boundaries.cjs' ) as {
	violation: ( from: string, specifier: string ) => string | null;
};

const ROOT = path.resolve( __dirname, '../..' );
const SRC = path.join( ROOT, 'cloud/src' );

interface LintResult {
	filePath: string;
	messages: { ruleId: string | null; message: string }[];
}

/** Runs the repository's eslint, with its own config, on files or on stdin. */
function eslint( args: string[], stdin?: string ): Promise< LintResult[] > {
	return new Promise( ( resolve, reject ) => {
		const child = spawn(
			path.join( ROOT, 'node_modules/.bin/eslint' ),
			[ '--format', 'json', ...args ],
			{ cwd: ROOT }
		);
		let out = '';
		let err = '';
		child.stdout.on( 'data', ( chunk ) => ( out += chunk ) );
		child.stderr.on( 'data', ( chunk ) => ( err += chunk ) );
		child.on( 'error', reject );
		child.on( 'close', () => {
			try {
				resolve( JSON.parse( out ) as LintResult[] );
			} catch {
				reject( new Error( `eslint gave no report: ${ err }` ) );
			}
		} );
		child.stdin.end( stdin ?? '' );
	} );
}

describe( 'module boundaries', () => {
	const writer = path.join( SRC, 'modules/writer/service.ts' );

	it( "refuses an import of another module's inner file", () => {
		expect( violation( writer, '../planner/keywords' ) ).toMatch(
			/planner module through its index/
		);
		expect(
			violation(
				path.join( SRC, 'ai/engine.ts' ),
				'../modules/billing/credits'
			)
		).toMatch( /billing module through its index/ );
	} );

	it( 'allows a module its own files, other modules through their index, and non-module code', () => {
		expect( violation( writer, './serializers' ) ).toBeNull();
		expect( violation( writer, '../planner' ) ).toBeNull();
		expect( violation( writer, '../planner/index' ) ).toBeNull();
		expect( violation( writer, '../../db/models' ) ).toBeNull();
		expect( violation( writer, '@igny8/shared-types' ) ).toBeNull();
		expect(
			violation(
				path.join( SRC, 'modules/planner/import/routes.ts' ),
				'../keywords'
			)
		).toBeNull();
	} );

	it( 'is on in the lint config: a stray import in a module file is an error', async () => {
		const [ report ] = await eslint(
			[ '--stdin', '--stdin-filename', writer ],
			"import { KeywordService } from '../planner/keywords';\nexport const x = KeywordService;\n"
		);
		expect( report.messages.map( ( m ) => m.ruleId ) ).toEqual( [
			'igny8/module-boundaries',
		] );
	}, 60_000 );

	it( 'holds for every file in cloud/src today', async () => {
		const reports = await eslint( [ 'cloud/src' ] );
		expect( reports.length ).toBeGreaterThan( 50 );
		const broken = reports.flatMap( ( r ) =>
			r.messages.map(
				( m ) =>
					`${ path.relative( ROOT, r.filePath ) }: ${ m.message }`
			)
		);
		expect( broken ).toEqual( [] );
	}, 120_000 );
} );

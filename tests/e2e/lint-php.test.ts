/**
 * `npm run lint:php` (scripts/lint-php.ts), the CI step that runs the WordPress
 * Coding Standards security sniffs over the plugin: it must fail on what it is
 * there to catch, so that a green run means something.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..', '..' );
const FIXTURES = path.join( __dirname, 'fixtures', 'lint-php' );
const TSX = path.join( ROOT, 'node_modules', '.bin', 'tsx' );

function lint(
	paths: string[],
	env: Record< string, string > = {}
): { status: number | null; output: string } {
	const result = spawnSync( TSX, [ 'scripts/lint-php.ts', ...paths ], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, ...env },
	} );
	return { status: result.status, output: result.stdout + result.stderr };
}

const fixture = ( name: string ) => path.join( FIXTURES, name );

describe( 'lint:php', () => {
	it( 'passes on the plugin as it ships', () => {
		const { status, output } = lint( [] );
		expect( output ).toContain(
			'no error or warning from the security sniffs in plugin/igny8-bridge.php plugin/uninstall.php plugin/src'
		);
		expect( status ).toBe( 0 );
	} );

	it( 'fails on an unescaped echo and names the sniff', () => {
		const { status, output } = lint( [ fixture( 'unescaped-echo.php' ) ] );
		expect( status ).toBe( 1 );
		expect( output ).toContain( 'FOUND 1 ERROR AFFECTING 1 LINE' );
		expect( output ).toContain( ' 14 | ERROR ' );
		expect( output ).toContain(
			'WordPress.Security.EscapeOutput.OutputNotEscaped'
		);
	} );

	it( 'fails on warnings too: a direct query nobody said was deliberate', () => {
		const { status, output } = lint( [ fixture( 'direct-query.php' ) ] );
		expect( status ).toBe( 1 );
		expect( output ).toContain( 'FOUND 0 ERRORS AND 2 WARNINGS' );
		expect( output ).toContain(
			'WordPress.DB.DirectDatabaseQuery.DirectQuery'
		);
	} );

	it( 'accepts suppressions that name their sniff codes and say why', () => {
		const { status, output } = lint( [
			fixture( 'suppressed-with-reasons.php' ),
		] );
		expect( output ).toContain( 'no error or warning' );
		expect( status ).toBe( 0 );
	} );

	it( 'refuses suppressions without sniff codes or a reason, and a disable never enabled again', () => {
		const { status, output } = lint( [
			fixture( 'suppressed-without-reasons.php' ),
		] );
		expect( status ).toBe( 1 );
		const at = ( line: number ) =>
			`tests/e2e/fixtures/lint-php/suppressed-without-reasons.php:${ line }: `;
		expect( output ).toContain( `${ at( 15 ) }phpcs:ignore must say why` );
		expect( output ).toContain(
			`${ at( 16 ) }phpcs:ignore must name each sniff code`
		);
		expect( output ).toContain(
			`${ at( 17 ) }phpcs:ignore must name each sniff code it silences (Standard.Category.Sniff.Code), found "WordPress.Security"`
		);
		expect( output ).toContain(
			`${ at( 18 ) }phpcs:disable is never followed by phpcs:enable`
		);
		expect( output ).toContain( '4 suppression(s)' );
	} );

	it( 'fails and says where the tool is expected when it is missing', () => {
		const missing = path.join( ROOT, 'test-output', 'no-phpcs-here' );
		const { status, output } = lint( [], { IGNY8_PHPCS_DIR: missing } );
		expect( status ).toBe( 2 );
		expect( output ).toContain(
			`PHP_CodeSniffer with WPCS was not found: ${ path.join( missing, 'php_codesniffer', 'bin', 'phpcs' ) } is missing`
		);
		expect( output ).toContain( '../shared/tools/phpcs/' );
	} );
} );

/**
 * `npm run lint:php`: the WordPress Coding Standards security sniffs that
 * WordPress Plugin Check runs (escaping, nonces, sanitized input, prepared SQL,
 * safe redirects, WordPress's alternative functions …), with PHP_CodeSniffer
 * and WPCS from `../shared/tools/phpcs/` (see its README: Composer's registry
 * is not reachable, so the tool is not an npm or Composer dependency).
 *
 * What is checked is what ships, as Plugin Check checks the distributed
 * plugin: the files `npm run plugin:zip` packs, except `build/`, which
 * @wordpress/scripts generates. The zip leaves `plugin/tests/` out, so the
 * sniffs do not check it (its suppressions still follow the rule below).
 * Any error or warning fails.
 *
 * Every suppression, tests included, must name the sniff code(s) it silences
 * and say why: `// phpcs:ignore Standard.Category.Sniff.Code -- reason`.
 * Whole-file suppressions are refused.
 *
 *   npm run lint:php                 the plugin
 *   npm run lint:php -- FILE|DIR …   those paths instead (the check's own tests)
 *
 * IGNY8_PHPCS_DIR points at another copy of the tool folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SHIPPED } from './plugin-zip';

const ROOT = path.resolve( __dirname, '..' );
const PLUGIN = path.join( ROOT, 'plugin' );

/** `Standard.Category.Sniff.Code`, e.g. `WordPress.DB.DirectDatabaseQuery.NoCaching`. */
const SNIFF_CODE = /^[A-Za-z0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9_]+$/;
const ANNOTATION =
	/(?:\/\/|#|\/\*|\*)\s*(phpcs:(?:ignoreFile|ignore|disable|enable)|@codingStandards\w+)\b(.*)$/;

export function phpcsDir( env: NodeJS.ProcessEnv = process.env ): string {
	const configured = env.IGNY8_PHPCS_DIR?.trim();
	return path.resolve(
		configured
			? configured
			: path.join( ROOT, '..', 'shared', 'tools', 'phpcs' )
	);
}

/** The PHP files under a path, without `build/` folders and dotfiles. */
function phpFiles( target: string ): string[] {
	if ( ! fs.existsSync( target ) ) {
		return [];
	}
	if ( ! fs.statSync( target ).isDirectory() ) {
		return target.endsWith( '.php' ) ? [ target ] : [];
	}
	return fs
		.readdirSync( target )
		.sort()
		.filter( ( entry ) => ! entry.startsWith( '.' ) && entry !== 'build' )
		.flatMap( ( entry ) => phpFiles( path.join( target, entry ) ) );
}

/**
 * Suppressions that do not name their sniff codes or give a reason, and
 * whole-file ones; one message per offending comment.
 */
export function badSuppressions( files: string[] ): string[] {
	const problems: string[] = [];
	for ( const file of files ) {
		const where = path.relative( ROOT, file );
		const lines = fs.readFileSync( file, 'utf8' ).split( '\n' );
		let open: number | null = null;
		lines.forEach( ( line, index ) => {
			const match = ANNOTATION.exec( line );
			if ( ! match ) {
				return;
			}
			const at = `${ where }:${ index + 1 }`;
			const [ , directive, rest ] = match;
			if ( directive === 'phpcs:enable' ) {
				open = null;
				return;
			}
			if (
				directive === 'phpcs:ignoreFile' ||
				directive.startsWith( '@' )
			) {
				problems.push(
					`${ at }: ${ directive } is not allowed; ignore the named sniff codes on the lines that need it.`
				);
				return;
			}
			const [ codes, reason = '' ] = rest
				.replace( /\*\/.*$/, '' )
				.split( /\s--\s?/, 2 );
			const named = codes
				.split( ',' )
				.map( ( code ) => code.trim() )
				.filter( Boolean );
			if (
				named.length === 0 ||
				! named.every( ( code ) => SNIFF_CODE.test( code ) )
			) {
				problems.push(
					`${ at }: ${ directive } must name each sniff code it silences (Standard.Category.Sniff.Code), found "${ codes.trim() }".`
				);
			}
			if ( reason.trim().length < 10 ) {
				problems.push(
					`${ at }: ${ directive } must say why after " -- " (e.g. "// ${ directive } WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own table").`
				);
			}
			if ( directive === 'phpcs:disable' ) {
				open = index + 1;
			}
		} );
		if ( open !== null ) {
			problems.push(
				`${ where }:${ open }: phpcs:disable is never followed by phpcs:enable; a whole-file suppression is not allowed.`
			);
		}
	}
	return problems;
}

/** Runs the sniffs; the exit code is PHP_CodeSniffer's (0: no error and no warning). */
function runPhpcs( tool: string, targets: string[] ): number {
	const result = spawnSync(
		'php',
		[
			path.join( tool, 'php_codesniffer', 'bin', 'phpcs' ),
			`--standard=${ path.join( tool, 'ruleset.xml' ) }`,
			'-s',
			'--report=full',
			// Warnings fail too (the plugin has none). 5 is the severity WPCS and
			// Plugin Check report at; below it are hints such as "could not
			// determine the capability" for a capability held in a constant.
			'--error-severity=5',
			'--warning-severity=5',
			'--ignore=*/build/*',
			`--basepath=${ ROOT }`,
			...targets,
		],
		{ cwd: ROOT, stdio: 'inherit' }
	);
	if ( result.error ) {
		process.stderr.write(
			`lint:php: could not run php (${ result.error.message }): PHP_CodeSniffer needs the PHP CLI with the tokenizer, SimpleXML and XMLWriter extensions (Debian: php-cli php-xml).\n`
		);
		return 2;
	}
	return result.status ?? 2;
}

export function lintPhp( paths: string[] ): number {
	const tool = phpcsDir();
	for ( const needed of [ 'php_codesniffer/bin/phpcs', 'ruleset.xml' ] ) {
		if ( ! fs.existsSync( path.join( tool, needed ) ) ) {
			process.stderr.write(
				`lint:php: PHP_CodeSniffer with WPCS was not found: ${ path.join( tool, needed ) } is missing. ` +
					'The tool folder is expected at ../shared/tools/phpcs/ next to the repository (or where IGNY8_PHPCS_DIR points).\n'
			);
			return 2;
		}
	}
	const explicit = paths.length > 0;
	const targets = explicit
		? paths.map( ( target ) => path.resolve( target ) )
		: SHIPPED.filter( ( entry ) => entry !== 'build' )
				.map( ( entry ) => path.join( PLUGIN, entry ) )
				.filter( ( target ) => phpFiles( target ).length > 0 );
	const annotated = explicit
		? targets
		: [ ...targets, path.join( PLUGIN, 'tests' ) ];

	const status = runPhpcs( tool, targets );
	const problems = badSuppressions( annotated.flatMap( phpFiles ) );
	for ( const problem of problems ) {
		process.stderr.write( `${ problem }\n` );
	}
	if ( status !== 0 ) {
		process.stderr.write(
			'lint:php: the security sniffs found errors or warnings (report above); fix them, or suppress a deliberate one with its sniff code and a reason.\n'
		);
	}
	if ( problems.length > 0 ) {
		process.stderr.write(
			`lint:php: ${ problems.length } suppression(s) without their sniff codes or a reason (listed above).\n`
		);
	}
	if ( status !== 0 || problems.length > 0 ) {
		return 1;
	}
	const shown = targets.map( ( target ) => path.relative( ROOT, target ) );
	process.stdout.write(
		`lint:php: no error or warning from the security sniffs in ${ shown.join( ' ' ) }\n`
	);
	return 0;
}

if ( require.main === module ) {
	process.exitCode = lintPhp( process.argv.slice( 2 ) );
}

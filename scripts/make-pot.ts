/**
 * `npm run pot` (and `npm run build`, before the plugin zip): writes
 * `plugin/languages/igny8-bridge.pot`, the template translators start from,
 * with every string of the plugin's PHP and of the wp-admin scripts
 * (plugin-ui/src), extracted by @wp-blocks/make-pot.
 *
 * The tool runs from plugin/, so it reads the plugin's own header (name,
 * version, text domain) from igny8-bridge.php; the scripts' sources are
 * reached as ../plugin-ui/src. Every option it would otherwise ask for on the
 * terminal is given, and stdin is closed, so it never waits for an answer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..' );
const PLUGIN = path.join( ROOT, 'plugin' );
export const TEXT_DOMAIN = 'igny8-bridge';
export const POT_FILE = path.join(
	PLUGIN,
	'languages',
	`${ TEXT_DOMAIN }.pot`
);

/** Relative to plugin/: what is translated. Tests and built files are not. */
export const POT_SOURCES = [
	'igny8-bridge.php',
	'uninstall.php',
	'src/**/*.php',
	'../plugin-ui/src/**/*.ts',
	'../plugin-ui/src/**/*.tsx',
];
const POT_EXCLUDED = [
	'build/**',
	'tests/**',
	'vendor/**',
	'**/node_modules/**',
	'**/test/**',
	'**/*.test.ts',
	'**/*.test.tsx',
	'**/*.d.ts',
];

/** Where translators and bug reports go; make-pot requires an address. */
const CONTACT = 'translations@igny8.com';

/**
 * Extracts into `outFile` (default plugin/languages/igny8-bridge.pot) and
 * returns its path.
 */
export function makePot( outFile: string = POT_FILE ): string {
	const cli = path.join(
		path.dirname(
			require.resolve( '@wp-blocks/make-pot/package.json', {
				paths: [ ROOT ],
			} )
		),
		'lib',
		'makePot.js'
	);
	// make-pot takes a destination folder relative to its working directory
	// and always names the file <slug>.pot: extract into a scratch folder
	// inside plugin/, then move the file.
	const scratch = fs.mkdtempSync( path.join( PLUGIN, '.pot-' ) );
	try {
		execFileSync(
			process.execPath,
			[
				cli,
				'.',
				path.relative( PLUGIN, scratch ),
				`--slug=${ TEXT_DOMAIN }`,
				'--domain=plugin',
				// The default, iso-8859-1, turns “ ” … into "?".
				'--charset=utf-8',
				'--silent',
				// Its audit writes an audit.log next to the sources.
				'--skip-audit',
				`--include=${ POT_SOURCES.join( ',' ) }`,
				`--exclude=${ POT_EXCLUDED.join( ',' ) }`,
				`--headers=email:${ CONTACT }`,
			],
			{
				cwd: PLUGIN,
				stdio: [ 'ignore', 'pipe', 'pipe' ],
				env: { ...process.env, NO_COLOR: '1' },
			}
		);
		const extracted = path.join( scratch, `${ TEXT_DOMAIN }.pot` );
		if ( ! fs.existsSync( extracted ) ) {
			throw new Error( `make-pot wrote no ${ TEXT_DOMAIN }.pot.` );
		}
		const text = normalise( fs.readFileSync( extracted, 'utf8' ) );
		fs.mkdirSync( path.dirname( outFile ), { recursive: true } );
		// Written whole, then renamed: a zip never packs half a file.
		const temporary = path.join(
			path.dirname( outFile ),
			`.${ path.basename( outFile ) }.${ process.pid }`
		);
		fs.writeFileSync( temporary, text, 'utf8' );
		fs.renameSync( temporary, outFile );
		return outFile;
	} finally {
		fs.rmSync( scratch, { recursive: true, force: true } );
	}
}

/** `path:line` → [path, line] (no line: 0), for ordering references. */
function referenceKey( reference: string ): [ string, number ] {
	const match = /^(.*?)(?::(\d+))?$/.exec( reference.trim() );
	return [ match?.[ 1 ] ?? reference, Number( match?.[ 2 ] ?? 0 ) ];
}

function compareReferences( a: string, b: string ): number {
	const [ fileA, lineA ] = referenceKey( a );
	const [ fileB, lineB ] = referenceKey( b );
	return fileA === fileB ? lineA - lineB : fileA.localeCompare( fileB );
}

/**
 * Makes the extraction a stable, conventional template:
 * - make-pot parses files in parallel, so the order of entries and of their
 *   references changes from run to run: both are sorted by source position,
 *   and two builds of the same sources give the same file (but its date);
 * - it writes `/* translators: … *\/` as a translator's own comment ("# …",
 *   without the keyword), where gettext tools and WP-CLI show an extracted
 *   comment ("#. translators: …") to the translator;
 * - the header's charset is spelled as gettext spells it.
 */
export function normalise( pot: string ): string {
	const [ header = '', ...entries ] = pot.trim().split( /\n\n+/ );
	const tidy = entries.map( ( entry ) => {
		const lines = entry.split( '\n' );
		// A string used in several files has one comment from each, in the
		// order the parallel parse met them: sorted, so builds agree.
		const translators = [
			...new Set(
				lines
					.filter( ( line ) => /^# /.test( line ) )
					.map( ( line ) => line.slice( 2 ) )
			),
		]
			.sort()
			.map(
				( comment, index ) =>
					`${ index === 0 ? '#. translators: ' : '#. ' }${ comment }`
			);
		const references = lines
			.filter( ( line ) => line.startsWith( '#: ' ) )
			.map( ( line ) => line.slice( 3 ) )
			.sort( compareReferences );
		const rest = lines.filter(
			( line ) => ! line.startsWith( '#: ' ) && ! /^# /.test( line )
		);
		// Extracted comments first, then references, then the strings.
		const comments = rest.filter( ( line ) => line.startsWith( '#' ) );
		const strings = rest.filter( ( line ) => ! line.startsWith( '#' ) );
		return {
			first: references[ 0 ] ?? '',
			text: [
				...translators,
				...comments,
				...references.map( ( reference ) => `#: ${ reference }` ),
				...strings,
			].join( '\n' ),
		};
	} );
	tidy.sort(
		( a, b ) =>
			compareReferences( a.first, b.first ) ||
			a.text.localeCompare( b.text )
	);
	return (
		[
			header.replace( /charset=utf-8/i, 'charset=UTF-8' ),
			...tidy.map( ( entry ) => entry.text ),
		].join( '\n\n' ) + '\n'
	);
}

if ( require.main === module ) {
	const file = makePot();
	const count = (
		fs.readFileSync( file, 'utf8' ).match( /^msgid "/gm ) ?? []
	).length;
	process.stdout.write(
		`${ path.relative( ROOT, file ) } (${ count - 1 } strings)\n`
	);
}

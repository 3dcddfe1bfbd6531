/**
 * `npm run plugin:zip`: packs the installable plugin as `dist/igny8-bridge.zip`
 * (one `igny8-bridge/` folder, as Plugins → Add New → Upload Plugin expects),
 * with the built wp-admin screens and without tests or dev files.
 *
 * Run after `npm run build -w plugin-ui` and scripts/make-pot.ts (root
 * `npm run build` runs all three).
 */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { makePot, POT_FILE } from './make-pot';

const ROOT = path.resolve( __dirname, '..' );
const PLUGIN = path.join( ROOT, 'plugin' );
export const PLUGIN_ZIP = path.join( ROOT, 'dist', 'igny8-bridge.zip' );

/** What a site needs; anything else (tests, phpunit config, dotfiles) stays out. */
export const SHIPPED = [
	'igny8-bridge.php',
	'uninstall.php',
	'readme.txt',
	'src',
	'build',
	'languages',
];

function addTree( zip: Zippable, from: string, into: string ): void {
	const stat = fs.statSync( from );
	if ( stat.isDirectory() ) {
		for ( const entry of fs.readdirSync( from ).sort() ) {
			if ( entry.startsWith( '.' ) ) {
				continue;
			}
			addTree( zip, path.join( from, entry ), `${ into }/${ entry }` );
		}
		return;
	}
	zip[ into ] = [
		new Uint8Array( fs.readFileSync( from ) ),
		{ mtime: stat.mtime },
	];
}

/** The newest modification time under `dir` (files only), 0 for none. */
function newest( dir: string, skip: ( name: string ) => boolean ): number {
	let latest = 0;
	for ( const entry of fs.readdirSync( dir, { withFileTypes: true } ) ) {
		const at = path.join( dir, entry.name );
		if ( skip( entry.name ) ) {
			continue;
		}
		latest = Math.max(
			latest,
			entry.isDirectory() ? newest( at, skip ) : fs.statSync( at ).mtimeMs
		);
	}
	return latest;
}

/**
 * A zip must not ship a template that lacks the newest strings: when the .pot
 * is missing or older than any PHP or script source, it is extracted again.
 */
function ensurePotCurrent(): void {
	const skip = ( name: string ) =>
		name.startsWith( '.' ) ||
		name === 'node_modules' ||
		name === 'test' ||
		name.includes( '.test.' );
	const sources = Math.max(
		newest( path.join( PLUGIN, 'src' ), skip ),
		newest( path.join( ROOT, 'plugin-ui', 'src' ), skip ),
		fs.statSync( path.join( PLUGIN, 'igny8-bridge.php' ) ).mtimeMs,
		fs.statSync( path.join( PLUGIN, 'uninstall.php' ) ).mtimeMs
	);
	if (
		! fs.existsSync( POT_FILE ) ||
		fs.statSync( POT_FILE ).mtimeMs < sources
	) {
		makePot();
	}
}

export function buildPluginZip(): string {
	for ( const required of [
		'build/index.js',
		'build/index.asset.php',
		'build/early.js',
	] ) {
		if ( ! fs.existsSync( path.join( PLUGIN, required ) ) ) {
			throw new Error(
				`plugin/${ required } is missing: run \`npm run build -w plugin-ui\` first.`
			);
		}
	}
	ensurePotCurrent();
	const zip: Zippable = {};
	for ( const entry of SHIPPED ) {
		const from = path.join( PLUGIN, entry );
		if ( fs.existsSync( from ) ) {
			addTree( zip, from, `igny8-bridge/${ entry }` );
		}
	}
	fs.mkdirSync( path.dirname( PLUGIN_ZIP ), { recursive: true } );
	fs.writeFileSync( PLUGIN_ZIP, zipSync( zip, { level: 9 } ) );
	return PLUGIN_ZIP;
}

if ( require.main === module ) {
	const file = buildPluginZip();
	process.stdout.write(
		`${ path.relative( ROOT, file ) } (${ fs.statSync( file ).size } bytes)\n`
	);
}

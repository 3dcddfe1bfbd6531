/**
 * `npm run plugin:zip`: packs the installable plugin as `dist/igny8-bridge.zip`
 * (one `igny8-bridge/` folder, as Plugins → Add New → Upload Plugin expects),
 * with the built wp-admin screens and without tests or dev files.
 *
 * Run after `npm run build -w plugin-ui` (root `npm run build` does both).
 */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';

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

export function buildPluginZip(): string {
	for ( const required of [ 'build/index.js', 'build/index.asset.php' ] ) {
		if ( ! fs.existsSync( path.join( PLUGIN, required ) ) ) {
			throw new Error(
				`plugin/${ required } is missing: run \`npm run build -w plugin-ui\` first.`
			);
		}
	}
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

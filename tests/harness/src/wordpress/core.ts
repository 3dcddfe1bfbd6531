import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { STATE_DIR } from '../paths';

/**
 * The offline WordPress build: `@wp-playground/wordpress-builds` ships the PHP
 * tree as a zip and the static CSS/JS the admin needs beside it, stripped from
 * the zip. Both are laid into one folder, once, and reused by every run.
 */
export const OFFLINE_BUILD = 'beta';
export const OFFLINE_VERSION = '6.6-RC3';

const MARKER = '.igny8-core-complete';

function buildsPackageDir(): string {
	return path.dirname(
		require.resolve( '@wp-playground/wordpress-builds/package.json' )
	);
}

/**
 * Returns a folder holding a complete WordPress core (no wp-config.php, no
 * database), assembling it on first use. Treat it as read-only: sites get
 * their own wp-config.php and wp-content elsewhere.
 */
export function ensureWordPressCore(
	targetRoot = path.join( STATE_DIR, 'wp-core' )
): string {
	const target = path.join( targetRoot, `wp-${ OFFLINE_VERSION }` );
	if ( fs.existsSync( path.join( target, MARKER ) ) ) {
		return target;
	}
	const building = `${ target }.partial-${ process.pid }`;
	fs.rmSync( building, { recursive: true, force: true } );
	extractZip(
		path.join(
			buildsPackageDir(),
			'src',
			'wordpress',
			`wp-${ OFFLINE_BUILD }.zip`
		),
		building
	);
	fs.cpSync(
		path.join( buildsPackageDir(), 'public', `wp-${ OFFLINE_BUILD }` ),
		building,
		{
			recursive: true,
		}
	);
	// Playground's own config and SQLite database are not part of a core tree.
	fs.rmSync( path.join( building, 'wp-config.php' ), { force: true } );
	fs.rmSync( path.join( building, 'wp-content', 'database' ), {
		recursive: true,
		force: true,
	} );
	fs.writeFileSync( path.join( building, MARKER ), `${ OFFLINE_VERSION }\n` );
	fs.rmSync( target, { recursive: true, force: true } );
	// A rename is atomic: a concurrent or interrupted run never sees half a tree.
	fs.renameSync( building, target );
	return target;
}

export function extractZip( zipFile: string, destination: string ): void {
	const entries = unzipSync( fs.readFileSync( zipFile ) );
	for ( const [ name, data ] of Object.entries( entries ) ) {
		const out = path.join( destination, name );
		if ( ! out.startsWith( path.resolve( destination ) + path.sep ) ) {
			throw new Error(
				`Refusing zip entry outside the destination: ${ name }`
			);
		}
		if ( name.endsWith( '/' ) ) {
			fs.mkdirSync( out, { recursive: true } );
			continue;
		}
		fs.mkdirSync( path.dirname( out ), { recursive: true } );
		fs.writeFileSync( out, data );
	}
}

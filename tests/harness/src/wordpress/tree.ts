import fs from 'node:fs';
import path from 'node:path';

/**
 * Lays `source` out again under `destination` as hard links (falling back to
 * copies across file systems). Hard links cost no disk and little time, and —
 * unlike symlinks — PHP's `__DIR__` inside a linked file is the destination,
 * so WordPress finds the site's own wp-config.php. The files must be treated
 * as read-only: writing one in place would change the shared core too.
 */
export function linkTree( source: string, destination: string ): void {
	fs.mkdirSync( destination, { recursive: true } );
	for ( const entry of fs.readdirSync( source, { withFileTypes: true } ) ) {
		const from = path.join( source, entry.name );
		const to = path.join( destination, entry.name );
		if ( entry.isDirectory() ) {
			linkTree( from, to );
		} else if ( entry.isSymbolicLink() ) {
			fs.symlinkSync( fs.readlinkSync( from ), to );
		} else {
			try {
				fs.linkSync( from, to );
			} catch ( error ) {
				const code = ( error as NodeJS.ErrnoException ).code;
				if (
					code !== 'EXDEV' &&
					code !== 'EPERM' &&
					code !== 'EMLINK'
				) {
					throw error;
				}
				fs.copyFileSync( from, to );
			}
		}
	}
}

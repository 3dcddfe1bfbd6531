import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../paths';
import { buildSite } from './site';

/** The file plugin/tests/php/bootstrap.php reads to find the prepared site. */
export const PHPUNIT_SITE_FILE = path.join( STATE_DIR, 'phpunit-site.json' );

export interface PhpUnitSite {
	/** Absolute path of the site's wp-load.php. */
	wpLoad: string;
	abspath: string;
	url: string;
	database: string;
	debugLog: string;
	preparedAt: string;
}

export interface PreparePhpUnitOptions {
	dir?: string;
	database?: string;
	/** The site's URL (nothing serves it: PHPUnit loads WordPress in-process). */
	url?: string;
}

/**
 * Builds a fresh, persistent WordPress site for PHPUnit (default
 * `.igny8/phpunit-site`, database `igny8_phpunit`, IGNY8 Bridge active and
 * symlinked, so plugin edits need no re-prepare) and writes
 * `.igny8/phpunit-site.json` for the PHPUnit bootstrap.
 */
export async function prepareWordPressForPhpUnit(
	options: PreparePhpUnitOptions = {}
): Promise< PhpUnitSite > {
	const dir = options.dir ?? path.join( STATE_DIR, 'phpunit-site' );
	const database = options.database ?? 'igny8_phpunit';
	const url = options.url ?? 'http://127.0.0.1:8889';
	const built = await buildSite( {
		dir,
		database,
		url,
		activatePlugin: true,
	} );
	const site: PhpUnitSite = {
		wpLoad: path.join( built.wpDir, 'wp-load.php' ),
		abspath: built.wpDir,
		url,
		database,
		debugLog: built.debugLogFile,
		preparedAt: new Date().toISOString(),
	};
	fs.mkdirSync( path.dirname( PHPUNIT_SITE_FILE ), { recursive: true } );
	fs.writeFileSync(
		PHPUNIT_SITE_FILE,
		`${ JSON.stringify( site, null, '\t' ) }\n`
	);
	return site;
}

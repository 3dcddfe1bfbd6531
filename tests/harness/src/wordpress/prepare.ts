import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../paths';
import { defaultWpDatabase, type WpDatabase } from './database';
import { buildSite } from './site';

/** The file plugin/tests/php/bootstrap.php reads to find the prepared MariaDB site. */
export const PHPUNIT_SITE_FILE = path.join( STATE_DIR, 'phpunit-site.json' );

/**
 * The file describing the PHPUnit site on `db`: `.igny8/phpunit-site.json`
 * (MariaDB) or `.igny8/phpunit-site-sqlite.json`. plugin/tests/php/bootstrap.php
 * picks the same one from `IGNY8_WP_DB` unless `IGNY8_PHPUNIT_SITE` names a file.
 */
export function phpunitSiteFile( db: WpDatabase ): string {
	return db === 'mariadb'
		? PHPUNIT_SITE_FILE
		: path.join( STATE_DIR, `phpunit-site-${ db }.json` );
}

export interface PhpUnitSite {
	/** Absolute path of the site's wp-load.php. */
	wpLoad: string;
	abspath: string;
	url: string;
	db: WpDatabase;
	database: string;
	debugLog: string;
	preparedAt: string;
}

export interface PreparePhpUnitOptions {
	/** MariaDB or SQLite (default: env `IGNY8_WP_DB`, else MariaDB). */
	db?: WpDatabase;
	dir?: string;
	database?: string;
	/** The site's URL (nothing serves it: PHPUnit loads WordPress in-process). */
	url?: string;
}

/**
 * Builds a fresh, persistent WordPress site for PHPUnit (default
 * `.igny8/phpunit-site` with database `igny8_phpunit` — or
 * `IGNY8_PHPUNIT_DATABASE` —, or
 * `.igny8/phpunit-site-sqlite` on SQLite; IGNY8 Bridge active and symlinked,
 * so plugin edits need no re-prepare) and writes the file the PHPUnit
 * bootstrap reads (phpunitSiteFile()).
 */
export async function prepareWordPressForPhpUnit(
	options: PreparePhpUnitOptions = {}
): Promise< PhpUnitSite > {
	const db = options.db ?? defaultWpDatabase();
	const dir =
		options.dir ??
		path.join(
			STATE_DIR,
			db === 'mariadb' ? 'phpunit-site' : `phpunit-site-${ db }`
		);
	// Two checkouts preparing at once on one MariaDB each name their own.
	const database =
		options.database ??
		( process.env.IGNY8_PHPUNIT_DATABASE || 'igny8_phpunit' );
	const url = options.url ?? 'http://127.0.0.1:8889';
	const built = await buildSite( {
		dir,
		database,
		db,
		url,
		activatePlugin: true,
	} );
	const site: PhpUnitSite = {
		wpLoad: path.join( built.wpDir, 'wp-load.php' ),
		abspath: built.wpDir,
		url,
		db,
		database,
		debugLog: built.debugLogFile,
		preparedAt: new Date().toISOString(),
	};
	const file = phpunitSiteFile( db );
	fs.mkdirSync( path.dirname( file ), { recursive: true } );
	fs.writeFileSync( file, `${ JSON.stringify( site, null, '\t' ) }\n` );
	return site;
}

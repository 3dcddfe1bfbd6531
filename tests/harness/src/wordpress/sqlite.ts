import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../paths';
import { extractZip } from './core';
import { linkTree } from './tree';

/**
 * WordPress on SQLite the way WordPress Playground (`npm start`) runs it: the
 * SQLite Database Integration plugin that ships inside `@wp-playground/cli`,
 * its folder in wp-content/plugins and its `db.copy` as the wp-content/db.php
 * drop-in, which swaps `$wpdb` for the MySQL-on-SQLite driver.
 */
export const SQLITE_PLUGIN_SLUG = 'sqlite-database-integration';
export const SQLITE_PLUGIN_FILE = `${ SQLITE_PLUGIN_SLUG }/load.php`;

const MARKER = '.igny8-sqlite-complete';

function integrationZip(): string {
	return path.join(
		path.dirname( require.resolve( '@wp-playground/cli/package.json' ) ),
		'sqlite-database-integration.zip'
	);
}

/** The plugin's version, from its header (`Version: 3.0.1`). */
function versionOf( pluginDir: string ): string {
	const header = fs.readFileSync(
		path.join( pluginDir, 'load.php' ),
		'utf8'
	);
	const version = /^\s*\*\s*Version:\s*(\S+)/m.exec( header )?.[ 1 ];
	if ( ! version ) {
		throw new Error( `No Version header in ${ pluginDir }/load.php` );
	}
	return version;
}

/**
 * A folder holding the SQLite integration plugin, unpacked on first use and
 * reused by every run. Read-only, like the WordPress core.
 */
export function ensureSqliteIntegration(
	targetRoot = path.join( STATE_DIR, 'sqlite-integration' )
): string {
	const zip = integrationZip();
	// Keyed by the zip's size and time: a new @wp-playground/cli unpacks afresh.
	const { size, mtimeMs } = fs.statSync( zip );
	const target = path.join(
		targetRoot,
		`${ size }-${ Math.floor( mtimeMs ) }`
	);
	const marker = path.join( target, MARKER );
	if ( fs.existsSync( marker ) ) {
		return fs.readFileSync( marker, 'utf8' ).trim();
	}
	const building = `${ target }.partial-${ process.pid }`;
	fs.rmSync( building, { recursive: true, force: true } );
	extractZip( zip, building );
	// The zip holds one folder (`plugin-sqlite-database-integration/`).
	const top = fs
		.readdirSync( building, { withFileTypes: true } )
		.find(
			( entry ) =>
				entry.isDirectory() &&
				fs.existsSync( path.join( building, entry.name, 'load.php' ) )
		);
	if ( ! top ) {
		throw new Error( `${ zip } holds no plugin folder with load.php` );
	}
	const pluginDir = path.join( target, top.name );
	fs.writeFileSync( path.join( building, MARKER ), `${ pluginDir }\n` );
	fs.rmSync( target, { recursive: true, force: true } );
	fs.renameSync( building, target );
	return pluginDir;
}

/** The SQLite integration's version (e.g. `3.0.1`). */
export function sqliteIntegrationVersion(): string {
	return versionOf( ensureSqliteIntegration() );
}

/**
 * Lays the integration into a site: the plugin under wp-content/plugins and
 * the drop-in as wp-content/db.php with its placeholders filled in, as the
 * plugin's own "install" button and Playground do. The database file goes
 * where the wp-config.php constants DB_DIR and DB_FILE say.
 */
export function installSqliteIntegration( wpDir: string ): void {
	const source = ensureSqliteIntegration();
	const pluginDir = path.join(
		wpDir,
		'wp-content',
		'plugins',
		SQLITE_PLUGIN_SLUG
	);
	linkTree( source, pluginDir );
	const dropIn = fs
		.readFileSync( path.join( pluginDir, 'db.copy' ), 'utf8' )
		.replace(
			"'{SQLITE_IMPLEMENTATION_FOLDER_PATH}'",
			`'${ pluginDir.replace( /\\/g, '\\\\' ).replace( /'/g, "\\'" ) }'`
		)
		.replace( /\{SQLITE_PLUGIN\}/g, SQLITE_PLUGIN_FILE );
	fs.writeFileSync( path.join( wpDir, 'wp-content', 'db.php' ), dropIn );
}

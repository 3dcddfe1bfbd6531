import crypto from 'node:crypto';
import type { MysqlSettings } from './database';

/** Where the site's tables live: a MariaDB/MySQL database, or an SQLite file. */
export type WpConfigStorage =
	| { engine: 'mariadb'; mysql: MysqlSettings }
	| { engine: 'sqlite'; dir: string; file: string };

export interface WpConfigOptions {
	database: string;
	storage: WpConfigStorage;
	url: string;
	debugLog: string;
	/** Extra `define()`s, e.g. `{ IGNY8_SOMETHING: 'x' }`. */
	constants?: Record< string, string | number | boolean >;
}

function phpString( value: string ): string {
	return `'${ value.replace( /\\/g, '\\\\' ).replace( /'/g, "\\'" ) }'`;
}

function phpValue( value: string | number | boolean ): string {
	if ( typeof value === 'string' ) {
		return phpString( value );
	}
	return String( value );
}

const SALTS = [
	'AUTH_KEY',
	'SECURE_AUTH_KEY',
	'LOGGED_IN_KEY',
	'NONCE_KEY',
	'AUTH_SALT',
	'SECURE_AUTH_SALT',
	'LOGGED_IN_SALT',
	'NONCE_SALT',
];

function databaseConstants(
	database: string,
	storage: WpConfigStorage
): Record< string, string > {
	if ( storage.engine === 'sqlite' ) {
		// Read by the SQLite integration's constants.php; wp-content/db.php does the rest.
		return {
			DB_NAME: database,
			DB_USER: '',
			DB_PASSWORD: '',
			DB_HOST: '',
			DB_DIR: storage.dir,
			DB_FILE: storage.file,
		};
	}
	return {
		DB_NAME: database,
		DB_USER: storage.mysql.user,
		DB_PASSWORD: storage.mysql.password,
		DB_HOST: `${ storage.mysql.host }:${ storage.mysql.port }`,
	};
}

/** A wp-config.php for a throw-away test site: debug on, no outbound traffic, no cron. */
export function wpConfig( options: WpConfigOptions ): string {
	const constants: Record< string, string | number | boolean > = {
		...databaseConstants( options.database, options.storage ),
		DB_CHARSET: 'utf8mb4',
		DB_COLLATE: '',
		WP_HOME: options.url,
		WP_SITEURL: options.url,
		WP_DEBUG: true,
		WP_DEBUG_LOG: options.debugLog,
		WP_DEBUG_DISPLAY: false,
		SCRIPT_DEBUG: false,
		WP_ENVIRONMENT_TYPE: 'local',
		// No internet here; localhost (the cloud under test) stays reachable.
		WP_HTTP_BLOCK_EXTERNAL: true,
		DISABLE_WP_CRON: true,
		AUTOMATIC_UPDATER_DISABLED: true,
		WP_AUTO_UPDATE_CORE: false,
		FS_METHOD: 'direct',
		...Object.fromEntries(
			SALTS.map( ( name ) => [
				name,
				crypto.randomBytes( 32 ).toString( 'base64' ),
			] )
		),
		...options.constants,
	};
	const defines = Object.entries( constants )
		.map(
			( [ name, value ] ) =>
				`define( ${ phpString( name ) }, ${ phpValue( value ) } );`
		)
		.join( '\n' );
	return `<?php
// Written by the IGNY8 test harness. Throw-away site: do not edit.
${ defines }

$table_prefix = 'wp_';

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
`;
}

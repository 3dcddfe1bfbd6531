import crypto from 'node:crypto';
import type { MysqlSettings } from './database';

export interface WpConfigOptions {
	database: string;
	mysql: MysqlSettings;
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

/** A wp-config.php for a throw-away test site: debug on, no outbound traffic, no cron. */
export function wpConfig( options: WpConfigOptions ): string {
	const constants: Record< string, string | number | boolean > = {
		DB_NAME: options.database,
		DB_USER: options.mysql.user,
		DB_PASSWORD: options.mysql.password,
		DB_HOST: `${ options.mysql.host }:${ options.mysql.port }`,
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

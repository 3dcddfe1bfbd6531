/**
 * `npm run wp:prepare`: builds the WordPress site PHPUnit runs in, on MariaDB
 * or SQLite: `npm run wp:prepare -- sqlite` (or env `IGNY8_WP_DB=sqlite`).
 * Then: `phpunit -c plugin/phpunit.xml.dist` (with the same `IGNY8_WP_DB`).
 */
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { defaultWpDatabase, WP_DATABASES, type WpDatabase } from './database';
import { phpunitSiteFile, prepareWordPressForPhpUnit } from './prepare';
import { sqliteIntegrationVersion } from './sqlite';

function chosenDatabase(): WpDatabase {
	const wanted = process.argv[ 2 ];
	if ( wanted === undefined ) {
		return defaultWpDatabase();
	}
	if ( ! ( WP_DATABASES as readonly string[] ).includes( wanted ) ) {
		throw new Error(
			`Unknown database "${ wanted }": use one of ${ WP_DATABASES.join( ', ' ) }.`
		);
	}
	return wanted as WpDatabase;
}

async function main(): Promise< void > {
	const started = Date.now();
	const db = chosenDatabase();
	const site = await prepareWordPressForPhpUnit( { db } );
	const seconds = ( ( Date.now() - started ) / 1000 ).toFixed( 1 );
	const env = db === 'mariadb' ? '' : `IGNY8_WP_DB=${ db } `;
	const engine =
		db === 'sqlite'
			? `SQLite Database Integration ${ sqliteIntegrationVersion() }`
			: 'MariaDB';
	process.stdout.write(
		`WordPress for PHPUnit is ready in ${ seconds } s (${ engine }, database ${ site.database }).\n` +
			`  wp-load.php: ${ site.wpLoad }\n` +
			`  described in: ${ path.relative( REPO_ROOT, phpunitSiteFile( db ) ) }\n` +
			`Run the plugin's PHP tests with: ${ env }phpunit -c plugin/phpunit.xml.dist\n`
	);
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`wp:prepare failed: ${ error instanceof Error ? error.message : String( error ) }\n`
	);
	process.exit( 1 );
} );

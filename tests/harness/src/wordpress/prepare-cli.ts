/**
 * `npm run wp:prepare`: builds the WordPress site PHPUnit runs in.
 * Then: `phpunit -c plugin/phpunit.xml.dist`.
 */
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { PHPUNIT_SITE_FILE, prepareWordPressForPhpUnit } from './prepare';

async function main(): Promise< void > {
	const started = Date.now();
	const site = await prepareWordPressForPhpUnit();
	const seconds = ( ( Date.now() - started ) / 1000 ).toFixed( 1 );
	process.stdout.write(
		`WordPress for PHPUnit is ready in ${ seconds } s (database ${ site.database }).\n` +
			`  wp-load.php: ${ site.wpLoad }\n` +
			`  described in: ${ path.relative( REPO_ROOT, PHPUNIT_SITE_FILE ) }\n` +
			`Run the plugin's PHP tests with: phpunit -c plugin/phpunit.xml.dist\n`
	);
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`wp:prepare failed: ${ error instanceof Error ? error.message : String( error ) }\n`
	);
	process.exit( 1 );
} );

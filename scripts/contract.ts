/**
 * `npm run contract`: writes the bridge contract the plugin loads
 * (plugin/src/Contract/bridge-contract.json) and the examples its tests send
 * (plugin/tests/php/fixtures/bridge-examples.json), both from
 * shared-types/src/bridge*.ts.
 *
 *   npm run contract               write them
 *   npm run contract -- --check    fail when either is not what the source makes (npm run lint)
 */
import fs from 'node:fs';
import path from 'node:path';
import { bridgeContractText } from '../shared-types/src/bridge-contract';
import { BRIDGE_EXAMPLES } from '../shared-types/src/bridge-examples';

const ROOT = path.resolve( __dirname, '..' );

export const GENERATED: Record< string, () => string > = {
	'plugin/src/Contract/bridge-contract.json': bridgeContractText,
	'plugin/tests/php/fixtures/bridge-examples.json': () =>
		`${ JSON.stringify( BRIDGE_EXAMPLES, null, '\t' ) }\n`,
};

/** The generated files that differ from what the source makes now. */
export function staleFiles( root = ROOT ): string[] {
	return Object.entries( GENERATED )
		.filter( ( [ file, make ] ) => {
			const at = path.join( root, file );
			return (
				! fs.existsSync( at ) ||
				fs.readFileSync( at, 'utf8' ) !== make()
			);
		} )
		.map( ( [ file ] ) => file );
}

if ( require.main === module ) {
	if ( process.argv.includes( '--check' ) ) {
		const stale = staleFiles();
		if ( stale.length ) {
			console.error(
				`The bridge contract changed but these files were not regenerated: ${ stale.join( ', ' ) }. Run \`npm run contract\` and commit them.`
			);
			process.exit( 1 );
		}
		console.log(
			"contract: the plugin's bridge contract and examples are current"
		);
	} else {
		for ( const [ file, make ] of Object.entries( GENERATED ) ) {
			fs.writeFileSync( path.join( ROOT, file ), make() );
			console.log( `wrote ${ file }` );
		}
	}
}

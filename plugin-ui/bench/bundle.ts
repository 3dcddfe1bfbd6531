import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const BUILD_DIR = path.resolve(
	__dirname,
	'..',
	'..',
	'plugin',
	'build'
);

/** What every workspace screen may ship on top of WordPress, gzipped. */
export const BUDGET_KB = 100;

/**
 * Script handles WordPress 6.6+ registers itself. A dependency outside this
 * set would be bundled code WordPress does not provide, and the size below
 * would under-count what the screens ship.
 */
const PROVIDED =
	/^(wp-[a-z0-9-]+|react|react-dom|react-jsx-runtime|lodash|moment)$/;

/**
 * The gzipped size in KB of a built entry (`plugin/build/<entry>.js`, the
 * production build `npm run build` makes), after checking that everything
 * its `<entry>.asset.php` depends on is a WordPress-provided handle.
 * @param entry The bundle's name, e.g. `index`.
 */
export function shippedKb( entry: string ): {
	kb: number;
	dependencies: string[];
} {
	const js = path.join( BUILD_DIR, `${ entry }.js` );
	const asset = path.join( BUILD_DIR, `${ entry }.asset.php` );
	if ( ! fs.existsSync( js ) || ! fs.existsSync( asset ) ) {
		throw new Error(
			`${ js } is missing: run "npm run build -w plugin-ui" first`
		);
	}
	const list = /'dependencies'\s*=>\s*array\(([^)]*)\)/.exec(
		fs.readFileSync( asset, 'utf8' )
	)?.[ 1 ];
	if ( list === undefined ) {
		throw new Error( `${ asset }: no dependencies array` );
	}
	const dependencies = [ ...list.matchAll( /'([^']+)'/g ) ].map(
		( m ) => m[ 1 ]!
	);
	const foreign = dependencies.filter(
		( handle ) => ! PROVIDED.test( handle )
	);
	if ( foreign.length > 0 ) {
		throw new Error(
			`${ entry } depends on handles WordPress does not provide: ${ foreign.join( ', ' ) }`
		);
	}
	const gzipped = zlib.gzipSync( fs.readFileSync( js ), { level: 9 } );
	return {
		kb: Number( ( gzipped.length / 1024 ).toFixed( 1 ) ),
		dependencies,
	};
}

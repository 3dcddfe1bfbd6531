import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs every `*.bench.ts` under the workspaces' bench/ folders, one process
 * each (so one cannot warm or starve another), passing their JSON lines
 * through. `npm run bench -- health` runs the ones whose name matches.
 */
const ROOT = path.resolve( __dirname, '..' );
const WORKSPACES = [ 'cloud', 'plugin-ui', 'tests/e2e' ];
const filter = process.argv[ 2 ];

const benches = WORKSPACES.flatMap( ( workspace ) => {
	const dir = path.join( ROOT, workspace, 'bench' );
	return fs.existsSync( dir )
		? fs
				.readdirSync( dir )
				.filter( ( file ) => file.endsWith( '.bench.ts' ) )
				.map( ( file ) => path.join( dir, file ) )
		: [];
} ).filter( ( file ) => ! filter || path.basename( file ).includes( filter ) );

let failed = 0;
for ( const file of benches ) {
	const result = spawnSync( process.execPath, [ '--import', 'tsx', file ], {
		cwd: ROOT,
		stdio: [ 'ignore', 'inherit', 'inherit' ],
	} );
	if ( result.status !== 0 ) {
		failed += 1;
		process.stderr.write(
			`bench failed: ${ path.relative( ROOT, file ) }\n`
		);
	}
}
if ( benches.length === 0 ) {
	process.stderr.write( `no benchmark matches ${ filter ?? '' }\n` );
}
process.exit( failed > 0 || benches.length === 0 ? 1 : 0 );

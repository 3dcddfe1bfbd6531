import fs from 'node:fs';
import path from 'node:path';
import { PLUGIN_DIR } from '@igny8/test-harness';

/** The built screens these tests load; they do not build them. */
export function assertPluginUiBuilt(): void {
	for ( const file of [ 'index.js', 'index.asset.php' ] ) {
		if ( ! fs.existsSync( path.join( PLUGIN_DIR, 'build', file ) ) ) {
			throw new Error(
				`plugin/build/${ file } is missing: build the wp-admin screens first with \`npm run build -w plugin-ui\`.`
			);
		}
	}
}

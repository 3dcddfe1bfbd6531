import { report, runBench } from '../../cloud/bench/support';
import { BUDGET_KB, shippedKb } from './bundle';

/**
 * JavaScript each IGNY8 wp-admin screen ships beyond what WordPress provides:
 * every screen (Dashboard, Keywords, Clusters, Ideas, Tasks, Content, Images,
 * Settings) loads the one `index.js`; React and the @wordpress packages are
 * WordPress's own scripts (checked against `index.asset.php`). Baseline: the
 * 100 KB gzip budget, so a ratio at or below 1 is within it.
 */
runBench( async () => {
	const { kb } = shippedKb( 'index' );
	report( {
		name: 'plugin_ui.workspace_screen_js.gzip_kb',
		value: kb,
		unit: 'KB gzip',
		baseline: 'budget: 100 KB gzip per screen',
		baseline_value: BUDGET_KB,
	} );
} );

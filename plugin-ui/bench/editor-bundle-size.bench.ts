import { report, runBench } from '../../cloud/bench/support';
import { BUDGET_KB, shippedKb } from './bundle';

/**
 * JavaScript the block-editor sidebar adds to the post editor beyond what
 * WordPress provides (`editor.js`; its @wordpress dependencies, checked
 * against `editor.asset.php`, are WordPress's own). Baseline: the 100 KB
 * gzip budget.
 */
runBench( async () => {
	const { kb } = shippedKb( 'editor' );
	report( {
		name: 'plugin_ui.editor_sidebar_js.gzip_kb',
		value: kb,
		unit: 'KB gzip',
		baseline: 'budget: 100 KB gzip per screen',
		baseline_value: BUDGET_KB,
	} );
} );

/**
 * wp-scripts' unit-test settings, plus: some dependencies of
 * @wordpress/components ship ES modules only (`uuid`, `@wordpress/theme`'s
 * .mjs build), so babel compiles those too.
 */
const defaults = require( '@wordpress/scripts/config/jest-unit.config' );

const ESM_ONLY = [ 'uuid', '@wordpress/theme' ];

module.exports = {
	...defaults,
	rootDir: __dirname,
	transform: {
		'\\.m?[jt]sx?$': require.resolve(
			'@wordpress/scripts/config/babel-transform'
		),
	},
	transformIgnorePatterns: [
		`/node_modules/(?!(@wordpress/[^/]+/node_modules/)?(${ ESM_ONLY.join(
			'|'
		) })/)`,
	],
};

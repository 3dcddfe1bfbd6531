// Lint for the TypeScript outside plugin-ui (which uses wp-scripts' own config).
import tseslint from 'typescript-eslint';
import moduleBoundaries from './eslint-rules/module-boundaries.cjs';

export default tseslint.config(
	{
		ignores: [ '**/node_modules/**', '**/dist/**', '**/build/**', 'plugin-ui/**', 'console/**', 'plugin/**', '.igny8/**', 'test-output/**', '**/*.js', '**/*.mjs', '**/*.cjs' ],
	},
	...tseslint.configs.recommended,
	{
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': [ 'error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true } ],
		},
	},
	{
		files: [ 'cloud/src/**/*.ts' ],
		plugins: { igny8: { rules: { 'module-boundaries': moduleBoundaries.rule } } },
		rules: { 'igny8/module-boundaries': 'error' },
	}
);

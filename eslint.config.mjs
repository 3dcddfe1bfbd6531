// Lint for the TypeScript outside plugin-ui (which uses wp-scripts' own config).
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		ignores: [ '**/node_modules/**', '**/dist/**', '**/build/**', 'plugin-ui/**', 'plugin/**', '.igny8/**', 'test-output/**', '**/*.js', '**/*.mjs' ],
	},
	...tseslint.configs.recommended,
	{
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-unused-vars': [ 'error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true } ],
		},
	}
);

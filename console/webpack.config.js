/**
 * wp-scripts' webpack setup, changed for a standalone app the cloud serves at
 * /console/: everything bundled (`--webpack-no-externals`: no WordPress page
 * provides React or the components here), content-hashed file names so the
 * cloud can cache them for good, one chunk per page, and an index.html that
 * names the current bundles (no inline script or style: the CSP allows only
 * 'self').
 */
const path = require( 'path' );
const MiniCssExtractPlugin = require( 'mini-css-extract-plugin' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

const HASH = '[contenthash:12]';

class IndexHtmlPlugin {
	apply( compiler ) {
		const { Compilation, sources } = compiler.webpack;
		compiler.hooks.thisCompilation.tap(
			'IndexHtmlPlugin',
			( compilation ) => {
				compilation.hooks.processAssets.tap(
					{
						name: 'IndexHtmlPlugin',
						stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE,
					},
					() => {
						const files = compilation.entrypoints
							.get( 'console' )
							.getFiles()
							.filter( ( file ) => ! file.includes( '-rtl.' ) );
						const publicPath = compilation.outputOptions.publicPath;
						const styles = files
							.filter( ( file ) => file.endsWith( '.css' ) )
							.map(
								( file ) =>
									`<link rel="stylesheet" href="${ publicPath }${ file }">`
							);
						const scripts = files
							.filter( ( file ) => file.endsWith( '.js' ) )
							.map(
								( file ) =>
									`<script defer src="${ publicPath }${ file }"></script>`
							);
						const html = [
							'<!doctype html>',
							'<html lang="en">',
							'<head>',
							'<meta charset="utf-8">',
							'<meta name="viewport" content="width=device-width, initial-scale=1">',
							'<title>IGNY8 console</title>',
							'<link rel="icon" href="data:,">',
							...styles,
							...scripts,
							'</head>',
							'<body>',
							'<div id="root"></div>',
							'<noscript>The IGNY8 console needs JavaScript.</noscript>',
							'</body>',
							'</html>',
							'',
						].join( '\n' );
						compilation.emitAsset(
							'index.html',
							new sources.RawSource( html )
						);
					}
				);
			}
		);
	}
}

module.exports = {
	...defaultConfig,
	entry: { console: path.resolve( __dirname, 'src/index.tsx' ) },
	output: {
		...defaultConfig.output,
		path: path.resolve( __dirname, 'build' ),
		publicPath: '/console/',
		filename: `[name].${ HASH }.js`,
		chunkFilename: `[name].${ HASH }.js`,
	},
	plugins: [
		...defaultConfig.plugins
			.filter(
				( plugin ) => ! ( plugin instanceof MiniCssExtractPlugin )
			)
			.filter( ( plugin ) => plugin.constructor.name !== 'RtlCssPlugin' ),
		new MiniCssExtractPlugin( {
			filename: `[name].${ HASH }.css`,
			chunkFilename: `[name].${ HASH }.css`,
		} ),
		new IndexHtmlPlugin(),
	],
	optimization: {
		...defaultConfig.optimization,
		splitChunks: {
			cacheGroups: {
				style: {
					...defaultConfig.optimization.splitChunks.cacheGroups.style,
					// wp-scripts names it `./style-console`: a path segment in the URL.
					name: ( _, chunks ) => `style-${ chunks[ 0 ].name }`,
				},
				default: false,
			},
		},
	},
	performance: { hints: false },
};

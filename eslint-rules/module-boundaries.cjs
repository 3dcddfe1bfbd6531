/**
 * igny8/module-boundaries: code in cloud/src reaches a module
 * (cloud/src/modules/<name>/) only through its index, unless it is inside
 * that module. A module's files behind its index are its own: its tables,
 * its transition checks, its services' internals.
 */
const path = require( 'node:path' );

const SRC = path.resolve( __dirname, '../cloud/src' );

/** `{ name, inner }` when the file is inside a module, else null. */
function placeOf( file ) {
	const rel = path.relative( SRC, file );
	if ( rel.startsWith( '..' ) || path.isAbsolute( rel ) ) {
		return null;
	}
	const parts = rel.split( path.sep );
	if ( parts[ 0 ] !== 'modules' || parts.length < 2 ) {
		return null;
	}
	return {
		name: parts[ 1 ],
		inner: parts.slice( 2 ).join( '/' ).replace( /\.ts$/, '' ),
	};
}

/** The message for an import, or null when it is allowed. */
function violation( fromFile, specifier ) {
	if ( typeof specifier !== 'string' || ! specifier.startsWith( '.' ) ) {
		return null;
	}
	if ( ! path.resolve( fromFile ).startsWith( SRC + path.sep ) ) {
		return null;
	}
	const target = placeOf( path.resolve( path.dirname( fromFile ), specifier ) );
	if ( ! target || target.inner === '' || target.inner === 'index' ) {
		return null;
	}
	const from = placeOf( fromFile );
	if ( from && from.name === target.name ) {
		return null;
	}
	return `Import the ${ target.name } module through its index ('modules/${ target.name }'), not its file '${ target.inner }': export what you need from modules/${ target.name }/index.ts.`;
}

const rule = {
	meta: {
		type: 'problem',
		docs: { description: 'Modules are reached only through their index.' },
		schema: [],
	},
	create( context ) {
		const check = ( node ) => {
			const source = node.source;
			const message = source && violation( context.filename, source.value );
			if ( message ) {
				context.report( { node: source, message } );
			}
		};
		return {
			ImportDeclaration: check,
			ExportNamedDeclaration: check,
			ExportAllDeclaration: check,
			ImportExpression: check,
		};
	},
};

module.exports = { rule, violation };

import path from 'node:path';
import ts from 'typescript';

/**
 * Finds every place cloud/src writes a table: Sequelize calls on a model
 * (`models.Task.update(…)`) or on one of its rows (`task.save()`), and raw
 * SQL (`UPDATE tasks …`). The type checker says which model a receiver is,
 * so a write is found however the model reached the code (destructured,
 * injected, narrowed). What it cannot see: a write through a generic helper
 * typed only as `Model`/`ModelStatic<T>` (reported as `unresolved`), and
 * SQL assembled from pieces that are not literals in one expression.
 */

export const SRC = path.resolve( __dirname, '../src' );

export type TableWrite = {
	/** Relative to cloud/src. */
	file: string;
	line: number;
	/** The module (or cross-cutting folder) the file belongs to. */
	writer: string;
	table: string | null;
	kind: 'insert' | 'update' | 'delete' | 'save';
	/** Columns an UPDATE sets, when they can be read off the code. */
	columns: string[] | null;
	/** What was called, for the report. */
	via: string;
};

const STATIC_WRITES: Record< string, TableWrite[ 'kind' ] > = {
	create: 'insert',
	bulkCreate: 'insert',
	findOrCreate: 'insert',
	findCreateFind: 'insert',
	upsert: 'insert',
	update: 'update',
	increment: 'update',
	decrement: 'update',
	restore: 'update',
	destroy: 'delete',
	truncate: 'delete',
};

const INSTANCE_WRITES: Record< string, TableWrite[ 'kind' ] > = {
	save: 'save',
	update: 'update',
	increment: 'update',
	decrement: 'update',
	restore: 'update',
	destroy: 'delete',
};

const SQL_WRITE =
	/\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/g;

/** Which module or cross-cutting folder a file of cloud/src belongs to. */
export function ownerOfFile( relative: string ): string {
	const parts = relative.split( /[\\/]/ );
	if ( parts[ 0 ] === 'modules' && parts.length > 2 ) {
		return parts[ 1 ] as string;
	}
	return parts.length > 1 ? ( parts[ 0 ] as string ) : 'root';
}

/** The program cloud/tsconfig.json describes, optionally with extra in-memory files. */
export function cloudProgram( extra: Record< string, string > = {} ) {
	const configPath = path.resolve( SRC, '../tsconfig.json' );
	const config = ts.getParsedCommandLineOfConfigFile(
		configPath,
		{ noEmit: true },
		{
			...ts.sys,
			onUnRecoverableConfigFileDiagnostic: ( d ) => {
				throw new Error(
					ts.flattenDiagnosticMessageText( d.messageText, '\n' )
				);
			},
		}
	);
	if ( ! config ) {
		throw new Error( `Cannot read ${ configPath }` );
	}
	const host = ts.createCompilerHost( config.options );
	const read = host.getSourceFile.bind( host );
	host.getSourceFile = ( file, language, ...rest ) =>
		file in extra
			? ts.createSourceFile( file, extra[ file ] as string, language )
			: read( file, language, ...rest );
	const exists = host.fileExists.bind( host );
	host.fileExists = ( file ) => file in extra || exists( file );
	return ts.createProgram( {
		rootNames: [ ...config.fileNames, ...Object.keys( extra ) ],
		options: config.options,
		host,
	} );
}

/** Row interface → table, from every `sequelize.define< Row >( …, tableOptions( 't' ) | { tableName: 't' } )`. */
function modelTables( program: ts.Program ): Map< ts.Symbol, string > {
	const checker = program.getTypeChecker();
	const tables = new Map< ts.Symbol, string >();
	const visit = ( node: ts.Node ): void => {
		if (
			ts.isCallExpression( node ) &&
			ts.isPropertyAccessExpression( node.expression ) &&
			node.expression.name.text === 'define' &&
			node.typeArguments?.length === 1
		) {
			const table = tableNameIn( node.arguments[ 2 ] );
			const row = checker
				.getTypeFromTypeNode( node.typeArguments[ 0 ] as ts.TypeNode )
				.getSymbol();
			if ( table && row ) {
				tables.set( row, table );
			}
		}
		ts.forEachChild( node, visit );
	};
	for ( const file of program.getSourceFiles() ) {
		if ( ! file.isDeclarationFile ) {
			visit( file );
		}
	}
	return tables;
}

function tableNameIn( options: ts.Expression | undefined ): string | null {
	if ( ! options ) {
		return null;
	}
	if (
		ts.isCallExpression( options ) &&
		ts.isIdentifier( options.expression ) &&
		options.expression.text === 'tableOptions'
	) {
		const first = options.arguments[ 0 ];
		return first && ts.isStringLiteralLike( first ) ? first.text : null;
	}
	if ( ts.isObjectLiteralExpression( options ) ) {
		for ( const property of options.properties ) {
			if (
				ts.isPropertyAssignment( property ) &&
				property.name.getText() === 'tableName' &&
				ts.isStringLiteralLike( property.initializer )
			) {
				return property.initializer.text;
			}
		}
	}
	return null;
}

/** Names of the properties of an object literal argument (the columns a `.update( { … } )` sets). */
function keysOf( argument: ts.Expression | undefined ): string[] | null {
	if ( ! argument || ! ts.isObjectLiteralExpression( argument ) ) {
		return null;
	}
	const keys: string[] = [];
	for ( const property of argument.properties ) {
		if (
			( ts.isPropertyAssignment( property ) ||
				ts.isShorthandPropertyAssignment( property ) ) &&
			! ts.isComputedPropertyName( property.name )
		) {
			keys.push( property.name.getText().replace( /^['"]|['"]$/g, '' ) );
		} else {
			return null;
		}
	}
	return keys;
}

/** Columns a SQL UPDATE's SET assigns (top level of the list only). */
function setColumns( sql: string ): string[] | null {
	const set =
		/^\s*(?:ONLY\s+)?"?[a-z_][a-z0-9_]*"?\s+(?:AS\s+\w+\s+)?SET\s+/i.exec(
			sql
		);
	if ( ! set ) {
		return null;
	}
	const columns: string[] = [];
	let depth = 0;
	let start = set[ 0 ].length;
	const rest = sql.slice( 0 );
	for ( let i = start; i <= rest.length; i++ ) {
		const c = rest[ i ];
		const atEnd =
			i === rest.length ||
			( depth === 0 &&
				/^\s(WHERE|RETURNING|FROM)\b/i.test( rest.slice( i ) ) ) ||
			( depth === 0 && c === ')' );
		if ( atEnd || ( depth === 0 && c === ',' ) ) {
			const name = /^\s*"?([a-z_][a-z0-9_]*)"?\s*=/i.exec(
				rest.slice( start, i )
			);
			if ( name ) {
				columns.push( name[ 1 ] as string );
			}
			if ( atEnd ) {
				break;
			}
			start = i + 1;
		} else if ( c === '(' ) {
			depth++;
		} else if ( c === ')' ) {
			depth--;
		}
	}
	return columns;
}

const KIND_OF_SQL: Record< string, TableWrite[ 'kind' ] > = {
	INSERT: 'insert',
	UPDATE: 'update',
	DELETE: 'delete',
	COPY: 'insert',
};

/** The text of a string literal or template (its substitutions as `?`). */
function literalText( node: ts.Node ): string | null {
	if (
		ts.isStringLiteral( node ) ||
		ts.isNoSubstitutionTemplateLiteral( node )
	) {
		return node.text;
	}
	if ( ts.isTemplateExpression( node ) ) {
		return (
			node.head.text +
			node.templateSpans
				.map( ( span ) => '?' + span.literal.text )
				.join( '' )
		);
	}
	return null;
}

export function scanWrites(
	program: ts.Program,
	options: {
		knownTables: ReadonlySet< string >;
		include: ( file: string ) => boolean;
	}
): TableWrite[] {
	const checker = program.getTypeChecker();
	const tables = modelTables( program );
	const writes: TableWrite[] = [];

	const tableOfRow = (
		type: ts.Type,
		seen = new Set< ts.Type >()
	): string | null => {
		if ( seen.has( type ) ) {
			return null;
		}
		seen.add( type );
		if ( type.isUnionOrIntersection() ) {
			for ( const part of type.types ) {
				const table = tableOfRow( part, seen );
				if ( table ) {
					return table;
				}
			}
			return null;
		}
		const symbol = type.getSymbol();
		const table = symbol && tables.get( symbol );
		if ( table ) {
			return table;
		}
		if ( type.isClassOrInterface() ) {
			for ( const base of checker.getBaseTypes( type ) ) {
				const inherited = tableOfRow( base, seen );
				if ( inherited ) {
					return inherited;
				}
			}
		}
		return null;
	};
	const isModelClass = ( type: ts.Type ) =>
		!! type.getProperty( 'findAll' ) &&
		!! type.getProperty( 'rawAttributes' );
	const isModelRow = ( type: ts.Type ) =>
		!! type.getProperty( 'isNewRecord' ) && !! type.getProperty( 'save' );

	for ( const source of program.getSourceFiles() ) {
		const file = path.relative( SRC, source.fileName );
		if ( source.isDeclarationFile || ! options.include( file ) ) {
			continue;
		}
		const writer = ownerOfFile( file );
		const lineOf = ( position: number ) =>
			source.getLineAndCharacterOfPosition( position ).line + 1;

		const visit = ( node: ts.Node ): void => {
			if (
				ts.isCallExpression( node ) &&
				ts.isPropertyAccessExpression( node.expression )
			) {
				const method = node.expression.name.text;
				const receiver = checker.getTypeAtLocation(
					node.expression.expression
				);
				const record = (
					kind: TableWrite[ 'kind' ],
					table: string | null,
					via: string
				) =>
					writes.push( {
						file,
						line: lineOf( node.getStart( source ) ),
						writer,
						table,
						kind,
						columns:
							kind === 'update'
								? keysOf( node.arguments[ 0 ] )
								: null,
						via,
					} );
				const staticKind = STATIC_WRITES[ method ];
				const instanceKind = INSTANCE_WRITES[ method ];
				if ( staticKind && isModelClass( receiver ) ) {
					const rows = receiver
						.getConstructSignatures()
						.map( ( signature ) =>
							tableOfRow( signature.getReturnType() )
						);
					record(
						staticKind,
						rows.find( Boolean ) ?? null,
						`Model.${ method }`
					);
				} else if ( instanceKind && isModelRow( receiver ) ) {
					record(
						instanceKind,
						tableOfRow( receiver ),
						`row.${ method }`
					);
				}
			}
			const text = literalText( node );
			if ( text !== null ) {
				for ( const match of text.matchAll( SQL_WRITE ) ) {
					const table = match[ 2 ] as string;
					if ( ! options.knownTables.has( table ) ) {
						continue;
					}
					const verb = ( match[ 1 ] as string ).split(
						/\s/
					)[ 0 ] as string;
					const kind = KIND_OF_SQL[ verb ] as TableWrite[ 'kind' ];
					const before =
						text.slice( 0, match.index ).split( '\n' ).length - 1;
					writes.push( {
						file,
						line: lineOf( node.getStart( source ) ) + before,
						writer,
						table,
						kind,
						columns:
							kind === 'update'
								? setColumns(
										text.slice(
											( match.index ?? 0 ) + verb.length
										)
									)
								: null,
						via: `SQL ${ verb }`,
					} );
				}
			}
			ts.forEachChild( node, visit );
		};
		visit( source );
	}
	return writes;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
	SHARED_WRITES,
	TABLE_OWNERS,
	type SharedWrite,
} from '../src/modules/ownership';
import {
	SRC,
	cloudProgram,
	ownerOfFile,
	scanWrites,
	type TableWrite,
} from './table-writes';

/**
 * "Only a module writes its tables": every insert, update and delete in
 * cloud/src is made by the owner the ownership map names, or is one of its
 * listed shared writes. Migrations, model definitions (db/) and tests are
 * not scanned.
 */

const OWNERS: Record< string, string > = TABLE_OWNERS;

/** A file that breaks the rule three ways, checked alongside the real tree. */
const PROBE = path.join( SRC, 'modules/publisher/ownership-probe.ts' );
const PROBE_SOURCE = `
import type { Models } from '../../db/models';
import type { TaskRow } from '../../db/content-models';

export async function misbehave( models: Models, task: TaskRow ) {
	await models.Task.update( { status: 'published' }, { where: { id: task.id } } );
	task.status = 'completed';
	await task.save();
	await models.PublishingRecord.sequelize!.query( 'DELETE FROM images WHERE task_id = 1' );
	await models.PublishingRecord.update( { status: 'queued' }, { where: {} } );
}
`;

function tablesTheMigrationsCreate(): string[] {
	const dir = path.join( SRC, 'db/migrations' );
	const tables = new Set< string >();
	for ( const file of readdirSync( dir ) ) {
		const text = readFileSync( path.join( dir, file ), 'utf8' );
		for ( const match of text.matchAll(
			/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)|createTable\(\s*'([a-z_]+)'/g
		) ) {
			tables.add( ( match[ 1 ] ?? match[ 2 ] ) as string );
		}
	}
	return [ ...tables ].sort();
}

function allowedShared( write: TableWrite, shared: SharedWrite ): boolean {
	if ( shared.table !== write.table || shared.writer !== write.writer ) {
		return false;
	}
	if ( write.kind === 'insert' ) {
		return shared.insert === true;
	}
	return (
		write.kind === 'update' &&
		write.columns !== null &&
		shared.columns !== undefined &&
		write.columns.every( ( column ) => shared.columns!.includes( column ) )
	);
}

/** `file:line writes <table> owned by <module>` for every write its writer may not make. */
function violations(
	writes: TableWrite[],
	shared: readonly SharedWrite[] = SHARED_WRITES
): string[] {
	return writes
		.filter( ( write ) => {
			const owner = write.table && OWNERS[ write.table ];
			return (
				owner &&
				owner !== write.writer &&
				! shared.some( ( s ) => allowedShared( write, s ) )
			);
		} )
		.map(
			( w ) =>
				`${ w.file }:${ w.line } writes ${ w.table } owned by ${ OWNERS[ w.table! ] } (${ w.via }${ w.columns ? ` ${ w.columns.join( ', ' ) }` : '' })`
		);
}

const scanned = ( file: string ) =>
	! file.startsWith( '..' ) &&
	! file.startsWith( `db${ path.sep }` ) &&
	! file.endsWith( '.test.ts' );

describe( 'table ownership', () => {
	let tree: TableWrite[];
	let probe: TableWrite[];

	beforeAll( () => {
		const program = cloudProgram( { [ PROBE ]: PROBE_SOURCE } );
		const writes = scanWrites( program, {
			knownTables: new Set( Object.keys( OWNERS ) ),
			include: scanned,
		} );
		const probeFile = path.relative( SRC, PROBE );
		tree = writes.filter( ( w ) => w.file !== probeFile );
		probe = writes.filter( ( w ) => w.file === probeFile );
	}, 120_000 );

	it( 'names one owner for every table the migrations create, and no other table', () => {
		expect( Object.keys( OWNERS ).sort() ).toEqual(
			tablesTheMigrationsCreate()
		);
	} );

	it( 'gives every shared write a reason and a limit (columns, or inserts only)', () => {
		for ( const shared of SHARED_WRITES ) {
			expect( shared.reason.length ).toBeGreaterThan( 20 );
			expect( !! shared.columns?.length || shared.insert ).toBe( true );
			expect( OWNERS[ shared.table ] ).not.toBe( shared.writer );
		}
	} );

	it( 'finds the writes of the tree (the scan is not blind)', () => {
		const seen = new Set(
			tree.map( ( w ) => `${ w.writer }:${ w.table }` )
		);
		for ( const expected of [
			'writer:tasks',
			'writer:images',
			'planner:clusters',
			'publisher:publishing_records',
			'auth:refresh_tokens',
			'tenancy:users',
			'ai:ai_task_runs',
			'jobs:scheduler_tasks',
		] ) {
			expect( seen ).toContain( expected );
		}
	} );

	it( 'has every write in cloud/src made by the owner of its table', () => {
		expect( violations( tree ) ).toEqual( [] );
	} );

	it( 'ties every model write to a table (a write through an untyped model would go unchecked)', () => {
		expect(
			tree
				.filter( ( w ) => w.table === null )
				.map( ( w ) => `${ w.file }:${ w.line } ${ w.via }` )
		).toEqual( [] );
	} );

	it( "catches another module's table written through its model, a row and raw SQL", () => {
		expect( violations( probe ) ).toEqual( [
			expect.stringMatching(
				/ownership-probe\.ts:6 writes tasks owned by writer \(Model\.update status\)/
			),
			expect.stringMatching(
				/ownership-probe\.ts:8 writes tasks owned by writer \(row\.save\)/
			),
			expect.stringMatching(
				/ownership-probe\.ts:9 writes images owned by writer \(SQL DELETE\)/
			),
		] );
		// Its own table is its own to write.
		expect( probe.map( ( w ) => w.table ) ).toContain(
			'publishing_records'
		);
	} );

	it( 'holds a shared write to its columns', () => {
		const write: TableWrite = {
			file: 'modules/billing/credits.ts',
			line: 1,
			writer: 'billing',
			table: 'accounts',
			kind: 'update',
			columns: [ 'credits', 'status' ],
			via: 'SQL UPDATE',
		};
		expect( violations( [ write ] ) ).toHaveLength( 1 );
		expect(
			violations( [ { ...write, columns: [ 'credits', 'updated_at' ] } ] )
		).toEqual( [] );
	} );

	it( 'knows which module a file belongs to', () => {
		expect( ownerOfFile( 'modules/writer/pipeline.ts' ) ).toBe( 'writer' );
		expect( ownerOfFile( 'ai/functions/auto-cluster.ts' ) ).toBe( 'ai' );
		expect( ownerOfFile( 'domain-events/index.ts' ) ).toBe(
			'domain-events'
		);
		expect( ownerOfFile( 'cli.ts' ) ).toBe( 'root' );
	} );
} );

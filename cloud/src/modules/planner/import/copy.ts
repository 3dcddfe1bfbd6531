import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Sequelize, Transaction } from 'sequelize';
import type { KeywordImportRow } from '../../../db/content-models';
import type { ParsedKeyword } from './values';

/** The columns a batch is copied into, in the order `copyText` writes them. */
const COLUMNS =
	'account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, status, source, cpc, extra';

const SPECIAL = /[\\\t\n\r]/;

/** Text as COPY's text format reads it: the four special characters escaped (most keywords have none, so they are only looked for first). */
function text( value: string ): string {
	if ( ! SPECIAL.test( value ) ) {
		return value;
	}
	return value.replace( /[\\\t\n\r]/g, ( c ) =>
		c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'
	);
}

/** A number or null as COPY's text format reads it (numbers never need escaping). */
const num = ( value: number | null ): string =>
	value === null ? '\\N' : String( value );

/** A batch as the body of `COPY keywords (COLUMNS) FROM STDIN`. */
export function copyText(
	row: Pick<
		KeywordImportRow,
		'id' | 'account_id' | 'site_id' | 'sector_id'
	>,
	batch: ParsedKeyword[]
): string {
	const fixed = `${ row.account_id }\t${ row.site_id }\t${ row.sector_id }\t`;
	const tail = `\t${ text( JSON.stringify( { import_id: row.id } ) ) }\n`;
	// One array joined once: concatenating 5,000 rows into a string costs more in copies and garbage than the rows themselves.
	const lines = new Array< string >( batch.length );
	for ( let i = 0; i < batch.length; i++ ) {
		const k = batch[ i ]!;
		// The intent is one of four words; the counts are numbers.
		lines[ i ] =
			`${ fixed }${ text( k.keyword ) }\t${ text( k.normalized ) }\t${ k.search_volume }\t${ num( k.difficulty ) }\t${ k.intent ?? '\\N' }\tactive\tcsv_import\t${ num( k.cpc ) }${ tail }`;
	}
	return lines.join( '' );
}

const UNIQUE_VIOLATION = '23505';

/**
 * Copies a batch straight into `keywords` (as fast as a raw COPY), or
 * answers null, having written nothing, when one of its keywords is already
 * in the sector: COPY cannot skip a conflict, so that batch and the rest of
 * the file take the INSERT … ON CONFLICT path instead. PostgreSQL only (the
 * embedded PGlite's socket has no COPY sub-protocol).
 *
 * Its commit does not wait for the disk (`synchronous_commit` off, for this
 * transaction only): nobody is told of a batch until the import's own
 * "succeeded" commit, which does wait, and PostgreSQL writes its log in
 * order, so that commit makes every batch before it durable. A crash before
 * it can only lose the latest batches along with everything after them (the
 * import still "running", never a gap), and the job's re-run counts what did
 * survive by `extra.import_id`.
 */
export async function copyKeywords(
	sequelize: Sequelize,
	row: KeywordImportRow,
	batch: ParsedKeyword[]
): Promise< number | null > {
	try {
		return await sequelize.transaction( async ( transaction ) => {
			// Sequelize keeps the transaction's pg client here (not in its types).
			const client = (
				transaction as Transaction & { connection: ClientBase }
			 ).connection;
			// See `copyKeywords`: a batch need not wait for its own WAL flush.
			await client.query( 'SET LOCAL synchronous_commit TO off' );
			const copy = client.query(
				copyFrom( `COPY keywords (${ COLUMNS }) FROM STDIN` )
			);
			await pipeline( Readable.from( [ copyText( row, batch ) ] ), copy );
			return copy.rowCount;
		} );
	} catch ( error ) {
		if ( ( error as { code?: string } ).code === UNIQUE_VIOLATION ) {
			return null;
		}
		throw error;
	}
}

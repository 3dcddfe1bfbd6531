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

/** A value as COPY's text format reads it: `\N` for null, the four special characters escaped. */
function field( value: string | number | null ): string {
	if ( value === null ) {
		return '\\N';
	}
	return String( value ).replace( /[\\\t\n\r]/g, ( c ) =>
		c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'
	);
}

/** A batch as the body of `COPY keywords (COLUMNS) FROM STDIN`. */
export function copyText(
	row: Pick<
		KeywordImportRow,
		'id' | 'account_id' | 'site_id' | 'sector_id'
	>,
	batch: ParsedKeyword[]
): string {
	const fixed = `${ field( row.account_id ) }\t${ field( row.site_id ) }\t${ field( row.sector_id ) }\t`;
	const tail = `\t${ field( JSON.stringify( { import_id: row.id } ) ) }\n`;
	let text = '';
	for ( const k of batch ) {
		text += `${ fixed }${ field( k.keyword ) }\t${ field( k.normalized ) }\t${ field( k.search_volume ) }\t${ field( k.difficulty ) }\t${ field( k.intent ) }\tactive\tcsv_import\t${ field( k.cpc ) }${ tail }`;
	}
	return text;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Copies a batch straight into `keywords` (as fast as a raw COPY), or
 * answers null, having written nothing, when one of its keywords is already
 * in the sector: COPY cannot skip a conflict, so that batch and the rest of
 * the file take the INSERT … ON CONFLICT path instead. PostgreSQL only (the
 * embedded PGlite's socket has no COPY sub-protocol).
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

import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Delimiter, Encoding } from './detect';

/**
 * A stored keyword file as a stream of records, each with the 1-based line
 * it starts on. Decoding is incremental (`TextDecoder` with `stream: true`),
 * so a UTF-16 character split across two chunks survives and memory stays
 * flat however large the file is.
 */

export type SourceRecord = { line: number; fields: string[] };

/** Decodes bytes to text, skipping the byte-order mark. */
export function decoder( encoding: Encoding, bomBytes: number ): Transform {
	const textDecoder = new TextDecoder( encoding );
	let skip = bomBytes;
	return new Transform( {
		readableObjectMode: false,
		transform( chunk: Buffer, _enc, done ) {
			let bytes = chunk;
			if ( skip > 0 ) {
				const dropped = Math.min( skip, bytes.length );
				bytes = bytes.subarray( dropped );
				skip -= dropped;
			}
			done( null, textDecoder.decode( bytes, { stream: true } ) );
		},
		flush( done ) {
			done( null, textDecoder.decode() );
		},
	} );
}

/** The delimiter handed to the CSV parser; a plain list uses one no text contains. */
const PLAIN_DELIMITER = '\u0001';

export async function* readRecords(
	source: Readable,
	options: {
		encoding: Encoding;
		bomBytes: number;
		delimiter: Delimiter;
		fromLine: number;
	}
): AsyncGenerator< SourceRecord > {
	const parser = parse( {
		delimiter: options.delimiter || PLAIN_DELIMITER,
		from_line: Math.max( 1, options.fromLine ),
		relax_column_count: true,
		relax_quotes: true,
		skip_empty_lines: true,
		skip_records_with_empty_values: true,
		trim: true,
		info: true,
	} );
	const decoded = source.pipe(
		decoder( options.encoding, options.bomBytes )
	);
	decoded.on( 'error', ( error ) => parser.destroy( error ) );
	source.on( 'error', ( error ) => parser.destroy( error ) );
	decoded.pipe( parser );
	for await ( const item of parser as AsyncIterable< {
		record: string[];
		info: { lines: number };
	} > ) {
		// `info.lines` is where the record ends; a quoted field may span lines.
		let extra = 0;
		for ( const field of item.record ) {
			if ( field.includes( '\n' ) ) {
				extra += field.split( '\n' ).length - 1;
			}
		}
		yield { line: item.info.lines - extra, fields: item.record };
	}
}

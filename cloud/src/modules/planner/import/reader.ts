import { Transform, type Readable } from 'node:stream';
import { Parser } from 'csv-parse';

/**
 * The one reader of keyword files, for the preview and the import alike: a
 * file (or its first bytes) → rows, each with the 1-based line it starts on
 * and its trimmed cells, or the reason it is not a row. csv-parse does the
 * splitting (RFC 4180 quotes, fields over line breaks, CRLF / LF / CR); it
 * runs in a single pass with a bounded record size, so time is linear in
 * the input and memory flat. What it finds wrong becomes an invalid row:
 *
 * - a row whose width differs from the header's;
 * - a binary row: NUL bytes, other control characters, or bytes that are
 *   not valid in the file's encoding (decoded to U+FFFD);
 * - a quote that is still open when the file ends;
 * - a record longer than `MAX_RECORD_BYTES` (a stray quote swallowing the
 *   rest of the file, or a file that is not a keyword list).
 *
 * The last two end the reading: csv-parse cannot know where such a record
 * would end. Every row read before them is kept.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
/** `''`: one column, no delimiter (a plain list). */
export type Delimiter = '\t' | ',' | ';' | '';

/** What is wrong with a row the reader could not take. */
export type RowFault =
	'width' | 'nul' | 'control' | 'encoding' | 'open_quote' | 'too_long';

export type SourceRow =
	| { line: number; fields: string[] }
	| { line: number; problem: string; fault: RowFault };

export type ReadOptions = {
	delimiter: Delimiter;
	/** 1-based line of the first row wanted; the lines above it are skipped unparsed. */
	fromLine: number;
	/** Cells a row must have (the header's); null while detecting the shape. */
	width: number | null;
};

/** Far more than any keyword tool's row (a Semrush row with SERP features is ~1 KB). */
export const MAX_RECORD_BYTES = 32 * 1024;

/**
 * A plain list still goes through the parser (for its quotes and line
 * breaks) with a separator no text line contains: the ASCII unit separator,
 * itself a control character, so a line that holds one is reported binary.
 */
const PLAIN_SEPARATOR = '\u001f';

/** C0 controls except tab, line feed and carriage return; DEL; U+FFFD (undecodable bytes). */
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/** csv-parse's stream, taking the records as they are made (with the line each ends on) instead of queueing them. */
class RecordParser extends Parser {
	records: { end: number; fields: string[] }[] = [];

	override push( chunk: unknown, encoding?: BufferEncoding ): boolean {
		if ( chunk === null ) {
			return super.push( null, encoding );
		}
		this.records.push( {
			end: this.info.lines,
			fields: chunk as string[],
		} );
		return true;
	}
}

/**
 * Decoded text in, rows out, a chunk at a time. Synchronous: each `push`
 * answers the rows its text completed.
 */
export class RowReader {
	private readonly parser: RecordParser;
	/** The line the last record ended on. */
	private lastEnd: number;
	private done = false;

	constructor( private readonly options: ReadOptions ) {
		this.lastEnd = Math.max( 1, options.fromLine ) - 1;
		this.parser = new RecordParser( {
			delimiter: options.delimiter || PLAIN_SEPARATOR,
			record_delimiter: [ '\r\n', '\n', '\r' ],
			from_line: Math.max( 1, options.fromLine ),
			// Widths are checked below against the header, not the first row.
			relax_column_count: true,
			// A quote inside a cell (12" pizza) is text, as spreadsheets read it.
			relax_quotes: true,
			max_record_size: MAX_RECORD_BYTES,
		} );
		// Failures are read from `errored` right after each write.
		this.parser.on( 'error', () => undefined );
	}

	/** True once a problem ended the reading. */
	get stopped(): boolean {
		return this.done;
	}

	/** Text, or UTF-8 bytes (a character may be split across chunks). */
	push( text: string | Buffer ): SourceRow[] {
		if ( this.done || text.length === 0 ) {
			return [];
		}
		this.parser.write( text );
		return this.collect();
	}

	/** The end of the input: the last row, or the quote left open. */
	end(): SourceRow[] {
		if ( this.done ) {
			return [];
		}
		this.parser.end();
		const rows = this.collect();
		this.done = true;
		return rows;
	}

	private collect(): SourceRow[] {
		const rows: SourceRow[] = [];
		for ( const { end, fields } of this.parser.records ) {
			const line = this.lastEnd + 1;
			this.lastEnd = end;
			const row = this.rowOf( line, end, fields );
			if ( row ) {
				rows.push( row );
			}
		}
		this.parser.records = [];
		const error = this.parser.errored as
			( Error & { code?: string } ) | null;
		if ( error ) {
			this.done = true;
			rows.push( { line: this.lastEnd + 1, ...faultOf( error ) } );
		}
		return rows;
	}

	private rowOf(
		line: number,
		end: number,
		raw: string[]
	): SourceRow | null {
		let fields = raw;
		if ( ! this.options.delimiter && fields.length > 1 ) {
			fields = [ fields.join( PLAIN_SEPARATOR ) ];
		}
		let blank = true;
		let binary = false;
		for ( let i = 0; i < fields.length; i++ ) {
			const value = fields[ i ]!.trim();
			fields[ i ] = value;
			if ( value !== '' ) {
				blank = false;
			}
			if ( BINARY.test( value ) ) {
				binary = true;
			}
		}
		// Blank lines and rows of empty cells are not rows.
		if ( blank ) {
			return null;
		}
		if ( binary ) {
			return { line, ...binaryFault( fields ) };
		}
		const width = this.options.width;
		if ( width !== null && fields.length !== width ) {
			// Trailing empty cells past the header are padding, not data.
			let used = fields.length;
			while ( used > width && fields[ used - 1 ] === '' ) {
				used--;
			}
			if ( used !== width ) {
				const spans =
					end > line
						? ` (a quoted cell runs from line ${ line } to line ${ end }: is a quote left open?)`
						: '';
				return {
					line,
					problem: `the row has ${ fields.length } columns; the header has ${ width }${ spans }`,
					fault: 'width',
				};
			}
			fields.length = width;
		}
		return { line, fields };
	}
}

function binaryFault( fields: string[] ): {
	problem: string;
	fault: RowFault;
} {
	const text = fields.join( '' );
	if ( text.includes( '\u0000' ) ) {
		return {
			problem: 'the row is binary data (it contains NUL bytes), not text',
			fault: 'nul',
		};
	}
	if ( text.includes( '\ufffd' ) ) {
		return {
			problem:
				'the row is not valid text in the file’s encoding (binary data or a damaged character)',
			fault: 'encoding',
		};
	}
	return {
		problem:
			'the row is binary data (it contains control characters), not text',
		fault: 'control',
	};
}

function faultOf( error: Error & { code?: string } ): {
	problem: string;
	fault: RowFault;
} {
	if ( error.code === 'CSV_QUOTE_NOT_CLOSED' ) {
		return {
			problem:
				'a quote opened in this row is never closed (the file ends inside it)',
			fault: 'open_quote',
		};
	}
	// CSV_MAX_RECORD_SIZE; nothing else can fail with the options above.
	return {
		problem: `the row is longer than ${ MAX_RECORD_BYTES / 1024 } KB, so the file was not read past it (is a quote left open, or is this not a keyword list?)`,
		fault: 'too_long',
	};
}

/**
 * Bytes in the file's encoding → UTF-8 bytes, without the byte-order mark.
 * The parser works on bytes (a string would be encoded back first, which
 * costs a third of the reading), so UTF-8 passes through untouched: a
 * character split across chunks is whole again inside the parser's field,
 * and invalid bytes decode to U+FFFD there as they would here.
 */
export function utf8Bytes( encoding: Encoding, bomBytes: number ): Transform {
	const textDecoder =
		encoding === 'utf-8' ? null : new TextDecoder( encoding );
	let skip = bomBytes;
	return new Transform( {
		transform( chunk: Buffer, _enc, done ) {
			let bytes = chunk;
			if ( skip > 0 ) {
				const dropped = Math.min( skip, bytes.length );
				bytes = bytes.subarray( dropped );
				skip -= dropped;
			}
			done(
				null,
				textDecoder
					? Buffer.from(
							textDecoder.decode( bytes, { stream: true } ),
							'utf8'
						)
					: bytes
			);
		},
		flush( done ) {
			done(
				null,
				textDecoder ? Buffer.from( textDecoder.decode(), 'utf8' ) : null
			);
		},
	} );
}

/** Rows of a whole text (a detection sample); `complete`: the text is the whole file, so its last line counts. */
export function readText(
	text: string,
	options: ReadOptions,
	complete: boolean
): SourceRow[] {
	const reader = new RowReader( options );
	const rows = reader.push( text );
	return complete ? rows.concat( reader.end() ) : rows;
}

/**
 * The rows of a stored file, in batches (one per chunk) so the
 * consumer awaits per chunk, not per row. A problem that ends the reading
 * stops the source too, so the rest of a broken file is never read.
 */
export async function* readRows(
	source: Readable,
	options: ReadOptions & { encoding: Encoding; bomBytes: number }
): AsyncGenerator< SourceRow[] > {
	const reader = new RowReader( options );
	const decoded = source.pipe(
		utf8Bytes( options.encoding, options.bomBytes )
	);
	source.on( 'error', ( error ) => decoded.destroy( error ) );
	try {
		for await ( const bytes of decoded as AsyncIterable< Buffer > ) {
			const rows = reader.push( bytes );
			if ( rows.length ) {
				yield rows;
			}
			if ( reader.stopped ) {
				return;
			}
		}
		const rows = reader.end();
		if ( rows.length ) {
			yield rows;
		}
	} finally {
		source.unpipe( decoded );
		source.destroy();
		decoded.destroy();
	}
}

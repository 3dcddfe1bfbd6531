import { Transform, type Readable } from 'node:stream';
import type { Delimiter, Encoding } from './detect';

/**
 * A stored keyword file as a stream of records, each with the 1-based line
 * it starts on. Decoding is incremental (`TextDecoder` with `stream: true`),
 * so a UTF-16 character split across two chunks survives and memory stays
 * flat however large the file is.
 *
 * The splitter is line-first: a line without quotes (nearly every line a
 * keyword tool writes) is split with `String.split`; a line with quotes goes
 * through a small RFC 4180 state machine that lets a quoted field run over
 * line breaks. Measured on 100k rows it is ~10× faster than csv-parse with
 * `info` (which the line numbers would need), and it knows where each record
 * starts, not only where it ends.
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

/** A quoted record may span at most this many lines before it is cut (a stray quote must not swallow the file). */
const MAX_RECORD_LINES = 1_000;

/** Splits one record's text; `open` when it ends inside a quoted field. */
export function splitQuoted(
	text: string,
	delimiter: string
): { fields: string[]; open: boolean } {
	const fields: string[] = [];
	let field = '';
	let quoted = false;
	let atFieldStart = true;
	for ( let i = 0; i < text.length; i++ ) {
		const ch = text[ i ]!;
		if ( quoted ) {
			if ( ch === '"' ) {
				if ( text[ i + 1 ] === '"' ) {
					field += '"';
					i++;
				} else {
					quoted = false;
				}
			} else {
				field += ch;
			}
		} else if ( ch === delimiter ) {
			fields.push( field );
			field = '';
			atFieldStart = true;
			continue;
		} else if ( ch === '"' && atFieldStart && field.trim() === '' ) {
			quoted = true;
			field = '';
		} else {
			field += ch;
		}
		atFieldStart = false;
	}
	fields.push( field );
	return { fields, open: quoted };
}

/** Turns decoded text chunks into records, a chunk's worth at a time. */
export class RecordSplitter {
	private carry = '';
	private line = 0;
	private pending: { text: string; line: number; lines: number } | undefined;

	constructor(
		private readonly delimiter: Delimiter,
		private readonly fromLine: number
	) {}

	push( text: string, out: SourceRecord[] ): void {
		const lines = ( this.carry + text ).split( '\n' );
		this.carry = lines.pop()!;
		for ( const line of lines ) {
			this.take( line, out );
		}
	}

	end( out: SourceRecord[] ): void {
		if ( this.carry !== '' ) {
			this.take( this.carry, out );
			this.carry = '';
		}
		if ( this.pending ) {
			this.emit(
				splitQuoted( this.pending.text, this.delimiter ).fields,
				this.pending.line,
				out
			);
			this.pending = undefined;
		}
	}

	private take( raw: string, out: SourceRecord[] ): void {
		this.line++;
		const line = raw.endsWith( '\r' ) ? raw.slice( 0, -1 ) : raw;
		if ( this.line < this.fromLine ) {
			return;
		}
		if ( this.pending ) {
			this.pending.text += `\n${ line }`;
			this.pending.lines++;
			const split = splitQuoted( this.pending.text, this.delimiter );
			if ( ! split.open || this.pending.lines >= MAX_RECORD_LINES ) {
				this.emit( split.fields, this.pending.line, out );
				this.pending = undefined;
			}
			return;
		}
		if ( ! this.delimiter ) {
			this.emit(
				[
					line
						.trim()
						.replace( /^"([^]*)"$/, ( _m, inner: string ) =>
							inner.replace( /""/g, '"' )
						),
				],
				this.line,
				out
			);
			return;
		}
		if ( ! line.includes( '"' ) ) {
			this.emit( line.split( this.delimiter ), this.line, out );
			return;
		}
		const split = splitQuoted( line, this.delimiter );
		if ( split.open ) {
			this.pending = { text: line, line: this.line, lines: 1 };
		} else {
			this.emit( split.fields, this.line, out );
		}
	}

	private emit( fields: string[], line: number, out: SourceRecord[] ): void {
		let empty = true;
		for ( let i = 0; i < fields.length; i++ ) {
			const value = fields[ i ]!.trim();
			fields[ i ] = value;
			if ( value !== '' ) {
				empty = false;
			}
		}
		// Blank lines and rows of empty cells are not records.
		if ( ! empty ) {
			out.push( { line, fields } );
		}
	}
}

/** Records in batches (one per decoded chunk), so the consumer awaits per chunk, not per row. */
export async function* readRecordBatches(
	source: Readable,
	options: {
		encoding: Encoding;
		bomBytes: number;
		delimiter: Delimiter;
		fromLine: number;
	}
): AsyncGenerator< SourceRecord[] > {
	const splitter = new RecordSplitter( options.delimiter, options.fromLine );
	const decoded = source.pipe(
		decoder( options.encoding, options.bomBytes )
	);
	source.on( 'error', ( error ) => decoded.destroy( error ) );
	for await ( const chunk of decoded as AsyncIterable< Buffer > ) {
		const out: SourceRecord[] = [];
		splitter.push( chunk.toString(), out );
		if ( out.length ) {
			yield out;
		}
	}
	const out: SourceRecord[] = [];
	splitter.end( out );
	if ( out.length ) {
		yield out;
	}
}

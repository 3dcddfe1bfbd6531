import type { ImportMapping } from '@igny8/shared-types';

/**
 * Recognises a keyword file from its first bytes: encoding, delimiter, the
 * header line (below any preamble such as Google Keyword Planner's title and
 * date range), the tool that exported it, and which column feeds which field.
 * Pure functions over a sample, so the preview and the import agree.
 */

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type ImportFormat =
	'google_keyword_planner' | 'semrush' | 'ahrefs' | 'plain' | 'csv';
/** `''`: one column, no delimiter (a plain list). */
export type Delimiter = '\t' | ',' | ';' | '';

export type Detection = {
	encoding: Encoding;
	/** Bytes of byte-order mark to skip. */
	bomBytes: number;
	delimiter: Delimiter;
	/** 1-based; 0 when the file has no header row. */
	headerLine: number;
	/** 1-based line of the first data row. */
	firstDataLine: number;
	columns: string[];
	format: ImportFormat;
	mapping: Omit< ImportMapping, 'keyword' > & { keyword: number | null };
	/** Up to `PREVIEW_ROWS` data rows from the sample. */
	rows: string[][];
	/** Data rows seen in the sample (all of them when the sample is the whole file). */
	sampleDataRows: number;
};

export class UnreadableFileError extends Error {}

/** How much of a file detection reads. */
export const SAMPLE_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 20;

const PNG = [ 0x89, 0x50, 0x4e, 0x47 ];
const BINARY_SIGNATURES = [
	PNG,
	[ 0xff, 0xd8, 0xff ],
	[ 0x25, 0x50, 0x44, 0x46 ],
	[ 0x50, 0x4b, 0x03, 0x04 ],
	[ 0x47, 0x49, 0x46, 0x38 ],
	[ 0x1f, 0x8b ],
];

export function detectEncoding( head: Buffer ): {
	encoding: Encoding;
	bomBytes: number;
} {
	if ( head[ 0 ] === 0xef && head[ 1 ] === 0xbb && head[ 2 ] === 0xbf ) {
		return { encoding: 'utf-8', bomBytes: 3 };
	}
	if ( head[ 0 ] === 0xff && head[ 1 ] === 0xfe ) {
		return { encoding: 'utf-16le', bomBytes: 2 };
	}
	if ( head[ 0 ] === 0xfe && head[ 1 ] === 0xff ) {
		return { encoding: 'utf-16be', bomBytes: 2 };
	}
	const signature = BINARY_SIGNATURES.find( ( sig ) =>
		sig.every( ( byte, i ) => head[ i ] === byte )
	);
	if ( signature ) {
		throw new UnreadableFileError(
			signature === PNG
				? 'The file is a PNG image, not a CSV or text file.'
				: 'The file is binary (an image, PDF or archive), not a CSV or text file.'
		);
	}
	// UTF-16 without a BOM: ASCII text leaves every other byte zero.
	const probe = head.subarray( 0, 4096 );
	let evenZeros = 0;
	let oddZeros = 0;
	for ( let i = 0; i < probe.length; i++ ) {
		if ( probe[ i ] === 0 ) {
			if ( i % 2 === 0 ) {
				evenZeros++;
			} else {
				oddZeros++;
			}
		}
	}
	const half = probe.length / 2;
	if ( half > 0 && oddZeros > half * 0.6 && evenZeros < half * 0.05 ) {
		return { encoding: 'utf-16le', bomBytes: 0 };
	}
	if ( half > 0 && evenZeros > half * 0.6 && oddZeros < half * 0.05 ) {
		return { encoding: 'utf-16be', bomBytes: 0 };
	}
	if ( evenZeros + oddZeros > 0 ) {
		throw new UnreadableFileError(
			'The file is binary (it contains NUL bytes), not a CSV or text file.'
		);
	}
	try {
		// A multi-byte character may be cut at the end of the sample.
		new TextDecoder( 'utf-8', { fatal: true } ).decode( probeUtf8( head ) );
		return { encoding: 'utf-8', bomBytes: 0 };
	} catch {
		return { encoding: 'windows-1252', bomBytes: 0 };
	}
}

function probeUtf8( head: Buffer ): Buffer {
	let end = head.length;
	// Drop a trailing incomplete sequence (up to 3 continuation bytes and its lead).
	for ( let back = 1; back <= 4 && end - back >= 0; back++ ) {
		const byte = head[ end - back ]!;
		if ( ( byte & 0xc0 ) === 0x80 ) {
			continue;
		}
		if ( byte >= 0xc0 ) {
			end -= back;
		}
		break;
	}
	return head.subarray( 0, end );
}

/** Splits one line on `delimiter`, honouring double quotes (for detection only). */
export function splitLine( line: string, delimiter: Delimiter ): string[] {
	if ( ! delimiter ) {
		return [ unquote( line ) ];
	}
	const out: string[] = [];
	let field = '';
	let quoted = false;
	for ( let i = 0; i < line.length; i++ ) {
		const ch = line[ i ];
		if ( ch === '"' ) {
			if ( quoted && line[ i + 1 ] === '"' ) {
				field += '"';
				i++;
			} else {
				quoted = ! quoted;
			}
		} else if ( ch === delimiter && ! quoted ) {
			out.push( field );
			field = '';
		} else {
			field += ch;
		}
	}
	out.push( field );
	return out.map( ( f ) => f.trim() );
}

const unquote = ( text: string ) =>
	text
		.trim()
		.replace( /^"(.*)"$/, ( _m, inner: string ) =>
			inner.replace( /""/g, '"' )
		);

function countOutsideQuotes( line: string, delimiter: string ): number {
	let count = 0;
	let quoted = false;
	for ( const ch of line ) {
		if ( ch === '"' ) {
			quoted = ! quoted;
		} else if ( ch === delimiter && ! quoted ) {
			count++;
		}
	}
	return count;
}

function mode( values: number[] ): { value: number; share: number } {
	const tally = new Map< number, number >();
	for ( const v of values ) {
		tally.set( v, ( tally.get( v ) ?? 0 ) + 1 );
	}
	let best = { value: 0, n: 0 };
	for ( const [ value, n ] of tally ) {
		if ( n > best.n || ( n === best.n && value > best.value ) ) {
			best = { value, n };
		}
	}
	return {
		value: best.value,
		share: values.length ? best.n / values.length : 0,
	};
}

/** The delimiter that splits most lines into the same number of fields. */
export function detectDelimiter( lines: string[] ): Delimiter {
	let best: { delimiter: Delimiter; share: number } = {
		delimiter: '',
		share: 0,
	};
	for ( const delimiter of [ '\t', ';', ',' ] as const ) {
		const m = mode(
			lines.map( ( line ) => countOutsideQuotes( line, delimiter ) )
		);
		if ( m.value > 0 && m.share > best.share + 0.05 ) {
			best = { delimiter, share: m.share };
		}
	}
	return best.share >= 0.6 ? best.delimiter : '';
}

/** Header text → a comparable form: "Avg. monthly searches" → "avg monthly searches". */
export const normalizeHeader = ( header: string ) =>
	header
		.toLowerCase()
		.replace( /[^\p{L}\p{N}%]+/gu, ' ' )
		.trim();

type Field = keyof ImportMapping;

/** Known header names per field, best first; each tool's names are listed in the fixtures' README. */
const HEADER_PATTERNS: Record< Field, RegExp[] > = {
	keyword: [
		/^keywords?$/,
		/^(search )?(query|queries|term|terms)$/,
		/^keyword (phrase|text)$/,
		/^(top )?queries$/,
		/^phrase$/,
	],
	search_volume: [
		/^avg monthly searches$/,
		/^(search )?volume( [a-z]{2})?$/,
		/^monthly (search )?volume$/,
		/^(avg |average )?monthly searches$/,
		/^searches$/,
		/^global volume$/,
	],
	difficulty: [
		/^keyword difficulty( index)?$/,
		/^kd( %)?$/,
		/^difficulty$/,
		/^(seo )?difficulty$/,
		/^competition indexed value$/,
	],
	intent: [ /^(search )?intents?$/ ],
	cpc: [
		/^(avg )?cpc( [a-z]{3})?$/,
		/^top of page bid high range$/,
		/^cost per click$/,
	],
};

export function detectMapping( columns: string[] ): Detection[ 'mapping' ] {
	const normalized = columns.map( normalizeHeader );
	const mapping: Detection[ 'mapping' ] = { keyword: null };
	for ( const field of Object.keys( HEADER_PATTERNS ) as Field[] ) {
		let found: number | null = null;
		for ( const pattern of HEADER_PATTERNS[ field ] ) {
			const index = normalized.findIndex( ( h ) => pattern.test( h ) );
			if ( index >= 0 ) {
				found = index;
				break;
			}
		}
		if ( field === 'keyword' ) {
			mapping.keyword = found;
		} else if ( found !== null ) {
			mapping[ field ] = found;
		}
	}
	return mapping;
}

export function detectFormat(
	columns: string[],
	hasHeader: boolean
): ImportFormat {
	if ( columns.length <= 1 ) {
		return 'plain';
	}
	const set = new Set( columns.map( normalizeHeader ) );
	const has = ( ...names: string[] ) => names.some( ( n ) => set.has( n ) );
	if (
		has(
			'avg monthly searches',
			'competition indexed value',
			'top of page bid low range',
			'top of page bid high range'
		)
	) {
		return 'google_keyword_planner';
	}
	if (
		has(
			'keyword difficulty',
			'keyword difficulty index',
			'competitive density',
			'competition density',
			'number of results',
			'serp features by keyword'
		)
	) {
		return 'semrush';
	}
	if (
		has(
			'kd',
			'parent keyword',
			'parent topic',
			'traffic potential',
			'global volume',
			'cps'
		)
	) {
		return 'ahrefs';
	}
	return hasHeader ? 'csv' : 'plain';
}

const looksNumeric = ( text: string ) =>
	/^[<>]?\s*[$€£]?\s*\d[\d.,\s]*[kmb%]?\s*(\+|[–—-]\s*\d[\d.,]*[kmb]?)?$/i.test(
		text.trim()
	);

/**
 * Everything about a file that its first bytes tell. `complete` says the
 * sample is the whole file (so "no data rows" is a fact, not a guess).
 */
export function detect( head: Buffer, complete: boolean ): Detection {
	const { encoding, bomBytes } = detectEncoding( head );
	let text = new TextDecoder( encoding ).decode( head.subarray( bomBytes ) );
	// The sample may end mid-line; that partial line is not evidence.
	let lines = text.split( /\r\n|\n|\r/ );
	if ( ! complete && lines.length > 1 ) {
		lines = lines.slice( 0, -1 );
	}
	text = '';
	const numbered = lines
		.map( ( line, i ) => ( { line, n: i + 1 } ) )
		.filter( ( l ) => l.line.trim() !== '' );
	if ( numbered.length === 0 ) {
		throw new UnreadableFileError( 'The file is empty.' );
	}
	if (
		/[\u0000-\u0008\u000e-\u001a]/.test(
			numbered
				.slice( 0, 50 )
				.map( ( l ) => l.line )
				.join( '' )
		)
	) {
		throw new UnreadableFileError(
			'The file is binary (it contains control characters), not a CSV or text file.'
		);
	}
	const probe = numbered.slice( 0, 200 );
	const delimiter = detectDelimiter( probe.map( ( l ) => l.line ) );
	const split = probe.map( ( l ) => ( {
		n: l.n,
		fields: splitLine( l.line, delimiter ),
	} ) );
	const width = mode( split.map( ( s ) => s.fields.length ) ).value;

	// Preamble lines (a report title, a date range) are narrower than the table.
	let start = 0;
	if ( width > 1 ) {
		start = Math.max(
			0,
			split.findIndex( ( s ) => s.fields.length === width )
		);
	}
	const first = split[ start ]!;
	const second = split[ start + 1 ];
	const knownHeader = detectMapping( first.fields ).keyword !== null;
	const headerByShape =
		width > 1 &&
		second !== undefined &&
		first.fields.every( ( f ) => ! looksNumeric( f ) ) &&
		second.fields.some(
			( f, i ) =>
				looksNumeric( f ) && ! looksNumeric( first.fields[ i ] ?? '' )
		);
	const hasHeader =
		knownHeader || headerByShape || ( start > 0 && width > 1 );
	const headerLine = hasHeader ? first.n : 0;
	const columns = hasHeader
		? first.fields
		: Array.from(
				{ length: Math.max( width, 1 ) },
				( _v, i ) => `Column ${ i + 1 }`
			);
	const dataLines = split.slice( hasHeader ? start + 1 : start );
	let mapping = detectMapping( columns );
	if ( ! hasHeader && width <= 1 ) {
		mapping = { keyword: 0 };
	}
	return {
		encoding,
		bomBytes,
		delimiter,
		headerLine,
		firstDataLine:
			dataLines[ 0 ]?.n ?? ( headerLine > 0 ? headerLine + 1 : 1 ),
		columns,
		format: detectFormat( columns, hasHeader ),
		mapping,
		rows: dataLines.slice( 0, PREVIEW_ROWS ).map( ( d ) => d.fields ),
		sampleDataRows: dataLines.length,
	};
}

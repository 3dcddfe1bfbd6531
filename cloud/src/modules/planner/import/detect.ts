import type { ImportMapping } from '@igny8/shared-types';
import {
	readText,
	type Delimiter,
	type Encoding,
	type RowFault,
	type SourceRow,
} from './reader';

/**
 * Recognises a keyword file from its first bytes: encoding, delimiter, the
 * header line (below any preamble such as Google Keyword Planner's title and
 * date range), the tool that exported it, and which column feeds which field.
 * The sample is read by the import's own reader (reader.ts), so the preview
 * shows the rows, line numbers and problems the import will find.
 */

export type { Delimiter, Encoding } from './reader';
export type ImportFormat =
	'google_keyword_planner' | 'semrush' | 'ahrefs' | 'plain' | 'csv';

export type Detection = {
	encoding: Encoding;
	/** Bytes of byte-order mark to skip. */
	bomBytes: number;
	delimiter: Delimiter;
	/** 1-based; 0 when the file has no header row. */
	headerLine: number;
	/** 1-based line the data rows are read from. */
	firstDataLine: number;
	columns: string[];
	format: ImportFormat;
	mapping: Omit< ImportMapping, 'keyword' > & { keyword: number | null };
	/** The first `PREVIEW_ROWS` data rows of the sample (rows and problems) as the import reads them. */
	sample: SourceRow[];
	/** Readable data rows in the sample (all of them when the sample is the whole file). */
	sampleDataRows: number;
	/** The sample's first data row that cannot be read, if any. */
	firstDataProblem?: { line: number; problem: string };
};

export class UnreadableFileError extends Error {}

/** How much of a file detection reads: twice the longest record, so a sample always holds a whole one. */
export const SAMPLE_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 20;
/** Rows the shape (delimiter, width, header) is judged on. */
const PROBE_ROWS = 200;

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
	return {
		encoding: looksUtf8( head ) ? 'utf-8' : 'windows-1252',
		bomBytes: 0,
	};
}

const strictUtf8 = new TextDecoder( 'utf-8', { fatal: true } );

/**
 * UTF-8 unless the sample says otherwise, judged line by line: a legacy
 * (Windows-1252) file has accented lines that are all invalid UTF-8, while a
 * UTF-8 file with one damaged line still has more valid accented lines than
 * damaged ones (and the damaged line is then reported, not mis-decoded).
 */
function looksUtf8( head: Buffer ): boolean {
	const sample = trimPartialUtf8( head );
	let valid = 0;
	let invalid = 0;
	for ( let from = 0; from < sample.length; ) {
		const nl = sample.indexOf( 0x0a, from );
		const end = nl < 0 ? sample.length : nl;
		const line = sample.subarray( from, end );
		if ( line.some( ( byte ) => byte >= 0x80 ) ) {
			try {
				strictUtf8.decode( line );
				valid++;
			} catch {
				invalid++;
			}
		}
		from = end + 1;
	}
	return invalid === 0 || valid >= invalid;
}

/** Drops a multi-byte character cut at the end of the sample. */
function trimPartialUtf8( head: Buffer ): Buffer {
	let end = head.length;
	// Up to 3 continuation bytes and their lead.
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

/** Rows that are rows (not problems). */
const cellsOf = ( rows: SourceRow[] ) =>
	rows.flatMap( ( row ) => ( 'fields' in row ? [ row ] : [] ) );

/**
 * The delimiter that splits most rows into the same number (> 1) of cells,
 * each candidate tried through the reader itself (so quoted delimiters and
 * cells over line breaks count as the import will count them).
 */
export function detectDelimiter( text: string, complete: boolean ): Delimiter {
	let best: { delimiter: Delimiter; share: number } = {
		delimiter: '',
		share: 0,
	};
	for ( const delimiter of [ '\t', ';', ',' ] as const ) {
		const rows = cellsOf(
			readText( text, { delimiter, fromLine: 1, width: null }, complete )
		).slice( 0, PROBE_ROWS );
		const m = mode( rows.map( ( row ) => row.fields.length ) );
		if ( m.value > 1 && m.share > best.share + 0.05 ) {
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

const BINARY_FAULTS: ReadonlySet< RowFault > = new Set( [
	'nul',
	'control',
	'encoding',
] );

/**
 * Everything about a file that its first bytes tell, read by the same
 * reader the import uses. `complete` says the sample is the whole file (so
 * "no data rows" is a fact, not a guess, and its last line counts).
 */
export function detect( head: Buffer, complete: boolean ): Detection {
	const { encoding, bomBytes } = detectEncoding( head );
	const text = new TextDecoder( encoding ).decode(
		head.subarray( bomBytes )
	);
	const delimiter = detectDelimiter( text, complete );
	const read = readText(
		text,
		{ delimiter, fromLine: 1, width: null },
		complete
	);
	const records = cellsOf( read );
	const firstProblem = read.find( ( row ) => 'problem' in row );
	if ( records.length === 0 ) {
		if ( firstProblem && 'problem' in firstProblem ) {
			throw new UnreadableFileError(
				`The file cannot be read: line ${ firstProblem.line }: ${ firstProblem.problem }.`
			);
		}
		throw new UnreadableFileError( 'The file is empty.' );
	}
	// A few binary rows are reported row by row; a file of them is no keyword list.
	const binary = read.filter(
		( row ) => 'fault' in row && BINARY_FAULTS.has( row.fault )
	);
	if ( binary.length > records.length ) {
		const nul = binary.some(
			( row ) => 'fault' in row && row.fault === 'nul'
		);
		throw new UnreadableFileError(
			`The file is binary (it contains ${ nul ? 'NUL bytes' : 'control characters' }), not a CSV or text file.`
		);
	}
	const probe = records.slice( 0, PROBE_ROWS );
	const width = mode( probe.map( ( r ) => r.fields.length ) ).value;

	// Preamble lines (a report title, a date range) are narrower than the table.
	let start = 0;
	if ( width > 1 ) {
		start = Math.max(
			0,
			probe.findIndex( ( r ) => r.fields.length === width )
		);
	}
	const first = probe[ start ]!;
	const second = probe[ start + 1 ];
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
	const headerLine = hasHeader ? first.line : 0;
	const columns = hasHeader
		? first.fields
		: Array.from(
				{ length: Math.max( width, 1 ) },
				( _v, i ) => `Column ${ i + 1 }`
			);
	const firstDataLine = hasHeader ? headerLine + 1 : first.line;
	// The data rows exactly as the import will read them: same reader, same width check.
	const data = readText(
		text,
		{ delimiter, fromLine: firstDataLine, width: columns.length },
		complete
	);
	let mapping = detectMapping( columns );
	if ( ! hasHeader && width <= 1 ) {
		mapping = { keyword: 0 };
	}
	return {
		encoding,
		bomBytes,
		delimiter,
		headerLine,
		firstDataLine,
		columns,
		format: detectFormat( columns, hasHeader ),
		mapping,
		sample: data.slice( 0, PREVIEW_ROWS ),
		sampleDataRows: cellsOf( data ).length,
		firstDataProblem: data.find(
			( row ): row is Extract< SourceRow, { problem: string } > =>
				'problem' in row
		),
	};
}

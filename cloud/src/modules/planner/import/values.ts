import type { ImportMapping } from '@igny8/shared-types';
import { keywordProblem } from '../keyword-rules';
import type { SourceRow } from './reader';
import { cleanKeyword, normalizeKeyword } from '../normalize';

/**
 * One source row → one keyword, or the reason it cannot be one. Numbers are
 * read the way keyword tools write them:
 *
 * - thousands separators and spaces: "1,200", "1 200", "1'200" → 1200;
 *   a lone comma that is not followed by groups of three digits is a decimal
 *   comma ("0,45" → 0.45); with both "." and "," the later one is the decimal;
 * - suffixes K / M / B: "1.2K" → 1200, "3M" → 3000000;
 * - currency signs and "%" are ignored: "$1.20", "45%";
 * - ranges (Google Keyword Planner buckets "1K – 10K", any dash or "to") →
 *   the arithmetic midpoint of the bounds, rounded: "1K – 10K" → 5500,
 *   "10 – 100" → 55. Midpoints keep buckets ordered and never claim more
 *   than the tool said;
 * - "<10" → half the bound (5: the midpoint of 0–10, consistent with ranges);
 *   ">1M" / "1M+" → the bound;
 * - empty, "-", "—", "n/a" → no value (volume 0, difficulty and CPC null).
 *
 * Volume must be a whole number ≥ 0 (decimals are rounded), difficulty 0–100,
 * CPC ≥ 0. Intent accepts full names in any case and Semrush's codes
 * ("I", "C", "T", "N"); several intents ("C, T", "commercial,transactional")
 * → the first one.
 */

export type KeywordIntent =
	'informational' | 'commercial' | 'transactional' | 'navigational';

export type ParsedKeyword = {
	keyword: string;
	normalized: string;
	search_volume: number;
	difficulty: number | null;
	intent: KeywordIntent | null;
	cpc: number | null;
};

export type RowOutcome =
	{ ok: true; value: ParsedKeyword } | { ok: false; reason: string };

const MAX_VOLUME = 1_000_000_000;
const MAX_CPC = 100_000;
const EMPTY = new Set( [
	'',
	'-',
	'–',
	'—',
	'n/a',
	'na',
	'null',
	'none',
	'--',
] );
const SUFFIX: Record< string, number > = { k: 1e3, m: 1e6, b: 1e9 };
const PLAIN_NUMBER = /^\d{1,15}(\.\d+)?$/;

/** A plain number with optional separators and suffix; NaN when it is not one. */
function parseSingle( raw: string ): number {
	let text = raw.replace( /[\s\u00a0\u202f'’$€£¥₹%]/g, '' ).toLowerCase();
	let multiplier = 1;
	const suffix = SUFFIX[ text.slice( -1 ) ];
	if ( suffix ) {
		multiplier = suffix;
		text = text.slice( 0, -1 );
	}
	const lastDot = text.lastIndexOf( '.' );
	const lastComma = text.lastIndexOf( ',' );
	if ( lastDot >= 0 && lastComma >= 0 ) {
		// Both present: the later one is the decimal separator.
		text =
			lastDot > lastComma
				? text.replace( /,/g, '' )
				: text.replace( /\./g, '' ).replace( ',', '.' );
	} else if ( lastComma >= 0 ) {
		text = /^\d{1,3}(,\d{3})+$/.test( text )
			? text.replace( /,/g, '' )
			: text.replace( ',', '.' );
	}
	if ( ! /^\d+(\.\d+)?$|^\.\d+$/.test( text ) ) {
		return NaN;
	}
	return Number( text ) * multiplier;
}

/** Lenient number reading (see the module comment); null for "no value", NaN for garbage. */
export function parseLenientNumber( raw: string | undefined ): number | null {
	const text = ( raw ?? '' ).trim();
	// Plain digits, as most exports write them.
	if ( PLAIN_NUMBER.test( text ) ) {
		return Number( text );
	}
	if ( EMPTY.has( text.toLowerCase() ) ) {
		return null;
	}
	const less = /^(?:<|less than\s*)(.+)$/i.exec( text );
	if ( less ) {
		const bound = parseSingle( less[ 1 ]! );
		return bound / 2;
	}
	const more = /^(?:>\s*(.+)|(.+?)\s*\+)$/.exec( text );
	if ( more ) {
		return parseSingle( ( more[ 1 ] ?? more[ 2 ] )! );
	}
	const range = /^(.+?)\s*(?:[–—-]|\bto\b)\s*(.+)$/i.exec( text );
	if ( range ) {
		const low = parseSingle( range[ 1 ]! );
		const high = parseSingle( range[ 2 ]! );
		return ( low + high ) / 2;
	}
	return parseSingle( text );
}

const INTENT_CODES: Record< string, KeywordIntent > = {
	i: 'informational',
	c: 'commercial',
	t: 'transactional',
	n: 'navigational',
	informational: 'informational',
	information: 'informational',
	commercial: 'commercial',
	transactional: 'transactional',
	transaction: 'transactional',
	navigational: 'navigational',
	navigation: 'navigational',
};

/** Intent text → one of the four intents; null for empty, undefined for unknown. */
export function parseIntent(
	raw: string | undefined
): KeywordIntent | null | undefined {
	const text = ( raw ?? '' ).trim().toLowerCase();
	// One intent, as most exports write it: no splitting (own keys only, so "constructor" is no intent).
	if ( Object.hasOwn( INTENT_CODES, text ) ) {
		return INTENT_CODES[ text ];
	}
	if ( EMPTY.has( text ) ) {
		return null;
	}
	const first =
		text
			.split( /[,;/|+]|\s+and\s+|\s+/ )
			.map( ( part ) => part.trim() )
			.find( Boolean ) ?? '';
	return Object.hasOwn( INTENT_CODES, first )
		? INTENT_CODES[ first ]
		: undefined;
}

const cell = ( fields: string[], index: number | null | undefined ) =>
	index === null || index === undefined ? undefined : fields[ index ];

const quote = ( text: string ) =>
	`"${ text.length > 40 ? `${ text.slice( 0, 40 ) }…` : text }"`;

/** Maps and validates one record; `reason` names the field and the value. */
export function parseRow(
	fields: string[],
	mapping: ImportMapping
): RowOutcome {
	const keyword = cleanKeyword( cell( fields, mapping.keyword ) ?? '' );
	const problem = keywordProblem( keyword );
	if ( problem ) {
		return { ok: false, reason: `keyword: ${ problem }` };
	}
	const volumeText = cell( fields, mapping.search_volume );
	const volume = parseLenientNumber( volumeText );
	if (
		volume !== null &&
		( Number.isNaN( volume ) || volume > MAX_VOLUME )
	) {
		return {
			ok: false,
			reason: `search_volume: ${ quote( volumeText ?? '' ) } is not a number from 0 to ${ MAX_VOLUME }`,
		};
	}
	const difficultyText = cell( fields, mapping.difficulty );
	const difficulty = parseLenientNumber( difficultyText );
	if (
		difficulty !== null &&
		( Number.isNaN( difficulty ) || difficulty > 100 )
	) {
		return {
			ok: false,
			reason: `difficulty: ${ quote( difficultyText ?? '' ) } is not a number from 0 to 100`,
		};
	}
	const cpcText = cell( fields, mapping.cpc );
	const cpc = parseLenientNumber( cpcText );
	if ( cpc !== null && ( Number.isNaN( cpc ) || cpc > MAX_CPC ) ) {
		return {
			ok: false,
			reason: `cpc: ${ quote( cpcText ?? '' ) } is not an amount from 0 to ${ MAX_CPC }`,
		};
	}
	const intentText = cell( fields, mapping.intent );
	const intent = parseIntent( intentText );
	if ( intent === undefined ) {
		return {
			ok: false,
			reason: `intent: ${ quote( intentText ?? '' ) } is not one of informational, commercial, transactional, navigational (or I, C, T, N)`,
		};
	}
	return {
		ok: true,
		value: {
			keyword,
			normalized: normalizeKeyword( keyword ),
			search_volume: volume === null ? 0 : Math.round( volume ),
			difficulty: difficulty === null ? null : Math.round( difficulty ),
			intent,
			cpc: cpc === null ? null : Math.round( cpc * 100 ) / 100,
		},
	};
}

/** A row as the reader gave it → a keyword or the reason it is none (the reader's own problem, else `parseRow`'s). */
export function judgeRow( row: SourceRow, mapping: ImportMapping ): RowOutcome {
	return 'problem' in row
		? { ok: false, reason: row.problem }
		: parseRow( row.fields, mapping );
}

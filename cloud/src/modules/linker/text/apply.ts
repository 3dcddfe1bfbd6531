import { Parser } from 'htmlparser2';
import {
	linkableRuns,
	outsideSpans,
	shortcodeSpans,
	textSegments,
	type TextRun,
} from './zones';

/**
 * Changing a post's HTML for the Linker: wrapping text in the links it
 * chose, unwrapping them again, and finding an anchor again after the post
 * changed. Edits are splices into the string as given, never a parse and
 * re-serialize, so every byte outside the inserted tags stays where it was.
 */

export const LINK_ATTRIBUTE = 'data-igny8-link';

/** The ids the bridge route accepts (`linkId` in shared-types/src/bridge.ts). */
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** An address with a scheme; only http(s) ones may be linked to. */
const SCHEME = /^\s*([a-z][a-z\d+.-]*):/i;

function isLowSurrogate( code: number ): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

export type LinkToInsert = {
	start: number;
	end: number;
	href: string;
	id: string;
};

export type LinkPlacementProblem =
	| 'invalid_id'
	| 'duplicate_id'
	| 'already_linked'
	| 'invalid_href'
	| 'empty_range'
	| 'outside_text'
	| 'overlap';

/** A link that cannot go where it was asked to: nothing was changed. */
export class LinkPlacementError extends Error {
	constructor(
		readonly linkId: string,
		readonly problem: LinkPlacementProblem,
		message: string
	) {
		super( message );
		this.name = 'LinkPlacementError';
	}
}

function escapeAttribute( value: string ): string {
	return value
		.replace( /&/g, '&amp;' )
		.replace( /"/g, '&quot;' )
		.replace( /</g, '&lt;' )
		.replace( />/g, '&gt;' );
}

function openingTag( href: string, id: string ): string {
	return `<a href="${ escapeAttribute( href ) }" ${ LINK_ATTRIBUTE }="${ id }">`;
}

/** Throws a LinkPlacementError for the first link that cannot go in. */
function checkPlacement(
	html: string,
	links: LinkToInsert[],
	runs: TextRun[]
): void {
	const present = new Set( linkIdsIn( html ) );
	const seen = new Set< string >();
	for ( const link of links ) {
		if ( ! LINK_ID.test( link.id ) ) {
			throw new LinkPlacementError(
				link.id,
				'invalid_id',
				`"${ link.id }" is not a link id (1 to 64 letters, digits, _ or -)`
			);
		}
		if ( present.has( link.id ) ) {
			throw new LinkPlacementError(
				link.id,
				'already_linked',
				`link ${ link.id } is already in the post`
			);
		}
		if ( seen.has( link.id ) ) {
			throw new LinkPlacementError(
				link.id,
				'duplicate_id',
				`link ${ link.id } is asked for twice`
			);
		}
		seen.add( link.id );
		const scheme = SCHEME.exec( link.href )?.[ 1 ]?.toLowerCase();
		if (
			link.href.trim() === '' ||
			( scheme !== undefined && scheme !== 'http' && scheme !== 'https' )
		) {
			throw new LinkPlacementError(
				link.id,
				'invalid_href',
				`link ${ link.id } goes nowhere a reader can follow (${ link.href.slice( 0, 40 ) })`
			);
		}
		if (
			! Number.isInteger( link.start ) ||
			! Number.isInteger( link.end ) ||
			link.start >= link.end
		) {
			throw new LinkPlacementError(
				link.id,
				'empty_range',
				`link ${ link.id } wraps no text (${ link.start }–${ link.end })`
			);
		}
		if (
			! runs.some(
				( run ) => run.start <= link.start && link.end <= run.end
			) ||
			isLowSurrogate( html.charCodeAt( link.start ) ) ||
			isLowSurrogate( html.charCodeAt( link.end ) )
		) {
			throw new LinkPlacementError(
				link.id,
				'outside_text',
				`link ${ link.id } (${ link.start }–${ link.end }) is not inside text a link may wrap`
			);
		}
	}
	const ordered = [ ...links ].sort( ( a, b ) => a.start - b.start );
	ordered.slice( 1 ).forEach( ( link, i ) => {
		const before = ordered[ i ];
		if ( before && before.end > link.start ) {
			throw new LinkPlacementError(
				link.id,
				'overlap',
				`link ${ link.id } overlaps link ${ before.id }`
			);
		}
	} );
}

/**
 * Wraps each `html.slice( start, end )` in
 * `<a href="…" data-igny8-link="ID">…</a>`. All or nothing: a link that
 * cannot go in throws a LinkPlacementError and no link is inserted.
 */
export function insertLinks( html: string, links: LinkToInsert[] ): string {
	checkPlacement( html, links, linkableRuns( html ) );
	let out = html;
	// From the end, so the offsets of the links still to insert hold.
	for ( const link of [ ...links ].sort( ( a, b ) => b.start - a.start ) ) {
		out =
			out.slice( 0, link.start ) +
			openingTag( link.href, link.id ) +
			out.slice( link.start, link.end ) +
			'</a>' +
			out.slice( link.end );
	}
	return out;
}

type FoundLink = {
	id: string;
	/** The opening tag. */
	open: [ number, number ];
	/** The closing tag; null when the parser closed the link itself. */
	close: [ number, number ] | null;
};

/**
 * The IGNY8 links of the HTML with where their tags are. The parser, not a
 * regular expression, finds them, so a tag written in a comment, a script
 * or an attribute is not taken for one, and an editor that reordered the
 * attributes or added its own (rel, target) does not hide one.
 */
function igny8Links( html: string ): FoundLink[] {
	const found: FoundLink[] = [];
	const open: Array< FoundLink | null > = [];
	const parser = new Parser(
		{
			onopentag( name, attribs ) {
				if ( name !== 'a' ) {
					return;
				}
				const id = attribs[ LINK_ATTRIBUTE ];
				open.push(
					id === undefined
						? null
						: {
								id,
								open: [
									parser.startIndex,
									parser.endIndex + 1,
								],
								close: null,
							}
				);
			},
			onclosetag( name, isImplied ) {
				if ( name !== 'a' ) {
					return;
				}
				const link = open.pop();
				if ( ! link ) {
					return;
				}
				if ( ! isImplied ) {
					// endIndex is the end of the name in `</a>` (or `</a >`).
					const start = parser.endIndex - 3;
					const end = html.indexOf( '>', parser.endIndex ) + 1;
					if ( html.startsWith( '</', start ) && end > 0 ) {
						link.close = [ start, end ];
					}
				}
				found.push( link );
			},
		},
		{
			decodeEntities: false,
			lowerCaseTags: true,
			recognizeSelfClosing: false,
		}
	);
	parser.end( html );
	return found.sort( ( a, b ) => a.open[ 0 ] - b.open[ 0 ] );
}

/** A quick no for the many posts without IGNY8 links (attribute names are case-insensitive). */
function mayHaveLinks( html: string ): boolean {
	return html.includes( LINK_ATTRIBUTE ) || /data-igny8-link/i.test( html );
}

/** The ids of the IGNY8 links in the HTML, in document order, each once. */
export function linkIdsIn( html: string ): string[] {
	if ( ! mayHaveLinks( html ) ) {
		return [];
	}
	return [ ...new Set( igny8Links( html ).map( ( link ) => link.id ) ) ];
}

/**
 * Unwraps the IGNY8 links (those named, or all of them), keeping their
 * text. Removing what insertLinks added gives back the HTML it was given.
 * Other links are never touched.
 */
export function removeLinks(
	html: string,
	ids?: string[]
): { html: string; removed: string[] } {
	if ( ! mayHaveLinks( html ) ) {
		return { html, removed: [] };
	}
	const wanted = ids === undefined ? null : new Set( ids );
	const links = igny8Links( html ).filter(
		( link ) => wanted === null || wanted.has( link.id )
	);
	const cuts = links
		.flatMap( ( link ) =>
			link.close ? [ link.open, link.close ] : [ link.open ]
		)
		.sort( ( a, b ) => b[ 0 ] - a[ 0 ] );
	let out = html;
	for ( const [ start, end ] of cuts ) {
		out = out.slice( 0, start ) + out.slice( end );
	}
	return {
		html: out,
		removed: [ ...new Set( links.map( ( link ) => link.id ) ) ],
	};
}

/** The UTF-8 byte offset of a UTF-16 index: what PHP's string functions count. */
export function utf8Offset( html: string, utf16Index: number ): number {
	if (
		! Number.isInteger( utf16Index ) ||
		utf16Index < 0 ||
		utf16Index > html.length
	) {
		throw new RangeError(
			`${ utf16Index } is not an index into a string of ${ html.length }`
		);
	}
	const before = html.charCodeAt( utf16Index - 1 );
	if ( before >= 0xd800 && before <= 0xdbff ) {
		throw new RangeError( `${ utf16Index } splits a surrogate pair` );
	}
	return Buffer.byteLength( html.slice( 0, utf16Index ), 'utf8' );
}

/** Text with its character references decoded, as a reader sees it. */
function decode( text: string ): string {
	if ( ! text.includes( '&' ) ) {
		return text;
	}
	let out = '';
	const parser = new Parser(
		{
			ontext( data ) {
				out += data;
			},
		},
		{ decodeEntities: true }
	);
	parser.end( text );
	return out;
}

const CONTEXT_CHARS = 200;
/** The end of a sentence: a stop, closing quotes or brackets, then a space. */
const SENTENCE_END = /[.!?…]["'”’)\]]*\s/g;

function squash( text: string ): string {
	return text.replace( /\s+/g, ' ' );
}

/**
 * The plain text of the run's block, with where the anchor is in it:
 * entities decoded, shortcodes left out, `<br>` read as a space.
 */
function blockText(
	html: string,
	run: TextRun,
	start: number,
	end: number
): { before: string; anchor: string; after: string } {
	const shortcodes = shortcodeSpans( html );
	let before = '';
	let after = '';
	let previousEnd: number | null = null;
	for ( const segment of textSegments( html ) ) {
		if ( segment.paragraph !== run.paragraph ) {
			continue;
		}
		const gap =
			previousEnd !== null &&
			/<br\b/i.test( html.slice( previousEnd, segment.start ) )
				? ' '
				: '';
		previousEnd = segment.end;
		const parts = outsideSpans( segment.start, segment.end, shortcodes );
		if ( segment.start >= end ) {
			after += gap;
		} else {
			before += gap;
		}
		for ( const [ a, b ] of parts ) {
			if ( b <= start ) {
				before += decode( html.slice( a, b ) );
			} else if ( a >= end ) {
				after += decode( html.slice( a, b ) );
			} else {
				// A run never crosses a shortcode: the anchor is inside this part.
				before += decode( html.slice( a, start ) );
				after += decode( html.slice( end, b ) );
			}
		}
	}
	return { before, anchor: html.slice( start, end ), after };
}

/**
 * The plain-text sentence around an anchor (at most about 200 characters,
 * cut at words), for a person deciding whether to accept the link.
 */
export function contextAround(
	html: string,
	run: TextRun,
	start: number,
	end: number
): string {
	const block = blockText( html, run, start, end );
	let before = squash( block.before ).trimStart();
	let after = squash( block.after ).trimEnd();
	const anchor = squash( block.anchor );
	const stops = [ ...before.matchAll( SENTENCE_END ) ];
	const lastStop = stops.at( -1 );
	if ( lastStop ) {
		before = before.slice( lastStop.index + lastStop[ 0 ].length );
	}
	SENTENCE_END.lastIndex = 0;
	const nextStop = SENTENCE_END.exec( after + ' ' );
	if ( nextStop ) {
		after = after
			.slice( 0, nextStop.index + nextStop[ 0 ].length )
			.trimEnd();
	}
	const room = Math.max( 0, CONTEXT_CHARS - anchor.length );
	if ( before.length + after.length > room ) {
		const side = Math.floor( room / 2 );
		const beforeRoom = Math.max( side, room - after.length );
		const afterRoom = Math.max( side, room - before.length );
		if ( before.length > beforeRoom ) {
			before = before
				.slice( before.length - beforeRoom )
				.replace( /^\S*\s/, '' );
		}
		if ( after.length > afterRoom ) {
			after = after.slice( 0, afterRoom ).replace( /\s\S*$/, '' );
		}
	}
	return ( before + anchor + after ).trim();
}

/** Letters, marks and digits: what a word is made of, in any script. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

function wholeWordAt( text: string, at: number, length: number ): boolean {
	const first = text.slice( at, at + 1 );
	const last = text.slice( at + length - 1, at + length );
	const before = text.slice( 0, at ).slice( -2 );
	const after = text.slice( at + length, at + length + 2 );
	const edgeJoins = ( edge: string, neighbour: string ) =>
		WORD_CHAR.test( edge ) &&
		neighbour !== '' &&
		WORD_CHAR.test( [ ...neighbour ].at( 0 ) ?? '' );
	return (
		! edgeJoins( first, [ ...before ].at( -1 ) ?? '' ) &&
		! edgeJoins( last, after )
	);
}

function words( text: string ): Set< string > {
	return new Set( text.toLowerCase().match( /[\p{L}\p{M}\p{N}]+/gu ) ?? [] );
}

/** Dice coefficient of the two texts' word sets: 1 for the same words. */
function similarity( a: Set< string >, b: Set< string > ): number {
	if ( a.size + b.size === 0 ) {
		return 0;
	}
	let shared = 0;
	for ( const word of a ) {
		shared += b.has( word ) ? 1 : 0;
	}
	return ( 2 * shared ) / ( a.size + b.size );
}

export type RelocatedAnchor = {
	start: number;
	end: number;
	paragraph: number;
	/** How well the sentence around it matches the hint's context, 0 to 1. */
	similarity: number;
};

/**
 * Finds an anchor again after the post changed: the same text (exact,
 * case-sensitive, a whole word or words) somewhere a link may go, in the
 * sentence most like the one it was found in, then the nearest block to
 * where it was. Null when it no longer occurs anywhere a link may go (or,
 * with `minSimilarity`, nowhere in a sentence that alike).
 */
export function relocateAnchor(
	html: string,
	anchor: string,
	hint: { paragraph: number; context: string },
	options: { minSimilarity?: number } = {}
): RelocatedAnchor | null {
	if ( anchor === '' ) {
		return null;
	}
	const wanted = words( hint.context );
	let best: RelocatedAnchor | null = null;
	for ( const run of linkableRuns( html ) ) {
		for (
			let at = run.text.indexOf( anchor );
			at !== -1;
			at = run.text.indexOf( anchor, at + 1 )
		) {
			if ( ! wholeWordAt( run.text, at, anchor.length ) ) {
				continue;
			}
			const start = run.start + at;
			const end = start + anchor.length;
			const candidate = {
				start,
				end,
				paragraph: run.paragraph,
				similarity: similarity(
					wanted,
					words( contextAround( html, run, start, end ) )
				),
			};
			if ( candidate.similarity < ( options.minSimilarity ?? 0 ) ) {
				continue;
			}
			if ( ! best || closer( candidate, best, hint.paragraph ) ) {
				best = candidate;
			}
		}
	}
	return best;
}

/** Whether a beats b: a more alike sentence, then a nearer block, then earlier. */
function closer(
	a: RelocatedAnchor,
	b: RelocatedAnchor,
	paragraph: number
): boolean {
	if ( Math.abs( a.similarity - b.similarity ) > 1e-9 ) {
		return a.similarity > b.similarity;
	}
	const distance =
		Math.abs( a.paragraph - paragraph ) -
		Math.abs( b.paragraph - paragraph );
	return distance !== 0 ? distance < 0 : a.start < b.start;
}

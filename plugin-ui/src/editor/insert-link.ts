/**
 * Puts a suggested internal link into a block's HTML: the first place the
 * anchor text occurs as whole words, outside a link (or code, or a button),
 * is wrapped in `<a href data-igny8-link>`. Everything else stays byte for
 * byte as it was, so the only change a person sees is the new link.
 *
 * Pure string work, with no editor in it: the Links panel feeds it each
 * block's rich text (see links-panel.tsx) and tests feed it strings.
 */

/** Elements whose text never becomes an anchor. */
const SKIPPED = new Set( [
	'a',
	'code',
	'kbd',
	'pre',
	'button',
	'script',
	'style',
	'textarea',
] );

/** Elements without a closing tag: they never open a skipped region. */
const VOID = new Set( [ 'br', 'img', 'hr', 'wbr', 'input', 'source' ] );

const NAMED: Record< string, string > = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
	ndash: '\u2013',
	mdash: '\u2014',
	lsquo: '\u2018',
	rsquo: '\u2019',
	ldquo: '\u201c',
	rdquo: '\u201d',
	hellip: '\u2026',
};

/** One character of the HTML's text, and where its source (a character or an entity) is. */
interface TextChar {
	char: string;
	start: number;
	end: number;
	/** The run of text (between two tags) it belongs to. */
	run: number;
	/** Inside an element whose text is never linked. */
	skipped: boolean;
}

/**
 * The character an entity stands for, or null for text that is not one.
 * @param entity e.g. `&amp;` or `&#8217;`.
 */
function decodeEntity( entity: string ): string | null {
	const body = entity.slice( 1, -1 );
	if ( body.startsWith( '#x' ) || body.startsWith( '#X' ) ) {
		const code = parseInt( body.slice( 2 ), 16 );
		return Number.isNaN( code ) ? null : String.fromCodePoint( code );
	}
	if ( body.startsWith( '#' ) ) {
		const code = parseInt( body.slice( 1 ), 10 );
		return Number.isNaN( code ) ? null : String.fromCodePoint( code );
	}
	return NAMED[ body.toLowerCase() ] ?? null;
}

/**
 * The text of some HTML, one entry per character, each pointing back at its
 * source in the HTML.
 * @param html A block's rich text.
 */
function readText( html: string ): TextChar[] {
	const chars: TextChar[] = [];
	const open: string[] = [];
	let run = 0;
	let index = 0;
	while ( index < html.length ) {
		if ( html[ index ] === '<' ) {
			const end = html.indexOf( '>', index );
			if ( end < 0 ) {
				break;
			}
			const tag = /^<\s*(\/)?\s*([a-zA-Z][\w-]*)/.exec(
				html.slice( index, end + 1 )
			);
			if ( tag && tag[ 2 ] ) {
				const name = tag[ 2 ].toLowerCase();
				const selfClosing = html[ end - 1 ] === '/';
				if ( tag[ 1 ] ) {
					const at = open.lastIndexOf( name );
					if ( at >= 0 ) {
						open.splice( at );
					}
				} else if ( ! VOID.has( name ) && ! selfClosing ) {
					open.push( name );
				}
			}
			run++;
			index = end + 1;
			continue;
		}
		const skipped = open.some( ( name ) => SKIPPED.has( name ) );
		if ( html[ index ] === '&' ) {
			const entity =
				/^&(?:#\d{1,7}|#[xX][\da-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(
					html.slice( index, index + 12 )
				);
			const decoded = entity ? decodeEntity( entity[ 0 ] ) : null;
			if ( entity && decoded !== null ) {
				chars.push( {
					char: decoded,
					start: index,
					end: index + entity[ 0 ].length,
					run,
					skipped,
				} );
				index += entity[ 0 ].length;
				continue;
			}
		}
		const codePoint = html.codePointAt( index ) ?? 0;
		const width = codePoint > 0xffff ? 2 : 1;
		chars.push( {
			char: html.slice( index, index + width ),
			start: index,
			end: index + width,
			run,
			skipped,
		} );
		index += width;
	}
	return chars;
}

/**
 * Text as it is compared: no-break spaces and runs of white space are one
 * space, curly apostrophes are straight, and case is ignored on request.
 * @param char       One character.
 * @param ignoreCase Whether to fold case.
 */
function fold( char: string, ignoreCase: boolean ): string {
	let folded = /\s/.test( char ) ? ' ' : char;
	if ( folded === '\u2019' || folded === '\u2018' ) {
		folded = "'";
	}
	return ignoreCase ? folded.toLowerCase() : folded;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * Where the anchor first occurs in the text as whole words, outside skipped
 * elements and within one run of text (a link cannot start inside `<em>` and
 * end outside it): [first, last] character, or null.
 * @param chars      The HTML's text.
 * @param anchor     The anchor text, plain.
 * @param ignoreCase Whether to fold case.
 */
function findAnchor(
	chars: TextChar[],
	anchor: string,
	ignoreCase: boolean
): [ number, number ] | null {
	const wanted = Array.from( anchor.trim() ).map( ( char ) =>
		fold( char, ignoreCase )
	);
	if ( wanted.length === 0 ) {
		return null;
	}
	const text = chars.map( ( entry ) => fold( entry.char, ignoreCase ) );
	for ( let first = 0; first + wanted.length <= text.length; first++ ) {
		const last = first + wanted.length - 1;
		const head = chars[ first ];
		const tail = chars[ last ];
		if ( ! head || ! tail || head.skipped || head.run !== tail.run ) {
			continue;
		}
		let same = true;
		for ( let offset = 0; offset < wanted.length; offset++ ) {
			if ( text[ first + offset ] !== wanted[ offset ] ) {
				same = false;
				break;
			}
		}
		if ( ! same ) {
			continue;
		}
		const before = chars[ first - 1 ];
		const after = chars[ last + 1 ];
		// Neighbours across a tag count too: `<b>foo</b>bar` reads as one word.
		const startsWord =
			! before || ! WORD.test( before.char ) || ! WORD.test( head.char );
		const endsWord =
			! after || ! WORD.test( after.char ) || ! WORD.test( tail.char );
		if ( startsWord && endsWord ) {
			return [ first, last ];
		}
	}
	return null;
}

/**
 * A value for a double-quoted HTML attribute.
 * @param value Any text.
 */
function attribute( value: string ): string {
	return value
		.replace( /&/g, '&amp;' )
		.replace( /"/g, '&quot;' )
		.replace( /</g, '&lt;' )
		.replace( />/g, '&gt;' );
}

export interface LinkToInsert {
	/** The text to link, as the suggestion gives it (plain text). */
	anchor: string;
	/** The target post's address. */
	href: string;
	/** The suggestion's id, kept on the link so IGNY8 can find it again. */
	id: string;
}

/**
 * The HTML with the link inserted at the anchor's first occurrence, or null
 * when the anchor is not there outside a link (the person changed the text,
 * or linked it already). An exact-case match wins over one that differs
 * only in case.
 * @param html The block's rich text.
 * @param link What to link, and where to.
 */
export function insertLink( html: string, link: LinkToInsert ): string | null {
	const chars = readText( html );
	const found =
		findAnchor( chars, link.anchor, false ) ??
		findAnchor( chars, link.anchor, true );
	const head = found && chars[ found[ 0 ] ];
	const tail = found && chars[ found[ 1 ] ];
	if ( ! head || ! tail ) {
		return null;
	}
	const start = head.start;
	const end = tail.end;
	return (
		html.slice( 0, start ) +
		`<a href="${ attribute( link.href ) }" data-igny8-link="${ attribute(
			link.id
		) }">` +
		html.slice( start, end ) +
		'</a>' +
		html.slice( end )
	);
}

/**
 * Whether the HTML holds the link IGNY8 inserted for a suggestion.
 * @param html The block's (or post's) HTML.
 * @param id   The suggestion's id.
 */
export function hasIgny8Link( html: string, id: string ): boolean {
	return html.includes( `data-igny8-link="${ attribute( id ) }"` );
}

/**
 * The plain text of some HTML (entities decoded, white space folded), for
 * finding the block a suggestion's context comes from.
 * @param html A block's rich text.
 */
export function plainText( html: string ): string {
	return readText( html )
		.map( ( entry ) => fold( entry.char, false ) )
		.join( '' )
		.replace( / +/g, ' ' )
		.trim();
}

/** A block as the block editor gives it: only what the search needs. */
export interface BlockLike {
	clientId: string;
	name: string;
	attributes: Record< string, unknown >;
	innerBlocks: BlockLike[];
}

/** Block → its rich-text attribute that may hold a link. */
const RICH_TEXT: Record< string, string > = {
	'core/paragraph': 'content',
	'core/list-item': 'content',
	'core/verse': 'content',
	'core/freeform': 'content',
	'core/pullquote': 'value',
	'core/quote': 'value',
};

export interface BlockEdit {
	clientId: string;
	attribute: string;
	before: string;
	after: string;
}

/**
 * The blocks in document order, inner blocks after their parent.
 * @param blocks The editor's blocks.
 */
function flatten( blocks: BlockLike[] ): BlockLike[] {
	return blocks.flatMap( ( block ) => [
		block,
		...flatten( block.innerBlocks ?? [] ),
	] );
}

/**
 * The edit that inserts a link into the first block that can take it:
 * preferring a block whose text holds the suggestion's context (the
 * sentence the anchor was found in), else any block with the anchor.
 * @param blocks  The editor's blocks.
 * @param link    What to link.
 * @param context The sentence around the anchor, plain text, if known.
 */
export function findBlockEdit(
	blocks: BlockLike[],
	link: LinkToInsert,
	context = ''
): BlockEdit | null {
	const candidates = flatten( blocks ).flatMap( ( block ) => {
		const name = RICH_TEXT[ block.name ];
		const value = name ? block.attributes[ name ] : undefined;
		// RichTextData (WordPress 6.5+) turns into its HTML as a string.
		const html =
			value === undefined || value === null ? '' : String( value );
		return name && html !== '' ? [ { block, name, html } ] : [];
	} );
	const wantedContext = context.replace( /\s+/g, ' ' ).trim();
	const ordered = wantedContext
		? [
				...candidates.filter( ( candidate ) =>
					plainText( candidate.html ).includes( wantedContext )
				),
				...candidates,
			]
		: candidates;
	for ( const { block, name, html } of ordered ) {
		const after = insertLink( html, link );
		if ( after !== null ) {
			return {
				clientId: block.clientId,
				attribute: name,
				before: html,
				after,
			};
		}
	}
	return null;
}

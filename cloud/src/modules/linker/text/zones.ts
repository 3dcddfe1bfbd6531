import { Parser } from 'htmlparser2';

/**
 * Where in a post a link may go. A run is a stretch of the raw HTML holding
 * only text: no tag, no entity, no shortcode, nothing inside a place where a
 * link would be wrong (a heading, an existing link, a shortcode, code, a
 * button, a caption…). Offsets are UTF-16 indexes into the HTML string as
 * given, so `html.slice( start, end ) === text` and wrapping that slice in
 * `<a>` leaves every other byte where it was.
 */
export type TextRun = {
	/** 0-based block (paragraph, list item, cell…) of the post the run is in. */
	paragraph: number;
	start: number;
	end: number;
	text: string;
};

/** A stretch of visible text of the HTML as the parser saw it. */
export type TextSegment = TextRun & {
	/** False inside a heading, a link, code, a button, a caption… */
	linkable: boolean;
};

/** Elements whose text never takes a link. */
const FORBIDDEN = new Set( [
	'a',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'code',
	'pre',
	'kbd',
	'samp',
	'var',
	'tt',
	'button',
	'figcaption',
	'caption',
	'label',
	'legend',
	'summary',
	'option',
	'select',
	'textarea',
	'form',
	'nav',
	'audio',
	'video',
	'canvas',
	'map',
	'picture',
] );

/** Elements whose content is not text a reader sees in the post. */
const HIDDEN = new Set( [
	'script',
	'style',
	'noscript',
	'template',
	'title',
	'svg',
	'math',
	'iframe',
	'object',
] );

/**
 * Classes that mark a place as a button, an embed or a caption in the
 * markup the block editor and the classic editor save: Gutenberg's Buttons
 * block is `div.wp-block-buttons > div.wp-block-button > a.wp-block-button__link`
 * (an `<a>` without href when the author left the URL empty), an embed's
 * wrapper holds the bare URL WordPress turns into the embed, and classic
 * captions render as `.wp-caption-text`.
 */
const FORBIDDEN_CLASSES = new Set( [
	'wp-block-buttons',
	'wp-block-button',
	'wp-block-button__link',
	'wp-element-button',
	'wp-block-file__button',
	'wp-block-embed',
	'wp-block-embed__wrapper',
	'wp-block-navigation',
	'wp-caption',
	'wp-caption-text',
	'gallery-caption',
	'blocks-gallery-caption',
	'wp-element-caption',
] );

/** ARIA roles that make any element act like a control or a link. */
const FORBIDDEN_ROLES = new Set( [
	'button',
	'link',
	'menuitem',
	'navigation',
	'tab',
] );

/** Elements that start a new block: a run never crosses one. */
export const BLOCKS: ReadonlySet< string > = new Set( [
	'p',
	'li',
	'dd',
	'dt',
	'td',
	'th',
	'tr',
	'table',
	'ul',
	'ol',
	'dl',
	'blockquote',
	'div',
	'section',
	'article',
	'aside',
	'header',
	'footer',
	'main',
	'figure',
	'figcaption',
	'caption',
	'details',
	'summary',
	'hr',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'pre',
	'address',
	'form',
	'nav',
] );

const VOID = new Set( [
	'area',
	'base',
	'br',
	'col',
	'embed',
	'hr',
	'img',
	'input',
	'link',
	'meta',
	'param',
	'source',
	'track',
	'wbr',
] );

/** `[name attrs]`, `[name /]` and `[/name]`: WordPress shortcodes. */
const SHORTCODE = /\[(\/?)([A-Za-z][\w-]*)(?:\s[^\]]*)?\/?\]/g;
const ENTITY = /&(?:#\d+|#x[\da-fA-F]+|[A-Za-z][A-Za-z\d]*);/g;
/**
 * A URL written as text: WordPress turns one on its own line into an embed
 * (and plugins auto-link the rest), so a link inside it would break it.
 */
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
/** An empty line: the classic editor's paragraph break (wpautop). */
const BLANK_LINE = /\n[^\S\n]*\n\s*/g;

/**
 * The spans of shortcodes in the HTML: a tag on its own, or from an opening
 * tag through its closing `[/name]` when the post has one (a `[caption]`'s
 * text is a caption, not prose). Like WordPress, an opening tag pairs with the
 * first closing tag of the same name after it.
 */
export function shortcodeSpans( html: string ): Array< [ number, number ] > {
	const spans: Array< [ number, number ] > = [];
	const tags = [ ...html.matchAll( SHORTCODE ) ];
	tags.forEach( ( tag, i ) => {
		const start = tag.index;
		let end = start + tag[ 0 ].length;
		if ( tag[ 1 ] === '' ) {
			const closing = tags.find(
				( other, j ) =>
					j > i && other[ 1 ] === '/' && other[ 2 ] === tag[ 2 ]
			);
			if ( closing ) {
				end = closing.index + closing[ 0 ].length;
			}
		}
		spans.push( [ start, end ] );
	} );
	return spans;
}

type Span = [ number, number ];

/** Removes the spans from [start, end): what is left, in order. */
function cut( parts: Span[], from: number, to: number ): Span[] {
	return parts.flatMap( ( [ a, b ] ): Span[] => {
		if ( to <= a || from >= b ) {
			return [ [ a, b ] ];
		}
		const out: Span[] = [];
		if ( from > a ) {
			out.push( [ a, from ] );
		}
		if ( to < b ) {
			out.push( [ to, b ] );
		}
		return out;
	} );
}

/** The pieces of [start, end) outside the spans, in order. */
export function outsideSpans(
	start: number,
	end: number,
	spans: Span[]
): Span[] {
	let parts: Span[] = [ [ start, end ] ];
	for ( const [ from, to ] of spans ) {
		if ( from < end && to > start ) {
			parts = cut( parts, from, to );
		}
	}
	return parts;
}

/** The pieces of [start, end) outside shortcodes, entities and bare URLs. */
function pieces(
	html: string,
	start: number,
	end: number,
	shortcodes: Span[]
): Span[] {
	let parts = outsideSpans( start, end, shortcodes );
	const text = html.slice( start, end );
	const patterns = [
		...( text.includes( '&' ) ? [ ENTITY ] : [] ),
		...( /:\/\/|www\./i.test( text ) ? [ BARE_URL ] : [] ),
	];
	for ( const pattern of patterns ) {
		for ( const match of text.matchAll( pattern ) ) {
			parts = cut(
				parts,
				start + match.index,
				start + match.index + match[ 0 ].length
			);
		}
	}
	return parts;
}

type Frame = { name: string; forbidden: boolean; hidden: boolean };

function forbids( name: string, attribs: Record< string, string > ): boolean {
	if ( FORBIDDEN.has( name ) ) {
		return true;
	}
	const role = attribs.role?.trim().toLowerCase();
	if ( role && FORBIDDEN_ROLES.has( role ) ) {
		return true;
	}
	return ( attribs.class ?? '' )
		.split( /\s+/ )
		.some( ( className ) => FORBIDDEN_CLASSES.has( className ) );
}

/**
 * Every stretch of visible text of the HTML, with the block it is in and
 * whether a link may go there. Text the parser hands over in several calls
 * (it stops at a `<` that opens no tag) comes back as one segment.
 */
function scan( html: string ): TextSegment[] {
	const segments: TextSegment[] = [];
	const stack: Frame[] = [];
	let forbiddenDepth = 0;
	let hiddenDepth = 0;
	let paragraph = 0;
	let textInParagraph = false;
	const boundary = () => {
		if ( textInParagraph ) {
			paragraph += 1;
			textInParagraph = false;
		}
	};
	const add = ( start: number, end: number ) => {
		if ( html.slice( start, end ).trim() === '' ) {
			return;
		}
		const linkable = forbiddenDepth === 0;
		const last = segments.at( -1 );
		if (
			last &&
			last.end === start &&
			last.paragraph === paragraph &&
			last.linkable === linkable
		) {
			last.end = end;
			last.text = html.slice( last.start, end );
		} else {
			segments.push( {
				paragraph,
				start,
				end,
				text: html.slice( start, end ),
				linkable,
			} );
		}
		textInParagraph = true;
	};
	const parser = new Parser(
		{
			onopentag( name, attribs ) {
				if ( BLOCKS.has( name ) ) {
					boundary();
				}
				if ( VOID.has( name ) ) {
					return;
				}
				const frame = {
					name,
					forbidden: forbids( name, attribs ),
					hidden: HIDDEN.has( name ),
				};
				stack.push( frame );
				forbiddenDepth += frame.forbidden ? 1 : 0;
				hiddenDepth += frame.hidden ? 1 : 0;
			},
			onclosetag( name ) {
				if ( VOID.has( name ) ) {
					return;
				}
				const at = stack.findLastIndex(
					( frame ) => frame.name === name
				);
				if ( at === -1 ) {
					return;
				}
				for ( const closed of stack.splice( at ) ) {
					forbiddenDepth -= closed.forbidden ? 1 : 0;
					hiddenDepth -= closed.hidden ? 1 : 0;
				}
				if ( BLOCKS.has( name ) ) {
					boundary();
				}
			},
			ontext( data ) {
				if ( hiddenDepth > 0 ) {
					return;
				}
				// The parser's own startIndex is not reset for text, its endIndex is.
				const end = parser.endIndex + 1;
				let from = end - data.length;
				for ( const blank of data.matchAll( BLANK_LINE ) ) {
					const at = end - data.length + blank.index;
					add( from, at );
					boundary();
					from = at + blank[ 0 ].length;
				}
				add( from, end );
			},
		},
		// Not recognizing `<x/>` is what browsers do: `<a href="…"/>` opens a link.
		{
			decodeEntities: false,
			lowerCaseTags: true,
			recognizeSelfClosing: false,
		}
	);
	parser.end( html );
	return segments;
}

let memo: { html: string; segments: TextSegment[] } | null = null;

/**
 * The visible text of the HTML, block by block. The last answer is kept
 * (hence read-only): the Linker asks about one post many times in a row
 * (its runs, then the context of each anchor).
 */
export function textSegments(
	html: string
): ReadonlyArray< Readonly< TextSegment > > {
	if ( memo?.html !== html ) {
		memo = { html, segments: scan( html ) };
	}
	return memo.segments;
}

/** The stretches of the HTML a link may wrap, in document order. */
export function linkableRuns( html: string ): TextRun[] {
	const shortcodes = shortcodeSpans( html );
	const runs: TextRun[] = [];
	for ( const segment of textSegments( html ) ) {
		if ( ! segment.linkable ) {
			continue;
		}
		for ( const [ start, end ] of pieces(
			html,
			segment.start,
			segment.end,
			shortcodes
		) ) {
			const text = html.slice( start, end );
			if ( text.trim() !== '' ) {
				runs.push( { paragraph: segment.paragraph, start, end, text } );
			}
		}
	}
	return runs;
}

import sanitizeHtml, { type IOptions } from 'sanitize-html';

/**
 * Content safety for article HTML. Whatever a client (or an AI provider)
 * sends as `content_html` goes through one allow-list before it is stored;
 * the plain text and the word count are derived from the stored result, never
 * taken from the client.
 *
 * The allow-list is what an article body needs and nothing that runs code:
 * - structure: h1–h6, p, br, hr, blockquote[cite], pre, code, figure, figcaption
 * - inline: strong, em, b, i, u, s
 * - lists: ul, ol[start|reversed], li
 * - tables: table, caption, thead, tbody, tfoot, tr, th[colspan|rowspan|scope], td[colspan|rowspan]
 * - links: a[href|title|rel|target|data-igny8-link]; href schemes http, https, mailto, tel or a
 *   relative URL; target only `_blank` / `_self`, and `_blank` always gets
 *   `rel="noopener noreferrer"`
 * - images: img[src|alt|width|height|title]; src http or https (or relative)
 *   only — no `data:` URIs (they bloat the row, and `data:image/svg+xml` is a
 *   script carrier when opened on its own); width/height whole pixels only.
 * Everything else is dropped: other tags lose their markup but keep their
 * text (a `<div>` or `<span>` wrapper), except script-like containers
 * (script, style, iframe, svg, math, object, noscript, template, …) whose
 * content goes too. No `style`, `class`, `id` or `on*` attribute survives,
 * and protocol-relative URLs (`//host/x`) are refused.
 */

const HEADINGS = [ 'h1', 'h2', 'h3', 'h4', 'h5', 'h6' ];
const TABLE = [
	'table',
	'caption',
	'thead',
	'tbody',
	'tfoot',
	'tr',
	'th',
	'td',
];

export const ALLOWED_TAGS: readonly string[] = [
	...HEADINGS,
	'p',
	'br',
	'hr',
	'blockquote',
	'pre',
	'code',
	'figure',
	'figcaption',
	'strong',
	'em',
	'b',
	'i',
	'u',
	's',
	'ul',
	'ol',
	'li',
	...TABLE,
	'a',
	'img',
];

/** Elements whose text is not article text: dropped with their content. */
const NON_TEXT_TAGS = [
	'script',
	'style',
	'textarea',
	'option',
	'select',
	'noscript',
	'iframe',
	'frame',
	'frameset',
	'object',
	'embed',
	'applet',
	'svg',
	'math',
	'template',
	'head',
	'title',
	'xmp',
];

/** Elements that start a new line of plain text. */
const BLOCK_TAGS = new Set( [
	...HEADINGS,
	'p',
	'br',
	'hr',
	'blockquote',
	'pre',
	'figure',
	'figcaption',
	'ul',
	'ol',
	'li',
	...TABLE,
	'div',
	'section',
	'article',
	'header',
	'footer',
	'aside',
	'nav',
	'main',
	'dl',
	'dt',
	'dd',
	'address',
	'details',
	'summary',
] );

const LINK_TARGETS = [ '_blank', '_self' ];
const PIXELS = /^\d{1,5}$/;

const OPTIONS: IOptions = {
	allowedTags: [ ...ALLOWED_TAGS ],
	allowedAttributes: {
		// data-igny8-link marks the links the Linker added, so they can be removed one by one.
		a: [ 'href', 'title', 'rel', 'target', 'data-igny8-link' ],
		img: [ 'src', 'alt', 'width', 'height', 'title' ],
		ol: [ 'start', 'reversed' ],
		th: [ 'colspan', 'rowspan', 'scope' ],
		td: [ 'colspan', 'rowspan' ],
		blockquote: [ 'cite' ],
	},
	allowedSchemes: [ 'http', 'https', 'mailto', 'tel' ],
	allowedSchemesByTag: {
		img: [ 'http', 'https' ],
		blockquote: [ 'http', 'https' ],
	},
	allowProtocolRelative: false,
	disallowedTagsMode: 'discard',
	nonTextTags: NON_TEXT_TAGS,
	transformTags: {
		a: ( tagName, attribs ) => {
			const { target, rel, ...rest } = attribs;
			if ( target === undefined || ! LINK_TARGETS.includes( target ) ) {
				return {
					tagName,
					attribs: rel === undefined ? rest : { ...rest, rel },
				};
			}
			if ( target !== '_blank' ) {
				return {
					tagName,
					attribs: {
						...rest,
						...( rel === undefined ? {} : { rel } ),
						target,
					},
				};
			}
			const rels = new Set(
				( rel ?? '' ).split( /\s+/ ).filter( Boolean )
			);
			rels.add( 'noopener' );
			rels.add( 'noreferrer' );
			return {
				tagName,
				attribs: { ...rest, rel: [ ...rels ].join( ' ' ), target },
			};
		},
		img: ( tagName, attribs ) => {
			const { width, height, ...rest } = attribs;
			return {
				tagName,
				attribs: {
					...rest,
					...( width !== undefined && PIXELS.test( width )
						? { width }
						: {} ),
					...( height !== undefined && PIXELS.test( height )
						? { height }
						: {} ),
				},
			};
		},
	},
	// An <img> whose src was refused is an empty box: drop it.
	exclusiveFilter: ( frame ) => frame.tag === 'img' && ! frame.attribs.src,
};

/** Article HTML reduced to the allow-list above. Idempotent. */
export function sanitizeContentHtml( html: string ): string {
	return sanitizeHtml( html, OPTIONS ).trim();
}

/** sanitize-html hands text over HTML-escaped (these four only); undo that. */
const unescape = ( text: string ) =>
	text
		.replace( /&lt;/g, '<' )
		.replace( /&gt;/g, '>' )
		.replace( /&quot;/g, '"' )
		.replace( /&amp;/g, '&' );

/**
 * The text a reader sees, one line per block (paragraph, heading, list item,
 * table cell …), whitespace inside a line collapsed to single spaces (no-break
 * spaces included), entities decoded, empty lines dropped.
 */
export function plainTextOf( html: string ): string {
	const parts: string[] = [];
	const boundary = ( name: string ) => {
		if ( BLOCK_TAGS.has( name ) ) {
			parts.push( '\n' );
		}
	};
	sanitizeHtml( html, {
		allowedTags: [],
		allowedAttributes: {},
		nonTextTags: NON_TEXT_TAGS,
		onOpenTag: boundary,
		onCloseTag: boundary,
		textFilter: ( text ) => {
			// Source line breaks are spaces; only block boundaries start a line.
			parts.push( unescape( text ).replace( /\s+/g, ' ' ) );
			return '';
		},
	} );
	return parts
		.join( '' )
		.split( '\n' )
		.map( ( line ) => line.replace( / {2,}/g, ' ' ).trim() )
		.filter( Boolean )
		.join( '\n' );
}

let segmenter: Intl.Segmenter | undefined;
const HYPHENS = new Set( [ '-', '\u2010', '\u2011' ] );

/**
 * Words as Unicode word segmentation sees them (ICU): "don't" and "2024" are
 * one word each, punctuation is none, and scripts written without spaces
 * (Chinese, Japanese, Thai) are split by dictionary rather than counted as
 * one word per run. As in word processors, a hyphenated compound
 * ("well-known") is one word.
 */
export function countWords( text: string ): number {
	segmenter ??= new Intl.Segmenter( undefined, { granularity: 'word' } );
	let count = 0;
	let previous: 'word' | 'hyphen-after-word' | 'other' = 'other';
	for ( const { segment, isWordLike } of segmenter.segment( text ) ) {
		if ( isWordLike ) {
			if ( previous !== 'hyphen-after-word' ) {
				count += 1;
			}
			previous = 'word';
		} else {
			previous =
				previous === 'word' && HYPHENS.has( segment )
					? 'hyphen-after-word'
					: 'other';
		}
	}
	return count;
}

export type DerivedContent = {
	content_html: string;
	content_plain: string;
	word_count: number;
};

/** What is stored for a piece of HTML: the sanitized markup and what is derived from it. */
export function deriveContent( html: string ): DerivedContent {
	const content_html = sanitizeContentHtml( html );
	const content_plain = plainTextOf( content_html );
	return {
		content_html,
		content_plain,
		word_count: countWords( content_plain ),
	};
}

/**
 * Post HTML → the structure every check reads: blocks of text (paragraphs,
 * headings, list items…), links, images and the number of `<h1>`s. The HTML
 * is parsed once per analysis, in one streaming pass.
 */
import { Parser } from 'htmlparser2';
import { ValidationError } from '../../../http/errors';

export type BlockKind = 'paragraph' | 'heading';

export type Block = {
	kind: BlockKind;
	/** 1–6 for headings, 0 for paragraphs. */
	level: number;
	/** The block's text, whitespace collapsed. */
	text: string;
	/** Text inside `<pre>` or `<code>`: counted as words, never read as prose. */
	code: boolean;
};

export type Link = {
	href: string;
	text: string;
	nofollow: boolean;
};

export type Image = {
	alt: string;
};

export type HtmlStructure = {
	blocks: Block[];
	links: Link[];
	images: Image[];
	h1Count: number;
};

/** Elements that start and end a block of text. */
const BLOCKS = new Set( [
	'address',
	'article',
	'aside',
	'blockquote',
	'caption',
	'dd',
	'details',
	'div',
	'dl',
	'dt',
	'figcaption',
	'figure',
	'footer',
	'form',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'header',
	'hr',
	'li',
	'main',
	'nav',
	'ol',
	'p',
	'pre',
	'section',
	'summary',
	'table',
	'tbody',
	'td',
	'tfoot',
	'th',
	'thead',
	'tr',
	'ul',
] );

/** Elements whose content is not text a reader sees. */
const HIDDEN = new Set( [
	'script',
	'style',
	'noscript',
	'template',
	'svg',
	'iframe',
	'object',
	'textarea',
	'select',
] );

/** Elements that never have content, so never stay open. */
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

/**
 * Browsers' HTML parsers stop nesting at 512 elements (Blink's limit); no
 * editor writes deeper. htmlparser2 keeps its open elements in an array it
 * shifts on every tag, so unclosed tags by the hundred thousand would take
 * it seconds: such HTML is refused before that.
 */
export const MAX_DEPTH = 512;

const HEADING = /^h([1-6])$/;
/** A blank line inside one block separates paragraphs (classic-editor and plain-text posts). */
const BLANK_LINE = /\n[ \t\r\f\u00a0]*\n/;

export function parseHtml( html: string ): HtmlStructure {
	const blocks: Block[] = [];
	const links: Link[] = [];
	const images: Image[] = [];
	let h1Count = 0;
	/** Elements open in htmlparser2 right now (it reports implied closes too). */
	let depth = 0;

	/** Open block elements, innermost last: the innermost decides a flushed block's kind. */
	const stack: string[] = [];
	let hidden = 0;
	let code = 0;
	let buffer = '';
	/** Text inside `<pre>`/`<code>`, kept out of the prose around it. */
	let codeBuffer = '';
	let link: Link | null = null;

	const push = ( text: string, tag: string | undefined, isCode = false ) => {
		const collapsed = text.replace( /\s+/g, ' ' ).trim();
		if ( collapsed === '' ) {
			return;
		}
		const heading = tag ? HEADING.exec( tag ) : null;
		blocks.push( {
			kind: heading ? 'heading' : 'paragraph',
			level: heading ? Number( heading[ 1 ] ) : 0,
			text: collapsed,
			code: isCode,
		} );
	};
	const flush = () => {
		if ( buffer.trim() !== '' ) {
			const tag = stack[ stack.length - 1 ];
			if ( tag && HEADING.test( tag ) ) {
				push( buffer, tag );
			} else {
				for ( const part of buffer.split( BLANK_LINE ) ) {
					push( part, tag );
				}
			}
		}
		buffer = '';
	};

	const parser = new Parser(
		{
			onopentag( name, attributes ) {
				if ( ! VOID.has( name ) ) {
					depth += 1;
					if ( depth > MAX_DEPTH ) {
						throw new ValidationError(
							`The HTML nests elements more than ${ MAX_DEPTH } deep; close its tags.`,
							{
								html: [
									`nests elements more than ${ MAX_DEPTH } deep`,
								],
							}
						);
					}
				}
				if ( HIDDEN.has( name ) ) {
					hidden += 1;
					return;
				}
				if ( hidden > 0 ) {
					return;
				}
				if ( BLOCKS.has( name ) ) {
					flush();
					stack.push( name );
					if ( name === 'h1' ) {
						h1Count += 1;
					}
				}
				if ( name === 'pre' || name === 'code' ) {
					code += 1;
				} else if ( name === 'br' ) {
					buffer += '\n';
				} else if ( name === 'a' ) {
					link = {
						href: attributes.href ?? '',
						text: '',
						nofollow: /(?:^|\s)nofollow(?:\s|$)/i.test(
							attributes.rel ?? ''
						),
					};
				} else if ( name === 'img' ) {
					images.push( { alt: ( attributes.alt ?? '' ).trim() } );
				}
			},
			ontext( text ) {
				if ( hidden > 0 ) {
					return;
				}
				if ( code > 0 ) {
					codeBuffer += text;
				} else {
					buffer += text;
				}
				if ( link ) {
					link.text += text;
				}
			},
			onclosetag( name ) {
				if ( ! VOID.has( name ) ) {
					depth = Math.max( 0, depth - 1 );
				}
				if ( HIDDEN.has( name ) ) {
					hidden = Math.max( 0, hidden - 1 );
					return;
				}
				if ( hidden > 0 ) {
					return;
				}
				if ( name === 'pre' || name === 'code' ) {
					code = Math.max( 0, code - 1 );
					if ( code === 0 ) {
						// Its own block (a code sample, inline code): words to count, not prose to read.
						push( codeBuffer, undefined, true );
						codeBuffer = '';
					}
				}
				if ( name === 'a' && link ) {
					link.text = link.text.replace( /\s+/g, ' ' ).trim();
					links.push( link );
					link = null;
				}
				if ( BLOCKS.has( name ) ) {
					flush();
					const at = stack.lastIndexOf( name );
					if ( at !== -1 ) {
						stack.length = at;
					}
				}
			},
		},
		{ decodeEntities: true, lowerCaseTags: true }
	);
	parser.write( html );
	parser.end();
	flush();
	return { blocks, links, images, h1Count };
}

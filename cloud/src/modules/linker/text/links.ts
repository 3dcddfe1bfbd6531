import { Parser } from 'htmlparser2';
import { LINK_ATTRIBUTE } from './apply';

/**
 * The internal links a post already has, each with the key of the page it
 * points to, so the link graph can join a link to the post it reaches
 * whatever way the author wrote the address (relative, absolute, www. or
 * not, percent-encoded or not).
 */

export type ExtractedLink = {
	href: string;
	/** The target's key: see normalizePath. */
	path: string;
	/** The link's text, entities decoded and white space squashed. */
	anchor: string;
	/** Set when IGNY8 added the link. */
	igny8Id: string | null;
};

/** A base for resolving relative addresses when the site's is not known. */
const NO_SITE = 'http://site.invalid/';

/**
 * WordPress's own screens, endpoints and files: not posts, whatever site
 * they are on.
 */
const NOT_A_POST =
	/\/(?:wp-admin|wp-content|wp-includes|wp-json)(?:\/|$)|\/(?:wp-login|xmlrpc|wp-cron|wp-signup|wp-activate)\.php$/;

/** The query parameters that name a post on a site without pretty permalinks. */
const POST_QUERY = [ 'p', 'page_id' ];

function bareHost( url: URL ): string {
	return url.host.toLowerCase().replace( /^www\./, '' );
}

function decodeSegment( segment: string ): string {
	try {
		// An encoded slash stays encoded: decoded it would be a new segment.
		return decodeURIComponent( segment.replace( /%2f/gi, '%252F' ) );
	} catch {
		return segment;
	}
}

/**
 * The key a link's target and a post's own address are joined on: the path
 * without host, lower-cased, percent-decoded, with a trailing slash, and
 * only `?p=N` / `?page_id=N` of the query. Null when the address is not a
 * page of this site: another host (or any absolute address when the site's
 * is not known), not http(s), only a fragment, or WordPress's admin,
 * uploads and other files.
 */
export function normalizePath(
	url: string,
	siteUrl: string | null
): string | null {
	const href = url.trim();
	if ( href === '' || href.startsWith( '#' ) ) {
		return null;
	}
	let site: URL | null = null;
	if ( siteUrl ) {
		try {
			site = new URL(
				/^[a-z][a-z\d+.-]*:/i.test( siteUrl )
					? siteUrl
					: `https://${ siteUrl }`
			);
		} catch {
			site = null;
		}
	}
	const absolute = /^[a-z][a-z\d+.-]*:|^\/\//i.test( href );
	if ( absolute && ! site ) {
		return null;
	}
	let target: URL;
	try {
		target = new URL( href, site ?? NO_SITE );
	} catch {
		return null;
	}
	if ( target.protocol !== 'http:' && target.protocol !== 'https:' ) {
		return null;
	}
	if ( site && bareHost( target ) !== bareHost( site ) ) {
		return null;
	}
	const path = target.pathname
		.split( '/' )
		.map( decodeSegment )
		.join( '/' )
		.toLowerCase()
		// `/index.php?p=12` is `/?p=12`: WordPress's front controller by name.
		.replace( /\/index\.php$/, '/' );
	if ( NOT_A_POST.test( path ) ) {
		return null;
	}
	const query = POST_QUERY.flatMap( ( name ) => {
		const value = target.searchParams.get( name )?.trim() ?? '';
		return /^\d+$/.test( value )
			? [ `${ name }=${ Number( value ) }` ]
			: [];
	} );
	return (
		( path.endsWith( '/' ) ? path : `${ path }/` ) +
		( query.length > 0 ? `?${ query.join( '&' ) }` : '' )
	);
}

/**
 * The post's links to pages of its own site, in document order. With no
 * site address, only relative links count as internal.
 */
export function extractLinks(
	html: string,
	siteUrl: string | null
): ExtractedLink[] {
	const links: ExtractedLink[] = [];
	/** The links being read, innermost last (nested links are invalid but happen). */
	const open: Array< { link: ExtractedLink | null; text: string } > = [];
	const parser = new Parser(
		{
			onopentag( name, attribs ) {
				if ( name !== 'a' ) {
					return;
				}
				const href = attribs.href;
				const path =
					href === undefined ? null : normalizePath( href, siteUrl );
				const link =
					href === undefined || path === null
						? null
						: {
								href,
								path,
								anchor: '',
								igny8Id: attribs[ LINK_ATTRIBUTE ] || null,
							};
				if ( link ) {
					links.push( link );
				}
				open.push( { link, text: '' } );
			},
			ontext( data ) {
				for ( const reading of open ) {
					reading.text += data;
				}
			},
			onclosetag( name ) {
				if ( name !== 'a' ) {
					return;
				}
				const reading = open.pop();
				if ( reading?.link ) {
					reading.link.anchor = reading.text
						.replace( /\s+/g, ' ' )
						.trim();
				}
			},
		},
		{
			decodeEntities: true,
			lowerCaseTags: true,
			recognizeSelfClosing: false,
		}
	);
	parser.end( html );
	return links;
}

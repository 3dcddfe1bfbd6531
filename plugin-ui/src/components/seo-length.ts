/**
 * How a search engine will treat an SEO title and meta description: length
 * checks and the snippet a result page shows. Pure functions, so the rules
 * are tested without a browser; the words for people live in seo-fields.tsx.
 */

/** Google cuts a title wider than this (desktop results, 20 px Arial). */
export const TITLE_MAX_PX = 580;
/** The usual rule of thumb beside the pixel limit. */
export const TITLE_MAX_CHARS = 60;
/** Shorter titles waste the space a result gets. */
export const TITLE_MIN_CHARS = 30;
export const DESCRIPTION_MIN_CHARS = 120;
/** Google shows about this much of a description on desktop. */
export const DESCRIPTION_MAX_CHARS = 156;

export type LengthVerdict = 'missing' | 'short' | 'good' | 'long';

export interface LengthCheck {
	verdict: LengthVerdict;
	chars: number;
	/** Estimated width in the result page's font (titles only; 0 otherwise). */
	px: number;
}

/*
 * Arial advance widths in 1/1000 em, the font Google sets result titles in.
 * Measuring with a canvas would need a browser and the font installed; a
 * table gives the same answer everywhere, which is what an estimate needs.
 */
const NARROW = 278;
const WIDTHS: Record< string, number > = {
	' ': 278,
	'.': 278,
	',': 278,
	':': 278,
	';': 278,
	'!': 278,
	'/': 278,
	'|': 260,
	"'": 191,
	'"': 355,
	'-': 333,
	'(': 333,
	')': 333,
	'?': 556,
	'&': 667,
	f: 278,
	i: 222,
	j: 222,
	l: 222,
	t: 278,
	r: 333,
	c: 500,
	k: 500,
	s: 500,
	v: 500,
	x: 500,
	y: 500,
	z: 500,
	m: 833,
	w: 722,
	I: 278,
	J: 500,
	L: 556,
	F: 611,
	T: 611,
	Z: 611,
	C: 722,
	D: 722,
	H: 722,
	N: 722,
	R: 722,
	U: 722,
	G: 778,
	O: 778,
	Q: 778,
	M: 833,
	W: 944,
};
const UPPER_DEFAULT = 667;
const DEFAULT = 556;
const TITLE_FONT_PX = 20;

function charWidth( char: string ): number {
	const known = WIDTHS[ char ];
	if ( known !== undefined ) {
		return known;
	}
	if ( /\s/.test( char ) ) {
		return NARROW;
	}
	return char !== char.toLowerCase() ? UPPER_DEFAULT : DEFAULT;
}

/**
 * The width of `text` in a search result's title font, in CSS pixels.
 * @param text The title.
 */
export function titleWidthPx( text: string ): number {
	let units = 0;
	for ( const char of text ) {
		units += charWidth( char );
	}
	return Math.round( ( units * TITLE_FONT_PX ) / 1000 );
}

/**
 * Counts characters as a person does: an emoji or accented letter is one.
 * @param text Any text.
 */
export function charCount( text: string ): number {
	return [ ...text.trim() ].length;
}

/**
 * Whether an SEO title fits a result: too wide (or long) is cut off, too short wastes space.
 * @param title The SEO title as typed.
 */
export function checkTitle( title: string ): LengthCheck {
	const text = title.trim();
	const chars = charCount( text );
	const px = titleWidthPx( text );
	let verdict: LengthVerdict = 'good';
	if ( chars === 0 ) {
		verdict = 'missing';
	} else if ( px > TITLE_MAX_PX || chars > TITLE_MAX_CHARS ) {
		verdict = 'long';
	} else if ( chars < TITLE_MIN_CHARS ) {
		verdict = 'short';
	}
	return { verdict, chars, px };
}

/**
 * Whether a meta description fits a result (120–156 characters).
 * @param description The meta description as typed.
 */
export function checkDescription( description: string ): LengthCheck {
	const chars = charCount( description );
	let verdict: LengthVerdict = 'good';
	if ( chars === 0 ) {
		verdict = 'missing';
	} else if ( chars > DESCRIPTION_MAX_CHARS ) {
		verdict = 'long';
	} else if ( chars < DESCRIPTION_MIN_CHARS ) {
		verdict = 'short';
	}
	return { verdict, chars, px: 0 };
}

const ELLIPSIS = '…';

/**
 * `text` cut the way a result page cuts it: at a word boundary, with "…".
 * @param text The full text.
 * @param fits Whether a candidate (with its ellipsis) still fits.
 */
function cutAtWord(
	text: string,
	fits: ( candidate: string ) => boolean
): string {
	if ( fits( text ) ) {
		return text;
	}
	const words = text.split( /\s+/ );
	let kept = '';
	for ( const word of words ) {
		const next = kept ? `${ kept } ${ word }` : word;
		if ( ! fits( `${ next } ${ ELLIPSIS }` ) ) {
			break;
		}
		kept = next;
	}
	if ( ! kept ) {
		// One word wider than the line: cut inside it.
		const chars = [ ...text ];
		while ( chars.length && ! fits( chars.join( '' ) + ELLIPSIS ) ) {
			chars.pop();
		}
		return chars.join( '' ) + ELLIPSIS;
	}
	return `${ kept.replace( /[\s,;:.-]+$/, '' ) } ${ ELLIPSIS }`;
}

export interface Snippet {
	title: string;
	/** `example.com › guides › tomato-seeds`, as results print a URL. */
	url: string;
	description: string;
}

/**
 * A search result as Google would show it: the SEO title (or the post title)
 * cut at 580 px, the address as breadcrumbs, the description (or the
 * excerpt) cut at 156 characters.
 * @param input             What the result is made of.
 * @param input.seoTitle    The SEO title, if set.
 * @param input.postTitle   The post title, used when there is no SEO title.
 * @param input.url         The post's address (or where it will be).
 * @param input.description The meta description, if set.
 * @param input.excerpt     Used when there is no meta description.
 */
export function buildSnippet( input: {
	seoTitle: string;
	postTitle: string;
	url: string;
	description: string;
	excerpt?: string;
} ): Snippet {
	const title = ( input.seoTitle.trim() || input.postTitle.trim() ).replace(
		/\s+/g,
		' '
	);
	const description = (
		input.description.trim() || ( input.excerpt ?? '' ).trim()
	).replace( /\s+/g, ' ' );
	return {
		title: cutAtWord(
			title,
			( candidate ) => titleWidthPx( candidate ) <= TITLE_MAX_PX
		),
		url: breadcrumbUrl( input.url ),
		description: cutAtWord(
			description,
			( candidate ) => charCount( candidate ) <= DESCRIPTION_MAX_CHARS
		),
	};
}

/**
 * `https://www.example.com/guides/tomato-seeds/?p=3` → `example.com › guides › tomato-seeds`.
 * @param address An absolute URL; anything else is shown as given.
 */
export function breadcrumbUrl( address: string ): string {
	let parsed: URL;
	try {
		parsed = new URL( address );
	} catch {
		return address;
	}
	const parts = parsed.pathname
		.split( '/' )
		.filter( Boolean )
		.map( ( part ) => {
			try {
				return decodeURIComponent( part );
			} catch {
				return part;
			}
		} );
	return [ parsed.host.replace( /^www\./, '' ), ...parts ].join( ' › ' );
}

/**
 * A post slug as WordPress would make it from a title (for the preview of a
 * draft that has no address yet).
 * @param title The post title.
 */
export function slugOf( title: string ): string {
	return title
		.normalize( 'NFKD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase()
		.replace( /[^a-z0-9\s-]/g, '' )
		.trim()
		.replace( /[\s-]+/g, '-' );
}

/**
 * Whether every word of the keyphrase appears in `text` (case and accents
 * ignored), the way SEO plugins check a title or description.
 * @param keyphrase The focus keyphrase.
 * @param text      The title or description.
 */
export function containsKeyphrase( keyphrase: string, text: string ): boolean {
	const fold = ( value: string ) =>
		value
			.normalize( 'NFKD' )
			.replace( /[\u0300-\u036f]/g, '' )
			.toLowerCase();
	const words = fold( keyphrase ).split( /\s+/ ).filter( Boolean );
	if ( words.length === 0 ) {
		return false;
	}
	const haystack = ` ${ fold( text ).replace( /[^\p{L}\p{N}]+/gu, ' ' ) } `;
	return words.every( ( word ) =>
		haystack.includes( ` ${ word.replace( /[^\p{L}\p{N}]+/gu, '' ) } ` )
	);
}

/**
 * What may be a keyword: the one rule for every way keywords come in (added
 * by hand, through the API, imported from a file). It judges the cleaned text
 * (`cleanKeyword`) and answers why it is not a keyword, or null.
 *
 * - not blank, at most 255 characters (the column's width);
 * - at least one letter or digit: emoji-only or punctuation-only text is
 *   nothing anyone searches for, and would name a cluster with nothing;
 * - not a web address: "https://…", "www.…", or a domain followed by a path
 *   ("shop.example/shoes"). A bare domain ("nike.com") stays a keyword:
 *   people search for one to get to the site.
 */

export const MAX_KEYWORD_LENGTH = 255;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const WWW = /^www\./i;
/** host.tld/… : dot-separated labels, a final label of letters, then a slash. */
const DOMAIN_WITH_PATH = /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\//u;

export function keywordProblem( keyword: string ): string | null {
	if ( keyword === '' ) {
		return 'is blank';
	}
	if ( keyword.length > MAX_KEYWORD_LENGTH ) {
		return `is ${ keyword.length } characters long; at most ${ MAX_KEYWORD_LENGTH } allowed`;
	}
	if ( ! LETTER_OR_DIGIT.test( keyword ) ) {
		return 'has no letters or digits (emoji or punctuation only)';
	}
	// Every web address form needs one of these; most keywords have none.
	if ( ! keyword.includes( '/' ) && ! /www\./i.test( keyword ) ) {
		return null;
	}
	for ( const word of keyword.split( ' ' ) ) {
		if (
			SCHEME.test( word ) ||
			WWW.test( word ) ||
			DOMAIN_WITH_PATH.test( word )
		) {
			return `is a web address ("${ word.length > 40 ? `${ word.slice( 0, 40 ) }…` : word }"), not a search phrase`;
		}
	}
	return null;
}

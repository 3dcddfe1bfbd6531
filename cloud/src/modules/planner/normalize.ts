const CLEAN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/**
 * Keyword text as people type and export it → one canonical form, so that
 * "Best  Running Shoes " and "best running shoes" are the same keyword.
 */
export function cleanKeyword( raw: string ): string {
	// Printable ASCII words with single spaces are already clean (most imports are).
	if ( CLEAN_ASCII.test( raw ) ) {
		return raw;
	}
	return raw
		.normalize( 'NFKC' )
		.replace( /[\s\u200b\ufeff]+/g, ' ' )
		.trim();
}

/** The de-duplication key: the cleaned text, lower-cased. */
export function normalizeKeyword( raw: string ): string {
	return cleanKeyword( raw ).toLocaleLowerCase( 'en-US' );
}

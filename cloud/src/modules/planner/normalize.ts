/**
 * Keyword text as people type and export it → one canonical form, so that
 * "Best  Running Shoes " and "best running shoes" are the same keyword.
 */
export function cleanKeyword( raw: string ): string {
	return raw
		.normalize( 'NFKC' )
		.replace( /[\s\u200b\ufeff]+/g, ' ' )
		.trim();
}

/** The de-duplication key: the cleaned text, lower-cased. */
export function normalizeKeyword( raw: string ): string {
	return cleanKeyword( raw ).toLocaleLowerCase( 'en-US' );
}

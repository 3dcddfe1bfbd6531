/**
 * The address to put in an `href` built from data (the cloud's answers, boot
 * data), or `undefined` when it is not an absolute `http:` / `https:` URL.
 * `javascript:`, `data:`, `vbscript:`, relative and malformed values never
 * become links: render the text without a link instead.
 *
 * @param value Whatever the data holds.
 */
export function safeUrl( value: unknown ): string | undefined {
	if ( typeof value !== 'string' ) {
		return undefined;
	}
	const url = value.trim();
	// Browsers drop tabs and newlines inside a URL (`java\nscript:`): refuse any whitespace or control character.
	if ( url === '' || /[\s\u0000-\u001f\u007f]/.test( url ) ) {
		return undefined;
	}
	let parsed: URL;
	try {
		parsed = new URL( url );
	} catch {
		return undefined;
	}
	if (
		( parsed.protocol !== 'http:' && parsed.protocol !== 'https:' ) ||
		parsed.hostname === ''
	) {
		return undefined;
	}
	return url;
}

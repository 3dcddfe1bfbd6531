/** Longest address stored (the `VARCHAR(2000)` columns). */
export const MAX_URL_LENGTH = 2000;

/**
 * The value when it is an absolute `http:` or `https:` URL that fits the
 * columns, else null. For every address that arrives from WordPress (events,
 * the export, a push's answer) before it is stored: anything shown as a link
 * is http(s) only, so `javascript:`, `data:` or a relative path never reach a
 * `href`. A null means "keep what was stored", not "clear it".
 */
export function httpUrlOrNull( value: unknown ): string | null {
	if ( typeof value !== 'string' ) {
		return null;
	}
	const url = value.trim();
	// No whitespace or control characters inside: the URL parser would quietly drop some of them.
	if (
		url === '' ||
		url.length > MAX_URL_LENGTH ||
		/[\s\u0000-\u001f\u007f]/.test( url )
	) {
		return null;
	}
	let parsed: URL;
	try {
		parsed = new URL( url );
	} catch {
		return null;
	}
	if (
		( parsed.protocol !== 'http:' && parsed.protocol !== 'https:' ) ||
		parsed.hostname === ''
	) {
		return null;
	}
	return url;
}

/**
 * Keyword text → comparable words: normalisation, tokens, English stop
 * words and a light stemmer. Pure and dependency-free.
 */

export const ENGLISH_STOP_WORDS: ReadonlySet< string > = new Set(
	(
		'a about above after again against all am an and any are as at be because been before being below ' +
		'between both but by can could did do does doing down during each few for from further had has have ' +
		'having he her here hers herself him himself his how i if in into is it its itself just me more most ' +
		'my myself no nor not now of off on once only or other our ours ourselves out over own same she should ' +
		'so some such than that the their theirs them themselves then there these they this those through to ' +
		'too under until up very was we were what when where which while who whom why will with would you your ' +
		'yours yourself yourselves vs versus near'
	).split( ' ' )
);

/** Lower case, Unicode NFKC, punctuation to spaces, apostrophes dropped ("men's" → "mens"). */
export function normalizeText( text: string ): string {
	return text
		.normalize( 'NFKC' )
		.toLocaleLowerCase( 'en-US' )
		.replace( /['’`]/g, '' )
		.replace( /[^\p{L}\p{N}]+/gu, ' ' )
		.trim();
}

export function tokenize( text: string ): string[] {
	const normalized = normalizeText( text );
	return normalized ? normalized.split( ' ' ) : [];
}

const VOWEL = /[aeiouy]/;
const DOUBLE = /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/;

/**
 * A light English stemmer (Porter's step 1 plus a few common suffixes): enough
 * to meet "shoes"/"shoe", "running"/"run", "baked"/"bake", without the
 * over-stemming of the full algorithm on short product words.
 */
export function stem( word: string ): string {
	if ( word.length <= 3 || /\d/.test( word ) ) {
		return word;
	}
	let w = word;
	if ( w.endsWith( 'sses' ) ) {
		w = w.slice( 0, -2 );
	} else if ( w.endsWith( 'ies' ) && w.length > 4 ) {
		w = `${ w.slice( 0, -3 ) }y`;
	} else if (
		w.endsWith( 's' ) &&
		! w.endsWith( 'ss' ) &&
		! w.endsWith( 'us' ) &&
		! w.endsWith( 'is' )
	) {
		w = w.slice( 0, -1 );
	}
	for ( const suffix of [ 'ing', 'ed' ] ) {
		if ( w.endsWith( suffix ) ) {
			const base = w.slice( 0, -suffix.length );
			if ( base.length >= 3 && VOWEL.test( base ) ) {
				w = DOUBLE.test( base ) ? base.slice( 0, -1 ) : base;
			}
			break;
		}
	}
	if ( w.endsWith( 'ly' ) && w.length > 5 ) {
		w = w.slice( 0, -2 );
	}
	// A final silent e goes too, so "bake", "baked" and "baking" all meet at "bak".
	if ( w.endsWith( 'e' ) && w.length >= 4 && ! w.endsWith( 'ee' ) ) {
		w = w.slice( 0, -1 );
	}
	return w;
}

/** The stems of a keyword's meaningful words, in order. */
export function analyze( text: string ): string[] {
	const stems: string[] = [];
	for ( const token of tokenize( text ) ) {
		if ( ENGLISH_STOP_WORDS.has( token ) ) {
			continue;
		}
		if ( token.length < 2 && ! /\d/.test( token ) ) {
			continue;
		}
		stems.push( stem( token ) );
	}
	return stems;
}

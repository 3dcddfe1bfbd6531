/**
 * Generated keywords shaped like a real long tail, for the clustering
 * benchmark and the tests that need a big sector: a topic is a pair of head
 * words, and each keyword adds modifiers shared by every topic ("best",
 * "cheap", "for beginners"…) and sometimes a rare word of its own.
 */

const PER_TOPIC = 25;

const SYLLABLES =
	'ka lo mi ren tas vo du pel shi gar nim bor fet lu quo zan wex'.split(
		' '
	);
const MODIFIERS = (
	'best cheap top review reviews price prices buy online sale near me how what guide ideas tips ' +
	'for beginners women men kids 2024 2025 vs compare comparison diy easy fast small large professional ' +
	'home outdoor indoor portable electric manual repair cleaning setup install cost'
).split( ' ' );

function word( n: number ): string {
	let text = '';
	let x = n + 17;
	do {
		text += SYLLABLES[ x % SYLLABLES.length ];
		x = Math.floor( x / SYLLABLES.length );
	} while ( x > 0 );
	return text;
}

/** A tiny deterministic generator, so every run clusters the same keywords. */
function random( seed: number ): () => number {
	let s = seed >>> 0;
	return () => {
		s = ( Math.imul( s, 1664525 ) + 1013904223 ) >>> 0;
		return s / 2 ** 32;
	};
}

export function generateKeywords( count: number ): string[] {
	const next = random( count );
	const topics = Math.max( 1, Math.floor( count / PER_TOPIC ) );
	const keywords: string[] = [];
	for ( let i = 0; i < count; i++ ) {
		const t = i % topics;
		const parts = [ word( t * 2 ), word( t * 2 + 1 ) ];
		const mods = Math.floor( next() * 3 );
		for ( let m = 0; m < mods; m++ ) {
			const mod = MODIFIERS[ Math.floor( next() * MODIFIERS.length ) ]!;
			if ( next() < 0.5 ) {
				parts.unshift( mod );
			} else {
				parts.push( mod );
			}
		}
		if ( next() < 0.3 ) {
			parts.push( word( 1_000_000 + Math.floor( next() * count ) ) );
		}
		keywords.push( parts.join( ' ' ) );
	}
	return keywords;
}

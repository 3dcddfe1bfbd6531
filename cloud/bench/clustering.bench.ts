import { clusterLexical } from '../src/ai/clustering/lexical';
import { analyze } from '../src/ai/clustering/text';
import { report, runBench } from './support';

/**
 * Lexical clustering of 10,000 and 100,000 generated keywords: wall time and
 * peak memory (RSS growth during the run), each against a baseline measured
 * in the same run on the same keywords — the time to merely normalise,
 * tokenise and stem them, and the memory the keyword strings themselves hold.
 *
 * The keywords look like a real long tail: a topic is a pair of head words,
 * and each keyword adds modifiers shared by every topic ("best", "cheap",
 * "for beginners"…) and sometimes a rare word of its own.
 */
const SIZES = ( process.env.BENCH_CLUSTER_SIZES ?? '10000,100000' )
	.split( ',' )
	.map( Number );
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

/**
 * Wall time, and peak memory as the growth of the process's maximum resident
 * set (`maxRSS` is the kernel's high-water mark, so nothing is missed while
 * the work blocks the thread). Sizes run smallest first, so each one's peak
 * is its own unless a smaller run already set a higher mark (then 0).
 */
function measure< T >( work: () => T ): {
	seconds: number;
	peakMb: number;
	result: T;
} {
	const before = process.memoryUsage().rss;
	const start = process.hrtime.bigint();
	const result = work();
	const seconds = Number( process.hrtime.bigint() - start ) / 1e9;
	const peak = process.resourceUsage().maxRSS * 1024;
	return { seconds, peakMb: ( peak - before ) / 2 ** 20, result };
}

runBench( async () => {
	for ( const size of SIZES ) {
		const keywords = generateKeywords( size );
		const baseline = measure( () => keywords.map( analyze ) );
		const run = measure( () => clusterLexical( keywords ) );
		const clustered = run.result.clusters.reduce(
			( n, c ) => n + c.members.length,
			0
		);
		if ( clustered + run.result.unclustered.length !== size ) {
			throw new Error( 'a keyword was lost or counted twice' );
		}
		const label = `${ size / 1000 }k`;
		report( {
			name: `lexical clustering of ${ label } keywords (time)`,
			value: Number( run.seconds.toFixed( 3 ) ),
			unit: 's',
			baseline: 'normalize + tokenize + stem the same keywords',
			baseline_value: Number( baseline.seconds.toFixed( 3 ) ),
		} );
		const stringsMb =
			keywords.reduce( ( n, k ) => n + k.length * 2 + 40, 0 ) / 2 ** 20;
		report( {
			name: `lexical clustering of ${ label } keywords (peak memory)`,
			value: Number( Math.max( 0, run.peakMb ).toFixed( 1 ) ),
			unit: 'MB',
			baseline: 'the keyword strings themselves (UTF-16 + header)',
			baseline_value: Number( stringsMb.toFixed( 1 ) ),
		} );
	}
} );

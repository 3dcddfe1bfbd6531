import { clusterLexical } from '../src/modules/ai/clustering/lexical';
import { analyze } from '../src/modules/ai/clustering/text';
import { generateKeywords } from './keywords';
import { report, runBench } from './support';

/**
 * Lexical clustering of 10,000 and 100,000 generated keywords: wall time and
 * peak memory (RSS growth during the run), each against a baseline measured
 * in the same run on the same keywords — the time to merely normalise,
 * tokenise and stem them, and the memory the keyword strings themselves hold.
 * The keywords are a generated long tail (keywords.ts).
 */
const SIZES = ( process.env.BENCH_CLUSTER_SIZES ?? '10000,100000' )
	.split( ',' )
	.map( Number );

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

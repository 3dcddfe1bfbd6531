import type { SimilarityGraph } from './agglomerative';
import { analyze, ENGLISH_STOP_WORDS, tokenize } from './text';

/** What every clustering method answers: groups of input indexes, and the rest. */
export type Cluster = {
	/** Indexes into the input, ascending. */
	members: number[];
	/** The member most similar to the others (the medoid). */
	representative: number;
	name: string;
	description: string;
};

export type Clustering = {
	/** Biggest first; every input index is in exactly one cluster or in `unclustered`. */
	clusters: Cluster[];
	unclustered: number[];
};

const MAX_NAME = 255;

/**
 * Groups indexes by label, drops groups under the minimum size to
 * `unclustered`, and names each group after its most representative member
 * (see `representativeOf`), so the name is a real keyword of the cluster.
 */
export function describeClusters(
	texts: readonly string[],
	labels: Int32Array | readonly number[],
	graph: SimilarityGraph,
	options: { minClusterSize: number }
): Clustering {
	const groups = new Map< number, number[] >();
	labels.forEach( ( label, index ) => {
		const list = groups.get( label );
		if ( list ) {
			list.push( index );
		} else {
			groups.set( label, [ index ] );
		}
	} );
	const centrality = new Float64Array( texts.length );
	for ( let e = 0; e < graph.from.length; e++ ) {
		const a = graph.from[ e ]!;
		const b = graph.to[ e ]!;
		if ( labels[ a ] === labels[ b ] ) {
			centrality[ a ] = centrality[ a ]! + graph.weight[ e ]!;
			centrality[ b ] = centrality[ b ]! + graph.weight[ e ]!;
		}
	}
	const clusters: Cluster[] = [];
	const unclustered: number[] = [];
	for ( const members of groups.values() ) {
		if ( members.length < Math.max( 1, options.minClusterSize ) ) {
			unclustered.push( ...members );
			continue;
		}
		const representative = representativeOf( texts, members, centrality );
		const name = nameOf( texts[ representative ]! );
		clusters.push( {
			members,
			representative,
			name,
			description: describe( texts, members, name ),
		} );
	}
	clusters.sort(
		( a, b ) =>
			b.members.length - a.members.length ||
			a.members[ 0 ]! - b.members[ 0 ]!
	);
	unclustered.sort( ( a, b ) => a - b );
	return { clusters, unclustered };
}

/**
 * The member whose words the group shares most: the mean, over its stems, of
 * how many members carry that stem. "monstera care" beats "monstera pests"
 * because many members say "care"; similarity to the rest (the medoid), then
 * shorter text, then input order break ties.
 */
export function representativeOf(
	texts: readonly string[],
	members: readonly number[],
	centrality: Float64Array
): number {
	const stems = members.map( ( m ) => new Set( analyze( texts[ m ]! ) ) );
	const carriers = new Map< string, number >();
	for ( const set of stems ) {
		for ( const s of set ) {
			carriers.set( s, ( carriers.get( s ) ?? 0 ) + 1 );
		}
	}
	let best = -1;
	let bestScore = -1;
	members.forEach( ( m, k ) => {
		const set = stems[ k ]!;
		let sum = 0;
		for ( const s of set ) {
			sum += carriers.get( s )!;
		}
		const score = set.size ? sum / set.size : 0;
		const better =
			best < 0
				? 1
				: score - bestScore ||
					centrality[ m ]! - centrality[ best ]! ||
					texts[ best ]!.length - texts[ m ]!.length;
		if ( better > 0 ) {
			best = m;
			bestScore = score;
		}
	} );
	return best;
}

/** A keyword as a cluster title: trimmed, first letter capitalised, within the column's length. */
export function nameOf( text: string ): string {
	const clean = text.normalize( 'NFKC' ).replace( /\s+/g, ' ' ).trim();
	const titled =
		clean.charAt( 0 ).toLocaleUpperCase( 'en-US' ) + clean.slice( 1 );
	return titled.slice( 0, MAX_NAME );
}

/** "12 keywords about …; common terms: …; e.g. …" from the words members share most. */
export function describe(
	texts: readonly string[],
	members: readonly number[],
	name: string
): string {
	const counts = new Map< string, number >();
	for ( const m of members ) {
		for ( const token of new Set( tokenize( texts[ m ]! ) ) ) {
			if ( ! ENGLISH_STOP_WORDS.has( token ) && token.length > 1 ) {
				counts.set( token, ( counts.get( token ) ?? 0 ) + 1 );
			}
		}
	}
	const terms = [ ...counts ]
		.sort( ( a, b ) => b[ 1 ] - a[ 1 ] || ( a[ 0 ] < b[ 0 ] ? -1 : 1 ) )
		.slice( 0, 5 )
		.map( ( [ term ] ) => term );
	const examples = members
		.slice( 0, 3 )
		.map( ( m ) => texts[ m ]! )
		.join( '; ' );
	return `${ members.length } keywords about "${ name.toLocaleLowerCase( 'en-US' ) }". Common terms: ${ terms.join( ', ' ) }. Examples: ${ examples }.`;
}

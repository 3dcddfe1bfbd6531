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
 * `volumes` (monthly searches, by input index) let the most searched of the
 * central members name it.
 */
export function describeClusters(
	texts: readonly string[],
	labels: Int32Array | readonly number[],
	graph: SimilarityGraph,
	options: { minClusterSize: number; volumes?: readonly number[] }
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
		const representative = representativeOf(
			texts,
			members,
			centrality,
			options.volumes
		);
		const name = nameable( texts[ representative ]! )
			? nameOf( texts[ representative ]! )
			: UNNAMED;
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

/** A cluster title needs something to read: a letter or a digit. */
export const nameable = ( text: string ) => /[\p{L}\p{N}]/u.test( text );

/** The title of a cluster none of whose members has a letter or digit. */
const UNNAMED = 'Unnamed topic';

/** Central members score at least this share of the best member's score. */
export const CENTRAL_SHARE = 2 / 3;

/**
 * The member that names the group: the most searched of its central members.
 *
 * Central: a member's score is the mean, over its stems, of how many members
 * carry that stem ("monstera care" scores high in a group where many say
 * "care"; "monstera brown spots" low, its other words being its own). The
 * members scoring at least `CENTRAL_SHARE` of the best are central: they are
 * about what the group is about, with at most a modifier of their own
 * ("best espresso machine" among "espresso machine …").
 *
 * Among those, the highest search volume wins ("best espresso machine" at
 * 9,000 searches over "espresso machine" at 50); then the score, the
 * similarity to the rest (the medoid), shorter text, and input order. A
 * member without a letter or digit never names a group (an emoji-only row
 * would name it with nothing to read); if no member has one, the first does.
 */
export function representativeOf(
	texts: readonly string[],
	members: readonly number[],
	centrality: Float64Array,
	volumes?: readonly number[]
): number {
	const stems = members.map( ( m ) => new Set( analyze( texts[ m ]! ) ) );
	const carriers = new Map< string, number >();
	for ( const set of stems ) {
		for ( const s of set ) {
			carriers.set( s, ( carriers.get( s ) ?? 0 ) + 1 );
		}
	}
	const candidates = members
		.map( ( m, k ) => {
			const set = stems[ k ]!;
			let sum = 0;
			for ( const s of set ) {
				sum += carriers.get( s )!;
			}
			return { m, score: set.size ? sum / set.size : 0 };
		} )
		.filter( ( c ) => nameable( texts[ c.m ]! ) );
	if ( candidates.length === 0 ) {
		return members[ 0 ]!;
	}
	// A loop, not Math.max(...): a cluster may have 100k members.
	let top = 0;
	for ( const c of candidates ) {
		top = Math.max( top, c.score );
	}
	const volume = ( m: number ) => volumes?.[ m ] ?? 0;
	let best = -1;
	let bestScore = -1;
	for ( const { m, score } of candidates ) {
		if ( score < top * CENTRAL_SHARE ) {
			continue;
		}
		const better =
			best < 0
				? 1
				: volume( m ) - volume( best ) ||
					score - bestScore ||
					centrality[ m ]! - centrality[ best ]! ||
					texts[ best ]!.length - texts[ m ]!.length;
		if ( better > 0 ) {
			best = m;
			bestScore = score;
		}
	}
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

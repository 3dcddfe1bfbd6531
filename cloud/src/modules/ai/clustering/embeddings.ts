import {
	averageLinkage,
	graphFromNeighbours,
	neighbourLists,
	type SimilarityGraph,
} from './agglomerative';
import { describeClusters, type Clustering } from './result';

/**
 * Clustering of embedding vectors: cosine k-nearest neighbours, then the
 * same average-linkage agglomeration as the lexical method. The neighbour
 * search is exact (every pair, in one pass over a packed matrix), which is
 * why the embeddings method takes fewer keywords per run than lexical.
 */

export const EMBEDDING_DEFAULTS = {
	/** Least average cosine for two groups to merge. */
	threshold: 0.3,
	minClusterSize: 2,
	neighbours: 16,
	/** Least cosine worth an edge: embeddings of unrelated short texts sit around 0.1–0.3. */
	minEdge: 0.5,
} as const;

export type EmbeddingOptions = {
	threshold?: number;
	minClusterSize?: number;
	neighbours?: number;
	minEdge?: number;
};

/** Unit-length copies packed in one Float32Array (row i at i × dimensions). */
export function packUnit( vectors: readonly number[][] ): {
	data: Float32Array;
	dimensions: number;
} {
	const dimensions = vectors[ 0 ]?.length ?? 0;
	const data = new Float32Array( vectors.length * dimensions );
	vectors.forEach( ( vector, i ) => {
		if ( vector.length !== dimensions ) {
			throw new Error(
				`Embedding ${ i } has ${ vector.length } dimensions, expected ${ dimensions }.`
			);
		}
		let norm = 0;
		for ( const x of vector ) {
			norm += x * x;
		}
		norm = Math.sqrt( norm ) || 1;
		for ( let d = 0; d < dimensions; d++ ) {
			data[ i * dimensions + d ] = vector[ d ]! / norm;
		}
	} );
	return { data, dimensions };
}

export function cosineNeighbourGraph(
	vectors: readonly number[][],
	options: { neighbours: number; minEdge: number }
): SimilarityGraph {
	const n = vectors.length;
	const { data, dimensions } = packUnit( vectors );
	const k = options.neighbours;
	const lists = neighbourLists( n, k );
	const sims = new Float32Array( n );
	const order: number[] = [];
	for ( let i = 0; i < n; i++ ) {
		order.length = 0;
		const a = i * dimensions;
		for ( let j = 0; j < n; j++ ) {
			if ( j === i ) {
				continue;
			}
			const b = j * dimensions;
			let dot = 0;
			for ( let d = 0; d < dimensions; d++ ) {
				dot += data[ a + d ]! * data[ b + d ]!;
			}
			if ( dot >= options.minEdge ) {
				sims[ j ] = dot;
				order.push( j );
			}
		}
		order.sort( ( x, y ) => sims[ y ]! - sims[ x ]! || x - y );
		const kept = Math.min( k, order.length );
		lists.count[ i ] = kept;
		for ( let s = 0; s < kept; s++ ) {
			lists.index[ i * k + s ] = order[ s ]!;
			lists.weight[ i * k + s ] = sims[ order[ s ]! ]!;
		}
	}
	return graphFromNeighbours( lists );
}

/** Above this many groups the exact second pass is skipped (it is quadratic in groups). */
const RELINK_MAX_GROUPS = 3000;

/**
 * The second, exact pass. A k-nearest-neighbour graph can cut a group of
 * near-identical keywords bigger than k into pieces with no edge between
 * them (each member's k nearest are all on its own side). With unit vectors
 * the summed similarity of every pair across two groups is the dot product
 * of the groups' vector sums, so the pieces are compared exactly here and
 * average linkage runs again over the groups, weighted by their sizes.
 */
function relink(
	vectors: readonly number[][],
	labels: Int32Array,
	threshold: number
): Int32Array {
	const roots = [ ...new Set( labels ) ].sort( ( a, b ) => a - b );
	if ( roots.length < 2 || roots.length > RELINK_MAX_GROUPS ) {
		return labels;
	}
	const { data, dimensions } = packUnit( vectors );
	const slot = new Map( roots.map( ( r, i ) => [ r, i ] ) );
	const sums = new Float64Array( roots.length * dimensions );
	const sizes = new Int32Array( roots.length );
	labels.forEach( ( label, i ) => {
		const g = slot.get( label )!;
		sizes[ g ] = sizes[ g ]! + 1;
		for ( let d = 0; d < dimensions; d++ ) {
			sums[ g * dimensions + d ] =
				sums[ g * dimensions + d ]! + data[ i * dimensions + d ]!;
		}
	} );
	const from: number[] = [];
	const to: number[] = [];
	const weight: number[] = [];
	for ( let a = 0; a < roots.length; a++ ) {
		for ( let b = a + 1; b < roots.length; b++ ) {
			let dot = 0;
			for ( let d = 0; d < dimensions; d++ ) {
				dot +=
					sums[ a * dimensions + d ]! * sums[ b * dimensions + d ]!;
			}
			if ( dot / ( sizes[ a ]! * sizes[ b ]! ) >= threshold ) {
				from.push( a );
				to.push( b );
				weight.push( dot );
			}
		}
	}
	if ( from.length === 0 ) {
		return labels;
	}
	const groupLabels = averageLinkage(
		{
			size: roots.length,
			from: Int32Array.from( from ),
			to: Int32Array.from( to ),
			weight: Float32Array.from( weight ),
		},
		threshold,
		sizes
	);
	return labels.map(
		( label ) => roots[ groupLabels[ slot.get( label )! ]! ]!
	);
}

/** Groups texts by their embedding vectors (same order); names come from the texts. */
export function clusterEmbeddings(
	texts: readonly string[],
	vectors: readonly number[][],
	options: EmbeddingOptions = {}
): Clustering {
	if ( texts.length !== vectors.length ) {
		throw new Error( 'One vector per text is needed.' );
	}
	const settings = { ...EMBEDDING_DEFAULTS, ...options };
	const graph = cosineNeighbourGraph( vectors, settings );
	const labels = relink(
		vectors,
		averageLinkage( graph, settings.threshold ),
		settings.threshold
	);
	return describeClusters( texts, labels, graph, {
		minClusterSize: settings.minClusterSize,
	} );
}

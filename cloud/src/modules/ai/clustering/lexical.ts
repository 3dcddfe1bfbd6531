import {
	averageLinkage,
	graphFromNeighbours,
	neighbourLists,
	type SimilarityGraph,
} from './agglomerative';
import { describeClusters, type Clustering } from './result';
import { analyze } from './text';

export {
	analyze,
	ENGLISH_STOP_WORDS,
	normalizeText,
	stem,
	tokenize,
} from './text';

/**
 * Lexical keyword clustering: no AI provider, no network. Keywords become
 * sparse TF-IDF vectors of stemmed words, word pairs and character trigrams;
 * an inverted index finds each keyword's nearest neighbours without comparing
 * every pair; average-linkage agglomeration (see agglomerative.ts) groups them.
 */

/** Which raw features a keyword has; "w:" words, "b:" adjacent pairs, "c:" trigrams. */
export function featuresOf( stems: readonly string[] ): string[] {
	const out = new Set< string >();
	for ( const s of stems ) {
		out.add( `w:${ s }` );
	}
	for ( let i = 0; i + 1 < stems.length; i++ ) {
		out.add( `b:${ stems[ i ] } ${ stems[ i + 1 ] }` );
	}
	for ( const s of stems ) {
		const padded = `#${ s }#`;
		for ( let i = 0; i + 3 <= padded.length; i++ ) {
			out.add( `c:${ padded.slice( i, i + 3 ) }` );
		}
	}
	return [ ...out ];
}

/** Per-kind weight on top of IDF: whole words count most, trigrams only nudge. */
const KIND_WEIGHT: Record< string, number > = { w: 1, b: 0.6, c: 0.12 };

/** Sparse unit vectors: per item, feature ids ascending with their weights. */
export type SparseVectors = {
	ids: Int32Array[];
	weights: Float32Array[];
	/** Feature names by id, and how many items carry each. */
	names: string[];
	df: Int32Array;
};

/**
 * A feature's weight from how many of the `n` keywords carry it. A feature of
 * one keyword only can never make two keywords alike, yet it would shrink
 * every cosine of its keyword ("monstera brown spots" would look unlike
 * "monstera care" because of "brown" and "spots"), so it weighs nothing. The
 * square root of the IDF keeps rare words ahead of common ones without
 * letting one rare word outweigh the topic's head term.
 */
export function featureWeight( df: number, n: number ): number {
	if ( df <= 1 && n > 1 ) {
		return 0;
	}
	return Math.sqrt( Math.log( 1 + n / df ) );
}

export function vectorize( texts: readonly string[] ): SparseVectors {
	const index = new Map< string, number >();
	const names: string[] = [];
	const counts: number[] = [];
	const raw: number[][] = texts.map( ( text ) => {
		const ids: number[] = [];
		for ( const feature of featuresOf( analyze( text ) ) ) {
			let id = index.get( feature );
			if ( id === undefined ) {
				id = names.length;
				index.set( feature, id );
				names.push( feature );
				counts.push( 0 );
			}
			counts[ id ] = counts[ id ]! + 1;
			ids.push( id );
		}
		return ids.sort( ( a, b ) => a - b );
	} );
	const n = texts.length;
	const idf = counts.map( ( df ) => featureWeight( df, n ) );
	const kind = names.map( ( name ) => KIND_WEIGHT[ name[ 0 ]! ] ?? 1 );
	const ids: Int32Array[] = [];
	const weights: Float32Array[] = [];
	for ( const all of raw ) {
		const list = all.filter( ( id ) => idf[ id ]! > 0 );
		const w = list.map( ( id ) => idf[ id ]! * kind[ id ]! );
		const norm = Math.hypot( ...w ) || 1;
		ids.push( Int32Array.from( list ) );
		weights.push( Float32Array.from( w, ( x ) => x / norm ) );
	}
	return { ids, weights, names, df: Int32Array.from( counts ) };
}

/** Cosine of two unit sparse vectors (a merge of their sorted ids). */
export function sparseCosine(
	aIds: Int32Array,
	aW: Float32Array,
	bIds: Int32Array,
	bW: Float32Array
): number {
	let i = 0;
	let j = 0;
	let dot = 0;
	while ( i < aIds.length && j < bIds.length ) {
		const x = aIds[ i ]!;
		const y = bIds[ j ]!;
		if ( x === y ) {
			dot += aW[ i ]! * bW[ j ]!;
			i++;
			j++;
		} else if ( x < y ) {
			i++;
		} else {
			j++;
		}
	}
	return dot;
}

export type LexicalOptions = {
	/** Least average similarity for two groups to merge (0..1). */
	threshold?: number;
	/** Groups smaller than this are reported unclustered. */
	minClusterSize?: number;
	/** Neighbours kept per keyword in the similarity graph. */
	neighbours?: number;
	/** Least pair similarity worth an edge at all. */
	minEdge?: number;
	/**
	 * Blocking: a word or pair carried by more keywords than this is not used
	 * to find candidates (it still counts in the similarity), so a word like
	 * "best" cannot make every keyword everyone's candidate.
	 */
	maxPosting?: number;
	/**
	 * Least average similarity, over every pair (none dropped), for the
	 * second pass to join two groups. Higher than `threshold`, which is met
	 * over a sparse graph where pairs under `minEdge` count as 0: two topics
	 * sharing only a modifier ("best …") average ~0.13 over all pairs, the
	 * cut-apart pieces of one phrase's variants 0.4–0.5.
	 */
	relinkThreshold?: number;
	/** Monthly searches per keyword (same order): the most searched central member names a cluster. */
	volumes?: readonly number[];
};

export const LEXICAL_DEFAULTS = {
	threshold: 0.1,
	minClusterSize: 2,
	neighbours: 16,
	minEdge: 0.15,
	maxPosting: 1000,
	relinkThreshold: 0.3,
} as const;

/** Candidates re-scored exactly per keyword, from the best partial scores. */
const RESCORE = 4;

/**
 * The k-nearest-neighbour graph of sparse unit vectors. Candidates come from
 * an inverted index of the word and word-pair features (partial dot
 * products); the best are re-scored with the full vectors (trigrams included).
 */
export function sparseNeighbourGraph(
	vectors: SparseVectors,
	options: {
		neighbours: number;
		minEdge: number;
		maxPosting: number;
		/**
		 * With sizes, vector i is the sum of `sizes[i]` unit vectors (a
		 * group): pairs are ranked and kept by their average similarity
		 * (dot / (size × size)), and an edge weighs the summed similarity
		 * (the dot), as `averageLinkage` with sizes takes it.
		 */
		sizes?: Int32Array;
	}
): SimilarityGraph {
	const n = vectors.ids.length;
	const sizes = options.sizes;
	const features = vectors.names.length;
	const candidateFeature = new Uint8Array( features );
	vectors.names.forEach( ( name, f ) => {
		candidateFeature[ f ] = name[ 0 ] !== 'c' ? 1 : 0;
	} );
	// The inverted index in three flat typed arrays (feature f's items are
	// start[f] .. start[f + 1]): a plain array per feature costs several
	// times the memory at 100k keywords.
	const start = new Int32Array( features + 1 );
	for ( let i = 0; i < n; i++ ) {
		for ( const f of vectors.ids[ i ]! ) {
			if ( candidateFeature[ f ] ) {
				start[ f + 1 ]!++;
			}
		}
	}
	for ( let f = 0; f < features; f++ ) {
		start[ f + 1 ] = start[ f + 1 ]! + start[ f ]!;
	}
	const postingItems = new Int32Array( start[ features ]! );
	const postingWeights = new Float32Array( start[ features ]! );
	const fill = start.slice( 0, features );
	for ( let i = 0; i < n; i++ ) {
		const ids = vectors.ids[ i ]!;
		const ws = vectors.weights[ i ]!;
		for ( let k = 0; k < ids.length; k++ ) {
			const f = ids[ k ]!;
			if ( candidateFeature[ f ] ) {
				const at = fill[ f ]!++;
				postingItems[ at ] = i;
				postingWeights[ at ] = ws[ k ]!;
			}
		}
	}
	const postingLength = ( f: number ) => start[ f + 1 ]! - start[ f ]!;
	const score = new Float64Array( n );
	const touched: number[] = [];
	const lists = neighbourLists( n, options.neighbours );
	for ( let i = 0; i < n; i++ ) {
		const ids = vectors.ids[ i ]!;
		const ws = vectors.weights[ i ]!;
		let used = false;
		let rarest = -1;
		let rarestWeight = 0;
		for ( let k = 0; k < ids.length; k++ ) {
			const f = ids[ k ]!;
			if ( ! candidateFeature[ f ] ) {
				continue;
			}
			const length = postingLength( f );
			if ( rarest < 0 || length < postingLength( rarest ) ) {
				rarest = f;
				rarestWeight = ws[ k ]!;
			}
			if ( length > options.maxPosting ) {
				continue;
			}
			used = true;
			accumulate( i, f, ws[ k ]!, length );
		}
		if ( ! used && rarest >= 0 ) {
			// Every word is common: look at a bounded slice of the rarest one's keywords.
			accumulate( i, rarest, rarestWeight, options.maxPosting );
		}
		if ( sizes ) {
			for ( const j of touched ) {
				score[ j ] = score[ j ]! / sizes[ j ]!;
			}
		}
		const candidates = touched
			.sort( ( a, b ) => score[ b ]! - score[ a ]! || a - b )
			.slice( 0, options.neighbours * RESCORE );
		// [neighbour, average similarity, summed similarity]
		const scored: [ number, number, number ][] = [];
		for ( const j of candidates ) {
			const dot = sparseCosine(
				ids,
				ws,
				vectors.ids[ j ]!,
				vectors.weights[ j ]!
			);
			const sim = sizes ? dot / ( sizes[ i ]! * sizes[ j ]! ) : dot;
			if ( sim >= options.minEdge ) {
				scored.push( [ j, sim, dot ] );
			}
		}
		for ( const j of touched ) {
			score[ j ] = 0;
		}
		touched.length = 0;
		scored.sort( ( a, b ) => b[ 1 ] - a[ 1 ] || a[ 0 ] - b[ 0 ] );
		const kept = Math.min( scored.length, options.neighbours );
		lists.count[ i ] = kept;
		for ( let s = 0; s < kept; s++ ) {
			lists.index[ i * options.neighbours + s ] = scored[ s ]![ 0 ];
			lists.weight[ i * options.neighbours + s ] = scored[ s ]![ 2 ];
		}
	}
	return graphFromNeighbours( lists );

	function accumulate(
		self: number,
		feature: number,
		weight: number,
		limit: number
	): void {
		const from = start[ feature ]!;
		const end = from + Math.min( postingLength( feature ), limit );
		for ( let p = from; p < end; p++ ) {
			const j = postingItems[ p ]!;
			if ( j === self ) {
				continue;
			}
			if ( score[ j ] === 0 ) {
				touched.push( j );
			}
			score[ j ] = score[ j ]! + weight * postingWeights[ p ]!;
		}
	}
}

/**
 * The second pass (the lexical twin of the embeddings method's): a
 * k-nearest-neighbour graph can cut a group of near-identical keywords
 * bigger than k into pieces with no edge between them (each member's k
 * nearest are all on its own side), and average linkage over a sparse graph
 * counts every missing pair as 0. The vectors are unit length, so the summed
 * similarity of every pair across two groups is exactly the dot product of
 * the groups' vector sums: the groups of the first pass become sum vectors,
 * found and compared through the same inverted index, and average linkage
 * runs again over them, weighted by their sizes.
 */
export function relinkGroups(
	vectors: SparseVectors,
	labels: Int32Array,
	settings: {
		relinkThreshold: number;
		neighbours: number;
		maxPosting: number;
	}
): Int32Array {
	const n = labels.length;
	// Group slots in order of each group's first member, so the pass stays deterministic.
	const slotOf = new Int32Array( n ).fill( -1 );
	const roots: number[] = [];
	const groupOf = new Int32Array( n );
	for ( let i = 0; i < n; i++ ) {
		const root = labels[ i ]!;
		if ( slotOf[ root ] === -1 ) {
			slotOf[ root ] = roots.length;
			roots.push( root );
		}
		groupOf[ i ] = slotOf[ root ]!;
	}
	const groups = roots.length;
	if ( groups < 2 || groups === n ) {
		// Nothing merged in the first pass: every pair it could join was already compared.
		return labels;
	}
	const sizes = new Int32Array( groups );
	const members: number[][] = Array.from( { length: groups }, () => [] );
	for ( let i = 0; i < n; i++ ) {
		sizes[ groupOf[ i ]! ]!++;
		members[ groupOf[ i ]! ]!.push( i );
	}
	const ids: Int32Array[] = [];
	const weights: Float32Array[] = [];
	const df = new Int32Array( vectors.names.length );
	const sum = new Map< number, number >();
	for ( let g = 0; g < groups; g++ ) {
		const list = members[ g ]!;
		if ( list.length === 1 ) {
			// A lone keyword's sum is its own vector: no copy.
			ids.push( vectors.ids[ list[ 0 ]! ]! );
			weights.push( vectors.weights[ list[ 0 ]! ]! );
		} else {
			sum.clear();
			for ( const i of list ) {
				const vi = vectors.ids[ i ]!;
				const wi = vectors.weights[ i ]!;
				for ( let k = 0; k < vi.length; k++ ) {
					sum.set(
						vi[ k ]!,
						( sum.get( vi[ k ]! ) ?? 0 ) + wi[ k ]!
					);
				}
			}
			const keys = Int32Array.from( sum.keys() ).sort();
			ids.push( keys );
			weights.push( Float32Array.from( keys, ( f ) => sum.get( f )! ) );
		}
		members[ g ] = [];
		for ( const f of ids[ g ]! ) {
			df[ f ]!++;
		}
	}
	const graph = sparseNeighbourGraph(
		{ ids, weights, names: vectors.names, df },
		{
			neighbours: settings.neighbours,
			minEdge: settings.relinkThreshold,
			maxPosting: settings.maxPosting,
			sizes,
		}
	);
	if ( graph.from.length === 0 ) {
		return labels;
	}
	const groupLabels = averageLinkage(
		graph,
		settings.relinkThreshold,
		sizes
	);
	const out = new Int32Array( n );
	for ( let i = 0; i < n; i++ ) {
		out[ i ] = roots[ groupLabels[ groupOf[ i ]! ]! ]!;
	}
	return out;
}

/** Clusters keyword texts lexically; every index lands in one cluster or in `unclustered`. */
export function clusterLexical(
	keywords: readonly string[],
	options: LexicalOptions = {}
): Clustering {
	const settings = { ...LEXICAL_DEFAULTS, ...options };
	const vectors = vectorize( keywords );
	const graph = sparseNeighbourGraph( vectors, settings );
	const labels = relinkGroups(
		vectors,
		averageLinkage( graph, settings.threshold ),
		settings
	);
	return describeClusters( keywords, labels, graph, {
		minClusterSize: settings.minClusterSize,
		...( options.volumes ? { volumes: options.volumes } : {} ),
	} );
}

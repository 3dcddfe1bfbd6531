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
};

export const LEXICAL_DEFAULTS = {
	threshold: 0.1,
	minClusterSize: 2,
	neighbours: 16,
	minEdge: 0.15,
	maxPosting: 1000,
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
	options: { neighbours: number; minEdge: number; maxPosting: number }
): SimilarityGraph {
	const n = vectors.ids.length;
	const candidateFeature = vectors.names.map( ( name ) => name[ 0 ] !== 'c' );
	const postings: number[][] = vectors.names.map( () => [] );
	const postingWeights: number[][] = vectors.names.map( () => [] );
	for ( let i = 0; i < n; i++ ) {
		const ids = vectors.ids[ i ]!;
		const ws = vectors.weights[ i ]!;
		for ( let k = 0; k < ids.length; k++ ) {
			const f = ids[ k ]!;
			if ( candidateFeature[ f ] ) {
				postings[ f ]!.push( i );
				postingWeights[ f ]!.push( ws[ k ]! );
			}
		}
	}
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
			const list = postings[ f ]!;
			if ( rarest < 0 || list.length < postings[ rarest ]!.length ) {
				rarest = f;
				rarestWeight = ws[ k ]!;
			}
			if ( list.length > options.maxPosting ) {
				continue;
			}
			used = true;
			accumulate( i, list, postingWeights[ f ]!, ws[ k ]!, list.length );
		}
		if ( ! used && rarest >= 0 ) {
			// Every word is common: look at a bounded slice of the rarest one's keywords.
			accumulate(
				i,
				postings[ rarest ]!,
				postingWeights[ rarest ]!,
				rarestWeight,
				options.maxPosting
			);
		}
		const candidates = touched
			.sort( ( a, b ) => score[ b ]! - score[ a ]! || a - b )
			.slice( 0, options.neighbours * RESCORE );
		const scored: [ number, number ][] = [];
		for ( const j of candidates ) {
			const sim = sparseCosine(
				ids,
				ws,
				vectors.ids[ j ]!,
				vectors.weights[ j ]!
			);
			if ( sim >= options.minEdge ) {
				scored.push( [ j, sim ] );
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
			lists.weight[ i * options.neighbours + s ] = scored[ s ]![ 1 ];
		}
	}
	return graphFromNeighbours( lists );

	function accumulate(
		self: number,
		list: number[],
		weights: number[],
		weight: number,
		limit: number
	): void {
		const end = Math.min( list.length, limit );
		for ( let p = 0; p < end; p++ ) {
			const j = list[ p ]!;
			if ( j === self ) {
				continue;
			}
			if ( score[ j ] === 0 ) {
				touched.push( j );
			}
			score[ j ] = score[ j ]! + weight * weights[ p ]!;
		}
	}
}

/** Clusters keyword texts lexically; every index lands in one cluster or in `unclustered`. */
export function clusterLexical(
	keywords: readonly string[],
	options: LexicalOptions = {}
): Clustering {
	const settings = { ...LEXICAL_DEFAULTS, ...options };
	const vectors = vectorize( keywords );
	const graph = sparseNeighbourGraph( vectors, settings );
	const labels = averageLinkage( graph, settings.threshold );
	return describeClusters( keywords, labels, graph, {
		minClusterSize: settings.minClusterSize,
	} );
}

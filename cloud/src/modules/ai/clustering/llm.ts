import { describe } from './result';
import type { Clustering } from './result';

/**
 * The pure half of LLM clustering: the model sees the keywords a batch at a
 * time with the clusters made so far, and answers which cluster each
 * keyword joins (an existing one by name, or a new one). This module keeps
 * the running cluster list and checks every answer: a keyword the model
 * skipped, numbered wrongly or placed twice is settled here, never guessed.
 */

export type BatchAnswer = {
	clusters: {
		name: string;
		description?: string;
		/** 1-based numbers of the batch's keywords. */
		keywords: number[];
	}[];
};

export type LlmProgress = {
	/** Cluster names in order of creation; what the next prompt lists. */
	names: string[];
	descriptions: string[];
	members: number[][];
	/** Keywords no answer placed (input indexes). */
	unassigned: number[];
};

export const startLlmClustering = (): LlmProgress => ( {
	names: [],
	descriptions: [],
	members: [],
	unassigned: [],
} );

/** Splits `count` indexes into consecutive batches of at most `size`. */
export function batchesOf( count: number, size: number ): number[][] {
	const out: number[][] = [];
	for ( let start = 0; start < count; start += size ) {
		out.push(
			Array.from(
				{ length: Math.min( size, count - start ) },
				( _, i ) => start + i
			)
		);
	}
	return out;
}

const keyOf = ( name: string ) =>
	name
		.normalize( 'NFKC' )
		.toLocaleLowerCase( 'en-US' )
		.replace( /\s+/g, ' ' )
		.trim();

/**
 * Folds one batch's answer into the running clusters. `batch` holds the
 * input indexes the prompt numbered 1..n. A name matching an existing
 * cluster (case and spacing aside) joins it; a number outside 1..n is
 * ignored; a keyword named twice stays where it was first put; keywords
 * not named at all are recorded as unassigned. Returns how many were placed.
 */
export function applyBatchAnswer(
	state: LlmProgress,
	batch: readonly number[],
	answer: BatchAnswer
): number {
	const byName = new Map(
		state.names.map( ( name, i ) => [ keyOf( name ), i ] )
	);
	const placed = new Set< number >();
	for ( const cluster of answer.clusters ) {
		const name = cluster.name.trim();
		if ( ! name ) {
			continue;
		}
		const fresh = cluster.keywords.filter(
			( n ) =>
				Number.isInteger( n ) &&
				n >= 1 &&
				n <= batch.length &&
				! placed.has( n )
		);
		if ( fresh.length === 0 ) {
			continue;
		}
		let at = byName.get( keyOf( name ) );
		if ( at === undefined ) {
			at = state.names.length;
			state.names.push( name.slice( 0, 255 ) );
			state.descriptions.push( cluster.description?.trim() ?? '' );
			state.members.push( [] );
			byName.set( keyOf( name ), at );
		}
		for ( const n of fresh ) {
			placed.add( n );
			state.members[ at ]!.push( batch[ n - 1 ]! );
		}
	}
	batch.forEach( ( index, i ) => {
		if ( ! placed.has( i + 1 ) ) {
			state.unassigned.push( index );
		}
	} );
	return placed.size;
}

/** The final clusters: those under the minimum size go to unclustered, like the other methods. */
export function finishLlmClustering(
	state: LlmProgress,
	texts: readonly string[],
	minClusterSize: number
): Clustering {
	const clusters: Clustering[ 'clusters' ] = [];
	const unclustered = [ ...state.unassigned ];
	state.members.forEach( ( members, i ) => {
		if ( members.length < Math.max( 1, minClusterSize ) ) {
			unclustered.push( ...members );
			return;
		}
		const sorted = [ ...members ].sort( ( a, b ) => a - b );
		const name = state.names[ i ]!;
		clusters.push( {
			members: sorted,
			representative: sorted[ 0 ]!,
			name,
			description:
				state.descriptions[ i ] || describe( texts, sorted, name ),
		} );
	} );
	clusters.sort(
		( a, b ) =>
			b.members.length - a.members.length ||
			a.members[ 0 ]! - b.members[ 0 ]!
	);
	unclustered.sort( ( a, b ) => a - b );
	return { clusters, unclustered };
}

/**
 * Average-linkage agglomerative clustering over a sparse similarity graph.
 *
 * Why this algorithm: average linkage joins two groups only when their
 * members are similar on average, so one bridging keyword ("best shoes for
 * beginners") cannot chain two topics together the way single linkage does,
 * and unlike k-means it needs no cluster count up front. Working on a sparse
 * k-nearest-neighbour graph (pairs that are absent count as similarity 0, as
 * in Dhulipala et al., "Hierarchical Agglomerative Graph Clustering in
 * Nearly-Linear Time", 2021) keeps it near O(E log E) instead of the O(n²)
 * memory of the dense matrix, which is what makes 100k keywords feasible.
 *
 * Deterministic: ties are broken by node index, and the graph is walked in
 * index order, so the same input always gives the same clusters.
 */

/** Symmetric weighted edges, as parallel arrays; each unordered pair at most once. */
export type SimilarityGraph = {
	size: number;
	from: Int32Array;
	to: Int32Array;
	weight: Float32Array;
};

function swapIn( list: Int32Array, i: number, j: number ): void {
	const t = list[ i ]!;
	list[ i ] = list[ j ]!;
	list[ j ] = t;
}

/**
 * A max-heap of candidate merges keyed by linkage, ties by the smaller pair.
 * Typed arrays grown by doubling: at 100k keywords it holds over a million
 * entries, and five plain arrays of boxed-size slots cost twice the memory.
 */
class MergeHeap {
	private keys = new Float64Array( 1024 );
	private a = new Int32Array( 1024 );
	private b = new Int32Array( 1024 );
	private va = new Int32Array( 1024 );
	private vb = new Int32Array( 1024 );
	length = 0;

	push( key: number, a: number, b: number, va: number, vb: number ): void {
		if ( this.length === this.keys.length ) {
			this.resize( this.keys.length * 2 );
		}
		const i = this.length++;
		this.keys[ i ] = key;
		this.a[ i ] = a;
		this.b[ i ] = b;
		this.va[ i ] = va;
		this.vb[ i ] = vb;
		this.up( i );
	}

	/** Removes the top into `out` (key, a, b, va, vb). */
	pop( out: number[] ): void {
		out[ 0 ] = this.keys[ 0 ]!;
		out[ 1 ] = this.a[ 0 ]!;
		out[ 2 ] = this.b[ 0 ]!;
		out[ 3 ] = this.va[ 0 ]!;
		out[ 4 ] = this.vb[ 0 ]!;
		this.length--;
		if ( this.length > 0 ) {
			this.move( this.length, 0 );
			this.down( 0 );
		}
	}

	/**
	 * Drops the entries `keep` refuses (stale ones) and restores the heap
	 * order in O(n), so outdated candidates cannot pile up without bound.
	 */
	compact(
		keep: ( a: number, b: number, va: number, vb: number ) => boolean
	): void {
		let kept = 0;
		for ( let i = 0; i < this.length; i++ ) {
			if (
				keep( this.a[ i ]!, this.b[ i ]!, this.va[ i ]!, this.vb[ i ]! )
			) {
				this.move( i, kept++ );
			}
		}
		this.length = kept;
		for ( let i = ( kept >> 1 ) - 1; i >= 0; i-- ) {
			this.down( i );
		}
		if ( this.keys.length > 4 * Math.max( kept, 1024 ) ) {
			this.resize( 2 * Math.max( kept, 1024 ) );
		}
	}

	private resize( capacity: number ): void {
		const grow = < T extends Float64Array | Int32Array >(
			from: T,
			to: T
		) => {
			to.set( from.subarray( 0, this.length ) );
			return to;
		};
		this.keys = grow( this.keys, new Float64Array( capacity ) );
		this.a = grow( this.a, new Int32Array( capacity ) );
		this.b = grow( this.b, new Int32Array( capacity ) );
		this.va = grow( this.va, new Int32Array( capacity ) );
		this.vb = grow( this.vb, new Int32Array( capacity ) );
	}

	private before( i: number, j: number ): boolean {
		const ki = this.keys[ i ]!;
		const kj = this.keys[ j ]!;
		if ( ki !== kj ) {
			return ki > kj;
		}
		const ai = this.a[ i ]!;
		const aj = this.a[ j ]!;
		return ai !== aj ? ai < aj : this.b[ i ]! < this.b[ j ]!;
	}

	private move( from: number, to: number ): void {
		this.keys[ to ] = this.keys[ from ]!;
		this.a[ to ] = this.a[ from ]!;
		this.b[ to ] = this.b[ from ]!;
		this.va[ to ] = this.va[ from ]!;
		this.vb[ to ] = this.vb[ from ]!;
	}

	private swap( i: number, j: number ): void {
		const key = this.keys[ i ]!;
		this.keys[ i ] = this.keys[ j ]!;
		this.keys[ j ] = key;
		swapIn( this.a, i, j );
		swapIn( this.b, i, j );
		swapIn( this.va, i, j );
		swapIn( this.vb, i, j );
	}

	private up( i: number ): void {
		while ( i > 0 ) {
			const parent = ( i - 1 ) >> 1;
			if ( ! this.before( i, parent ) ) {
				return;
			}
			this.swap( i, parent );
			i = parent;
		}
	}

	private down( i: number ): void {
		const n = this.length;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let best = i;
			if ( l < n && this.before( l, best ) ) {
				best = l;
			}
			if ( r < n && this.before( r, best ) ) {
				best = r;
			}
			if ( best === i ) {
				return;
			}
			this.swap( i, best );
			i = best;
		}
	}
}

/**
 * Merges while the best average linkage is at least `threshold`. Answers a
 * label per node: the index of its group's representative (a node index).
 * With `sizes`, each node is already a group of that many items and an
 * edge's weight is the summed similarity of all pairs across the two.
 */
const NO_LINKS: Map< number, number > = new Map();

export function averageLinkage(
	graph: SimilarityGraph,
	threshold: number,
	sizes?: Int32Array
): Int32Array {
	const n = graph.size;
	// Summed similarity from each live group to each neighbouring group.
	const links: Map< number, number >[] = Array.from(
		{ length: n },
		() => new Map()
	);
	const size = sizes
		? Int32Array.from( sizes )
		: new Int32Array( n ).fill( 1 );
	const version = new Int32Array( n );
	const parent = new Int32Array( n );
	for ( let i = 0; i < n; i++ ) {
		parent[ i ] = i;
	}
	const heap = new MergeHeap();
	for ( let e = 0; e < graph.from.length; e++ ) {
		const a = graph.from[ e ]!;
		const b = graph.to[ e ]!;
		const w = graph.weight[ e ]!;
		if ( a === b || w <= 0 ) {
			continue;
		}
		links[ a ]!.set( b, ( links[ a ]!.get( b ) ?? 0 ) + w );
		links[ b ]!.set( a, ( links[ b ]!.get( a ) ?? 0 ) + w );
	}
	for ( let a = 0; a < n; a++ ) {
		for ( const [ b, w ] of links[ a ]! ) {
			const linkage = w / ( size[ a ]! * size[ b ]! );
			if ( a < b && linkage >= threshold ) {
				heap.push( linkage, a, b, 0, 0 );
			}
		}
	}
	const current = ( a: number, b: number, va: number, vb: number ) =>
		parent[ a ] === a &&
		parent[ b ] === b &&
		version[ a ] === va &&
		version[ b ] === vb;
	// Compacted whenever it doubles from its last live size: amortised O(1) per push.
	let compactAt = Math.max( 2 * heap.length, 1 << 16 );
	const top = [ 0, 0, 0, 0, 0 ];
	while ( heap.length > 0 ) {
		heap.pop( top );
		const [ key, a, b, va, vb ] = top as [
			number,
			number,
			number,
			number,
			number,
		];
		if ( key < threshold ) {
			break;
		}
		if ( ! current( a, b, va, vb ) ) {
			continue;
		}
		// Fold the group with fewer neighbours into the other: each link moves O(log n) times.
		const [ keep, gone ] =
			links[ a ]!.size >= links[ b ]!.size ? [ a, b ] : [ b, a ];
		const kept = links[ keep ]!;
		kept.delete( gone );
		for ( const [ c, w ] of links[ gone ]! ) {
			if ( c === keep ) {
				continue;
			}
			const sum = ( kept.get( c ) ?? 0 ) + w;
			kept.set( c, sum );
			const other = links[ c ]!;
			other.delete( gone );
			other.set( keep, sum );
		}
		// The folded group's map is done with: let it go rather than keep an empty one per merge.
		links[ gone ] = NO_LINKS;
		parent[ gone ] = keep;
		size[ keep ] = size[ keep ]! + size[ gone ]!;
		version[ keep ] = version[ keep ]! + 1;
		const sk = size[ keep ]!;
		for ( const [ c, sum ] of kept ) {
			const linkage = sum / ( sk * size[ c ]! );
			if ( linkage >= threshold ) {
				const [ x, y ] = keep < c ? [ keep, c ] : [ c, keep ];
				heap.push( linkage, x, y, version[ x ]!, version[ y ]! );
			}
		}
		if ( heap.length >= compactAt ) {
			heap.compact( current );
			compactAt = Math.max( 2 * heap.length, 1 << 16 );
		}
	}
	links.length = 0;
	const labels = new Int32Array( n );
	for ( let i = 0; i < n; i++ ) {
		let root = i;
		while ( parent[ root ] !== root ) {
			root = parent[ root ]!;
		}
		// Path compression keeps later look-ups short.
		let node = i;
		while ( parent[ node ] !== root ) {
			const next = parent[ node ]!;
			parent[ node ] = root;
			node = next;
		}
		labels[ i ] = root;
	}
	return labels;
}

/** Each node's nearest neighbours in flat arrays: node i owns slots [i*k, i*k + count[i]). */
export type NeighbourLists = {
	size: number;
	k: number;
	count: Int32Array;
	index: Int32Array;
	weight: Float32Array;
};

export function neighbourLists( size: number, k: number ): NeighbourLists {
	return {
		size,
		k,
		count: new Int32Array( size ),
		index: new Int32Array( size * k ),
		weight: new Float32Array( size * k ),
	};
}

/**
 * Turns the k-nearest-neighbour lists of every node into one symmetric
 * graph: a pair is kept when either side lists the other (once).
 */
export function graphFromNeighbours( lists: NeighbourLists ): SimilarityGraph {
	const { size, k, count, index, weight } = lists;
	const lists_of = ( node: number, other: number ) => {
		for ( let s = node * k, end = s + count[ node ]!; s < end; s++ ) {
			if ( index[ s ] === other ) {
				return true;
			}
		}
		return false;
	};
	let edges = 0;
	for ( let i = 0; i < size; i++ ) {
		for ( let s = i * k, end = s + count[ i ]!; s < end; s++ ) {
			const j = index[ s ]!;
			if ( j !== i && ( i < j || ! lists_of( j, i ) ) ) {
				edges++;
			}
		}
	}
	const from = new Int32Array( edges );
	const to = new Int32Array( edges );
	const w = new Float32Array( edges );
	let e = 0;
	for ( let i = 0; i < size; i++ ) {
		for ( let s = i * k, end = s + count[ i ]!; s < end; s++ ) {
			const j = index[ s ]!;
			if ( j !== i && ( i < j || ! lists_of( j, i ) ) ) {
				from[ e ] = Math.min( i, j );
				to[ e ] = Math.max( i, j );
				w[ e ] = weight[ s ]!;
				e++;
			}
		}
	}
	return { size, from, to, weight: w };
}

import {
	averageLinkage,
	graphFromNeighbours,
	neighbourLists,
} from '../src/modules/ai/clustering/agglomerative';
import { clusterEmbeddings } from '../src/modules/ai/clustering/embeddings';
import {
	clusterLexical,
	normalizeText,
	stem,
	tokenize,
	analyze,
} from '../src/modules/ai/clustering/lexical';
import { describeClusters } from '../src/modules/ai/clustering/result';
import {
	applyBatchAnswer,
	batchesOf,
	finishLlmClustering,
	startLlmClustering,
} from '../src/modules/ai/clustering/llm';
import {
	adjustedRandIndex,
	labeledKeywords,
	labelsOf,
} from './clustering-support';

/**
 * The clustering building blocks, pure: no database, no provider.
 *
 * Quality bar: the lexical method must reach an adjusted Rand index of at
 * least 0.9 on the labeled fixture (10 topics × 32 keywords). Why 0.9: on
 * this fixture, merging just two of the ten topics into one scores 0.895 and
 * fails, while splitting one topic into two halves costs only ~0.03 (0.971)
 * and passes — a sub-topic split is a defensible editorial choice, a merge of
 * unrelated topics is not. (The defaults currently score 1.0.)
 */
const ARI_THRESHOLD = 0.9;

function everyIndexOnce(
	size: number,
	result: { clusters: { members: number[] }[]; unclustered: number[] }
) {
	const all = [
		...result.clusters.flatMap( ( c ) => c.members ),
		...result.unclustered,
	].sort( ( a, b ) => a - b );
	expect( all ).toEqual( Array.from( { length: size }, ( _, i ) => i ) );
}

describe( 'the adjusted Rand index (test support)', () => {
	it( 'is 1 for the same partition under other label names', () => {
		expect(
			adjustedRandIndex( [ 0, 0, 1, 1, 2 ], [ 'b', 'b', 'a', 'a', 'z' ] )
		).toBe( 1 );
	} );

	it( 'matches hand-computed values', () => {
		// Contingency [[2,1,0],[0,1,2]]: index 2, a 6, b 3, expected 1.2, max 4.5 → 0.8 / 3.3.
		expect(
			adjustedRandIndex( [ 0, 0, 0, 1, 1, 1 ], [ 0, 0, 1, 1, 2, 2 ] )
		).toBeCloseTo( 0.242424, 5 );
		// Every pair the truth joins is split and vice versa: worse than chance.
		expect(
			adjustedRandIndex( [ 0, 0, 1, 1 ], [ 0, 1, 0, 1 ] )
		).toBeCloseTo( -0.5, 10 );
		// One block against all singletons carries no agreement beyond chance.
		expect( adjustedRandIndex( [ 0, 0, 0, 0 ], [ 0, 1, 2, 3 ] ) ).toBe( 0 );
	} );

	it( 'scores the merge and split cases the quality threshold is built on', () => {
		const truth = labeledKeywords().map( ( k ) => k.topic );
		const topics = [ ...new Set( truth ) ];
		const merged = truth.map( ( t ) =>
			t === topics[ 1 ] ? topics[ 0 ]! : t
		);
		expect( adjustedRandIndex( truth, merged ) ).toBeLessThan(
			ARI_THRESHOLD
		);
		let seen = 0;
		const split = truth.map( ( t ) =>
			t === topics[ 0 ] && seen++ % 2 === 0 ? 'half' : t
		);
		expect( adjustedRandIndex( truth, split ) ).toBeGreaterThan(
			ARI_THRESHOLD
		);
	} );

	it( 'refuses labelings of different lengths', () => {
		expect( () => adjustedRandIndex( [ 1 ], [ 1, 2 ] ) ).toThrow();
	} );
} );

describe( 'keyword text', () => {
	it( 'normalizes case, Unicode compatibility forms and punctuation', () => {
		expect( normalizeText( '  Trail-Running SHOES!! ' ) ).toBe(
			'trail running shoes'
		);
		// Full-width letters (NFKC) and a ligature become plain ones.
		expect( normalizeText( 'Ｃａｆé ﬁlter' ) ).toBe( 'café filter' );
		expect( tokenize( "men's shoes, size 12" ) ).toEqual( [
			'mens',
			'shoes',
			'size',
			'12',
		] );
	} );

	it( 'stems inflections to one form', () => {
		expect( stem( 'shoes' ) ).toBe( stem( 'shoe' ) );
		expect( stem( 'running' ) ).toBe( 'run' );
		expect( stem( 'baking' ) ).toBe( stem( 'bake' ) );
		expect( stem( 'baked' ) ).toBe( stem( 'bake' ) );
		expect( stem( 'puppies' ) ).toBe( stem( 'puppy' ) );
		expect( stem( 'glasses' ) ).toBe( 'glass' );
		expect( stem( 'bus' ) ).toBe( 'bus' );
		expect( stem( '2024' ) ).toBe( '2024' );
	} );

	it( 'drops English stop words before stemming', () => {
		expect( analyze( 'How to choose the best shoes for running' ) ).toEqual(
			[ 'choos', 'best', 'sho', 'run' ]
		);
	} );
} );

describe( 'average-linkage clustering', () => {
	function graph( size: number, edges: [ number, number, number ][] ) {
		const lists = neighbourLists( size, size );
		for ( const [ a, b, w ] of edges ) {
			lists.index[ a * size + lists.count[ a ]! ] = b;
			lists.weight[ a * size + lists.count[ a ]! ] = w;
			lists.count[ a ] = lists.count[ a ]! + 1;
		}
		return graphFromNeighbours( lists );
	}

	it( 'does not chain two tight groups through one bridging pair', () => {
		// Two triangles (0,1,2) and (3,4,5), joined only by 2–3. Single linkage
		// at 0.5 would make one group; average linkage sees 0.9 / 9 = 0.1.
		const g = graph( 6, [
			[ 0, 1, 0.9 ],
			[ 1, 2, 0.9 ],
			[ 0, 2, 0.9 ],
			[ 3, 4, 0.9 ],
			[ 4, 5, 0.9 ],
			[ 3, 5, 0.9 ],
			[ 2, 3, 0.9 ],
		] );
		const labels = averageLinkage( g, 0.5 );
		expect(
			new Set( [ labels[ 0 ], labels[ 1 ], labels[ 2 ] ] ).size
		).toBe( 1 );
		expect(
			new Set( [ labels[ 3 ], labels[ 4 ], labels[ 5 ] ] ).size
		).toBe( 1 );
		expect( labels[ 0 ] ).not.toBe( labels[ 3 ] );
		// A low enough threshold does join them: the linkage is what decides.
		const loose = averageLinkage( g, 0.09 );
		expect( new Set( loose ).size ).toBe( 1 );
	} );

	it( 'keeps a pair listed by both sides once', () => {
		const g = graph( 2, [
			[ 0, 1, 0.7 ],
			[ 1, 0, 0.7 ],
		] );
		expect( Array.from( g.from ) ).toEqual( [ 0 ] );
		expect( Array.from( g.to ) ).toEqual( [ 1 ] );
	} );
} );

describe( 'lexical clustering on the labeled fixture', () => {
	const data = labeledKeywords();
	const texts = data.map( ( d ) => d.keyword );
	const truth = data.map( ( d ) => d.topic );

	it( `scores an adjusted Rand index of at least ${ ARI_THRESHOLD }, every keyword in one place`, () => {
		expect( data.length ).toBeGreaterThanOrEqual( 300 );
		expect( new Set( truth ).size ).toBeGreaterThanOrEqual( 8 );
		const result = clusterLexical( texts );
		everyIndexOnce( texts.length, result );
		const ari = adjustedRandIndex(
			truth,
			labelsOf( texts.length, result )
		);
		expect( ari ).toBeGreaterThanOrEqual( ARI_THRESHOLD );
	} );

	it( 'does not depend on the order of the keywords (beyond the threshold)', () => {
		const order = texts
			.map( ( _, i ) => i )
			.sort(
				( a, b ) => ( ( a * 7919 ) % 331 ) - ( ( b * 7919 ) % 331 )
			);
		const result = clusterLexical( order.map( ( i ) => texts[ i ]! ) );
		everyIndexOnce( texts.length, result );
		expect(
			adjustedRandIndex(
				order.map( ( i ) => truth[ i ]! ),
				labelsOf( texts.length, result )
			)
		).toBeGreaterThanOrEqual( ARI_THRESHOLD );
	} );

	it( 'is deterministic and names clusters after their own keywords', () => {
		const a = clusterLexical( texts );
		const b = clusterLexical( texts );
		expect( b ).toEqual( a );
		for ( const cluster of a.clusters ) {
			expect( cluster.members ).toContain( cluster.representative );
			expect( cluster.name.toLowerCase() ).toBe(
				texts[ cluster.representative ]!.toLowerCase()
			);
			expect( cluster.description ).toMatch(
				new RegExp( `^${ cluster.members.length } keywords about ` )
			);
		}
		expect( a.clusters.map( ( c ) => c.name ) ).toEqual(
			expect.arrayContaining( [
				'Trail running shoes',
				'Puppy training',
			] )
		);
	} );

	it( 'reports groups under the minimum size, and keywords like nothing else, as unclustered', () => {
		const result = clusterLexical(
			[
				'trail running shoes',
				'best trail running shoes',
				'sourdough starter',
				'feeding sourdough starter',
				'quantum chromodynamics',
			],
			{ minClusterSize: 2 }
		);
		expect( result.clusters.map( ( c ) => c.members ) ).toEqual( [
			[ 0, 1 ],
			[ 2, 3 ],
		] );
		expect( result.unclustered ).toEqual( [ 4 ] );
		const strict = clusterLexical(
			[
				'trail running shoes',
				'best trail running shoes',
				'quantum chromodynamics',
			],
			{ minClusterSize: 3 }
		);
		expect( strict.clusters ).toEqual( [] );
		expect( strict.unclustered ).toEqual( [ 0, 1, 2 ] );
	} );

	it( 'copes with empty and punctuation-only keywords', () => {
		const result = clusterLexical( [ '', '!!!', 'the of and' ] );
		expect( result.clusters ).toEqual( [] );
		expect( result.unclustered ).toEqual( [ 0, 1, 2 ] );
		expect( clusterLexical( [] ) ).toEqual( {
			clusters: [],
			unclustered: [],
		} );
	} );

	it( 'names a cluster after its most searched central keyword, never after junk', () => {
		const keywords = [
			{ keyword: 'espresso machine', volume: 50 },
			{ keyword: 'best espresso machine', volume: 9_000 },
			{ keyword: 'espresso machine reviews', volume: 200 },
			{ keyword: 'cheap espresso machine', volume: 120 },
			{ keyword: 'espresso machine for home', volume: 300 },
			// Most searched of all, but mostly words of its own: not central.
			{
				keyword: 'espresso machine with grinder under 200 dollars',
				volume: 20_000,
			},
			// Junk that predates the keyword rules.
			{ keyword: '☕☕☕', volume: 1_000_000 },
			{ keyword: '!!!', volume: 500_000 },
		];
		const texts = keywords.map( ( k ) => k.keyword );
		const named = clusterLexical( texts, {
			volumes: keywords.map( ( k ) => k.volume ),
		} );
		expect( named.clusters ).toHaveLength( 1 );
		expect( named.clusters[ 0 ] ).toMatchObject( {
			members: [ 0, 1, 2, 3, 4, 5 ],
			representative: 1,
			name: 'Best espresso machine',
		} );
		expect( named.unclustered ).toEqual( [ 6, 7 ] );
		// Without volumes the word the group shares most names it.
		expect( clusterLexical( texts ).clusters[ 0 ]!.name ).toBe(
			'Espresso machine'
		);
	} );

	it( 'never takes a cluster name without a letter or digit, whatever its volume', () => {
		const graph = graphFromNeighbours( neighbourLists( 3, 1 ) );
		// Members nothing ranks (no stems): volume alone would pick the emoji.
		const mixed = describeClusters(
			[ '🔥🔥🔥', 'the', '¿?' ],
			[ 0, 0, 0 ],
			graph,
			{
				minClusterSize: 1,
				volumes: [ 1_000_000, 10, 99_999 ],
			}
		);
		expect( mixed.clusters[ 0 ]!.name ).toBe( 'The' );
		const junk = describeClusters(
			[ '🔥🔥🔥', '!!!' ],
			[ 0, 0 ],
			graphFromNeighbours( neighbourLists( 2, 1 ) ),
			{ minClusterSize: 1, volumes: [ 5, 6 ] }
		);
		expect( junk.clusters[ 0 ]!.name ).toBe( 'Unnamed topic' );
	} );

	it( 'keeps 60 variants of one phrase in one cluster, beyond the 16 neighbours a keyword keeps', () => {
		// Three wordings × 20 endings: each wording's 20 variants are each
		// other's 16 nearest, so the neighbour graph has no edge between the
		// wordings and only the second, exact pass can join them.
		const wordings = [
			'cast iron skillet seasoning',
			'how to season a cast iron skillet',
			'cast iron skillet seasoning oil tips',
		];
		const endings = (
			'at home,in the oven,on the stove,for beginners,step by step,guide,2024,2025,uk,usa,' +
			'australia,canada,easy,simple,basics,complete,101,checklist,fast,first time'
		).split( ',' );
		const variants = wordings.flatMap( ( w ) =>
			endings.map( ( e ) => `${ w } ${ e }` )
		);
		expect( variants ).toHaveLength( 60 );
		const fixture = labeledKeywords();
		const keywords = [ ...fixture.map( ( k ) => k.keyword ), ...variants ];
		const result = clusterLexical( keywords );
		everyIndexOnce( keywords.length, result );
		const variantIndexes = variants.map( ( _, i ) => fixture.length + i );
		const home = result.clusters.filter( ( c ) =>
			c.members.some( ( m ) => m >= fixture.length )
		);
		expect( home ).toHaveLength( 1 );
		expect( home[ 0 ]!.members ).toEqual( variantIndexes );
		expect(
			adjustedRandIndex(
				[
					...fixture.map( ( k ) => k.topic ),
					...variants.map( () => 'skillet' ),
				],
				labelsOf( keywords.length, result )
			)
		).toBeGreaterThanOrEqual( ARI_THRESHOLD );
	} );

	it( 'does not let a word every keyword shares join everything (blocking)', () => {
		const keywords = Array.from( { length: 400 }, ( _, i ) =>
			i % 2
				? `best espresso machine model ${ i }`
				: `best kayak paddle size ${ i }`
		);
		const result = clusterLexical( keywords, { maxPosting: 50 } );
		everyIndexOnce( keywords.length, result );
		for ( const cluster of result.clusters ) {
			const kinds = new Set( cluster.members.map( ( m ) => m % 2 ) );
			expect( kinds.size ).toBe( 1 );
		}
		expect( result.clusters.length ).toBeGreaterThanOrEqual( 2 );
	} );
} );

describe( 'embedding clustering', () => {
	it( 'groups vectors by direction and names each group after a member', () => {
		const data = labeledKeywords();
		const topics = [ ...new Set( data.map( ( d ) => d.topic ) ) ];
		const vectors = data.map( ( d, i ) => {
			const v = new Array( 32 ).fill( 0 ).map(
				( _, k ) =>
					// A small deterministic wobble around the topic's own axis.
					Math.sin( ( i + 1 ) * ( k + 3 ) ) * 0.15
			);
			v[ topics.indexOf( d.topic ) ] += 1;
			return v;
		} );
		const result = clusterEmbeddings(
			data.map( ( d ) => d.keyword ),
			vectors
		);
		everyIndexOnce( data.length, result );
		expect(
			adjustedRandIndex(
				data.map( ( d ) => d.topic ),
				labelsOf( data.length, result )
			)
		).toBeGreaterThanOrEqual( ARI_THRESHOLD );
	} );

	it( 'refuses vectors of mixed dimensions', () => {
		expect( () =>
			clusterEmbeddings(
				[ 'a', 'b' ],
				[
					[ 1, 0 ],
					[ 1, 0, 0 ],
				]
			)
		).toThrow( /dimensions/ );
	} );
} );

describe( 'llm clustering bookkeeping', () => {
	it( 'splits into batches that cover every index once', () => {
		expect( batchesOf( 5, 2 ) ).toEqual( [ [ 0, 1 ], [ 2, 3 ], [ 4 ] ] );
		expect( batchesOf( 0, 150 ) ).toEqual( [] );
	} );

	it( 'carries clusters forward, joins by name, and settles bad answers', () => {
		const texts = [ 'a1', 'a2', 'b1', 'a3', 'b2', 'c1', 'lost' ];
		const state = startLlmClustering();
		expect(
			applyBatchAnswer( state, [ 0, 1, 2, 3 ], {
				clusters: [
					{
						name: 'Alpha',
						description: 'A things',
						keywords: [ 1, 2, 4 ],
					},
					// 1 was placed already; 9 is not in the batch.
					{ name: 'Beta', keywords: [ 3, 1, 9 ] },
				],
			} )
		).toBe( 4 );
		expect(
			applyBatchAnswer( state, [ 4, 5, 6 ], {
				clusters: [
					{ name: ' beta ', keywords: [ 1 ] },
					{ name: 'Gamma', keywords: [ 2 ] },
				],
			} )
		).toBe( 2 );
		expect( state.names ).toEqual( [ 'Alpha', 'Beta', 'Gamma' ] );
		const result = finishLlmClustering( state, texts, 2 );
		expect( result.clusters.map( ( c ) => [ c.name, c.members ] ) ).toEqual(
			[
				[ 'Alpha', [ 0, 1, 3 ] ],
				[ 'Beta', [ 2, 4 ] ],
			]
		);
		expect( result.clusters[ 0 ]!.description ).toBe( 'A things' );
		// Gamma is under the minimum size; "lost" was never named.
		expect( result.unclustered ).toEqual( [ 5, 6 ] );
	} );
} );

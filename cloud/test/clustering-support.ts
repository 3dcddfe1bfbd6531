import fs from 'node:fs';
import path from 'node:path';

/**
 * Test support for clustering quality: the adjusted Rand index (Hubert &
 * Arabie, 1985) and the labeled fixture set.
 */

const choose2 = ( n: number ) => ( n * ( n - 1 ) ) / 2;

/**
 * ARI between two labelings of the same items: 1 for identical partitions
 * (whatever the label names), about 0 for a random one, negative when worse
 * than chance. Items are matched by position.
 */
export function adjustedRandIndex(
	truth: readonly ( string | number )[],
	predicted: readonly ( string | number )[]
): number {
	if ( truth.length !== predicted.length ) {
		throw new Error( 'Both labelings must cover the same items.' );
	}
	const n = truth.length;
	const table = new Map< string, number >();
	const rows = new Map< string | number, number >();
	const cols = new Map< string | number, number >();
	for ( let i = 0; i < n; i++ ) {
		const key = `${ String( truth[ i ] ) }\u0000${ String( predicted[ i ] ) }`;
		table.set( key, ( table.get( key ) ?? 0 ) + 1 );
		rows.set( truth[ i ]!, ( rows.get( truth[ i ]! ) ?? 0 ) + 1 );
		cols.set( predicted[ i ]!, ( cols.get( predicted[ i ]! ) ?? 0 ) + 1 );
	}
	let index = 0;
	for ( const count of table.values() ) {
		index += choose2( count );
	}
	let a = 0;
	for ( const count of rows.values() ) {
		a += choose2( count );
	}
	let b = 0;
	for ( const count of cols.values() ) {
		b += choose2( count );
	}
	const expected = ( a * b ) / choose2( n );
	const max = ( a + b ) / 2;
	if ( max === expected ) {
		// Both partitions are all-singletons or one block: they agree exactly.
		return 1;
	}
	return ( index - expected ) / ( max - expected );
}

export type LabeledKeyword = { keyword: string; topic: string };

/** The fixture: 10 distinct topics, 320 keywords with long-tail variants. */
export function labeledKeywords(): LabeledKeyword[] {
	const file = path.join( __dirname, 'fixtures/clustering/topics.json' );
	const data = JSON.parse( fs.readFileSync( file, 'utf8' ) ) as {
		topics: Record< string, string[] >;
	};
	return Object.entries( data.topics ).flatMap( ( [ topic, keywords ] ) =>
		keywords.map( ( keyword ) => ( { keyword, topic } ) )
	);
}

/**
 * Predicted labels for the ARI: each cluster is one label, and each
 * unclustered keyword is its own label (an unclustered keyword was put with
 * nothing, which is what the index should see).
 */
export function labelsOf(
	size: number,
	clustering: { clusters: { members: number[] }[]; unclustered: number[] }
): string[] {
	const labels = new Array< string | undefined >( size ).fill( undefined );
	clustering.clusters.forEach( ( cluster, c ) => {
		for ( const m of cluster.members ) {
			labels[ m ] = `c${ c }`;
		}
	} );
	for ( const m of clustering.unclustered ) {
		labels[ m ] = `u${ m }`;
	}
	return labels.map( ( label, i ) => {
		if ( label === undefined ) {
			throw new Error(
				`item ${ i } has no cluster and is not unclustered`
			);
		}
		return label;
	} );
}

import type { DocumentProfile } from './profile';

/** One post of a site's index, as the suggester sees it. */
export type CorpusDocument = {
	id: number;
	title: string;
	url: string | null;
	profile: DocumentProfile;
	/** Internal links pointing at it now: 0 is an orphan. */
	inbound: number;
	/** Published: may be a link target. */
	linkable: boolean;
};

/**
 * What the suggester reads of a site's index. Kept narrow so the store over
 * PostgreSQL and the in-memory one below answer the same questions.
 */
export interface Corpus {
	/** Documents (linkable only) with a phrase among these. */
	byPhrases( phrases: string[] ): Promise< CorpusDocument[] >;
	/** Documents (any) whose stems include all these stems: sources that may mention a phrase. */
	byStems( stems: string[], limit: number ): Promise< CorpusDocument[] >;
	/** N, for idf. */
	documents(): number;
	/** How many documents hold the stem. */
	df( stem: string ): number;
	/**
	 * Optional: a number that changes whenever a document is added, replaced
	 * or removed. When given, idf and document vectors are reused across
	 * calls until it changes; without it, each call computes its own.
	 */
	revision?(): number;
}

function addTo( index: Map< string, Set< number > >, key: string, id: number ) {
	let ids = index.get( key );
	if ( ! ids ) {
		ids = new Set();
		index.set( key, ids );
	}
	ids.add( id );
}

function removeFrom(
	index: Map< string, Set< number > >,
	key: string,
	id: number
) {
	const ids = index.get( key );
	if ( ids ) {
		ids.delete( id );
		if ( ids.size === 0 ) {
			index.delete( key );
		}
	}
}

/**
 * A phrase more posts than this claim says nothing about which of them to
 * link (a footer line, a site-wide tagline): it finds no candidates. Without
 * this cap such a phrase makes every post a candidate of every other, and a
 * large site's suggestions quadratic.
 */
export const COMMON_PHRASE_OWNERS = 100;

/**
 * A whole index in memory: a rebuild, tests, benchmarks. Given the site's
 * document frequencies (a rebuild's worker thread gets them counted once
 * instead of every post's stems), it answers `df` from them and does not
 * index stems, so `byStems` finds nothing.
 */
export class MemoryCorpus implements Corpus {
	private readonly docs = new Map< number, CorpusDocument >();
	private readonly phraseIndex = new Map< string, Set< number > >();
	private readonly stemIndex = new Map< string, Set< number > >();
	private changes = 0;

	constructor(
		private readonly frequencies?: ReadonlyMap< string, number >,
		/** N when the frequencies were counted over more documents than this corpus holds. */
		private readonly total?: number
	) {}

	add( document: CorpusDocument ): void {
		this.remove( document.id );
		this.changes += 1;
		this.docs.set( document.id, document );
		for ( const { phrase } of document.profile.phrases ) {
			addTo( this.phraseIndex, phrase, document.id );
		}
		for ( const stem of document.profile.stems ) {
			addTo( this.stemIndex, stem, document.id );
		}
	}

	remove( id: number ): void {
		const known = this.docs.get( id );
		if ( ! known ) {
			return;
		}
		for ( const { phrase } of known.profile.phrases ) {
			removeFrom( this.phraseIndex, phrase, id );
		}
		for ( const stem of known.profile.stems ) {
			removeFrom( this.stemIndex, stem, id );
		}
		this.docs.delete( id );
		this.changes += 1;
	}

	get( id: number ): CorpusDocument | undefined {
		return this.docs.get( id );
	}

	async byPhrases( phrases: string[] ): Promise< CorpusDocument[] > {
		const ids = new Set< number >();
		for ( const phrase of phrases ) {
			const owners = this.phraseIndex.get( phrase );
			if ( ! owners || owners.size > COMMON_PHRASE_OWNERS ) {
				continue;
			}
			for ( const id of owners ) {
				ids.add( id );
			}
		}
		return [ ...ids ]
			.map( ( id ) => this.docs.get( id )! )
			.filter( ( document ) => document.linkable );
	}

	async byStems(
		stems: string[],
		limit: number
	): Promise< CorpusDocument[] > {
		const sets = stems.map( ( stem ) => this.stemIndex.get( stem ) );
		if ( sets.length === 0 || sets.some( ( set ) => ! set ) ) {
			return [];
		}
		const [ smallest, ...rest ] = ( sets as Array< Set< number > > ).sort(
			( a, b ) => a.size - b.size
		);
		const matches: CorpusDocument[] = [];
		for ( const id of smallest! ) {
			if ( rest.every( ( set ) => set.has( id ) ) ) {
				matches.push( this.docs.get( id )! );
			}
		}
		// With more than asked for, the ones where these words weigh most.
		const weight = ( document: CorpusDocument ) =>
			stems.reduce(
				( sum, stem ) => sum + ( document.profile.terms[ stem ] ?? 0 ),
				0
			);
		return matches
			.sort( ( a, b ) => weight( b ) - weight( a ) || a.id - b.id )
			.slice( 0, limit );
	}

	documents(): number {
		return this.total ?? this.docs.size;
	}

	revision(): number {
		return this.changes;
	}

	df( stem: string ): number {
		return this.frequencies
			? ( this.frequencies.get( stem ) ?? 0 )
			: ( this.stemIndex.get( stem )?.size ?? 0 );
	}
}

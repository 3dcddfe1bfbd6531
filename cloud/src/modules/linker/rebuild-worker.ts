import { parentPort } from 'node:worker_threads';
import {
	hashOf,
	linksOf,
	suggestionRows,
	type IndexedLink,
	type SourcePost,
	type SuggestionRow,
} from './placement';
import { MemoryCorpus } from './text/corpus';
import { profileDocument, type DocumentProfile } from './text/profile';
import { suggestLinks, type LinkCaps } from './text/suggest';

/**
 * The body of a rebuild's worker threads (rebuild-threads.ts): the text work
 * of a whole site — profiles, then suggestions from the whole index — split
 * between threads, off the thread that serves the API.
 */

export type ProfileTask = {
	kind: 'profile';
	posts: SourcePost[];
	sites: Array< { id: number; url: string | null } >;
};

/**
 * A post's profile as the index writes it. Serialized here, where it was
 * made: a string crosses to the main thread as one copied buffer and sits
 * there in a fraction of the memory of the objects it stands for (a post's
 * ~400 stems are 400 strings as objects, one string serialized), and it is
 * what the database is sent anyway.
 */
export type ProfiledPost = {
	/** The index's html_hash of the post (title and text). */
	hash: string;
	/** JSON of DocumentProfile's terms and phrases. */
	terms: string;
	phrases: string;
	/** The stems as a PostgreSQL array literal: the cheapest text[] for the database to read. */
	stems: string;
	length: number;
	links: IndexedLink[];
};
export type ProfileResult = {
	posts: ProfiledPost[];
	/** How many of this thread's posts hold each stem: the site's frequencies are their sum. */
	frequencies: Array< [ string, number ] >;
};

/** A post of the site as the suggester sees a target, its profile as the profile task answered it. */
export type SuggestDocument = {
	id: number;
	title: string;
	url: string | null;
	/** JSON (ProfiledPost): parsed here only for the posts another thread profiled. */
	terms: string;
	phrases: string;
	length: number;
	inbound: number;
	linkable: boolean;
};

export type SuggestTask = {
	kind: 'suggest';
	/** Every post of the site (no stems: `frequencies` stand for them). */
	documents: SuggestDocument[];
	frequencies: Array< [ string, number ] >;
	/**
	 * The posts this thread profiled, in the same order, with their ids in
	 * the index: the thread kept their text and profiles, so they are not
	 * sent (and held) twice.
	 */
	sources: Array< { id: number; linkedTargets: number[] } >;
	caps: LinkCaps;
};
export type SuggestResult = SuggestionRow[];

export type WorkerRequest = { id: number; task: ProfileTask | SuggestTask };
export type WorkerReply =
	| { id: number; result: ProfileResult | SuggestResult }
	| { id: number; error: string };

/** The posts this thread profiled last, for its suggest task. */
let held: Array< { post: SourcePost; profile: DocumentProfile } > = [];

function profileTask( task: ProfileTask ): ProfileResult {
	held = task.posts.map( ( post ) => ( {
		post,
		profile: profileDocument( {
			title: post.title,
			html: post.html,
			keywords: post.keywords,
			locale: post.locale,
		} ),
	} ) );
	const frequencies = new Map< string, number >();
	const posts = held.map( ( { post, profile } ): ProfiledPost => {
		for ( const stem of profile.stems ) {
			frequencies.set( stem, ( frequencies.get( stem ) ?? 0 ) + 1 );
		}
		const profiled = {
			hash: hashOf( `${ post.title }\n${ post.html }` ),
			terms: JSON.stringify( profile.terms ),
			stems: arrayLiteral( profile.stems ),
			phrases: JSON.stringify( profile.phrases ),
			length: profile.length,
			links: linksOf( post, task.sites ),
		};
		// Written and counted: the suggest task does not read a post's every stem.
		profile.stems = [];
		return profiled;
	} );
	return { posts, frequencies: [ ...frequencies ] };
}

/** `{"a","b"}`: every element quoted, so no word reads as NULL and none needs a rule of its own. */
export function arrayLiteral( items: string[] ): string {
	return `{${ items
		.map( ( item ) => `"${ item.replace( /["\\]/g, '\\$&' ) }"` )
		.join( ',' ) }}`;
}

async function suggestTask( task: SuggestTask ): Promise< SuggestResult > {
	if ( task.sources.length !== held.length ) {
		throw new Error(
			'A suggest task must follow the profile task of the same posts.'
		);
	}
	// This thread's own posts are targets too: their profiles are at hand.
	const own = new Map(
		task.sources.map( ( source, i ) => [ source.id, held[ i ]!.profile ] )
	);
	const corpus = new MemoryCorpus(
		new Map( task.frequencies ),
		task.documents.length
	);
	for ( const document of task.documents ) {
		const profile = own.get( document.id );
		corpus.add( {
			id: document.id,
			title: document.title,
			url: document.url,
			profile: {
				terms: profile
					? profile.terms
					: ( JSON.parse(
							document.terms
						) as DocumentProfile[ 'terms' ] ),
				phrases: profile
					? profile.phrases
					: ( JSON.parse(
							document.phrases
						) as DocumentProfile[ 'phrases' ] ),
				length: document.length,
				stems: [],
			},
			inbound: document.inbound,
			linkable: document.linkable,
		} );
	}
	// Read into the corpus: the task's copy of the index may go while the suggester runs.
	task.documents = [];
	const rows: SuggestionRow[] = [];
	for ( const [ i, source ] of task.sources.entries() ) {
		const { post, profile } = held[ i ]!;
		const placements = await suggestLinks(
			{
				id: source.id,
				html: post.html,
				locale: post.locale,
				profile,
				linkedTargets: new Set( source.linkedTargets ),
			},
			corpus,
			task.caps
		);
		rows.push( ...suggestionRows( post, source.id, placements ) );
	}
	held = [];
	return rows;
}

export async function runTask(
	task: ProfileTask | SuggestTask
): Promise< ProfileResult | SuggestResult > {
	return task.kind === 'profile' ? profileTask( task ) : suggestTask( task );
}

parentPort?.on( 'message', ( request: WorkerRequest ) => {
	runTask( request.task ).then(
		( result ) => parentPort!.postMessage( { id: request.id, result } ),
		( error: unknown ) =>
			parentPort!.postMessage( {
				id: request.id,
				error: error instanceof Error ? error.message : String( error ),
			} )
	);
} );

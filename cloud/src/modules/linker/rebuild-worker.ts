import { parentPort } from 'node:worker_threads';
import {
	linksOf,
	suggestionRows,
	type IndexedLink,
	type SourcePost,
	type SuggestionRow,
} from './placement';
import { MemoryCorpus, type CorpusDocument } from './text/corpus';
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
export type ProfileResult = Array< {
	profile: DocumentProfile;
	links: IndexedLink[];
} >;

export type SuggestTask = {
	kind: 'suggest';
	/** Every post of the site, as the suggester sees a target (no stems: `frequencies` stand for them). */
	documents: CorpusDocument[];
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

export async function runTask(
	task: ProfileTask | SuggestTask
): Promise< ProfileResult | SuggestResult > {
	if ( task.kind === 'profile' ) {
		held = task.posts.map( ( post ) => ( {
			post,
			profile: profileDocument( {
				title: post.title,
				html: post.html,
				keywords: post.keywords,
				locale: post.locale,
			} ),
		} ) );
		const result = held.map( ( { post, profile } ) => ( {
			profile,
			links: linksOf( post, task.sites ),
		} ) );
		return result;
	}
	const corpus = new MemoryCorpus(
		new Map( task.frequencies ),
		task.documents.length
	);
	for ( const document of task.documents ) {
		corpus.add( document );
	}
	if ( task.sources.length !== held.length ) {
		throw new Error(
			'A suggest task must follow the profile task of the same posts.'
		);
	}
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

parentPort?.on( 'message', ( request: WorkerRequest ) => {
	runTask( request.task ).then(
		( result ) => {
			parentPort!.postMessage( { id: request.id, result } );
			// Sent (copied): what the suggest task does not read may go.
			for ( const { profile } of held ) {
				profile.stems = [];
			}
		},
		( error: unknown ) =>
			parentPort!.postMessage( {
				id: request.id,
				error: error instanceof Error ? error.message : String( error ),
			} )
	);
} );

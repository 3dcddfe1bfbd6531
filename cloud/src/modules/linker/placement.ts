import { createHash } from 'node:crypto';
import { contextAround } from './text/apply';
import { extractLinks } from './text/links';
import type { Placement } from './text/suggest';
import { linkableRuns } from './text/zones';

/**
 * What the index and its suggestions are made of, without the database: the
 * rows the store writes, the links a post has, the ids of suggestions. Pure,
 * so a rebuild's worker threads (rebuild-worker.ts) use the same code as
 * the incremental indexer.
 */

export const hashOf = ( text: string ): string =>
	createHash( 'sha256' ).update( text ).digest( 'hex' );

/** A post as the indexer reads it from the writer's and the integration's rows. */
export type SourcePost = {
	account_id: number;
	site_id: number;
	content_id: number | null;
	wp_post_id: number | null;
	post_type: string;
	status: string;
	title: string;
	url: string | null;
	path: string | null;
	html: string;
	keywords: string[];
	main_keyword: string | null;
	cluster_id: number | null;
	locale: string | null;
	linkable: boolean;
};

export type IndexedLink = {
	path: string;
	href: string;
	anchor: string;
	igny8Id: string | null;
	/** Another site of the account the link goes to; null for this site. */
	toSiteId?: number | null;
};

/** A suggestion as the store writes it. */
export type SuggestionRow = {
	id: string;
	account_id: number;
	site_id: number;
	source_id: number;
	target_id: number;
	anchor: string;
	context: string;
	paragraph: number;
	start: number;
	end: number;
	score: number;
	source_hash: string;
};

/**
 * Placements as the rows the store keeps. Ids are stable for the same
 * source text, target and place, so a recomputation keeps a rejection.
 */
export function suggestionRows(
	source: SourcePost,
	sourceId: number,
	placements: Placement[]
): SuggestionRow[] {
	if ( placements.length === 0 ) {
		return [];
	}
	const sourceHash = hashOf( `${ source.title }\n${ source.html }` );
	const runs = linkableRuns( source.html );
	return placements.map( ( p ) => {
		const run =
			runs.find( ( r ) => r.start <= p.start && p.end <= r.end ) ?? null;
		return {
			id: suggestionId(
				sourceId,
				p.targetId,
				p.start,
				p.anchor,
				sourceHash
			),
			account_id: source.account_id,
			site_id: source.site_id,
			source_id: sourceId,
			target_id: p.targetId,
			anchor: p.anchor,
			context: run
				? contextAround( source.html, run, p.start, p.end )
				: '',
			paragraph: p.paragraph,
			start: p.start,
			end: p.end,
			score: p.score,
			source_hash: sourceHash,
		};
	} );
}

/** Stable for the same source text, target and place; safe as an HTML attribute value. */
export function suggestionId(
	sourceId: number,
	targetId: number,
	start: number,
	anchor: string,
	sourceHash: string
): string {
	return createHash( 'sha256' )
		.update(
			`${ sourceId }:${ targetId }:${ start }:${ anchor }:${ sourceHash }`
		)
		.digest( 'base64url' )
		.slice( 0, 22 );
}

/**
 * The post's links to its own site, and to the account's other sites (the
 * cross-site graph). A site without an address has no absolute links to
 * tell apart; its relative ones are its own.
 */
export function linksOf(
	source: SourcePost,
	sites: Array< { id: number; url: string | null } >
): IndexedLink[] {
	const own = sites.find( ( site ) => site.id === source.site_id );
	const links: IndexedLink[] = extractLinks( source.html, own?.url ?? null );
	for ( const other of sites ) {
		if ( other.id === source.site_id || ! other.url ) {
			continue;
		}
		for ( const link of extractLinks( source.html, other.url ) ) {
			// Relative links are the post's own site, not this one.
			if ( /^[a-z][a-z0-9+.-]*:|^\/\//i.test( link.href ) ) {
				links.push( { ...link, toSiteId: other.id } );
			}
		}
	}
	return links;
}

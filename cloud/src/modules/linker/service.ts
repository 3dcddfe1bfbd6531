import type { Request } from 'express';
import { QueryTypes, type Sequelize } from 'sequelize';
import type {
	BridgeLinksApply,
	BridgeLinksRemove,
	BridgePostItem,
	LinkerApplyResult,
	LinkerGraph,
	LinkerLink,
	LinkerPost,
	LinkerPostRow,
	LinkerRemoveResult,
	LinkerReport,
	LinkSuggestion,
} from '@igny8/shared-types';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors';
import {
	containsPattern,
	orderBySql,
	pageUrl,
	type ListPage,
} from '../../http/pagination';
import type { Principal } from '../auth';
import { narrowedSiteId, siteFilter } from '../auth';
import type { LinkerIndexer } from './indexer';
import { hashOf, type DocumentRow, type LinkerStore } from './store';
import {
	insertLinks,
	linkIdsIn,
	relocateAnchor,
	removeLinks,
	utf8Offset,
} from './text/apply';

/** What the linker needs from WordPress, through the integration module. */
export interface LinkerWordPress {
	/** The post as WordPress holds it now, or null when the site cannot say. */
	currentPost(
		siteId: number,
		doc: { content_id: number | null; wp_post_id: number }
	): Promise< { content_html: string; content_hash: string } | null >;
	/** Answers the updated post; a post edited since answers `{ conflict }` with its current state. */
	applyLinks(
		siteId: number,
		wpPostId: number,
		body: BridgeLinksApply
	): Promise< { item: BridgePostItem } | { conflict: BridgePostItem } >;
	removeLinks(
		siteId: number,
		wpPostId: number,
		body: BridgeLinksRemove
	): Promise< BridgePostItem >;
}

/** What the publisher hears from the linker: a published content's post changed by links only. */
export interface LinkerPublisher {
	acknowledgeLinks(
		contentId: number,
		before: string,
		after: string
	): Promise< void >;
}

/** What the writer does for the linker: store a content's body with links changed. */
export interface LinkerWriter {
	replaceBody(
		accountId: number,
		contentId: number,
		expectedHtml: string,
		html: string
	): Promise< boolean >;
}

type PostRef = { content_id?: number; post_id?: number; site_id?: number };

type SuggestionRow = {
	id: string;
	source_id: number;
	target_id: number;
	anchor: string;
	context: string;
	paragraph: number;
	start_offset: number;
	end_offset: number;
	score: number;
	source_hash: string;
	status: 'open' | 'applied' | 'rejected';
};

const SUGGESTION_COLUMNS = `s.id, s.source_id::int AS source_id, s.target_id::int AS target_id, s.anchor,
	s.context, s.paragraph, s.start_offset, s.end_offset, s.score, s.source_hash, s.status`;

export const postOf = ( doc: {
	id: number;
	content_id: number | null;
	wp_post_id: number | null;
	title: string;
	url: string | null;
} ): LinkerPost => ( {
	document_id: doc.id,
	content_id: doc.content_id,
	post_id: doc.wp_post_id,
	title: doc.title,
	url: doc.url,
} );

/** One placement in a body: where, what to wrap, and its id. */
type Placement = { id: string; start: number; end: number; href: string };

export class LinkerService {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			store: LinkerStore;
			indexer: LinkerIndexer;
			wordpress: LinkerWordPress;
			writer: LinkerWriter;
			publisher: LinkerPublisher;
		}
	) {}

	/** The site a principal means: its own, or the one named (which must be the account's). */
	async siteOf(
		principal: Principal,
		requested?: number
	): Promise< number > {
		const siteId = narrowedSiteId( principal, requested );
		if ( siteId === undefined ) {
			throw new ValidationError( 'Invalid query.', {
				site_id: [ 'name the site (site_id)' ],
			} );
		}
		const [ site ] = await this.deps.sequelize.query< { id: number } >(
			'SELECT id FROM sites WHERE id = $1 AND account_id = $2',
			{
				bind: [ siteId, principal.account.id ],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! site ) {
			throw new ValidationError( 'Invalid query.', {
				site_id: [ `site ${ siteId } does not exist` ],
			} );
		}
		return siteId;
	}

	/** The indexed post a request names; indexes it first when the index has not seen it yet. */
	async resolve(
		principal: Principal,
		ref: PostRef
	): Promise< DocumentRow > {
		const { store, indexer, sequelize } = this.deps;
		if ( ref.content_id !== undefined ) {
			const filter = siteFilter( principal );
			const [ content ] = await sequelize.query< { site_id: number } >(
				`SELECT site_id::int AS site_id FROM content WHERE id = $1 AND account_id = $2
				 ${ filter.site_id !== undefined ? 'AND site_id = $3' : '' }`,
				{
					bind: [
						ref.content_id,
						principal.account.id,
						...( filter.site_id !== undefined
							? [ filter.site_id ]
							: [] ),
					],
					type: QueryTypes.SELECT,
				}
			);
			if ( ! content ) {
				throw new NotFoundError(
					`Content ${ ref.content_id } does not exist.`
				);
			}
			const key = {
				site_id: content.site_id,
				content_id: ref.content_id,
			};
			const found =
				( await store.find( key ) ) ??
				( ( await indexer.indexContent( ref.content_id ) ) !== null
					? await store.find( key )
					: null );
			if ( ! found ) {
				throw new NotFoundError(
					`Content ${ ref.content_id } does not exist.`
				);
			}
			return found;
		}
		const siteId = await this.siteOf( principal, ref.site_id );
		const wpPostId = ref.post_id!;
		const byPost =
			( await store.find( { site_id: siteId, wp_post_id: wpPostId } ) ) ??
			( await this.contentDocumentOf( siteId, wpPostId ) );
		if ( byPost ) {
			return byPost;
		}
		const id = await indexer.indexSitePost( siteId, wpPostId );
		const indexed =
			id !== null
				? ( await store.byIds( siteId, [ id ] ) ).get( id )
				: undefined;
		if ( ! indexed ) {
			throw new NotFoundError(
				`Post ${ wpPostId } is not in IGNY8's copy of the site yet: sync the site (Settings → Connection), then try again.`
			);
		}
		return indexed;
	}

	private async contentDocumentOf(
		siteId: number,
		wpPostId: number
	): Promise< DocumentRow | null > {
		const [ row ] = await this.deps.sequelize.query< { id: number } >(
			'SELECT id::int AS id FROM linker_documents WHERE site_id = $1 AND wp_post_id = $2 AND content_id IS NOT NULL LIMIT 1',
			{ bind: [ siteId, wpPostId ], type: QueryTypes.SELECT }
		);
		return row
			? ( ( await this.deps.store.byIds( siteId, [ row.id ] ) ).get(
					row.id
				) ?? null )
			: null;
	}

	/**
	 * A post's suggestions, best first: the links it could add (outbound:
	 * open and applied ones), or the posts that should link to it (inbound:
	 * open ones).
	 */
	async suggestionsFor(
		principal: Principal,
		ref: PostRef,
		limit: number,
		direction: 'outbound' | 'inbound'
	): Promise< LinkSuggestion[] > {
		const doc = await this.resolve( principal, ref );
		return this.suggestions(
			doc.site_id,
			direction === 'outbound'
				? "s.source_id = $2 AND s.status <> 'rejected'"
				: "s.target_id = $2 AND s.status = 'open'",
			doc.id,
			limit
		);
	}

	private async suggestions(
		siteId: number,
		where: string,
		documentId: number,
		limit: number
	): Promise< LinkSuggestion[] > {
		const rows = await this.deps.sequelize.query< SuggestionRow >(
			`SELECT ${ SUGGESTION_COLUMNS } FROM linker_suggestions s
			 WHERE s.site_id = $1 AND ${ where }
			 ORDER BY s.status = 'open' DESC, s.score DESC, s.id LIMIT $3`,
			{ bind: [ siteId, documentId, limit ], type: QueryTypes.SELECT }
		);
		return this.serialize( siteId, rows );
	}

	private async serialize(
		siteId: number,
		rows: SuggestionRow[]
	): Promise< LinkSuggestion[] > {
		const docs = await this.deps.store.byIds( siteId, [
			...new Set( rows.flatMap( ( r ) => [ r.source_id, r.target_id ] ) ),
		] );
		return rows.flatMap( ( row ) => {
			const source = docs.get( row.source_id );
			const target = docs.get( row.target_id );
			if ( ! source || ! target ) {
				return [];
			}
			return [
				{
					id: row.id,
					source: postOf( source ),
					target: postOf( target ),
					anchor: row.anchor,
					context: row.context,
					position: {
						paragraph: row.paragraph,
						start: row.start_offset,
						end: row.end_offset,
					},
					score: Number( Number( row.score ).toFixed( 4 ) ),
					status: row.status,
				},
			];
		} );
	}

	/**
	 * Puts suggestions into the post: the cloud's copy and, when the post is
	 * published, the WordPress post (through the bridge, which refuses if the
	 * post was edited since the cloud's copy; then the places are found again
	 * in WordPress's text, never written over). Applying again changes nothing.
	 */
	async apply(
		principal: Principal,
		body: PostRef & { suggestion_ids: string[] }
	): Promise< LinkerApplyResult > {
		const doc = await this.resolve( principal, body );
		const source = await this.deps.indexer.sourceOfDocument( doc );
		if ( ! source ) {
			throw new NotFoundError( 'The post is gone.' );
		}
		const ids = [ ...new Set( body.suggestion_ids ) ];
		const rows = await this.deps.sequelize.query< SuggestionRow >(
			`SELECT ${ SUGGESTION_COLUMNS } FROM linker_suggestions s
			 WHERE s.site_id = $1 AND s.source_id = $2 AND s.id = ANY($3::text[])`,
			{ bind: [ doc.site_id, doc.id, ids ], type: QueryTypes.SELECT }
		);
		const byId = new Map( rows.map( ( r ) => [ r.id, r ] ) );
		const targets = await this.deps.store.byIds(
			doc.site_id,
			rows.map( ( r ) => r.target_id )
		);
		const skipped: LinkerApplyResult[ 'skipped' ] = [];
		const wanted: SuggestionRow[] = [];
		for ( const id of ids ) {
			const row = byId.get( id );
			const target = row ? targets.get( row.target_id ) : undefined;
			if ( ! row ) {
				skipped.push( {
					id,
					reason: 'This suggestion is not (or no longer) one for this post: the post may have changed since. Load the suggestions again.',
				} );
			} else if ( row.status === 'rejected' ) {
				skipped.push( { id, reason: 'This suggestion was rejected.' } );
			} else if ( ! target?.linkable || ! target.url ) {
				skipped.push( {
					id,
					reason: 'The linked post is not published any more.',
				} );
			} else {
				wanted.push( row );
			}
		}
		const hrefOf = ( row: SuggestionRow ) =>
			targets.get( row.target_id )!.url!;

		// WordPress first: if it refuses, the cloud's copy stays as it was.
		let wordpress: LinkerApplyResult[ 'wordpress' ] = 'not_published';
		let appliedInWordPress: Set< string > | null = null;
		if ( doc.linkable && doc.wp_post_id !== null && wanted.length > 0 ) {
			const outcome = await this.applyInWordPress( doc, wanted, hrefOf );
			wordpress = outcome.changed ? 'updated' : 'unchanged';
			appliedInWordPress = outcome.applied;
		}

		const html = source.html;
		const present = new Set( linkIdsIn( html ) );
		const { placements, unplaced } = place(
			html,
			wanted.filter( ( row ) => ! present.has( row.id ) ),
			hrefOf,
			hashOf( `${ source.title }\n${ html }` )
		);
		const applied = new Set(
			wanted
				.filter( ( row ) => present.has( row.id ) )
				.map( ( r ) => r.id )
		);
		if ( placements.length > 0 && doc.content_id !== null ) {
			const stored = await this.deps.writer.replaceBody(
				principal.account.id,
				doc.content_id,
				html,
				insertLinks( html, placements )
			);
			if ( ! stored ) {
				throw new ApiError(
					'conflict',
					'The post was saved while the links were being added; nothing was changed in IGNY8. Try again.'
				);
			}
		}
		for ( const p of placements ) {
			applied.add( p.id );
		}
		if ( doc.content_id === null ) {
			// A WordPress post IGNY8 did not write: WordPress's answer is its copy.
			for ( const id of appliedInWordPress ?? [] ) {
				applied.add( id );
			}
			unplaced.forEach( ( id ) => {
				if ( appliedInWordPress?.has( id ) ) {
					unplaced.delete( id );
				}
			} );
		}
		for ( const id of unplaced ) {
			if ( ! applied.has( id ) ) {
				skipped.push( {
					id,
					reason: 'The text changed since this was suggested and the anchor is no longer in a place a link can go.',
				} );
			}
		}
		if ( applied.size > 0 ) {
			await this.deps.sequelize.query(
				`UPDATE linker_suggestions SET status = 'applied', updated_at = NOW()
				 WHERE source_id = $1 AND id = ANY($2::text[])`,
				{ bind: [ doc.id, [ ...applied ] ] }
			);
		}
		await this.reindex( doc );
		return { applied: [ ...applied ], skipped, wordpress };
	}

	/**
	 * Adds the links to the WordPress post. The places are found in the text
	 * WordPress has (which may differ from IGNY8's copy), sent with that
	 * text's hash; a post edited in between is refused by the plugin and
	 * looked at once more in its new text.
	 */
	private async applyInWordPress(
		doc: DocumentRow,
		rows: SuggestionRow[],
		hrefOf: ( row: SuggestionRow ) => string
	): Promise< { changed: boolean; applied: Set< string > } > {
		const { wordpress } = this.deps;
		let current = await wordpress.currentPost( doc.site_id, {
			content_id: doc.content_id,
			wp_post_id: doc.wp_post_id!,
		} );
		for ( let attempt = 0; current && attempt < 2; attempt++ ) {
			const present = new Set( linkIdsIn( current.content_html ) );
			const { placements } = place(
				current.content_html,
				rows.filter( ( row ) => ! present.has( row.id ) ),
				hrefOf,
				null
			);
			const applied = new Set( [
				...rows
					.filter( ( r ) => present.has( r.id ) )
					.map( ( r ) => r.id ),
				...placements.map( ( p ) => p.id ),
			] );
			if ( placements.length === 0 ) {
				return { changed: false, applied };
			}
			const answer = await wordpress.applyLinks(
				doc.site_id,
				doc.wp_post_id!,
				{
					expected_hash: current.content_hash,
					links: placements.map( ( p ) => ( {
						id: p.id,
						href: p.href,
						anchor: current!.content_html.slice( p.start, p.end ),
						start: utf8Offset( current!.content_html, p.start ),
						end: utf8Offset( current!.content_html, p.end ),
					} ) ),
				}
			);
			if ( 'item' in answer ) {
				if ( doc.content_id !== null ) {
					await this.deps.publisher.acknowledgeLinks(
						doc.content_id,
						current.content_hash,
						answer.item.content_hash
					);
				}
				return { changed: true, applied };
			}
			current = {
				content_html: answer.conflict.content_html,
				content_hash: answer.conflict.content_hash,
			};
		}
		throw new ApiError(
			'conflict',
			current
				? 'The post keeps changing in WordPress; nothing was changed. Try again in a moment.'
				: 'WordPress did not say what the post holds now; nothing was changed. Check the connection and try again.'
		);
	}

	async reject(
		principal: Principal,
		suggestionIds: string[]
	): Promise< { rejected: string[] } > {
		const filter = siteFilter( principal );
		const rows = await this.deps.sequelize.query< { id: string } >(
			`UPDATE linker_suggestions SET status = 'rejected', updated_at = NOW()
			 WHERE account_id = $1 AND id = ANY($2::text[]) AND status = 'open'
			 ${ filter.site_id !== undefined ? 'AND site_id = $3' : '' }
			 RETURNING id`,
			{
				bind: [
					principal.account.id,
					[ ...new Set( suggestionIds ) ],
					...( filter.site_id !== undefined
						? [ filter.site_id ]
						: [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return { rejected: rows.map( ( r ) => r.id ) };
	}

	/** Takes out links IGNY8 added (all of them when no ids are named). */
	async remove(
		principal: Principal,
		body: PostRef & { link_ids?: string[] }
	): Promise< LinkerRemoveResult > {
		const doc = await this.resolve( principal, body );
		const source = await this.deps.indexer.sourceOfDocument( doc );
		if ( ! source ) {
			throw new NotFoundError( 'The post is gone.' );
		}
		let wordpress: LinkerRemoveResult[ 'wordpress' ] = 'not_published';
		const removed = new Set< string >();
		if ( doc.linkable && doc.wp_post_id !== null ) {
			const current = await this.deps.wordpress.currentPost(
				doc.site_id,
				{
					content_id: doc.content_id,
					wp_post_id: doc.wp_post_id,
				}
			);
			const inWordPress = current
				? linkIdsIn( current.content_html ).filter(
						( id ) =>
							! body.link_ids || body.link_ids.includes( id )
					)
				: [];
			if ( inWordPress.length > 0 ) {
				const item = await this.deps.wordpress.removeLinks(
					doc.site_id,
					doc.wp_post_id,
					body.link_ids ? { ids: body.link_ids } : {}
				);
				if ( doc.content_id !== null && current ) {
					await this.deps.publisher.acknowledgeLinks(
						doc.content_id,
						current.content_hash,
						item.content_hash
					);
				}
				inWordPress.forEach( ( id ) => removed.add( id ) );
				wordpress = 'updated';
			} else {
				wordpress = 'unchanged';
			}
		}
		if ( doc.content_id !== null ) {
			const out = removeLinks( source.html, body.link_ids );
			if ( out.removed.length > 0 ) {
				const stored = await this.deps.writer.replaceBody(
					principal.account.id,
					doc.content_id,
					source.html,
					out.html
				);
				if ( ! stored ) {
					throw new ApiError(
						'conflict',
						'The post was saved while the links were being removed. Try again.'
					);
				}
				out.removed.forEach( ( id ) => removed.add( id ) );
			}
		}
		if ( removed.size > 0 ) {
			// Removed links may be suggested again.
			await this.deps.sequelize.query(
				`UPDATE linker_suggestions SET status = 'open', updated_at = NOW()
				 WHERE source_id = $1 AND id = ANY($2::text[]) AND status = 'applied'`,
				{ bind: [ doc.id, [ ...removed ] ] }
			);
		}
		await this.reindex( doc );
		return { removed: [ ...removed ], wordpress };
	}

	private async reindex( doc: DocumentRow ): Promise< void > {
		if ( doc.content_id !== null ) {
			await this.deps.indexer.indexContent( doc.content_id );
		} else {
			await this.deps.indexer.indexSitePost(
				doc.site_id,
				doc.wp_post_id!
			);
		}
	}

	/** The site's link graph: counts, orphans, broken links and links to old addresses. */
	async report(
		principal: Principal,
		siteIdAsked?: number
	): Promise< LinkerReport > {
		const siteId = await this.siteOf( principal, siteIdAsked );
		const { sequelize } = this.deps;
		const [ totals ] = await sequelize.query<
			Record< string, number | Date | null >
		>(
			`SELECT
			   (SELECT count(*)::int FROM linker_documents WHERE site_id = $1) AS posts,
			   (SELECT count(*)::int FROM linker_links l JOIN linker_documents s ON s.id = l.source_id
			      WHERE l.site_id = $1 AND l.to_site_id IS NULL AND s.linkable) AS internal_links,
			   (SELECT count(*)::int FROM linker_suggestions WHERE site_id = $1 AND status = 'open') AS open_suggestions,
			   (SELECT max(indexed_at) FROM linker_documents WHERE site_id = $1) AS indexed_at`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		const orphans = await sequelize.query< DocumentRow >(
			`SELECT d.id::int AS id, d.content_id::int AS content_id, d.wp_post_id::int AS wp_post_id, d.title, d.url
			 FROM linker_documents d
			 WHERE d.site_id = $1 AND d.linkable AND NOT EXISTS (
			   SELECT 1 FROM linker_links l JOIN linker_documents s ON s.id = l.source_id AND s.linkable
			   WHERE l.site_id = d.site_id AND l.to_site_id IS NULL AND l.path = d.path AND l.source_id <> d.id)
			 ORDER BY d.title, d.id`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		const problems = await this.problemLinks( siteId );
		const broken = problems.filter( ( l ) => l.state !== 'redirect' );
		const redirects = problems.filter( ( l ) => l.state === 'redirect' );
		const LIST = 200;
		return {
			site_id: siteId,
			totals: {
				posts: Number( totals?.posts ?? 0 ),
				internal_links: Number( totals?.internal_links ?? 0 ),
				orphans: orphans.length,
				broken: broken.length,
				redirects: redirects.length,
				open_suggestions: Number( totals?.open_suggestions ?? 0 ),
			},
			orphans: orphans.slice( 0, LIST ).map( postOf ),
			broken: broken.slice( 0, LIST ),
			redirects: redirects.slice( 0, LIST ),
			indexed_at: totals?.indexed_at
				? new Date( totals.indexed_at as Date ).toISOString()
				: null,
		};
	}

	/**
	 * Per site of the account (or of one), the figures report() gives one
	 * site — posts indexed, orphans, broken links (missing or unpublished
	 * targets; links to an old address that redirects are not broken) — in
	 * one grouped statement. Sites the linker never indexed are absent.
	 */
	async healthBySite(
		accountId: number,
		siteId?: number
	): Promise<
		Map< number, { posts: number; orphans: number; broken: number } >
	> {
		const oneSite = siteId !== undefined;
		const rows = await this.deps.sequelize.query< {
			site_id: number;
			posts: number;
			orphans: number;
			broken: number;
		} >(
			// Joins, not correlated subqueries: planned as hash joins over the
			// account's rows (a per-row subplan's cost estimate also woke the JIT,
			// which alone took longer than the query).
			`WITH links AS (
			   SELECT l.site_id, l.source_id, l.path
			   FROM linker_links l JOIN linker_documents s ON s.id = l.source_id AND s.linkable
			   WHERE s.account_id = $1 AND l.to_site_id IS NULL ${ oneSite ? 'AND l.site_id = $2' : '' }
			 ), linked AS (
			   -- Posts another published post links to.
			   SELECT DISTINCT t.id
			   FROM links l JOIN linker_documents t ON t.site_id = l.site_id AND t.path = l.path AND t.id <> l.source_id
			 ), moved AS (
			   -- Old addresses of published posts: WordPress redirects them.
			   SELECT DISTINCT r.site_id, unnest(r.previous_paths) AS path
			   FROM linker_documents r
			   WHERE r.account_id = $1 AND r.linkable AND r.previous_paths <> '{}' ${ oneSite ? 'AND r.site_id = $2' : '' }
			 ), docs AS (
			   SELECT d.site_id, count(*)::int AS posts,
			     count(*) FILTER (WHERE d.linkable AND linked.id IS NULL)::int AS orphans
			   FROM linker_documents d LEFT JOIN linked ON linked.id = d.id
			   WHERE d.account_id = $1 ${ oneSite ? 'AND d.site_id = $2' : '' }
			   GROUP BY d.site_id
			 ), broken AS (
			   -- problemLinks()' join, less the links whose target moved to a published post.
			   SELECT l.site_id, count(*)::int AS broken
			   FROM links l
			   LEFT JOIN linker_documents t ON t.site_id = l.site_id AND t.path = l.path
			   LEFT JOIN moved m ON t.id IS NULL AND m.site_id = l.site_id AND m.path = l.path
			   WHERE (t.id IS NULL OR NOT t.linkable) AND m.path IS NULL
			   GROUP BY l.site_id
			 )
			 SELECT docs.site_id::int AS site_id, docs.posts, docs.orphans, COALESCE(broken.broken, 0)::int AS broken
			 FROM docs LEFT JOIN broken ON broken.site_id = docs.site_id`,
			{
				bind: [ accountId, ...( oneSite ? [ siteId ] : [] ) ],
				type: QueryTypes.SELECT,
			}
		);
		return new Map(
			rows.map( ( { site_id: site, ...figures } ) => [ site, figures ] )
		);
	}

	/** Internal links from published posts whose address is no published post. */
	private async problemLinks( siteId: number ): Promise< LinkerLink[] > {
		const rows = await this.deps.sequelize.query< {
			href: string;
			anchor: string;
			igny8_link_id: string | null;
			s_id: number;
			s_content: number | null;
			s_post: number | null;
			s_title: string;
			s_url: string | null;
			t_id: number | null;
			t_content: number | null;
			t_post: number | null;
			t_title: string | null;
			t_url: string | null;
			t_linkable: boolean | null;
			moved: boolean;
		} >(
			`SELECT l.href, l.anchor, l.igny8_link_id,
			   s.id::int AS s_id, s.content_id::int AS s_content, s.wp_post_id::int AS s_post, s.title AS s_title, s.url AS s_url,
			   COALESCE(t.id, r.id)::int AS t_id, COALESCE(t.content_id, r.content_id)::int AS t_content,
			   COALESCE(t.wp_post_id, r.wp_post_id)::int AS t_post, COALESCE(t.title, r.title) AS t_title,
			   COALESCE(t.url, r.url) AS t_url, COALESCE(t.linkable, r.linkable) AS t_linkable, (t.id IS NULL) AS moved
			 FROM linker_links l
			 JOIN linker_documents s ON s.id = l.source_id AND s.linkable
			 LEFT JOIN linker_documents t ON t.site_id = l.site_id AND t.path = l.path
			 LEFT JOIN LATERAL (
			   SELECT d.id, d.content_id, d.wp_post_id, d.title, d.url, d.linkable FROM linker_documents d
			   WHERE d.site_id = l.site_id AND d.previous_paths @> ARRAY[l.path]::text[]
			   ORDER BY d.linkable DESC, d.id LIMIT 1
			 ) r ON t.id IS NULL
			 WHERE l.site_id = $1 AND l.to_site_id IS NULL AND (t.id IS NULL OR NOT t.linkable)
			 ORDER BY s.title, l.id`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		return rows.map( ( r ) => ( {
			source: postOf( {
				id: r.s_id,
				content_id: r.s_content,
				wp_post_id: r.s_post,
				title: r.s_title,
				url: r.s_url,
			} ),
			href: r.href,
			anchor: r.anchor,
			igny8_link_id: r.igny8_link_id,
			state:
				r.t_id === null
					? 'missing'
					: ! r.t_linkable
						? 'unpublished'
						: r.moved
							? 'redirect'
							: 'ok',
			target:
				r.t_id === null
					? null
					: postOf( {
							id: r.t_id,
							content_id: r.t_content,
							wp_post_id: r.t_post,
							title: r.t_title ?? '',
							url: r.t_url,
						} ),
		} ) );
	}

	/** The index's posts with their counts, as a list page. */
	async posts(
		principal: Principal,
		req: Request,
		query: {
			site_id?: number;
			filter: 'all' | 'orphans' | 'with_suggestions';
			page: number;
			page_size: number;
			ordering?: string;
			search?: string;
		}
	): Promise< ListPage< LinkerPostRow > > {
		// Like every list: a confined caller gets its site; an account user the one named, or all.
		const siteId =
			query.site_id === undefined && principal.kind === 'user'
				? undefined
				: await this.siteOf( principal, query.site_id );
		const conditions = [ 'd.account_id = $1' ];
		const bind: unknown[] = [ principal.account.id ];
		if ( siteId !== undefined ) {
			bind.push( siteId );
			conditions.push( `d.site_id = $${ bind.length }` );
		}
		if ( query.search ) {
			bind.push( containsPattern( query.search ) );
			conditions.push( `d.title ILIKE $${ bind.length }` );
		}
		if ( query.filter === 'orphans' ) {
			conditions.push( 'd.linkable AND c.inbound = 0' );
		} else if ( query.filter === 'with_suggestions' ) {
			conditions.push( 'c.open_suggestions > 0' );
		}
		const order = orderBySql(
			query.ordering,
			{
				orderingFields: [
					'title',
					'inbound',
					'outbound',
					'open_suggestions',
					'id',
				],
				searchFields: [],
				defaultOrdering: 'title',
			},
			'r',
			( field ) => field === 'title'
		);
		const base = `
			FROM linker_documents d
			CROSS JOIN LATERAL (SELECT
			  (SELECT count(*)::int FROM linker_links l JOIN linker_documents s ON s.id = l.source_id AND s.linkable
			     WHERE l.site_id = d.site_id AND l.to_site_id IS NULL AND l.path = d.path AND l.source_id <> d.id) AS inbound,
			  (SELECT count(*)::int FROM linker_links l WHERE l.source_id = d.id AND l.to_site_id IS NULL) AS outbound,
			  (SELECT count(*)::int FROM linker_suggestions x WHERE x.source_id = d.id AND x.status = 'open') AS open_suggestions
			) c
			WHERE ${ conditions.join( ' AND ' ) }`;
		const [ counted ] = await this.deps.sequelize.query< { n: number } >(
			`SELECT count(*)::int AS n ${ base }`,
			{ bind, type: QueryTypes.SELECT }
		);
		const offset = ( query.page - 1 ) * query.page_size;
		const rows = await this.deps.sequelize.query<
			LinkerPostRow & { id: number }
		>(
			`SELECT * FROM (
			   SELECT d.id::int AS id, d.id::int AS document_id, d.site_id::int AS site_id, d.content_id::int AS content_id,
			     d.wp_post_id::int AS post_id, d.title, d.url, d.status, d.post_type,
			     c.inbound, c.outbound, c.open_suggestions
			   ${ base }) r
			 ORDER BY ${ order }
			 LIMIT ${ query.page_size } OFFSET ${ offset }`,
			{ bind, type: QueryTypes.SELECT }
		);
		const count = counted?.n ?? 0;
		return {
			count,
			next:
				offset + rows.length < count
					? pageUrl( req, query.page + 1 )
					: null,
			previous: query.page > 1 ? pageUrl( req, query.page - 1 ) : null,
			results: rows.map( ( { id: _id, ...row } ) => row ),
		};
	}

	/** Every site of the account: links between them, and posts competing for one keyword. */
	async graph( principal: Principal ): Promise< LinkerGraph > {
		const { sequelize } = this.deps;
		const accountId = principal.account.id;
		const filter = siteFilter( principal );
		const siteCondition =
			filter.site_id !== undefined
				? `AND d.site_id = ${ Number( filter.site_id ) }`
				: '';
		const sites = await sequelize.query< LinkerGraph[ 'sites' ][ number ] >(
			`SELECT d.site_id::int AS site_id, count(*)::int AS posts,
			   (SELECT count(*)::int FROM linker_links l WHERE l.site_id = d.site_id AND l.to_site_id IS NULL) AS internal_links
			 FROM linker_documents d WHERE d.account_id = $1 ${ siteCondition }
			 GROUP BY d.site_id ORDER BY d.site_id`,
			{ bind: [ accountId ], type: QueryTypes.SELECT }
		);
		const crossSite = await sequelize.query<
			LinkerGraph[ 'cross_site' ][ number ]
		>(
			`SELECT l.site_id::int AS from_site_id, l.to_site_id::int AS to_site_id, count(*)::int AS links
			 FROM linker_links l JOIN linker_documents d ON d.id = l.source_id
			 WHERE d.account_id = $1 AND l.to_site_id IS NOT NULL ${ siteCondition }
			 GROUP BY 1, 2 ORDER BY 1, 2`,
			{ bind: [ accountId ], type: QueryTypes.SELECT }
		);
		const competing = await sequelize.query< {
			keyword: string;
			cluster_id: number | null;
			posts: Array< LinkerPost & { site_id: number } >;
		} >(
			`SELECT d.main_keyword AS keyword, min(d.cluster_id)::int AS cluster_id,
			   json_agg(json_build_object('document_id', d.id, 'content_id', d.content_id, 'post_id', d.wp_post_id,
			     'title', d.title, 'url', d.url, 'site_id', d.site_id) ORDER BY d.id) AS posts
			 FROM linker_documents d
			 WHERE d.account_id = $1 AND d.main_keyword IS NOT NULL ${ siteCondition }
			 GROUP BY d.main_keyword HAVING count(*) > 1
			 ORDER BY count(*) DESC, d.main_keyword LIMIT 200`,
			{ bind: [ accountId ], type: QueryTypes.SELECT }
		);
		return { sites, cross_site: crossSite, cannibalization: competing };
	}
}

/**
 * Where each suggestion goes in a body: its stored place when the body is
 * the one it was found in, else the same anchor found again. Overlapping
 * places keep the first.
 */
function place(
	html: string,
	rows: SuggestionRow[],
	hrefOf: ( row: SuggestionRow ) => string,
	bodyHash: string | null
): { placements: Placement[]; unplaced: Set< string > } {
	const placements: Placement[] = [];
	const unplaced = new Set< string >();
	for ( const row of rows ) {
		const same =
			bodyHash === row.source_hash &&
			html.slice( row.start_offset, row.end_offset ) === row.anchor;
		const at = same
			? { start: row.start_offset, end: row.end_offset }
			: relocateAnchor( html, row.anchor, {
					paragraph: row.paragraph,
					context: row.context,
				} );
		if (
			! at ||
			placements.some( ( p ) => at.start < p.end && p.start < at.end )
		) {
			unplaced.add( row.id );
			continue;
		}
		placements.push( {
			id: row.id,
			start: at.start,
			end: at.end,
			href: hrefOf( row ),
		} );
	}
	return { placements, unplaced };
}

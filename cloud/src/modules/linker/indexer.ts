import { QueryTypes, type Sequelize } from 'sequelize';
import type { DomainEvent, Subscriber } from '../../domain-events';
import type { Logger } from '../../logger';
import type { LinkerSettingsStore } from './settings';
import type { PostSources } from './sources';
import { linksOf, suggestionRows, type SourcePost } from './placement';
import type { DocumentRow, LinkerStore } from './store';
import { profileDocument } from './text/profile';
import { inboundFor, suggestLinks, type Placement } from './text/suggest';

/** Sources that should link to a newly published post, looked at per event. */
const INBOUND_SOURCES = 50;

/**
 * Keeps the index and the suggestions drawn from it current: one post at a
 * time from domain events (content saved or published, site posts synced),
 * or a whole site in a rebuild. Suggestions are stored, so reading them is a
 * lookup; a post's own suggestions are recomputed when its text changes, and
 * the posts that should link to a post get theirs when it is published.
 */
export class LinkerIndexer {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			store: LinkerStore;
			sources: PostSources;
			settings: LinkerSettingsStore;
			logger: Logger;
		}
	) {}

	/** The subscriber that keeps the index current (wired in services.ts). */
	subscriber(): Subscriber {
		return {
			name: 'linker.index',
			types: [
				'content.saved',
				'content.published',
				'site_posts.changed',
			],
			handle: ( event ) => this.onEvent( event ),
		};
	}

	private async onEvent( event: DomainEvent ): Promise< void > {
		const payload = event.payload;
		if ( event.type === 'site_posts.changed' ) {
			const siteId = Number( payload.site_id );
			const ids = Array.isArray( payload.wp_post_ids )
				? payload.wp_post_ids.map( Number )
				: [];
			for ( const wpPostId of ids ) {
				await this.indexSitePost( siteId, wpPostId );
			}
			return;
		}
		const contentId = Number( payload.content_id );
		if ( Number.isInteger( contentId ) && contentId > 0 ) {
			await this.indexContent( contentId );
		}
	}

	async indexContent( contentId: number ): Promise< number | null > {
		const source = await this.deps.sources.content( contentId );
		if ( ! source ) {
			return null;
		}
		return this.index( source );
	}

	async indexSitePost(
		siteId: number,
		wpPostId: number
	): Promise< number | null > {
		const contentId = await this.deps.sources.contentOfPost(
			siteId,
			wpPostId
		);
		if ( contentId !== null ) {
			// IGNY8 content stands for this post: its address may be news.
			return this.indexContent( contentId );
		}
		const source = await this.deps.sources.sitePost( siteId, wpPostId );
		if ( ! source ) {
			await this.deps.store.remove( {
				site_id: siteId,
				wp_post_id: wpPostId,
			} );
			return null;
		}
		return this.index( source );
	}

	/** Indexes one post; when it changed, refreshes what depends on it. */
	async index(
		source: SourcePost,
		options: {
			/** False: only the index (a rebuild suggests once every post is in). */
			suggest?: boolean;
		} = {}
	): Promise< number > {
		const sites = await this.deps.sources.sitesOfAccount(
			source.account_id
		);
		const profile = profileDocument( {
			title: source.title,
			html: source.html,
			keywords: source.keywords,
			locale: source.locale ?? undefined,
		} );
		const links = linksOf( source, sites );
		const { id, changed } = await this.deps.store.upsert(
			source,
			profile,
			links
		);
		if ( changed && options.suggest !== false ) {
			await this.refreshOutbound( source, id );
			if ( source.linkable ) {
				await this.refreshInbound( source.site_id, id );
			}
		}
		return id;
	}

	/** Recomputes a post's outbound suggestions from its current text. */
	async refreshOutbound( source: SourcePost, documentId: number ) {
		const { store, settings } = this.deps;
		const caps = await settings.caps( source.site_id );
		const corpus = store.corpus( source.site_id );
		const profile = profileDocument( {
			title: source.title,
			html: source.html,
			keywords: source.keywords,
			locale: source.locale ?? undefined,
		} );
		await corpus.prime( Object.keys( profile.terms ) );
		const linkedTargets = await this.linkedTargets( documentId );
		const placements = await suggestLinks(
			{
				id: documentId,
				html: source.html,
				locale: source.locale ?? undefined,
				profile,
				linkedTargets,
			},
			corpus,
			caps
		);
		await this.saveSuggestions( source, documentId, placements, null );
	}

	/** Adds the suggestions of the posts that should link to this one. */
	async refreshInbound( siteId: number, targetId: number ) {
		const { store, settings } = this.deps;
		const caps = await settings.caps( siteId );
		const corpus = store.corpus( siteId );
		const target = ( await store.byIds( siteId, [ targetId ] ) ).get(
			targetId
		);
		if ( ! target || ! target.linkable ) {
			return;
		}
		const loaded = new Map< number, SourcePost >();
		const placements = await inboundFor(
			{
				id: target.id,
				title: target.title,
				url: target.url,
				inbound: 0,
				linkable: true,
				profile: {
					terms: target.terms,
					phrases: target.phrases,
					length: target.length,
					stems: [],
				},
			},
			corpus,
			caps,
			async ( id ) => {
				const source = await this.sourceOf( siteId, id );
				if ( source ) {
					loaded.set( id, source );
				}
				const html = source?.html ?? '';
				const profile = profileDocument( {
					title: source?.title ?? '',
					html,
					keywords: source?.keywords ?? [],
					locale: source?.locale ?? undefined,
				} );
				return {
					html,
					profile,
					linkedTargets: await this.linkedTargets( id ),
				};
			},
			INBOUND_SOURCES
		);
		for ( const placement of placements ) {
			const source = loaded.get( placement.sourceId );
			if ( source ) {
				await this.saveSuggestions(
					source,
					placement.sourceId,
					[ placement ],
					targetId
				);
			}
		}
	}

	/** The post a document stands for, read fresh from its owner's rows. */
	async sourceOf(
		siteId: number,
		documentId: number
	): Promise< SourcePost | null > {
		const doc = (
			await this.deps.store.byIds( siteId, [ documentId ] )
		).get( documentId );
		if ( ! doc ) {
			return null;
		}
		return this.sourceOfDocument( doc );
	}

	sourceOfDocument( doc: DocumentRow ): Promise< SourcePost | null > {
		return doc.content_id !== null
			? this.deps.sources.content( doc.content_id )
			: this.deps.sources.sitePost( doc.site_id, doc.wp_post_id! );
	}

	/** Documents a post links to already (by address). */
	private async linkedTargets(
		documentId: number
	): Promise< Set< number > > {
		const rows = await this.deps.sequelize.query< { id: number } >(
			`SELECT DISTINCT t.id::int AS id FROM linker_links l
			 JOIN linker_documents t ON t.site_id = l.site_id AND t.path = l.path
			 WHERE l.source_id = $1 AND l.to_site_id IS NULL`,
			{ bind: [ documentId ], type: QueryTypes.SELECT }
		);
		return new Set( rows.map( ( row ) => row.id ) );
	}

	/**
	 * Stores placements as suggestions; open ones of the source (of one
	 * target only, when `onlyTarget` is set) that the new set no longer has go.
	 */
	private async saveSuggestions(
		source: SourcePost,
		sourceId: number,
		placements: Placement[],
		onlyTarget: number | null
	): Promise< void > {
		await this.deps.store.writeSuggestions(
			suggestionRows( source, sourceId, placements ),
			{ sourceId, onlyTarget }
		);
	}
}

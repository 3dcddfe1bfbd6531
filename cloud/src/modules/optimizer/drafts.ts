import { QueryTypes, type Sequelize } from 'sequelize';
import { analyze, type AnalysisInput, type AnalysisResult } from './analysis';

/** A saved draft as the analysis needs it, with where it lives. */
export type Draft = {
	content_id: number;
	account_id: number;
	site_id: number;
	revision: number;
	title: string;
	/** The SEO title when the writer set one, else the title. */
	seo_title: string;
	html: string;
	meta_description: string;
	keyphrase: string;
	slug: string;
	entity_type: string;
	wp_post_id: number | null;
};

/** The site facts every analysis needs: its address (internal vs outbound links) and language. */
export type SiteFacts = { site_url: string | null; locale: string };

const DEFAULT_LOCALE = 'en_US';

/**
 * WordPress's slug for a title (sanitize_title, reduced): what the post's
 * address will say when the writer sets none.
 */
export function slugOf( title: string ): string {
	return title
		.normalize( 'NFKD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase()
		.replace( /[^\p{L}\p{N}]+/gu, '-' )
		.replace( /^-+|-+$/g, '' );
}

/** The last path segment of a post address, which is its slug under every pretty permalink structure. */
function slugOfUrl( url: string | null ): string | null {
	if ( ! url ) {
		return null;
	}
	try {
		const segments = new URL( url ).pathname.split( '/' ).filter( Boolean );
		const last = segments.at( -1 );
		return last ? decodeURIComponent( last ) : null;
	} catch {
		return null;
	}
}

/**
 * Reads what the optimizer analyzes: the writer's drafts, the site's
 * address and locale, and the other posts that already target a keyphrase.
 * Reads only; the tables belong to the writer, tenancy and integration.
 */
export class DraftReader {
	constructor( private readonly sequelize: Sequelize ) {}

	/** A draft of the account (and of the site, for a confined caller), or null. */
	async draft(
		accountId: number,
		contentId: number,
		siteId?: number
	): Promise< Draft | null > {
		const [ row ] = await this.sequelize.query<
			Omit< Draft, 'keyphrase' | 'slug' | 'seo_title' > & {
				focus: string | null;
				meta_title: string | null;
				slug_attr: string | null;
				target_keywords: string[] | null;
				url: string | null;
			}
		>(
			`SELECT c.id::int AS content_id, c.account_id::int AS account_id, c.site_id::int AS site_id,
			   c.revision, c.title, c.content_html AS html, c.meta_description, c.entity_type,
			   CASE WHEN c.external_id ~ '^[0-9]{1,18}$' THEN c.external_id::bigint END AS wp_post_id,
			   c.attributes->>'focus_keyphrase' AS focus, c.attributes->>'meta_title' AS meta_title,
			   c.attributes->>'slug' AS slug_attr, t.target_keywords, pr.post_url AS url
			 FROM content c
			 LEFT JOIN tasks t ON t.id = c.task_id
			 LEFT JOIN publishing_records pr ON pr.content_id = c.id
			 WHERE c.id = $1 AND c.account_id = $2 ${ siteId !== undefined ? 'AND c.site_id = $3' : '' }`,
			{
				bind: [
					contentId,
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		if ( ! row ) {
			return null;
		}
		const {
			focus,
			meta_title: metaTitle,
			slug_attr: slugAttr,
			target_keywords: keywords,
			url,
			...draft
		} = row;
		return {
			...draft,
			wp_post_id:
				draft.wp_post_id === null ? null : Number( draft.wp_post_id ),
			seo_title: metaTitle?.trim() || draft.title,
			// The writer's focus keyphrase; else what the task was written for.
			keyphrase: focus?.trim() || keywords?.[ 0 ]?.trim() || '',
			slug: slugAttr?.trim() || slugOfUrl( url ) || slugOf( draft.title ),
		};
	}

	async site( siteId: number ): Promise< SiteFacts > {
		const [ row ] = await this.sequelize.query< {
			site_url: string | null;
			locale: string | null;
		} >(
			`SELECT s.wordpress_url AS site_url, si.config_json->'structure'->>'locale' AS locale
			 FROM sites s
			 LEFT JOIN site_integrations si ON si.site_id = s.id AND si.platform = 'wordpress'
			 WHERE s.id = $1`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		return {
			site_url: row?.site_url ?? null,
			locale: row?.locale || DEFAULT_LOCALE,
		};
	}

	/**
	 * What the Linker's index says of a post (named by its content, else by
	 * its WordPress id): the site's posts linking to it once it is published,
	 * and the links it could add. Null when the index has not seen it.
	 */
	async linkerFacts(
		siteId: number,
		ref: { content_id?: number; wp_post_id?: number }
	): Promise< AnalysisInput[ 'linker' ] > {
		if ( ref.content_id === undefined && ref.wp_post_id === undefined ) {
			return null;
		}
		const [ row ] = await this.sequelize.query< {
			inbound: number;
			suggestions: number;
			linkable: boolean;
		} >(
			`SELECT d.linkable,
			   (SELECT count(DISTINCT l.source_id)::int FROM linker_links l
			      JOIN linker_documents s ON s.id = l.source_id AND s.linkable
			     WHERE l.site_id = d.site_id AND l.to_site_id IS NULL AND l.path = d.path AND l.source_id <> d.id) AS inbound,
			   (SELECT count(*)::int FROM linker_suggestions x WHERE x.source_id = d.id AND x.status = 'open') AS suggestions
			 FROM linker_documents d
			 WHERE d.site_id = $1 AND ${ ref.content_id !== undefined ? 'd.content_id = $2' : 'd.content_id IS NULL AND d.wp_post_id = $2' }
			 LIMIT 1`,
			{
				bind: [ siteId, ref.content_id ?? ref.wp_post_id ],
				type: QueryTypes.SELECT,
			}
		);
		return row
			? {
					inbound: row.linkable ? row.inbound : null,
					suggestions: row.suggestions,
				}
			: null;
	}

	/**
	 * The site's other IGNY8 posts whose focus keyphrase (or, without one,
	 * the first keyword of their task) is this keyphrase, ignoring case:
	 * Yoast's "previously used keyphrase". The post being analyzed is left
	 * out by its content id or its WordPress post id.
	 */
	async previousUses(
		siteId: number,
		keyphrase: string,
		except: { content_id?: number; wp_post_id?: number }
	): Promise< AnalysisInput[ 'previousUses' ] > {
		if ( ! keyphrase.trim() ) {
			return [];
		}
		return this.sequelize.query< { title: string; url: string | null } >(
			`SELECT c.title, pr.post_url AS url
			 FROM content c
			 LEFT JOIN tasks t ON t.id = c.task_id
			 LEFT JOIN publishing_records pr ON pr.content_id = c.id
			 WHERE c.site_id = $1
			   AND lower(trim(COALESCE(NULLIF(trim(c.attributes->>'focus_keyphrase'), ''), t.target_keywords->>0, ''))) = lower(trim($2))
			   AND c.id <> $3 AND ($4::text IS NULL OR c.external_id IS DISTINCT FROM $4)
			 ORDER BY c.id LIMIT 10`,
			{
				bind: [
					siteId,
					keyphrase,
					except.content_id ?? 0,
					except.wp_post_id !== undefined
						? String( except.wp_post_id )
						: null,
				],
				type: QueryTypes.SELECT,
			}
		);
	}
}

/** The analysis of a draft as saved: what history keeps and what a fix starts from. */
export async function analyzeDraft(
	drafts: DraftReader,
	draft: Draft
): Promise< AnalysisResult > {
	const [ site, previousUses, linker ] = await Promise.all( [
		drafts.site( draft.site_id ),
		drafts.previousUses( draft.site_id, draft.keyphrase, {
			content_id: draft.content_id,
			wp_post_id: draft.wp_post_id ?? undefined,
		} ),
		drafts.linkerFacts( draft.site_id, { content_id: draft.content_id } ),
	] );
	return analyze( {
		html: draft.html,
		title: draft.seo_title,
		keyphrase: draft.keyphrase,
		synonyms: [],
		metaDescription: draft.meta_description,
		slug: draft.slug,
		locale: site.locale,
		siteUrl: site.site_url,
		previousUses,
		linker,
	} );
}

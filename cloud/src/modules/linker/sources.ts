import { QueryTypes, type Sequelize } from 'sequelize';
import type { SourcePost } from './store';
import { normalizePath } from './text/links';

/**
 * Posts as the indexer reads them from their owners' rows (read only): IGNY8
 * content from the writer's tables, the rest of a site from the posts site
 * sync pulled. A WordPress post IGNY8 wrote is indexed once, as its content.
 */

type Row = Omit< SourcePost, 'keywords' | 'main_keyword' | 'path' > & {
	focus: string | null;
	target_keywords: unknown;
	cluster_name: string | null;
	site_url: string | null;
};

const CONTENT_SELECT = `
	SELECT c.id::int AS content_id, c.account_id::int AS account_id, c.site_id::int AS site_id,
		c.title, c.content_html AS html, c.sync_status AS status, c.entity_type AS post_type,
		CASE WHEN c.external_id ~ '^[0-9]{1,9}$' THEN c.external_id::int END AS wp_post_id,
		COALESCE(sp.url, pr.post_url) AS url,
		c.attributes->>'focus_keyphrase' AS focus, t.target_keywords, t.cluster_id::int AS cluster_id,
		cl.name AS cluster_name, si.config_json->'structure'->>'locale' AS locale, s.wordpress_url AS site_url,
		(c.sync_status = 'published' AND COALESCE(sp.url, pr.post_url) IS NOT NULL) AS linkable
	FROM content c
	JOIN sites s ON s.id = c.site_id
	LEFT JOIN tasks t ON t.id = c.task_id
	LEFT JOIN clusters cl ON cl.id = t.cluster_id
	LEFT JOIN publishing_records pr ON pr.content_id = c.id
	LEFT JOIN site_posts sp ON sp.site_id = c.site_id AND c.external_id ~ '^[0-9]{1,18}$'
		AND sp.wp_post_id = c.external_id::bigint AND sp.deleted_at IS NULL
	LEFT JOIN site_integrations si ON si.site_id = c.site_id AND si.platform = 'wordpress'`;

const POST_SELECT = `
	SELECT NULL::int AS content_id, sp.account_id::int AS account_id, sp.site_id::int AS site_id,
		sp.title, sp.content_html AS html, sp.status, sp.post_type, sp.wp_post_id::int AS wp_post_id, sp.url,
		NULL AS focus, NULL AS target_keywords, NULL::int AS cluster_id, NULL AS cluster_name,
		si.config_json->'structure'->>'locale' AS locale, s.wordpress_url AS site_url,
		(sp.status = 'publish' AND sp.url IS NOT NULL) AS linkable
	FROM site_posts sp
	JOIN sites s ON s.id = sp.site_id
	LEFT JOIN site_integrations si ON si.site_id = sp.site_id AND si.platform = 'wordpress'`;

/** A site post that IGNY8 content stands for is not a document of its own. */
const NOT_IGNY8 = `sp.deleted_at IS NULL AND sp.content_html IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM content c WHERE c.site_id = sp.site_id
		AND (c.id = sp.igny8_content_id OR c.external_id = sp.wp_post_id::text))`;

function toSource( row: Row ): SourcePost {
	const keywords = [
		row.focus,
		...( Array.isArray( row.target_keywords )
			? row.target_keywords.filter(
					( k ): k is string => typeof k === 'string'
				)
			: [] ),
		row.cluster_name,
	].filter( ( k ): k is string => !! k && k.trim() !== '' );
	return {
		account_id: row.account_id,
		site_id: row.site_id,
		content_id: row.content_id,
		wp_post_id: row.wp_post_id,
		post_type: row.post_type || 'post',
		status: row.status,
		title: row.title ?? '',
		url: row.url,
		path: row.url ? normalizePath( row.url, row.site_url ) : null,
		html: row.html ?? '',
		keywords: [ ...new Set( keywords ) ],
		main_keyword: keywords[ 0 ]?.toLowerCase().trim() ?? null,
		cluster_id: row.cluster_id,
		locale: row.locale,
		linkable: row.linkable,
	};
}

export class PostSources {
	constructor( private readonly sequelize: Sequelize ) {}

	async content( contentId: number ): Promise< SourcePost | null > {
		const [ row ] = await this.sequelize.query< Row >(
			`${ CONTENT_SELECT } WHERE c.id = $1`,
			{ bind: [ contentId ], type: QueryTypes.SELECT }
		);
		return row ? toSource( row ) : null;
	}

	/** The site post, unless it is missing, deleted, has no content, or IGNY8 content stands for it. */
	async sitePost(
		siteId: number,
		wpPostId: number
	): Promise< SourcePost | null > {
		const [ row ] = await this.sequelize.query< Row >(
			`${ POST_SELECT } WHERE sp.site_id = $1 AND sp.wp_post_id = $2 AND ${ NOT_IGNY8 }`,
			{ bind: [ siteId, wpPostId ], type: QueryTypes.SELECT }
		);
		return row ? toSource( row ) : null;
	}

	/** The IGNY8 content a WordPress post of the site stands for, if any. */
	async contentOfPost(
		siteId: number,
		wpPostId: number
	): Promise< number | null > {
		const [ row ] = await this.sequelize.query< { id: number } >(
			`SELECT c.id::int AS id FROM content c
			 LEFT JOIN site_posts sp ON sp.site_id = c.site_id AND sp.wp_post_id = $2
			 WHERE c.site_id = $1 AND (c.external_id = $2::text OR c.id = sp.igny8_content_id)
			 ORDER BY c.id LIMIT 1`,
			{ bind: [ siteId, wpPostId ], type: QueryTypes.SELECT }
		);
		return row?.id ?? null;
	}

	/** Every post of a site the index should hold. */
	async ofSite( siteId: number ): Promise< SourcePost[] > {
		const contents = await this.sequelize.query< Row >(
			`${ CONTENT_SELECT } WHERE c.site_id = $1 AND c.sync_status NOT IN ('trashed', 'deleted')`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		const posts = await this.sequelize.query< Row >(
			`${ POST_SELECT } WHERE sp.site_id = $1 AND ${ NOT_IGNY8 }`,
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		return [ ...contents, ...posts ].map( toSource );
	}

	/** The account's sites and their addresses (links between them are the cross-site graph). */
	sitesOfAccount(
		accountId: number
	): Promise< Array< { id: number; url: string | null } > > {
		return this.sequelize.query< { id: number; url: string | null } >(
			'SELECT id::int AS id, wordpress_url AS url FROM sites WHERE account_id = $1 ORDER BY id',
			{ bind: [ accountId ], type: QueryTypes.SELECT }
		);
	}
}

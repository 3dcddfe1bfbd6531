import type { Request } from 'express';
import { DataTypes, QueryTypes, type Sequelize } from 'sequelize';
import type { z } from 'zod';
import type { keywordListQuerySchema } from '@igny8/shared-types';
import type { Models } from '../../db/models';
import { JsonArrayText } from '../../http/envelope';
import { ValidationError } from '../../http/errors';
import {
	containsPattern,
	orderBySql,
	pageUrl,
	type ListOptions,
	type RenderedListPage,
} from '../../http/pagination';
import type { Principal } from '../auth';

type KeywordListQuery = z.infer< typeof keywordListQuerySchema >;

type PageRow = {
	site_found: boolean | null;
	sector_site: number | null;
	total: number;
	results: string;
};

/** What the keywords list may be ordered and searched by, and its default order (the route documents them; KeywordList answers them). */
export const KEYWORD_LIST_OPTIONS = {
	orderingFields: [
		'id',
		'keyword',
		'search_volume',
		'difficulty',
		'cpc',
		'intent',
		'status',
		'created_at',
		'updated_at',
	],
	searchFields: [ 'keyword' ],
	defaultOrdering: '-search_volume',
};

/** A timestamp as Date.prototype.toISOString() writes it (milliseconds truncated, as the pg driver reads them). */
const iso = ( column: string ) =>
	`to_char(${ column } AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A page of keywords in ONE statement: the scope checks (the named site and
 * sector are the caller's), the count, and the page with each keyword's
 * cluster, rendered by PostgreSQL as the JSON array the API answers (the
 * fields and values serializeKeywords gives). The keywords list is the
 * planner's busiest screen and sectors run to hundreds of thousands of
 * rows, so it skips the generic list's separate scope, count and
 * membership queries, and a page is never parsed into rows, model
 * instances and objects only to be stringified again. What it answers is
 * the same (see listScope; keyword-list.test.ts compares the two).
 */
export class KeywordList {
	private readonly textFields: Set< string >;

	constructor(
		private readonly sequelize: Sequelize,
		models: Models,
		private readonly options: ListOptions
	) {
		this.textFields = new Set(
			Object.entries( models.Keyword.getAttributes() )
				.filter(
					( [ , attribute ] ) =>
						attribute.type instanceof DataTypes.STRING ||
						attribute.type instanceof DataTypes.TEXT
				)
				.map( ( [ name ] ) => name )
		);
	}

	async page(
		req: Request,
		principal: Principal,
		query: KeywordListQuery
	): Promise< RenderedListPage > {
		const replacements: Record< string, unknown > = {
			account: principal.account.id,
			limit: query.page_size,
			offset: ( query.page - 1 ) * query.page_size,
		};
		const terms: string[] = [];
		let siteId: number | undefined;
		let siteToCheck = false;
		if ( principal.kind !== 'user' ) {
			if (
				query.site_id !== undefined &&
				query.site_id !== principal.site.id
			) {
				throw invalidQuery(
					'site_id',
					`site ${ query.site_id } does not exist`
				);
			}
			siteId = principal.site.id;
		} else if ( query.site_id !== undefined ) {
			siteId = query.site_id;
			siteToCheck = true;
		}
		replacements.site = siteId ?? null;
		replacements.sector = query.sector_id ?? null;
		// Until the site and sector are known to be the caller's, the rows
		// are not read at all: the checks gate the scans (a one-time filter).
		const allowed =
			query.sector_id !== undefined
				? 'scope.sector_site IS NOT NULL AND (CAST(:site AS bigint) IS NULL OR scope.sector_site = :site) AND scope.site_found IS NOT FALSE'
				: 'scope.site_found IS NOT FALSE';
		if ( query.sector_id !== undefined ) {
			// The sector, once checked, scopes alone: counts stay index-only scans.
			terms.push( 'k.sector_id = :sector' );
		} else {
			terms.push( 'k.account_id = :account' );
			if ( siteId !== undefined ) {
				terms.push( 'k.site_id = :site' );
			}
		}
		terms.push( ...this.filters( query, replacements ) );
		const where = terms.join( ' AND ' );
		const order = orderBySql(
			query.ordering,
			this.options,
			'k',
			( field ) => this.textFields.has( field )
		);
		// The page is aggregated in its subquery's order (a plain aggregate over
		// an ordered subquery reads it in order; PostgREST relies on the same),
		// and as records: faster than a json_build_object per row.
		const rows = await this.sequelize.query< PageRow >(
			`WITH scope AS (
				SELECT
					${ siteToCheck ? 'EXISTS (SELECT 1 FROM sites WHERE id = :site AND account_id = :account)' : 'NULL::boolean' } AS site_found,
					${ query.sector_id !== undefined ? '(SELECT site_id FROM sectors WHERE id = :sector AND account_id = :account)' : 'NULL::bigint' } AS sector_site
			)
			SELECT scope.site_found, scope.sector_site, total.total, page.results
			FROM scope
			CROSS JOIN LATERAL (
				SELECT count(*)::int AS total FROM keywords k WHERE ${ allowed } AND ${ where }
			) total
			CROSS JOIN LATERAL (
				SELECT COALESCE(json_agg(r), '[]')::text AS results
				FROM (
					SELECT k.id, k.account_id, k.site_id, k.sector_id, k.keyword, k.search_volume, k.difficulty,
						k.intent, k.status, k.source, k.cpc::float8 AS cpc, k.extra,
						(SELECT ck.cluster_id FROM cluster_keywords ck WHERE ck.keyword_id = k.id) AS cluster_id,
						${ iso( 'k.created_at' ) } AS created_at, ${ iso( 'k.updated_at' ) } AS updated_at
					FROM keywords k
					WHERE ${ allowed } AND ${ where }
					ORDER BY ${ order }
					LIMIT :limit OFFSET :offset
				) r
			) page`,
			{ replacements, type: QueryTypes.SELECT }
		);
		const [ first ] = rows;
		if ( ! first || first.site_found === false ) {
			throw invalidQuery( 'site_id', `site ${ siteId } does not exist` );
		}
		if ( query.sector_id !== undefined ) {
			if ( first.sector_site === null ) {
				throw invalidQuery(
					'sector_id',
					`sector ${ query.sector_id } does not exist`
				);
			}
			if ( siteId !== undefined && first.sector_site !== siteId ) {
				throw invalidQuery(
					'sector_id',
					`sector ${ query.sector_id } does not belong to site ${ siteId }`
				);
			}
		}
		const count = first.total;
		return {
			count,
			next:
				query.page * query.page_size < count
					? pageUrl( req, query.page + 1 )
					: null,
			previous: query.page > 1 ? pageUrl( req, query.page - 1 ) : null,
			results: new JsonArrayText( first.results ),
		};
	}

	/** The list query's own filters, as SQL terms over `k`; values go in `replacements`. */
	private filters(
		query: KeywordListQuery,
		replacements: Record< string, unknown >
	): string[] {
		const terms: string[] = [];
		const equal = ( field: 'status' | 'intent' | 'source' ) => {
			if ( query[ field ] !== undefined ) {
				replacements[ field ] = query[ field ];
				terms.push( `k.${ field } = :${ field }` );
			}
		};
		equal( 'status' );
		equal( 'intent' );
		equal( 'source' );
		const bound = (
			name: keyof KeywordListQuery,
			sql: string,
			value: number | undefined
		) => {
			if ( value !== undefined ) {
				replacements[ name ] = value;
				terms.push( sql );
			}
		};
		bound(
			'volume_min',
			'k.search_volume >= :volume_min',
			query.volume_min
		);
		bound(
			'volume_max',
			'k.search_volume <= :volume_max',
			query.volume_max
		);
		bound(
			'difficulty_min',
			'k.difficulty >= :difficulty_min',
			query.difficulty_min
		);
		bound(
			'difficulty_max',
			'k.difficulty <= :difficulty_max',
			query.difficulty_max
		);
		// Whole UTC days: `before` includes its own day.
		if ( query.created_after !== undefined ) {
			replacements.created_after = `${ query.created_after }T00:00:00Z`;
			terms.push( 'k.created_at >= CAST(:created_after AS timestamptz)' );
		}
		if ( query.created_before !== undefined ) {
			replacements.created_before = `${ query.created_before }T00:00:00Z`;
			terms.push(
				"k.created_at < CAST(:created_before AS timestamptz) + interval '1 day'"
			);
		}
		if ( query.cluster_id === 'none' ) {
			terms.push(
				'NOT EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id)'
			);
		} else if ( query.cluster_id !== undefined ) {
			replacements.cluster = query.cluster_id;
			terms.push(
				'EXISTS (SELECT 1 FROM cluster_keywords ck WHERE ck.keyword_id = k.id AND ck.cluster_id = :cluster)'
			);
		}
		if ( query.search ) {
			replacements.search = containsPattern( query.search );
			// The same fields the generic list searches (ListOptions.searchFields).
			terms.push(
				`(${ this.options.searchFields.map( ( field ) => `k."${ field }" ILIKE :search` ).join( ' OR ' ) })`
			);
		}
		return terms;
	}
}

const invalidQuery = ( field: string, message: string ) =>
	new ValidationError( 'Invalid query.', { [ field ]: [ message ] } );

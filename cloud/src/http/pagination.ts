import type { Request } from 'express';
import {
	DataTypes,
	Op,
	col,
	fn,
	type FindOptions,
	type OrderItem,
	type Model,
	type ModelStatic,
	type Order,
	type WhereOptions,
} from 'sequelize';
import type { ListQuery } from '@igny8/shared-types';
import type { JsonArrayText } from './envelope';
import { ValidationError } from './errors';

export type ListPage< T > = {
	count: number;
	next: string | null;
	previous: string | null;
	results: T[];
};

/** A page whose results the database rendered as JSON (see JsonArrayText). */
export type RenderedListPage = Omit< ListPage< never >, 'results' > & {
	results: JsonArrayText;
};

export type ListOptions = {
	/** Fields `ordering` may name (with `-` for descending). */
	orderingFields: readonly string[];
	/** Fields `search` looks in (case-insensitive substring). */
	searchFields: readonly string[];
	defaultOrdering: string;
};

type OrderingTerm = { field: string; direction: 'ASC' | 'DESC' };

/** `ordering=name,-created_at` → its terms, each field checked against `orderingFields`, `id` last as a tiebreaker. */
function orderingTerms(
	ordering: string | undefined,
	options: ListOptions
): OrderingTerm[] {
	const terms = ( ordering ?? options.defaultOrdering )
		.split( ',' )
		.map( ( t ) => t.trim() )
		.filter( Boolean );
	const order: OrderingTerm[] = [];
	for ( const term of terms ) {
		const field = term.replace( /^-/, '' );
		if ( ! options.orderingFields.includes( field ) ) {
			throw new ValidationError( 'Invalid query.', {
				ordering: [
					`cannot order by "${ field }"; choose from: ${ options.orderingFields.join( ', ' ) }`,
				],
			} );
		}
		order.push( {
			field,
			direction: term.startsWith( '-' ) ? 'DESC' : 'ASC',
		} );
	}
	// A unique tiebreaker keeps pages stable when the ordered field repeats.
	if ( ! order.some( ( t ) => t.field === 'id' ) ) {
		order.push( { field: 'id', direction: 'ASC' } );
	}
	return order;
}

/**
 * `ordering=name,-created_at` → ORDER BY. Text columns sort case-insensitively
 * (people expect "alpha" before "Bravo"), and `id` always breaks ties.
 */
export function parseOrdering(
	ordering: string | undefined,
	options: ListOptions,
	isText: ( field: string ) => boolean = () => false
): Order {
	return orderingTerms( ordering, options ).map(
		( { field, direction } ): OrderItem =>
			isText( field )
				? [ fn( 'lower', col( field ) ), direction ]
				: [ field, direction ]
	);
}

/** parseOrdering, as SQL for a raw query over `alias` (fields are checked against orderingFields first). */
export function orderBySql(
	ordering: string | undefined,
	options: ListOptions,
	alias: string,
	isText: ( field: string ) => boolean = () => false
): string {
	return orderingTerms( ordering, options )
		.map( ( { field, direction } ) => {
			const column = `${ alias }."${ field }"`;
			return `${ isText( field ) ? `lower(${ column })` : column } ${ direction }`;
		} )
		.join( ', ' );
}

/** A case-insensitive substring pattern for LIKE, the search text's own wildcards escaped. */
export function containsPattern( search: string ): string {
	return `%${ search.replace( /[\\%_]/g, ( c ) => `\\${ c }` ) }%`;
}

export function searchWhere(
	search: string | undefined,
	fields: readonly string[]
): WhereOptions | undefined {
	if ( ! search ) {
		return undefined;
	}
	const pattern = containsPattern( search );
	return {
		[ Op.or ]: fields.map( ( field ) => ( {
			[ field ]: { [ Op.iLike ]: pattern },
		} ) ),
	};
}

/** One page of a model's rows in the seed's list shape, with absolute next/previous links. */
export async function paginate< M extends Model, T >(
	req: Request,
	model: ModelStatic< M >,
	query: ListQuery,
	where: WhereOptions,
	options: ListOptions,
	serialize: ( row: M ) => T,
	extra: Omit< FindOptions, 'where' | 'order' | 'limit' | 'offset' > = {}
): Promise< ListPage< T > > {
	return paginateWith(
		req,
		model,
		query,
		where,
		options,
		async ( rows ) => rows.map( serialize ),
		extra
	);
}

/** `paginate`, for serializers that load related data for the whole page at once. */
export async function paginateWith< M extends Model, T >(
	req: Request,
	model: ModelStatic< M >,
	query: ListQuery,
	where: WhereOptions,
	options: ListOptions,
	serializeAll: ( rows: M[] ) => Promise< T[] >,
	extra: Omit< FindOptions, 'where' | 'order' | 'limit' | 'offset' > = {}
): Promise< ListPage< T > > {
	const search = searchWhere( query.search, options.searchFields );
	const { rows, count } = await model.findAndCountAll( {
		...extra,
		where: search ? { [ Op.and ]: [ where, search ] } : where,
		order: parseOrdering( query.ordering, options, ( field ) => {
			const type =
				model.getAttributes()[ field as keyof M[ '_attributes' ] ]
					?.type;
			return (
				type instanceof DataTypes.STRING ||
				type instanceof DataTypes.TEXT
			);
		} ),
		limit: query.page_size,
		offset: ( query.page - 1 ) * query.page_size,
	} );
	return {
		count,
		next:
			query.page * query.page_size < count
				? pageUrl( req, query.page + 1 )
				: null,
		previous: query.page > 1 ? pageUrl( req, query.page - 1 ) : null,
		results: await serializeAll( rows ),
	};
}

export function pageUrl( req: Request, page: number ): string {
	const url = new URL(
		req.originalUrl,
		`${ req.protocol }://${ req.get( 'host' ) ?? 'localhost' }`
	);
	url.searchParams.set( 'page', String( page ) );
	return url.toString();
}

/**
 * The `created_after` / `created_before` list filter as a where term: whole
 * UTC days, both ends included (before a day = before the next midnight).
 * @param query The parsed list query.
 */
export function createdBetween( query: {
	created_after?: string;
	created_before?: string;
} ): WhereOptions[] {
	if ( ! query.created_after && ! query.created_before ) {
		return [];
	}
	const day = ( value: string ) => Date.parse( `${ value }T00:00:00Z` );
	return [
		{
			created_at: {
				...( query.created_after
					? { [ Op.gte ]: new Date( day( query.created_after ) ) }
					: {} ),
				...( query.created_before
					? {
							[ Op.lt ]: new Date(
								day( query.created_before ) + 86_400_000
							),
						}
					: {} ),
			},
		},
	];
}

/** A page of a list: which page, and how many rows on it. */
export type PageQuery = { page: number; page_size: number };

/** LIMIT and OFFSET of a page, for a store's SQL. */
export const pageLimits = ( query: PageQuery ) => ( {
	limit: query.page_size,
	offset: ( query.page - 1 ) * query.page_size,
} );

/** A page of results with its neighbours' links, from the total the query counted. */
export function listPage< T >(
	req: Request,
	query: PageQuery,
	count: number,
	results: T[]
): ListPage< T > {
	const offset = ( query.page - 1 ) * query.page_size;
	return {
		count,
		next:
			offset + results.length < count
				? pageUrl( req, query.page + 1 )
				: null,
		previous: query.page > 1 ? pageUrl( req, query.page - 1 ) : null,
		results,
	};
}

import type {
	FindAttributeOptions,
	Model,
	ModelStatic,
	WhereOptions,
} from 'sequelize';
import { Op } from 'sequelize';
import type { z } from 'zod';
import { idPathSchema, type ListQuery } from '@igny8/shared-types';
import type { Models } from '../../db/models';
import { NotFoundError } from '../../http/errors';
import { paginateWith, type ListOptions } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import { siteFilter, type Principal } from '../auth';
import { listScope, resolveSector, type SectorScope } from './scope';

/**
 * The five routes of a site/sector-scoped resource (list, create, read,
 * replace/update, delete), declared once from a description. Reads need
 * `read` (site keys included, within their site); writes need `write_content`.
 */
export type ScopedResource<
	Row extends Model,
	Q extends z.ZodType,
	C extends z.ZodType,
	U extends z.ZodType,
> = {
	/** `/planner/keywords/` */
	base: string;
	tag: string;
	/** Singular, capitalised: used in summaries and 404s. */
	noun: string;
	model: ModelStatic< Row >;
	output: z.ZodType;
	listQuery: Q;
	createBody: C;
	updateBody: U;
	list: ListOptions;
	/** Extra WHERE terms from the list query's own filters. */
	filters?: ( query: z.infer< Q > ) => WhereOptions[];
	/** Rows → API shapes, a page at a time (related data loads in one query). */
	serialize: ( rows: Row[] ) => Promise< unknown[] >;
	/** Columns a list page selects besides the row's own (e.g. a related id as a subquery), so serialize needs no query of its own. */
	listAttributes?: FindAttributeOptions;
	create: (
		scope: SectorScope,
		body: z.infer< C >,
		principal: Principal
	) => Promise< Row >;
	update: (
		row: Row,
		body: z.infer< U >,
		principal: Principal
	) => Promise< Row >;
	/** Deletes the row: the owning module's service, which may remove more than the row. */
	destroy: ( row: Row ) => Promise< void >;
};

export async function findScoped< Row extends Model >(
	model: ModelStatic< Row >,
	principal: Principal,
	id: number,
	noun: string
): Promise< Row > {
	const row = await model.findOne( {
		where: {
			[ Op.and ]: [
				{ id, account_id: principal.account.id },
				siteFilter( principal ),
			],
		} as WhereOptions,
	} );
	if ( ! row ) {
		throw new NotFoundError( `${ noun } not found.` );
	}
	return row;
}

export function scopedResourceRoutes<
	Row extends Model,
	Q extends z.ZodType,
	C extends z.ZodType,
	U extends z.ZodType,
>( models: Models, spec: ScopedResource< Row, Q, C, U > ): AnyRoute[] {
	const one = async ( row: Row ) => ( await spec.serialize( [ row ] ) )[ 0 ];
	const item = `${ spec.base }:id/`;
	return [
		route( {
			method: 'get',
			path: spec.base,
			summary: `List ${ spec.noun.toLowerCase() }s (filter by site_id, sector_id and more)`,
			tag: spec.tag,
			auth: 'user_or_site_key',
			query: spec.listQuery,
			response: { list: spec.output },
			handler: async ( { query, principal, req } ) => {
				const scope = await listScope(
					models,
					principal,
					query as { site_id?: number; sector_id?: number }
				);
				const where = {
					[ Op.and ]: [
						scope,
						...( spec.filters?.( query as z.infer< Q > ) ?? [] ),
					],
				} as WhereOptions;
				return {
					list: await paginateWith(
						req,
						spec.model,
						query as ListQuery,
						where,
						spec.list,
						spec.serialize,
						spec.listAttributes
							? { attributes: spec.listAttributes }
							: {}
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: spec.base,
			summary: `Create a ${ spec.noun.toLowerCase() } in a sector`,
			tag: spec.tag,
			auth: 'user',
			permission: 'write_content',
			body: spec.createBody,
			response: { status: 201, data: spec.output },
			handler: async ( { body, principal } ) => {
				const sector = await resolveSector(
					models,
					principal,
					( body as { sector_id: number } ).sector_id
				);
				const row = await spec.create(
					{
						account_id: sector.account_id,
						site_id: sector.site_id,
						sector_id: sector.id,
					},
					body as z.infer< C >,
					principal
				);
				return { status: 201, data: await one( row ) };
			},
		} ),
		route( {
			method: 'get',
			path: item,
			summary: `One ${ spec.noun.toLowerCase() }`,
			tag: spec.tag,
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: spec.output },
			handler: async ( { params, principal } ) => ( {
				data: await one(
					await findScoped(
						spec.model,
						principal,
						params.id,
						spec.noun
					)
				),
			} ),
		} ),
		...( [ 'put', 'patch' ] as const ).map( ( method ) =>
			route( {
				method,
				path: item,
				summary: `${ method === 'put' ? 'Update' : 'Partly update' } a ${ spec.noun.toLowerCase() }`,
				tag: spec.tag,
				auth: 'user',
				permission: 'write_content',
				params: idPathSchema,
				body: spec.updateBody,
				response: { data: spec.output },
				handler: async ( { params, body, principal } ) => {
					const row = await findScoped(
						spec.model,
						principal,
						params.id,
						spec.noun
					);
					return {
						data: await one(
							await spec.update(
								row,
								body as z.infer< U >,
								principal
							)
						),
					};
				},
			} )
		),
		route( {
			method: 'delete',
			path: item,
			summary: `Delete a ${ spec.noun.toLowerCase() }`,
			tag: spec.tag,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal } ) => {
				const row = await findScoped(
					spec.model,
					principal,
					params.id,
					spec.noun
				);
				await spec.destroy( row );
				return { status: 204 };
			},
		} ),
	];
}

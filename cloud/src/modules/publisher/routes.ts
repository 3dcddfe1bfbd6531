import {
	idPathSchema,
	publishingRecordListQuerySchema,
	publishingRecordSchema,
	publishRequestSchema,
	publishResultSchema,
} from '@igny8/shared-types';
import { Op } from 'sequelize';
import type { Models } from '../../db/models';
import { createdBetween, paginate } from '../../http/pagination';
import { route, type AnyRoute } from '../../http/route';
import { siteFilter } from '../auth';
import { findOwned } from '../tenancy';
import { serializeRecord, type PublisherService } from './service';

const TAG = 'publisher';

/** The seed's Publisher module: queue content for its site, follow each push. */
export function publisherRoutes( deps: {
	models: Models;
	publisher: PublisherService;
} ): AnyRoute[] {
	const { models, publisher } = deps;
	return [
		route( {
			method: 'post',
			path: '/publisher/publish/',
			summary:
				'Publish content to its site’s WordPress (queued; one post per content, however often)',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: publishRequestSchema,
			response: {
				status: 202,
				data: publishResultSchema,
				description: 'One publishing record per content, queued',
			},
			handler: async ( { body, principal } ) => ( {
				status: 202,
				data: {
					records: ( await publisher.publish( principal, body ) ).map(
						serializeRecord
					),
				},
			} ),
		} ),
		route( {
			method: 'get',
			path: '/publisher/publishing-records/',
			summary:
				'Publishing records: where each content went and how it went',
			tag: TAG,
			auth: 'user_or_site_key',
			query: publishingRecordListQuerySchema,
			response: { list: publishingRecordSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await paginate(
					req,
					models.PublishingRecord,
					query,
					{
						[ Op.and ]: [
							{
								account_id: principal.account.id,
								...( query.site_id !== undefined
									? { site_id: query.site_id }
									: {} ),
								...( query.content_id !== undefined
									? { content_id: query.content_id }
									: {} ),
								...( query.status
									? { status: query.status }
									: {} ),
								...siteFilter( principal ),
							},
							...createdBetween( query ),
						],
					},
					{
						orderingFields: [
							'id',
							'created_at',
							'updated_at',
							'status',
						],
						searchFields: [],
						defaultOrdering: '-updated_at',
					},
					serializeRecord
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/publisher/publishing-records/:id/',
			summary: 'One publishing record',
			tag: TAG,
			auth: 'user_or_site_key',
			params: idPathSchema,
			response: { data: publishingRecordSchema },
			handler: async ( { params, principal } ) => ( {
				data: serializeRecord(
					await findOwned(
						models.PublishingRecord,
						params.id,
						principal.account.id,
						{ where: siteFilter( principal ) }
					)
				),
			} ),
		} ),
	];
}

import type { WhereOptions } from 'sequelize';
import {
	contentCreateSchema,
	contentListQuerySchema,
	contentSchema,
	contentUpdateSchema,
	imageCreateSchema,
	imageListQuerySchema,
	imageSchema,
	imageUpdateSchema,
	taskCreateSchema,
	taskListQuerySchema,
	taskSchema,
	taskUpdateSchema,
} from '@igny8/shared-types';
import type { Models } from '../../db/models';
import { createdBetween } from '../../http/pagination';
import type { AnyRoute } from '../../http/route';
import { scopedResourceRoutes } from '../content';
import {
	serializeContent,
	serializeImages,
	serializeTasks,
	TASK_CONTENT_ID,
} from './serializers';
import type { WriterService } from './service';

/** `{ field: value }` terms for the list filters that were given. */
const equal = ( terms: Record< string, unknown > ): WhereOptions[] =>
	Object.entries( terms )
		.filter( ( [ , value ] ) => value !== undefined )
		.map( ( [ field, value ] ) => ( { [ field ]: value } ) );

/** The seed's Writer module: tasks, content and images under `/writer/`. */
export function writerRoutes(
	writer: WriterService,
	models: Models
): AnyRoute[] {
	return [
		...scopedResourceRoutes( models, {
			base: '/writer/tasks/',
			tag: 'Writer',
			noun: 'Task',
			model: models.Task,
			output: taskSchema,
			listQuery: taskListQuerySchema,
			createBody: taskCreateSchema,
			updateBody: taskUpdateSchema,
			list: {
				orderingFields: [
					'id',
					'created_at',
					'updated_at',
					'title',
					'status',
				],
				searchFields: [ 'title' ],
				defaultOrdering: '-created_at',
			},
			filters: ( query ) => [
				...equal( {
					status: query.status,
					cluster_id: query.cluster_id,
				} ),
				...createdBetween( query ),
			],
			serialize: ( rows ) => serializeTasks( models, rows ),
			listAttributes: { include: [ TASK_CONTENT_ID ] },
			create: ( scope, body ) => writer.createTask( scope, body ),
			update: ( row, body ) => writer.updateTask( row, body ),
			destroy: ( row ) => writer.deleteTask( row ),
		} ),
		...scopedResourceRoutes( models, {
			base: '/writer/content/',
			tag: 'Writer',
			noun: 'Content',
			model: models.Content,
			output: contentSchema,
			listQuery: contentListQuerySchema,
			createBody: contentCreateSchema,
			updateBody: contentUpdateSchema,
			list: {
				orderingFields: [
					'id',
					'created_at',
					'updated_at',
					'title',
					'word_count',
					'sync_status',
				],
				searchFields: [ 'title' ],
				defaultOrdering: '-created_at',
			},
			filters: ( query ) => [
				...equal( {
					sync_status: query.sync_status,
					entity_type: query.entity_type,
					task_id: query.task_id,
				} ),
				...createdBetween( query ),
			],
			serialize: serializeContent,
			create: ( scope, body ) => writer.createContent( scope, body ),
			update: ( row, body ) => writer.updateContent( row, body ),
			destroy: ( row ) => writer.deleteContent( row ),
		} ),
		...scopedResourceRoutes( models, {
			base: '/writer/images/',
			tag: 'Writer',
			noun: 'Image',
			model: models.Image,
			output: imageSchema,
			listQuery: imageListQuerySchema,
			createBody: imageCreateSchema,
			updateBody: imageUpdateSchema,
			list: {
				orderingFields: [
					'id',
					'position',
					'created_at',
					'updated_at',
				],
				searchFields: [ 'alt_text', 'caption', 'prompt' ],
				defaultOrdering: 'position',
			},
			filters: ( query ) =>
				equal( {
					task_id: query.task_id,
					content_id: query.content_id,
					is_featured:
						query.is_featured === undefined
							? undefined
							: query.is_featured === 'true',
				} ),
			serialize: serializeImages,
			create: ( scope, body ) => writer.createImage( scope, body ),
			update: ( row, body ) => writer.updateImage( row, body ),
			destroy: ( row ) => writer.deleteImage( row ),
		} ),
	];
}

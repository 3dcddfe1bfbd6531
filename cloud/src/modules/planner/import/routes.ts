import {
	clusterExportQuerySchema,
	idPathSchema,
	importPreviewSchema,
	importProblemSchema,
	keywordExportQuerySchema,
	keywordImportListQuerySchema,
	keywordImportSchema,
	keywordImportUploadSchema,
	listQuerySchema,
} from '@igny8/shared-types';
import type { Models } from '../../../db/models';
import { ValidationError } from '../../../http/errors';
import { route, type AnyRoute } from '../../../http/route';
import { siteFilter, type Principal } from '../../auth';
import { exportClusters, exportKeywords } from './export';
import { keywordImportService, type KeywordImportDeps } from './factory';

const TAG = 'Planner: import and export';

async function exportSector(
	models: Models,
	principal: Principal,
	sectorId: number
) {
	const sector = await models.Sector.findOne( {
		where: {
			id: sectorId,
			account_id: principal.account.id,
			...siteFilter( principal ),
		},
	} );
	if ( ! sector ) {
		throw new ValidationError( 'Invalid query.', {
			sector_id: [ `sector ${ sectorId } does not exist` ],
		} );
	}
	return sector;
}

/**
 * Keyword files in (preview, import, the imports' status and problems) and
 * CSV out (keywords, clusters). Mount before the planner's `:id` routes, so
 * `/planner/keywords/export/` is not read as keyword "export".
 */
export function keywordImportRoutes( deps: KeywordImportDeps ): AnyRoute[] {
	const service = keywordImportService( deps );
	const { models } = deps;
	const sequelize = deps.db.sequelize;
	return [
		route( {
			method: 'post',
			path: '/planner/keywords/import/preview/',
			summary:
				'Preview a keyword file (multipart: file, sector_id): detected encoding, delimiter, header, format, column mapping and the first 20 rows. Reads only the start of the file.',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			upload: keywordImportUploadSchema.pick( { sector_id: true } ),
			response: { data: importPreviewSchema },
			handler: async ( { principal, req } ) => ( {
				data: await service.preview( principal, req ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/planner/keywords/import/',
			summary:
				'Import a keyword file (multipart: file, sector_id, optional mapping JSON): stored, checked and queued; answers 202 with the import to poll. Formats: Google Keyword Planner, Semrush, Ahrefs, CSV with a header, a plain list.',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			upload: keywordImportUploadSchema,
			response: {
				status: 202,
				data: keywordImportSchema,
				description: 'Queued',
			},
			handler: async ( { principal, req } ) => ( {
				status: 202,
				data: await service.create( principal, req ),
				message: 'Import queued.',
			} ),
		} ),
		route( {
			method: 'get',
			path: '/planner/keywords/imports/',
			summary:
				'List keyword imports (filter by site_id, sector_id, status)',
			tag: TAG,
			auth: 'user',
			query: keywordImportListQuerySchema,
			response: { list: keywordImportSchema },
			handler: async ( { principal, query, req } ) => ( {
				list: await service.list( principal, query, req ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/planner/keywords/imports/:id/',
			summary:
				'One keyword import: status, progress and summary (total_rows, imported, duplicates, invalid)',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: keywordImportSchema },
			handler: async ( { principal, params } ) => ( {
				data: await service.get( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/planner/keywords/imports/:id/problems/',
			summary:
				'The rows an import skipped as invalid: 1-based line in the file and the reason',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			query: listQuerySchema,
			response: { list: importProblemSchema },
			handler: async ( { principal, params, query, req } ) => ( {
				list: await service.problems(
					principal,
					params.id,
					query,
					req
				),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/planner/keywords/export/',
			summary:
				"Download a sector's keywords as CSV (not the JSON envelope), optionally filtered by status and intent",
			tag: TAG,
			auth: 'user',
			query: keywordExportQuerySchema,
			response: {
				file: 'text/csv',
				description:
					'CSV: keyword, search_volume, difficulty, intent, cpc, status, source, cluster, created_at',
			},
			handler: async ( { principal, query, res } ) => {
				const sector = await exportSector(
					models,
					principal,
					query.sector_id
				);
				await exportKeywords( sequelize, res, sector, query );
				return { sent: true };
			},
		} ),
		route( {
			method: 'get',
			path: '/planner/clusters/export/',
			summary:
				"Download a sector's clusters as CSV (not the JSON envelope), with keyword counts, total volume and the keywords",
			tag: TAG,
			auth: 'user',
			query: clusterExportQuerySchema,
			response: {
				file: 'text/csv',
				description:
					'CSV: cluster, description, status, keyword_count, total_volume, keywords ("; "-separated)',
			},
			handler: async ( { principal, query, res } ) => {
				const sector = await exportSector(
					models,
					principal,
					query.sector_id
				);
				await exportClusters( sequelize, res, sector, query );
				return { sent: true };
			},
		} ),
	];
}

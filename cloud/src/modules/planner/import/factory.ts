import path from 'node:path';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../../db/models';
import type { Logger } from '../../../logger';
import type { JobQueue } from '../../../queue';
import { LocalFileStorage } from '../../../storage/file-storage';
import { KeywordImportService } from './service';

/** What the keyword import needs from the app; the boot context fits. */
export type KeywordImportDeps = {
	config: { dataDir: string };
	db: { sequelize: Sequelize };
	models: Models;
	queue: JobQueue;
	logger: Logger;
};

/** Uploads live under `<dataDir>/uploads` until object storage replaces the folder. */
export function keywordImportService(
	deps: KeywordImportDeps
): KeywordImportService {
	return new KeywordImportService( {
		sequelize: deps.db.sequelize,
		models: deps.models,
		queue: deps.queue,
		storage: new LocalFileStorage(
			path.join( deps.config.dataDir, 'uploads' )
		),
		logger: deps.logger,
	} );
}

import type { Sequelize } from 'sequelize';
import type { DatabaseMode } from '../../../db/connection';
import type { Models } from '../../../db/models';
import type { Logger } from '../../../logger';
import type { JobQueue } from '../../../queue';
import {
	createFileStorage,
	type FileStorageConfig,
} from '../../../storage/file-storage';
import { KeywordImportService } from './service';

/** What the keyword import needs from the app; the boot context fits. */
export type KeywordImportDeps = {
	config: FileStorageConfig;
	db: { sequelize: Sequelize; mode: DatabaseMode };
	models: Models;
	queue: JobQueue;
	logger: Logger;
};

/** Uploads live in the configured file storage (the database by default). */
export function keywordImportService(
	deps: KeywordImportDeps
): KeywordImportService {
	return new KeywordImportService( {
		sequelize: deps.db.sequelize,
		models: deps.models,
		queue: deps.queue,
		storage: createFileStorage( deps.config, deps.db.sequelize, 'uploads' ),
		logger: deps.logger,
		copy: deps.db.mode === 'postgres',
	} );
}

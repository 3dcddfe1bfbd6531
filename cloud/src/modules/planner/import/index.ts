/** The keyword import module: what the app and the worker wire in. */
export { keywordImportService, type KeywordImportDeps } from './factory';
export { keywordImportJob } from './job';
export { keywordImportRoutes } from './routes';
export { KEYWORD_IMPORT_JOB, KeywordImportService } from './service';

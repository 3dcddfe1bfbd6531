import type { JobDefinition } from '../../../queue';
import { keywordImportService, type KeywordImportDeps } from './factory';
import {
	KEYWORD_IMPORT_JOB,
	type KeywordImportPayload,
	type KeywordImportSummary,
} from './service';

/**
 * `planner.keyword_import`: one stored file into the sector's keywords. The
 * handler is idempotent (see `KeywordImportService.run`), so a redelivery
 * after a worker crash recounts rather than double counts.
 */
export function keywordImportJob(
	deps: KeywordImportDeps
): JobDefinition< KeywordImportPayload, KeywordImportSummary > {
	const service = keywordImportService( deps );
	return {
		type: KEYWORD_IMPORT_JOB,
		concurrency: 1,
		retries: 2,
		timeoutMs: 30 * 60_000,
		handler: ( job ) => service.run( job ),
	};
}

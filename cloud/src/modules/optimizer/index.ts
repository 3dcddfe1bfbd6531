/** The optimizer module's public face: the only file other modules and the composition root import from it (npm run lint checks). */
export { analyze, type AnalysisInput, type AnalysisResult } from './analysis';
export { analyzeDraft, DraftReader, type Draft } from './drafts';
export { optimizerRoutes } from './routes';
export { OptimizerScorer } from './scorer';
export { OptimizerService, type OptimizerAi } from './service';
export { OptimizerStore } from './store';

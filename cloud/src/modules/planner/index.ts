/** The planner module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { ClusterService, type FoundCluster } from './clusters';

export { type GeneratedIdea, IdeaService } from './ideas';

export { keywordImportJob, keywordImportRoutes } from './import';

export { KeywordService } from './keywords';

export { plannerRoutes } from './routes';

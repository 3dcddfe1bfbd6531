/** The site-builder module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { siteBuilderRoutes } from './routes';
export {
	SiteBuilderService,
	type SiteBuilderAi,
	type SiteBuilderWordPress,
} from './service';
export { SiteBuilderStore } from './store';
// What generate_site_structure makes a model's answer sound with.
export { normalizeStructure, repairStructure, slugify } from './structure';

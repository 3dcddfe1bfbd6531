/** The site-health module's public face (a read-only composition: it owns no table). */
export { siteHealthRoutes } from './routes';

export {
	attentionOf,
	isOlderVersion,
	SiteHealthService,
	type SiteHealthSources,
} from './service';

/** The linker module's public face: the only file other modules and the composition root import from it (npm run lint checks). */
export { LinkerIndexer } from './indexer';
export { LinkerRebuilds } from './rebuild';
export { linkerRoutes } from './routes';
export {
	LinkerService,
	type LinkerPublisher,
	type LinkerWordPress,
	type LinkerWriter,
} from './service';
export { LinkerSettingsStore } from './settings';
export { PostSources } from './sources';
export { LinkerStore } from './store';
export { IntegrationWordPress } from './wordpress';

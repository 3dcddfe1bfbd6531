/** The writer module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { deriveContent, plainTextOf, sanitizeContentHtml } from './html';
export { replaceSection, sectionsOf, type Section } from './sections';

export {
	type GeneratedDraft,
	type ImagePrompt,
	type PostState,
	WriterPipeline,
} from './pipeline';

export { writerRoutes } from './routes';

export { serializeContent } from './serializers';

export { WriterService } from './service';

/** The writer module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { deriveContent, plainTextOf, sanitizeContentHtml } from './html';

export { writerRoutes } from './routes';

export { WriterService } from './service';

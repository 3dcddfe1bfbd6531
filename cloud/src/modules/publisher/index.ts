/** The publisher module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { publisherRoutes } from './routes';

export { PublisherService } from './service';

/** The integration module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { EventService } from './events';

export { integrationRoutes } from './routes';

export { PublishLease } from './publish-lease';

export {
	IntegrationService,
	isPaired,
	type IntegrationHealthRow,
} from './service';

export { mapWpStatus, wpState } from './status-mapping';

export {
	WpClientError,
	WpConflictError,
	WpLinkRefusedError,
	WpLinksConflictError,
	WpNotFoundError,
	WpNotManagedError,
	WpUnavailableError,
	type WpExportItem,
	type WpPostPayload,
	type WpPostResult,
} from './wp-client';

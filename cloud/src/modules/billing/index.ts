/** The billing module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { CreditService } from './credits';

export { estimateRoutes } from './estimate';

export { GrantService } from './grants';

export { PriceBook, creditsFor } from './prices';

export { billingRoutes } from './routes';

export { SiteCapService, SiteCreditCapError } from './site-caps';

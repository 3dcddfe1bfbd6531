import { AiEngine } from './ai/engine';
import type { Config } from './config';
import type { Database } from './db/connection';
import type { Models } from './db/models';
import type { Logger } from './logger';
import { SiteApiKeyService } from './modules/auth/api-keys';
import { RequestTracker } from './modules/auth/request-tracker';
import type { Secrets } from './modules/auth/secrets';
import { AuthService } from './modules/auth/service';
import { Throttle } from './modules/auth/throttle';
import { CreditService } from './modules/billing/credits';
import { ClusterService } from './modules/planner/clusters';
import { IdeaService } from './modules/planner/ideas';
import { KeywordService } from './modules/planner/keywords';
import { SectorService } from './modules/tenancy/sectors';
import { SiteService } from './modules/tenancy/sites';
import { UserService } from './modules/tenancy/users';
import type { JobQueue } from './queue';

/** Every domain service, wired in one place from the boot-time dependencies. */
export type Services = {
	auth: AuthService;
	apiKeys: SiteApiKeyService;
	throttle: Throttle;
	tracker: RequestTracker;
	sites: SiteService;
	sectors: SectorService;
	users: UserService;
	keywords: KeywordService;
	clusters: ClusterService;
	ideas: IdeaService;
	credits: CreditService;
	ai: AiEngine;
};

export function createServices( deps: {
	config: Config;
	logger: Logger;
	db: Database;
	models: Models;
	secrets: Secrets;
	queue: JobQueue;
} ): Services {
	const { config, logger, db, models, secrets, queue } = deps;
	const throttle = Throttle.create( config );
	const auth = new AuthService( db, models, secrets, throttle );
	const tracker = new RequestTracker( db.sequelize, logger );
	tracker.start();
	const credits = new CreditService( db );
	return {
		auth,
		apiKeys: new SiteApiKeyService( models ),
		throttle,
		tracker,
		sites: new SiteService( db, models, secrets ),
		sectors: new SectorService( db, models ),
		users: new UserService( db, models, auth ),
		keywords: new KeywordService( db, models ),
		clusters: new ClusterService( db, models ),
		ideas: new IdeaService( db, models ),
		credits,
		ai: new AiEngine( { config, logger, db, models, queue, credits } ),
	};
}

export async function closeServices( services: Services ): Promise< void > {
	await services.tracker.stop();
	await services.throttle.close();
}

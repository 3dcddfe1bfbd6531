import { AiEngine } from './ai/engine';
import { closeLexicalPool } from './ai/clustering/lexical-pool';
import { AiProvider, providerSettings } from './ai/provider';
import { StructuredOutputModes } from './ai/structured/modes';
import type { Config } from './config';
import type { Database } from './db/connection';
import type { Models } from './db/models';
import type { Logger } from './logger';
import {
	SiteApiKeyService,
	RequestTracker,
	AuthService,
	Throttle,
} from './modules/auth';
import type { Secrets } from './modules/auth';
import { CreditService, GrantService, PriceBook } from './modules/billing';
import { DomainEvents } from './domain-events';
import { LocalRunSignals, RedisRunSignals } from './ai/run-signals';
import { EventService, IntegrationService } from './modules/integration';
import { ClusterService, IdeaService, KeywordService } from './modules/planner';
import { PublisherService } from './modules/publisher';
import {
	AiSettingsService,
	ProfileService,
	PromptService,
} from './modules/system';
import { SectorService, SiteService, UserService } from './modules/tenancy';
import { OutboundClient } from './net/outbound';
import type { JobQueue } from './queue';

/** Every domain service, wired in one place from the boot-time dependencies. */
export type Services = {
	/** Domain events: subscribers get what modules recorded (domain-events/). */
	domainEvents: DomainEvents;
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
	prices: PriceBook;
	grants: GrantService;
	prompts: PromptService;
	profiles: ProfileService;
	aiSettings: AiSettingsService;
	ai: AiEngine;
	integrations: IntegrationService;
	events: EventService;
	publisher: PublisherService;
	/** Every request to an address a tenant influenced (sites, AI endpoints, image links). */
	outbound: OutboundClient;
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
	const credits = new CreditService( db );
	const prices = new PriceBook( db );
	const prompts = new PromptService( db, models );
	const outbound = new OutboundClient( { allow: config.outboundAllow } );
	// One server provider (one HTTP client) for every account without its own key.
	const provider = new AiProvider( providerSettings( config, outbound ) );
	const structuredModes = new StructuredOutputModes( db.sequelize );
	const aiSettings = new AiSettingsService(
		config,
		models,
		secrets,
		provider,
		structuredModes,
		outbound
	);
	const apiKeys = new SiteApiKeyService( models, secrets.encryptionKey );
	const integrations = new IntegrationService( {
		apiKeys,
		db,
		models,
		secrets,
		queue,
		logger,
		outbound,
	} );
	const publisher = new PublisherService( {
		db,
		models,
		queue,
		logger,
		integrations,
	} );
	return {
		domainEvents: new DomainEvents( db.sequelize, logger ),
		auth,
		apiKeys,
		throttle,
		tracker,
		sites: new SiteService( db, models, secrets ),
		sectors: new SectorService( db, models ),
		users: new UserService( db, models, auth ),
		keywords: new KeywordService( db, models ),
		clusters: new ClusterService( db, models ),
		ideas: new IdeaService( db, models ),
		credits,
		prices,
		grants: new GrantService( db, credits, queue, logger ),
		prompts,
		profiles: new ProfileService( db, models ),
		aiSettings,
		ai: new AiEngine( {
			config,
			logger,
			db,
			models,
			queue,
			credits,
			prices,
			prompts,
			provider,
			aiSettings,
			structuredModes,
			signals: config.redisUrl
				? new RedisRunSignals(
						config.redisUrl,
						config.queuePrefix,
						logger
					)
				: new LocalRunSignals(),
		} ),
		integrations,
		events: new EventService( {
			db,
			models,
			logger,
			retentionDays: config.eventRetentionDays,
		} ),
		publisher,
		outbound,
	};
}

export async function closeServices( services: Services ): Promise< void > {
	await closeLexicalPool();
	await services.tracker.stop();
	await services.ai.signals.close();
	await services.throttle.close();
	await services.outbound.close();
}

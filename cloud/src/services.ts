import {
	AiEngine,
	AiProvider,
	closeLexicalPool,
	defaultRegistry,
	LocalRunSignals,
	providerSettings,
	RedisRunSignals,
	StructuredOutputModes,
} from './modules/ai';
import type { Config } from './config';
import {
	Actions,
	AutomationExecutor,
	AutomationService,
	AutomationStore,
	AutomationTriggers,
} from './modules/automation';
import { ApiError } from './http/errors';
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
import {
	CreditService,
	GrantService,
	PriceBook,
	SiteCapService,
} from './modules/billing';
import { DomainEvents } from './domain-events';
import {
	EventService,
	IntegrationService,
	PublishLease,
} from './modules/integration';
import {
	IntegrationWordPress,
	LinkerIndexer,
	LinkerRebuilds,
	LinkerService,
	LinkerSettingsStore,
	LinkerStore,
	PostSources,
} from './modules/linker';
import {
	DraftReader,
	OptimizerScorer,
	OptimizerService,
	OptimizerStore,
} from './modules/optimizer';
import { ClusterService, IdeaService, KeywordService } from './modules/planner';
import { PublisherService } from './modules/publisher';
import { SiteBuilderService, SiteBuilderStore } from './modules/site-builder';
import {
	AiSettingsService,
	ProfileService,
	PromptService,
} from './modules/system';
import {
	AccountService,
	InviteService,
	SectorService,
	SiteService,
	UserService,
} from './modules/tenancy';
import { WriterPipeline } from './modules/writer';
import { OutboundClient } from './net/outbound';
import type { JobQueue } from './queue';

/** Every domain service, wired in one place from the boot-time dependencies. */
export type Services = {
	/** Domain events: subscribers get what modules recorded (domain-events/). */
	domainEvents: DomainEvents;
	auth: AuthService;
	/** Accounts and their people as sign-up and the CLI make them. */
	accounts: AccountService;
	apiKeys: SiteApiKeyService;
	throttle: Throttle;
	tracker: RequestTracker;
	sites: SiteService;
	sectors: SectorService;
	users: UserService;
	invites: InviteService;
	keywords: KeywordService;
	clusters: ClusterService;
	ideas: IdeaService;
	/** The writer's rows as conversion, AI runs, publishing and WordPress change them. */
	writerPipeline: WriterPipeline;
	credits: CreditService;
	/** Per-site monthly credit caps (enforced by `credits.reserve`). */
	siteCaps: SiteCapService;
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
	/** Internal links: suggestions, applying them, the link graph (modules/linker). */
	linker: LinkerService;
	linkerRebuilds: LinkerRebuilds;
	linkerSettings: LinkerSettingsStore;
	/** SEO and readability scores, their history, AI revisions (modules/optimizer). */
	optimizer: OptimizerService;
	/** Site structures: blueprints, their versions, applying them to WordPress (modules/site-builder). */
	siteBuilder: SiteBuilderService;
	/** Rules that run the pipeline unattended, and their runs (modules/automation). */
	automation: AutomationService;
	automationExecutor: AutomationExecutor;
	automationTriggers: AutomationTriggers;
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
	const accounts = new AccountService( models );
	const auth = new AuthService( db, models, secrets, throttle, accounts );
	const writerPipeline = new WriterPipeline( models );
	const clusters = new ClusterService( db, models );
	const ideas = new IdeaService( db, models, writerPipeline );
	const tracker = new RequestTracker( db.sequelize, logger );
	const credits = new CreditService( db );
	const siteCaps = new SiteCapService( db );
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
		lease: new PublishLease( db, models ),
		writer: writerPipeline,
	} );
	const domainEvents = new DomainEvents( db.sequelize, logger );
	const linkerStore = new LinkerStore( db.sequelize );
	const postSources = new PostSources( db.sequelize );
	const linkerSettings = new LinkerSettingsStore( db.sequelize );
	const linkerIndexer = new LinkerIndexer( {
		sequelize: db.sequelize,
		store: linkerStore,
		sources: postSources,
		settings: linkerSettings,
		logger,
	} );
	domainEvents.subscribe( linkerIndexer.subscriber() );
	const optimizerStore = new OptimizerStore( db.sequelize );
	const siteBuilderStore = new SiteBuilderStore( db.sequelize );
	const ai = new AiEngine( {
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
		registry: defaultRegistry( {
			clusters,
			ideas,
			writer: writerPipeline,
			optimizer: optimizerStore,
			siteBuilder: siteBuilderStore,
		} ),
		signals: config.redisUrl
			? new RedisRunSignals( config.redisUrl, config.queuePrefix, logger )
			: new LocalRunSignals(),
	} );
	const optimizer = new OptimizerService( {
		sequelize: db.sequelize,
		store: optimizerStore,
		drafts: new DraftReader( db.sequelize ),
		writer: writerPipeline,
		ai,
	} );
	domainEvents.subscribe( new OptimizerScorer( optimizer ).subscriber() );
	const siteBuilder = new SiteBuilderService( {
		sequelize: db.sequelize,
		store: siteBuilderStore,
		queue,
		logger,
		wordpress: integrations,
		ai,
	} );
	const linker = new LinkerService( {
		sequelize: db.sequelize,
		store: linkerStore,
		indexer: linkerIndexer,
		wordpress: new IntegrationWordPress( db.sequelize, integrations ),
		writer: writerPipeline,
		publisher,
	} );
	const automationStore = new AutomationStore( db.sequelize );
	const actions = new Actions( db.sequelize, {
		approveIdeas: ( principal, ids ) => ideas.approve( principal, ids ),
		ideasToTasks: async ( principal, ids ) =>
			( await ideas.toTasks( principal, ids ) ).tasks.map( ( t ) =>
				Number( t.id )
			),
		acceptRevisions: async ( principal, ids ) => {
			let accepted = 0;
			for ( const id of ids ) {
				try {
					await optimizer.accept( principal, id );
					accepted++;
				} catch ( error ) {
					// Decided already (a resumed step), or the draft changed since: leave it.
					if ( ! ( error instanceof ApiError ) ) {
						throw error;
					}
				}
			}
			return accepted;
		},
		insertLinks: async ( principal, contentId, max ) => {
			const open = (
				await linker.suggestionsFor(
					principal,
					{ content_id: contentId },
					max,
					'outbound'
				)
			).filter( ( s ) => s.status === 'open' );
			if ( ! open.length ) {
				return 0;
			}
			const result = await linker.apply( principal, {
				content_id: contentId,
				suggestion_ids: open.map( ( s ) => s.id ),
			} );
			return result.applied.length;
		},
		publish: async ( principal, contentIds, slot ) => {
			await publisher.publish( principal, {
				content_ids: contentIds,
				status: slot.status,
				date_gmt: slot.date_gmt,
				force: false,
			} );
		},
	} );
	let automation: AutomationService | null = null;
	const automationExecutor = new AutomationExecutor( {
		sequelize: db.sequelize,
		store: automationStore,
		actions,
		ai,
		queue,
		logger,
		principalFor: ( rule ) => automation!.principalFor( rule ),
		siteRoom: ( accountId, siteId ) => siteCaps.room( accountId, siteId ),
	} );
	automation = new AutomationService( {
		store: automationStore,
		executor: automationExecutor,
		actions,
		ai,
		models,
	} );
	const automationTriggers = new AutomationTriggers(
		automationStore,
		automationExecutor
	);
	domainEvents.subscribe( automationTriggers.subscriber() );
	domainEvents.subscribe( automationExecutor.subscriber() );
	return {
		automation,
		automationExecutor,
		automationTriggers,
		optimizer,
		siteBuilder,
		domainEvents,
		linker,
		linkerRebuilds: new LinkerRebuilds( {
			sequelize: db.sequelize,
			queue,
			store: linkerStore,
			sources: postSources,
			settings: linkerSettings,
			logger,
		} ),
		linkerSettings,
		auth,
		accounts,
		apiKeys,
		throttle,
		tracker,
		sites: new SiteService( db, models, secrets ),
		sectors: new SectorService( db, models ),
		users: new UserService( db, models, auth ),
		invites: new InviteService(
			db,
			models,
			auth,
			throttle,
			config.publicUrl
		),
		keywords: new KeywordService( db, models ),
		clusters,
		ideas,
		writerPipeline,
		credits,
		siteCaps,
		prices,
		grants: new GrantService( db, credits, queue, logger ),
		prompts,
		profiles: new ProfileService( db, models ),
		aiSettings,
		ai,
		integrations,
		events: new EventService( {
			db,
			models,
			logger,
			retentionDays: config.eventRetentionDays,
			writer: writerPipeline,
			publisher,
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

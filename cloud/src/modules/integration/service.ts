import {
	Op,
	QueryTypes,
	UniqueConstraintError,
	type Transaction,
} from 'sequelize';
import type { z } from 'zod';
import {
	bridgeHealthSchema,
	type BridgeHealth,
	type BridgeLinksApply,
	type BridgeStructureApply,
	type BridgeStructureReport,
	type BridgeLinksRemove,
	type Integration,
	type integrationCreateSchema,
	type integrationUpdateSchema,
	type syncSettingsSchema,
	type testConnectionSchema,
} from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import { recordEvent } from '../../domain-events';
import type {
	SiteIntegrationRow,
	SitePostRow,
	SyncProgress,
} from '../../db/integration-models';
import type { Models } from '../../db/models';
import { ApiError, ValidationError } from '../../http/errors';
import type { Logger } from '../../logger';
import { OutboundError, type OutboundClient } from '../../net/outbound';
import type { JobDefinition, JobQueue } from '../../queue';
import type { SiteApiKeyService } from '../auth';
import {
	decryptSecret,
	confinedSiteId,
	siteFilter,
	type Principal,
	type SiteKeyPrincipal,
} from '../auth';
import type { Secrets } from '../auth';
import { httpUrlOrNull } from '../../net/http-url';
import { findOwned } from '../tenancy';
import { structureOf } from './site-structure';
import {
	WpClient,
	WpClientError,
	WpLinksConflictError,
	type WpCursor,
	type WpExportScope,
	type WpExportItem,
} from './wp-client';

export const SYNC_JOB = 'integration.sync';
export type SyncJob = { integration_id: number; mode: 'full' | 'incremental' };

type SyncSettings = z.infer< typeof syncSettingsSchema >;

/** Page size of a pull: big enough to amortise the signed round trip, small enough for a 1 MB-ish answer. */
const SYNC_PAGE_SIZE = 200;

/** A Site Builder apply writes up to 200 pages, 100 categories and 10 menus in one request. */
const STRUCTURE_TIMEOUT_MS = 180_000;

const iso = ( date: Date | null | undefined ) => date?.toISOString() ?? null;

/** Whether the integration's site has paired: the cloud holds a secret to sign its calls with. */
export function isPaired( row: SiteIntegrationRow ): boolean {
	return (
		typeof row.credentials_json.signing_secret === 'string' &&
		typeof row.credentials_json.key_id === 'number'
	);
}

export function serializeIntegration( row: SiteIntegrationRow ): Integration {
	return {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		platform: row.platform,
		platform_type: row.platform_type,
		config_json: row.config_json,
		has_credentials: isPaired( row ),
		key_id: isPaired( row )
			? ( row.credentials_json.key_id as number )
			: null,
		is_active: row.is_active,
		sync_enabled: row.sync_enabled,
		sync_state: row.sync_state,
		sync_progress: row.sync_progress,
		sync_error: row.sync_error ?? null,
		last_sync_at: iso( row.last_sync_at ),
		last_structure_update_at: iso( row.last_structure_update_at ),
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

/** What a site's metadata says about its post types, read defensively: it comes from a plugin. */
function postTypesOf( metadata: Record< string, unknown > | undefined ): {
	name: string;
	label: string;
	count: number | null;
}[] {
	const list = Array.isArray( metadata?.post_types )
		? ( metadata.post_types as unknown[] )
		: [];
	return list.flatMap( ( entry ) => {
		if ( ! entry || typeof entry !== 'object' ) {
			return [];
		}
		const type = entry as Record< string, unknown >;
		if ( typeof type.name !== 'string' ) {
			return [];
		}
		const counts =
			type.counts && typeof type.counts === 'object'
				? Object.entries( type.counts as Record< string, unknown > )
						.filter( ( [ status ] ) => status !== 'trash' )
						.reduce(
							( sum, [ , n ] ) =>
								sum + ( typeof n === 'number' ? n : 0 ),
							0
						)
				: null;
		return [
			{
				name: type.name,
				label: typeof type.label === 'string' ? type.label : type.name,
				count: counts,
			},
		];
	} );
}

function taxonomiesOf(
	metadata: Record< string, unknown > | undefined
): { name: string; label: string }[] {
	const list = Array.isArray( metadata?.taxonomies )
		? ( metadata.taxonomies as unknown[] )
		: [];
	return list.flatMap( ( entry ) => {
		const tax = ( entry ?? {} ) as Record< string, unknown >;
		return typeof tax.name === 'string'
			? [
					{
						name: tax.name,
						label:
							typeof tax.label === 'string'
								? tax.label
								: tax.name,
					},
				]
			: [];
	} );
}

const DEFAULT_SYNC_SETTINGS: SyncSettings = {
	post_types: [],
	include_content: true,
};

/**
 * The health a site's metadata carries (its outbox's counts and versions,
 * from plugins that report them), or null when it carries none that checks
 * out: metadata is read defensively, and a bad health in it is not an error.
 */
function healthOf(
	metadata: Record< string, unknown > | undefined
): BridgeHealth | null {
	const parsed = bridgeHealthSchema.safeParse( {
		outbox: metadata?.outbox,
		wordpress_version: metadata?.wordpress_version,
		plugin_version: metadata?.plugin_version,
		php_version: metadata?.php_version,
	} );
	return parsed.success ? parsed.data : null;
}

/** A site's WordPress integration as the console's health page reads it (IntegrationService.healthOfSites). */
export type IntegrationHealthRow = {
	integration_id: number;
	site_id: number;
	key_id: number | null;
	is_active: boolean;
	sync_enabled: boolean;
	sync_state: Integration[ 'sync_state' ];
	sync_error: string | null;
	last_sync_at: Date | null;
	health: BridgeHealth | null;
	health_reported_at: Date | null;
	/** The versions in the metadata the site last connected with (older plugins report no health). */
	structure_wordpress_version: string | null;
	structure_plugin_version: string | null;
	structure_php_version: string | null;
};

/**
 * The seed's Integration module: a site's connection to its WordPress (one
 * per site and platform), the structure it reported, and pulls of its posts
 * into `site_posts` for the linker and optimizer.
 */
export class IntegrationService {
	constructor(
		private readonly deps: {
			/** Pairs the site's keys and retires the ones they replace. */
			apiKeys: SiteApiKeyService;
			db: Database;
			models: Models;
			secrets: Secrets;
			queue: JobQueue;
			logger: Logger;
			/** Every call to a site, and the check of an address before it is stored. */
			outbound: OutboundClient;
		}
	) {}

	find( principal: Principal, id: number ): Promise< SiteIntegrationRow > {
		return findOwned(
			this.deps.models.SiteIntegration,
			id,
			principal.account.id,
			{ where: siteFilter( principal ) }
		);
	}

	async create(
		principal: Principal,
		body: z.infer< typeof integrationCreateSchema >,
		who: AuditActor
	): Promise< SiteIntegrationRow > {
		const confined = confinedSiteId( principal );
		const site =
			confined === null || confined === body.site_id
				? await this.deps.models.Site.findOne( {
						where: {
							id: body.site_id,
							account_id: principal.account.id,
						},
					} )
				: null;
		if ( ! site ) {
			throw new ValidationError( 'Invalid body.', {
				site_id: [ `site ${ body.site_id } does not exist` ],
			} );
		}
		await this.checkRestUrl(
			'config_json.rest_url',
			body.config_json.rest_url
		);
		try {
			return await this.deps.db.sequelize.transaction(
				async ( transaction ) => {
					const row = await this.deps.models.SiteIntegration.create(
						{
							account_id: site.account_id,
							site_id: site.id,
							platform: body.platform,
							platform_type: body.platform_type,
							config_json: body.config_json,
							is_active: body.is_active,
							sync_enabled: body.sync_enabled,
						},
						{ transaction }
					);
					await this.audit(
						transaction,
						row,
						who,
						'integration.connected'
					);
					return row;
				}
			);
		} catch ( error ) {
			if ( error instanceof UniqueConstraintError ) {
				throw new ApiError(
					'conflict',
					`Site ${ site.id } already has a ${ body.platform } integration.`
				);
			}
			throw error;
		}
	}

	async update(
		row: SiteIntegrationRow,
		body: z.infer< typeof integrationUpdateSchema >,
		who: AuditActor
	): Promise< SiteIntegrationRow > {
		await this.checkRestUrl(
			'config_json.rest_url',
			body.config_json?.rest_url
		);
		row.set( {
			...body,
			...( body.config_json
				? { config_json: { ...row.config_json, ...body.config_json } }
				: {} ),
		} );
		const fields = row.changed() || [];
		return this.deps.db.sequelize.transaction( async ( transaction ) => {
			await row.save( { transaction } );
			if ( fields.length ) {
				await this.audit(
					transaction,
					row,
					who,
					'integration.updated',
					{
						fields,
					}
				);
			}
			return row;
		} );
	}

	/**
	 * "Test connection" from the plugin: the (already verified) caller speaks
	 * for its site, so the site's WordPress integration is created or
	 * refreshed with what the site says about itself. With `presentedKey`
	 * (a key sent in plain, to pair) the key pairs first: its derived secret
	 * is kept, sealed, to sign the cloud's calls back, and the key it
	 * replaces keeps working until the cloud has used the new one. A signed
	 * call leaves the pairing as it is.
	 */
	async testConnection(
		principal: SiteKeyPrincipal,
		body: z.infer< typeof testConnectionSchema >,
		presentedKey: string | undefined,
		who: AuditActor
	): Promise< SiteIntegrationRow > {
		const { models, apiKeys } = this.deps;
		await this.checkRestUrl( 'rest_url', body.rest_url );
		const structure = structureOf( body.metadata );
		const current = await models.SiteIntegration.findOne( {
			where: { site_id: principal.site.id, platform: 'wordpress' },
		} );
		const previous = current?.credentials_json.key_id;
		const previousKeyId =
			typeof previous === 'number' && previous !== principal.key.id
				? previous
				: null;
		// The secret is derived, so a racing pairing of the same key stores the same one.
		const credentials =
			presentedKey === undefined
				? undefined
				: {
						signing_secret:
							apiKeys.sealedSigningSecret( presentedKey ),
						key_id: principal.key.id,
						key_prefix: principal.key.prefix,
					};
		const health = healthOf( body.metadata );
		const values = ( existing?: SiteIntegrationRow ) => ( {
			config_json: {
				...( existing?.config_json ?? {} ),
				site_url: body.site_url,
				rest_url: body.rest_url,
				structure,
				content_types: postTypesOf( structure ).map(
					( type ) => type.name
				),
			},
			...( credentials ? { credentials_json: credentials } : {} ),
			...( health ? { health, health_reported_at: new Date() } : {} ),
			is_active: true,
			last_structure_update_at: new Date(),
		} );
		const row = await this.upsertWordPress(
			principal,
			values,
			credentials ? who : null
		);
		if ( credentials ) {
			// After the write: a pairing that fails before it leaves the key unpaired, to pair again.
			await apiKeys.markPaired(
				principal.key,
				credentials.signing_secret,
				previousKeyId,
				who
			);
		}
		return row;
	}

	/**
	 * The site's WordPress integration, created or updated with `values`.
	 * `pairing`: who pairs a key with this write; a site that had no paired
	 * connection before is recorded as connected by them.
	 */
	private async upsertWordPress(
		principal: SiteKeyPrincipal,
		values: ( existing?: SiteIntegrationRow ) => {
			config_json: Record< string, unknown >;
			credentials_json?: Record< string, unknown >;
			health?: BridgeHealth;
			health_reported_at?: Date;
			is_active: boolean;
			last_structure_update_at: Date;
		},
		pairing: AuditActor | null
	): Promise< SiteIntegrationRow > {
		const { db, models } = this.deps;
		for ( let attempt = 0; ; attempt++ ) {
			const existing = await models.SiteIntegration.findOne( {
				where: { site_id: principal.site.id, platform: 'wordpress' },
			} );
			const connects =
				pairing !== null && ! ( existing && isPaired( existing ) );
			try {
				return await db.sequelize.transaction(
					async ( transaction ) => {
						const row = existing
							? await existing.update( values( existing ), {
									transaction,
								} )
							: await models.SiteIntegration.create(
									{
										account_id: principal.account.id,
										site_id: principal.site.id,
										platform: 'wordpress',
										platform_type: 'cms',
										...values(),
									},
									{ transaction }
								);
						if ( connects ) {
							await this.audit(
								transaction,
								row,
								pairing,
								'integration.connected'
							);
						}
						return row;
					}
				);
			} catch ( error ) {
				// Two test-connections raced: the other made the row; update it.
				if (
					existing ||
					! ( error instanceof UniqueConstraintError ) ||
					attempt > 0
				) {
					throw error;
				}
			}
		}
	}

	private audit(
		transaction: Transaction,
		row: SiteIntegrationRow,
		who: AuditActor,
		action:
			| 'integration.connected'
			| 'integration.updated'
			| 'integration.disconnected',
		details: Record< string, unknown > = {}
	): Promise< void > {
		return recordAudit( this.deps.db.sequelize, transaction, {
			account_id: Number( row.account_id ),
			actor: who,
			action,
			target_type: 'integration',
			target_id: Number( row.id ),
			target_label: row.platform,
			site_id: Number( row.site_id ),
			details: { platform: row.platform, ...details },
		} );
	}

	async updateStructure(
		row: SiteIntegrationRow,
		metadata?: Record< string, unknown >
	): Promise< SiteIntegrationRow > {
		const answered = metadata ? undefined : await this.askSite( row );
		const structure = structureOf( metadata ?? answered );
		// Only the site's own answer speaks for its health, never a body a person sent.
		const health = answered ? healthOf( answered ) : null;
		return row.update( {
			config_json: {
				...row.config_json,
				structure,
				content_types: postTypesOf( structure ).map( ( t ) => t.name ),
			},
			...( health ? { health, health_reported_at: new Date() } : {} ),
			last_structure_update_at: new Date(),
		} );
	}

	/**
	 * Keeps what the site's plugin reported of itself with an events batch or
	 * a heartbeat (already checked against `bridgeHealthSchema`). Only the
	 * calling site's own WordPress integration is written; a site that has
	 * none (it was removed) keeps nothing.
	 */
	async recordHealth(
		principal: SiteKeyPrincipal,
		health: BridgeHealth
	): Promise< void > {
		await this.deps.db.sequelize.query(
			`UPDATE site_integrations SET health = $1::jsonb, health_reported_at = NOW()
			 WHERE site_id = $2 AND account_id = $3 AND platform = 'wordpress'`,
			{
				bind: [
					JSON.stringify( health ),
					principal.site.id,
					principal.account.id,
				],
			}
		);
	}

	/**
	 * The WordPress integration of every site of the account (or of one), in
	 * one query: connection, last sync and what the plugin last reported.
	 */
	async healthOfSites(
		accountId: number,
		siteId?: number
	): Promise< IntegrationHealthRow[] > {
		const rows = await this.deps.db.sequelize.query<
			Omit< IntegrationHealthRow, 'key_id' > & { key_id: string | null }
		>(
			`SELECT id::int AS integration_id, site_id::int AS site_id,
			   CASE WHEN jsonb_typeof(credentials_json->'signing_secret') = 'string'
			     AND jsonb_typeof(credentials_json->'key_id') = 'number'
			     THEN credentials_json->>'key_id' END AS key_id,
			   is_active, sync_enabled, sync_state, sync_error, last_sync_at,
			   health, health_reported_at,
			   config_json->'structure'->>'wordpress_version' AS structure_wordpress_version,
			   config_json->'structure'->>'plugin_version' AS structure_plugin_version,
			   config_json->'structure'->>'php_version' AS structure_php_version
			 FROM site_integrations
			 WHERE account_id = $1 AND platform = 'wordpress' ${ siteId !== undefined ? 'AND site_id = $2' : '' }`,
			{
				bind: [
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return rows.map( ( row ) => ( {
			...row,
			key_id: row.key_id === null ? null : Number( row.key_id ),
		} ) );
	}

	/**
	 * A site address a tenant submits: refused with a 400, before anything is
	 * stored or fetched, when the cloud would not connect to it.
	 */
	private async checkRestUrl(
		field: string,
		url: string | undefined
	): Promise< void > {
		if ( url === undefined ) {
			return;
		}
		try {
			await this.deps.outbound.check( url );
		} catch ( error ) {
			if ( error instanceof OutboundError ) {
				throw new ValidationError(
					`The site's REST URL is not allowed: ${ error.reason }.`,
					{ [ field ]: [ error.reason ] }
				);
			}
			throw error;
		}
	}

	/** The site's own metadata, asked now; a site that does not answer is the caller's 409, not our 500. */
	private async askSite(
		row: SiteIntegrationRow
	): Promise< Record< string, unknown > > {
		try {
			return await this.clientFor( row ).siteMetadata();
		} catch ( error ) {
			if ( error instanceof WpClientError ) {
				throw new ApiError(
					'site_unavailable',
					`${ error.message } Check that the site is up and IGNY8 Bridge is connected, then try again.`
				);
			}
			throw error;
		}
	}

	contentTypes( row: SiteIntegrationRow ) {
		const structure = row.config_json.structure as
			Record< string, unknown > | undefined;
		const settings = this.syncSettings( row );
		return {
			post_types: postTypesOf( structure ).map( ( type ) => ( {
				...type,
				synced:
					settings.post_types.length === 0 ||
					settings.post_types.includes( type.name ),
			} ) ),
			taxonomies: taxonomiesOf( structure ),
			sync_settings: settings,
		};
	}

	syncSettings( row: SiteIntegrationRow ): SyncSettings {
		return {
			...DEFAULT_SYNC_SETTINGS,
			...( ( row.config_json.sync_settings as
				SyncSettings | undefined ) ?? {} ),
		};
	}

	/** The signed client for this integration's site; a clear 400 while it has never paired. */
	clientFor( row: SiteIntegrationRow, timeoutMs?: number ): WpClient {
		const sealed = row.credentials_json.signing_secret;
		const keyId = row.credentials_json.key_id;
		const restUrl = row.config_json.rest_url;
		if (
			typeof sealed !== 'string' ||
			typeof keyId !== 'number' ||
			typeof restUrl !== 'string'
		) {
			throw new ValidationError(
				'The site has not connected yet: run "Test connection" in the IGNY8 Bridge settings first.'
			);
		}
		return new WpClient( {
			restUrl,
			keyId,
			signingSecret: decryptSecret(
				this.deps.secrets.encryptionKey,
				sealed
			),
			outbound: this.deps.outbound,
			timeoutMs,
			// The site has the new secret: the key it replaced may retire.
			onAuthenticated: () =>
				this.deps.apiKeys.retireReplaced( row.site_id, keyId ),
		} );
	}

	/**
	 * Wraps text of one of the site's WordPress posts in the Linker's links
	 * (the plugin's `posts.links.apply`), and keeps the cloud's copy of the
	 * post (`site_posts`) in step with what the site answers — also on a
	 * conflict, whose post is the one edited in WordPress. Throws what
	 * WpClient.applyLinks throws: WpLinksConflictError (carries the post as it
	 * is now), WpLinkRefusedError, WpNotManagedError, WpNotFoundError,
	 * WpUnavailableError (retry later) or another WpClientError; a
	 * ValidationError when the site has no active, paired WordPress connection.
	 * The caller checks that `siteId` is the principal's.
	 */
	async applyLinks(
		siteId: number,
		postId: number,
		body: BridgeLinksApply
	): Promise< WpExportItem > {
		const row = await this.wordpressOf( siteId );
		return this.keepingCopy( row, () =>
			this.clientFor( row ).applyLinks( postId, body )
		);
	}

	/**
	 * The post IGNY8 published for this content as WordPress holds it now,
	 * text included, or null when the site has none. Keeps the cloud's copy
	 * in step like a sync page would.
	 */
	async postOfContent(
		siteId: number,
		contentId: number
	): Promise< WpExportItem | null > {
		const row = await this.wordpressOf( siteId );
		const item =
			await this.clientFor( row ).postItemByContentId( contentId );
		if ( item ) {
			await this.storePosts(
				row,
				[ item ],
				this.syncSettings( row ).include_content
			);
		}
		return item;
	}

	/**
	 * Asks the site's IGNY8 Bridge to hold a Site Builder structure (or,
	 * with `dry_run`, what that would change). Throws what
	 * WpClient.applyStructure throws, or a ValidationError when the site has
	 * no active, paired WordPress connection. The caller checks that
	 * `siteId` is the principal's.
	 */
	async applyStructure(
		siteId: number,
		body: BridgeStructureApply
	): Promise< BridgeStructureReport > {
		const row = await this.wordpressOf( siteId );
		// A whole site's pages, categories and menus in one request: more time than a post.
		return this.clientFor( row, STRUCTURE_TIMEOUT_MS ).applyStructure(
			body
		);
	}

	/** Fails like applyStructure would when the site has no active, paired WordPress connection. */
	async assertConnected( siteId: number ): Promise< void > {
		this.clientFor( await this.wordpressOf( siteId ) );
	}

	/** Unwraps the Linker's links of one of the site's posts (all of them without `ids`); as applyLinks. */
	async removeLinks(
		siteId: number,
		postId: number,
		body: BridgeLinksRemove = {}
	): Promise< WpExportItem > {
		const row = await this.wordpressOf( siteId );
		return this.keepingCopy( row, () =>
			this.clientFor( row ).removeLinks( postId, body )
		);
	}

	private async keepingCopy(
		row: SiteIntegrationRow,
		call: () => Promise< WpExportItem >
	): Promise< WpExportItem > {
		const withContent = this.syncSettings( row ).include_content;
		let item: WpExportItem;
		try {
			item = await call();
		} catch ( error ) {
			if ( error instanceof WpLinksConflictError ) {
				await this.storePosts( row, [ error.current ], withContent );
			}
			throw error;
		}
		await this.storePosts( row, [ item ], withContent );
		return item;
	}

	/** The site's active WordPress integration; a clear 400 when there is none. */
	private async wordpressOf( siteId: number ): Promise< SiteIntegrationRow > {
		const row = await this.deps.models.SiteIntegration.findOne( {
			where: { site_id: siteId, platform: 'wordpress' },
		} );
		if ( ! row || ! row.is_active ) {
			throw new ValidationError(
				'The site is not connected to WordPress: install IGNY8 Bridge and run "Test connection" first.'
			);
		}
		return row;
	}

	/** Queues a pull; a second request while one is queued or running answers that one. */
	async startSync(
		row: SiteIntegrationRow,
		mode: 'full' | 'incremental'
	): Promise< SiteIntegrationRow > {
		if ( ! row.is_active || ! row.sync_enabled ) {
			throw new ValidationError(
				'Sync is turned off for this integration.'
			);
		}
		this.clientFor( row );
		const [ claimed ] = await this.deps.models.SiteIntegration.update(
			{
				sync_state: 'queued',
				sync_error: null,
				sync_progress: {
					stage: 'queued',
					percent: 0,
					processed: 0,
					total: null,
				},
			},
			{
				where: {
					id: row.id,
					sync_state: { [ Op.notIn ]: [ 'queued', 'running' ] },
				},
			}
		);
		if ( claimed === 1 ) {
			await this.deps.queue.enqueue< SyncJob >(
				SYNC_JOB,
				{ integration_id: row.id, mode },
				{ jobId: `integration-sync-${ row.id }` }
			);
		}
		return row.reload();
	}

	syncJob(): JobDefinition< SyncJob, { processed: number } > {
		return {
			type: SYNC_JOB,
			concurrency: 2,
			retries: 2,
			timeoutMs: 60 * 60_000,
			handler: async ( job ) => this.runSync( job.data ),
		};
	}

	private async runSync( data: SyncJob ): Promise< { processed: number } > {
		const { models } = this.deps;
		const row = await models.SiteIntegration.findByPk(
			data.integration_id
		);
		if ( ! row ) {
			return { processed: 0 };
		}
		const settings = this.syncSettings( row );
		const structure = row.config_json.structure as
			Record< string, unknown > | undefined;
		const stored = row.config_json.sync_cursor as WpCursor | undefined;
		// An interrupted full pull resumes where it stopped; a new one starts over.
		let cursor: WpCursor | null =
			data.mode === 'incremental' || row.sync_state === 'running'
				? ( stored ?? null )
				: null;
		const types = settings.post_types;
		const total =
			data.mode === 'full' && ! cursor
				? postTypesOf( structure )
						.filter(
							( t ) =>
								types.length === 0 || types.includes( t.name )
						)
						.reduce( ( sum, t ) => sum + ( t.count ?? 0 ), 0 ) ||
					null
				: null;
		// What a complete full pull did not see is gone from WordPress; the
		// start time survives an interrupted pull, which resumes mid-way.
		let fullSince: Date | null = null;
		if ( data.mode === 'full' ) {
			const kept = row.config_json.full_sync_started_at;
			fullSince =
				cursor && typeof kept === 'string'
					? new Date( kept )
					: cursor
						? null
						: new Date();
			if ( ! cursor ) {
				await row.update( {
					config_json: {
						...row.config_json,
						full_sync_started_at: fullSince!.toISOString(),
					},
				} );
			}
		}
		let processed = 0;
		// What the site's export covered (the same on every page); null from an older plugin.
		let scope: WpExportScope | null = null;
		const progressOf = (
			stage: string,
			message?: string
		): SyncProgress => ( {
			stage,
			processed,
			total,
			percent:
				stage === 'done'
					? 100
					: total
						? Math.min(
								99,
								Math.floor( ( processed / total ) * 100 )
							)
						: 0,
			...( message ? { message } : {} ),
		} );
		const progress = async ( stage: string ) =>
			row.update( { sync_progress: progressOf( stage ) } );
		await row.update( { sync_state: 'running', sync_error: null } );
		await progress( 'fetching' );
		try {
			const client = this.clientFor( row, 60_000 );
			for (;;) {
				const page = await client.exportPosts( {
					postTypes: types,
					cursor,
					perPage: SYNC_PAGE_SIZE,
				} );
				await this.storePosts(
					row,
					page.items,
					settings.include_content
				);
				processed += page.items.length;
				scope = page.scope ?? scope;
				const last = page.items[ page.items.length - 1 ];
				// Where the next incremental pull starts: after the newest post seen, not after this page's cursor.
				const seen: WpCursor | null =
					last?.modified_gmt && Number.isInteger( last.wp_post_id )
						? {
								modified_after: last.modified_gmt,
								after_id: last.wp_post_id,
							}
						: null;
				if ( seen ) {
					await row.update( {
						config_json: { ...row.config_json, sync_cursor: seen },
					} );
				}
				await progress( 'fetching' );
				cursor = page.next_cursor;
				if ( ! cursor || page.items.length === 0 ) {
					break;
				}
			}
			const gone = fullSince
				? await this.markMissingDeleted( row, fullSince, types, scope )
				: 0;
			const { full_sync_started_at: _done, ...config } = row.config_json;
			// The outcome and its progress in one write: a reader never sees one without the other.
			await row.update( {
				sync_state: 'succeeded',
				last_sync_at: new Date(),
				config_json: config,
				sync_progress: progressOf(
					'done',
					`${ processed } posts synced`
				),
			} );
			if ( gone > 0 ) {
				this.deps.logger.info(
					{ integration_id: row.id, deleted: gone },
					'full sync marked posts missing from WordPress as deleted'
				);
			}
			return { processed };
		} catch ( error ) {
			const message =
				error instanceof Error ? error.message : String( error );
			await row.update( {
				sync_state: 'failed',
				sync_error: message,
				sync_progress: progressOf( 'failed', message ),
			} );
			this.deps.logger.warn(
				{ integration_id: row.id, err: message },
				'site sync failed'
			);
			// Only an unreachable site is worth the queue's retries.
			if ( error instanceof WpClientError && error.transient ) {
				throw error;
			}
			return { processed };
		}
	}

	/**
	 * After a complete full pull: posts neither exported since it started nor
	 * reported by an event since then no longer exist in WordPress — when
	 * their last known type and status are ones the export covered. Those it
	 * did not cover (the owner narrowed the export, an event reported the
	 * post private or trashed) still exist: they keep their row and status,
	 * and lose the title, address and content the site no longer shares.
	 */
	private async markMissingDeleted(
		row: SiteIntegrationRow,
		since: Date,
		postTypes: string[],
		scope: WpExportScope | null
	): Promise< number > {
		const unseen = `site_id = :site AND account_id = :account AND deleted_at IS NULL
			   AND synced_at < :since AND (last_event_at IS NULL OR last_event_at < :since)
			   ${ postTypes.length ? 'AND post_type IN (:types)' : '' }`;
		const replacements = {
			site: row.site_id,
			account: row.account_id,
			since,
			types: postTypes,
			// An empty list in SQL's IN (): a value no type or status has.
			scopeTypes: scope?.post_types.length ? scope.post_types : [ '' ],
			scopeStatuses: scope?.statuses.length ? scope.statuses : [ '' ],
		};
		const covered = scope
			? 'AND post_type IN (:scopeTypes) AND status IN (:scopeStatuses)'
			: '';
		if ( scope ) {
			await this.deps.db.sequelize.query(
				`UPDATE site_posts SET title = '', url = NULL, content_html = NULL, excerpt = '', updated_at = NOW()
				 WHERE ${ unseen }
				   AND NOT (post_type IN (:scopeTypes) AND status IN (:scopeStatuses))`,
				{ replacements }
			);
		}
		return this.deps.db.sequelize.transaction( async ( transaction ) => {
			const gone = await this.deps.db.sequelize.query< {
				wp_post_id: string;
			} >(
				`UPDATE site_posts SET status = 'deleted', deleted_at = NOW(), updated_at = NOW()
				 WHERE ${ unseen } ${ covered }
				 RETURNING wp_post_id`,
				{ replacements, type: QueryTypes.SELECT, transaction }
			);
			if ( gone.length > 0 ) {
				await recordEvent( this.deps.db.sequelize, transaction, {
					type: 'site_posts.changed',
					account_id: row.account_id,
					payload: {
						site_id: row.site_id,
						wp_post_ids: gone.map( ( g ) =>
							Number( g.wp_post_id )
						),
					},
				} );
			}
			return gone.length;
		} );
	}

	/** Upserts one page by (site, wp_post_id); the last copy of a post within a page wins. */
	async storePosts(
		row: SiteIntegrationRow,
		items: WpExportItem[],
		includeContent: boolean
	): Promise< void > {
		const byId = new Map< number, WpExportItem >();
		for ( const item of items ) {
			if ( Number.isInteger( item?.wp_post_id ) && item.wp_post_id > 0 ) {
				byId.set( item.wp_post_id, item );
			}
		}
		if ( byId.size === 0 ) {
			return;
		}
		const now = new Date();
		const date = ( value: string | null | undefined ) => {
			const parsed = value ? new Date( value ) : null;
			return parsed && ! Number.isNaN( parsed.getTime() ) ? parsed : null;
		};
		const strings = ( value: unknown ) =>
			Array.isArray( value )
				? value.filter( ( v ): v is string => typeof v === 'string' )
				: [];
		const rows = [ ...byId.values() ].map( ( item ) => ( {
			account_id: row.account_id,
			site_id: row.site_id,
			wp_post_id: item.wp_post_id,
			post_type: String( item.post_type ?? 'post' ).slice( 0, 64 ),
			status: String( item.status ?? 'publish' ).slice( 0, 20 ),
			title: String( item.title ?? '' ),
			url: httpUrlOrNull( item.url ),
			content_html: includeContent ? ( item.content_html ?? null ) : null,
			excerpt: String( item.excerpt ?? '' ),
			categories: strings( item.categories ),
			tags: strings( item.tags ),
			product: item.product ?? null,
			content_hash:
				typeof item.content_hash === 'string' &&
				/^[0-9a-f]{64}$/.test( item.content_hash )
					? item.content_hash
					: null,
			modified_gmt: date( item.modified_gmt ),
			date_gmt: date( item.date_gmt ),
			igny8_task_id: item.igny8_task_id ?? null,
			igny8_content_id: item.igny8_content_id ?? null,
			deleted_at: null,
			synced_at: now,
		} ) );
		const updated = [
			'post_type',
			'status',
			'title',
			'url',
			'content_html',
			'excerpt',
			'categories',
			'tags',
			'product',
			'content_hash',
			'modified_gmt',
			'date_gmt',
			'igny8_task_id',
			'igny8_content_id',
			'deleted_at',
			'synced_at',
			'updated_at',
		] satisfies ( keyof SitePostRow )[];
		// A post whose address is not http(s) keeps the stored one (a new row has none).
		await this.deps.db.sequelize.transaction( async ( transaction ) => {
			for ( const batch of [
				{
					rows: rows.filter( ( r ) => r.url !== null ),
					columns: updated,
				},
				{
					rows: rows.filter( ( r ) => r.url === null ),
					columns: updated.filter( ( column ) => column !== 'url' ),
				},
			] ) {
				if ( batch.rows.length > 0 ) {
					await this.deps.models.SitePost.bulkCreate( batch.rows, {
						conflictAttributes: [ 'site_id', 'wp_post_id' ],
						updateOnDuplicate: batch.columns,
						transaction,
					} );
				}
			}
			await recordEvent( this.deps.db.sequelize, transaction, {
				type: 'site_posts.changed',
				account_id: row.account_id,
				payload: {
					site_id: row.site_id,
					wp_post_ids: [ ...byId.keys() ],
				},
			} );
		} );
	}

	async remove( row: SiteIntegrationRow, who: AuditActor ): Promise< void > {
		if ( row.sync_state === 'running' ) {
			throw new ApiError(
				'conflict',
				'A sync is running; delete the integration once it has finished.'
			);
		}
		await this.deps.db.sequelize.transaction( async ( transaction ) => {
			await row.destroy( { transaction } );
			await this.audit(
				transaction,
				row,
				who,
				'integration.disconnected'
			);
		} );
	}
}

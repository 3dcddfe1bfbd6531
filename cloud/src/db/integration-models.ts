import {
	DataTypes,
	type CreationOptional,
	type InferAttributes,
	type InferCreationAttributes,
	type Model,
	type ModelStatic,
	type Sequelize,
} from 'sequelize';
import type { BridgeHealth, BridgeProductFields } from '@igny8/shared-types';
import { bigint, id, tableOptions, timestamps } from './attributes';

/** The WordPress bridge's tables (migration 0009). */

type Ts = CreationOptional< Date >;

export type SyncProgress = {
	stage: string;
	percent: number;
	processed: number;
	total: number | null;
	message?: string;
};

export interface SiteIntegrationRow extends Model<
	InferAttributes< SiteIntegrationRow >,
	InferCreationAttributes< SiteIntegrationRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	platform: 'wordpress' | 'shopify' | 'wix';
	platform_type: CreationOptional< 'cms' | 'ecommerce' | 'builder' >;
	config_json: CreationOptional< Record< string, unknown > >;
	/** `{ api_key: <sealed> }`: only ever read by the signed client. */
	credentials_json: CreationOptional< Record< string, unknown > >;
	is_active: CreationOptional< boolean >;
	sync_enabled: CreationOptional< boolean >;
	sync_state: CreationOptional<
		'idle' | 'queued' | 'running' | 'succeeded' | 'failed'
	>;
	sync_progress: CreationOptional< SyncProgress >;
	sync_error: CreationOptional< string | null >;
	last_sync_at: CreationOptional< Date | null >;
	last_structure_update_at: CreationOptional< Date | null >;
	publish_lease_until: CreationOptional< Date | null >;
	publish_lease_token: CreationOptional< string | null >;
	publish_backoff_until: CreationOptional< Date | null >;
	/** What the site's plugin last reported of itself (`BridgeHealth`), and when; null from older plugins. */
	health: CreationOptional< BridgeHealth | null >;
	health_reported_at: CreationOptional< Date | null >;
	created_at: Ts;
	updated_at: Ts;
}

export interface SitePostRow extends Model<
	InferAttributes< SitePostRow >,
	InferCreationAttributes< SitePostRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	wp_post_id: number;
	post_type: CreationOptional< string >;
	status: CreationOptional< string >;
	title: CreationOptional< string >;
	url: CreationOptional< string | null >;
	content_html: CreationOptional< string | null >;
	excerpt: CreationOptional< string >;
	categories: CreationOptional< string[] >;
	tags: CreationOptional< string[] >;
	/** A WooCommerce product's shop facts as the export sent them; null for other posts. */
	product: CreationOptional< BridgeProductFields | null >;
	content_hash: CreationOptional< string | null >;
	modified_gmt: CreationOptional< Date | null >;
	date_gmt: CreationOptional< Date | null >;
	igny8_task_id: CreationOptional< number | null >;
	igny8_content_id: CreationOptional< number | null >;
	last_event_at: CreationOptional< Date | null >;
	deleted_at: CreationOptional< Date | null >;
	synced_at: Ts;
	created_at: Ts;
	updated_at: Ts;
}

export type PublishingStatus =
	'queued' | 'publishing' | 'published' | 'failed' | 'conflict';

export interface PublishingRecordRow extends Model<
	InferAttributes< PublishingRecordRow >,
	InferCreationAttributes< PublishingRecordRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	content_id: number;
	task_id: number | null;
	post_id: CreationOptional< number | null >;
	post_url: CreationOptional< string | null >;
	status: CreationOptional< PublishingStatus >;
	wp_status: CreationOptional< 'draft' | 'pending' | 'publish' | 'future' >;
	date_gmt: CreationOptional< Date | null >;
	force: CreationOptional< boolean >;
	attempts: CreationOptional< number >;
	last_error: CreationOptional< string | null >;
	last_pushed_hash: CreationOptional< string | null >;
	remote_hash: CreationOptional< string | null >;
	revision: CreationOptional< number | null >;
	next_attempt_at: CreationOptional< Date | null >;
	published_at: CreationOptional< Date | null >;
	/** The account user who asked for it; null when a WordPress user or the site did. */
	requested_by_user_id: CreationOptional< number | null >;
	/** The WordPress user who asked for it through a site session. */
	requested_by_wp_login: CreationOptional< string | null >;
	created_at: Ts;
	updated_at: Ts;
}

export type IntegrationModels = {
	SiteIntegration: ModelStatic< SiteIntegrationRow >;
	SitePost: ModelStatic< SitePostRow >;
	PublishingRecord: ModelStatic< PublishingRecordRow >;
};

const json = ( defaultValue: unknown ) => ( {
	type: DataTypes.JSONB,
	allowNull: false,
	defaultValue,
} );
const str = ( length: number, allowNull = false, defaultValue?: string ) => ( {
	type: DataTypes.STRING( length ),
	allowNull,
	...( defaultValue === undefined ? {} : { defaultValue } ),
} );
const date = () => ( { type: DataTypes.DATE, allowNull: true } );
const bool = ( defaultValue: boolean ) => ( {
	type: DataTypes.BOOLEAN,
	allowNull: false,
	defaultValue,
} );

export function defineIntegrationModels(
	sequelize: Sequelize
): IntegrationModels {
	const SiteIntegration = sequelize.define< SiteIntegrationRow >(
		'SiteIntegration',
		{
			id: id(),
			account_id: bigint(),
			site_id: bigint(),
			platform: str( 16, false, 'wordpress' ),
			platform_type: str( 16, false, 'cms' ),
			config_json: json( {} ),
			credentials_json: json( {} ),
			is_active: bool( true ),
			sync_enabled: bool( true ),
			sync_state: str( 16, false, 'idle' ),
			sync_progress: json( {
				stage: 'idle',
				percent: 0,
				processed: 0,
				total: null,
			} ),
			sync_error: { type: DataTypes.TEXT, allowNull: true },
			last_sync_at: date(),
			last_structure_update_at: date(),
			publish_lease_until: date(),
			publish_lease_token: str( 64, true ),
			publish_backoff_until: date(),
			health: { type: DataTypes.JSONB, allowNull: true },
			health_reported_at: date(),
			...timestamps(),
		},
		tableOptions( 'site_integrations' )
	);
	const SitePost = sequelize.define< SitePostRow >(
		'SitePost',
		{
			id: id(),
			account_id: bigint(),
			site_id: bigint(),
			wp_post_id: bigint(),
			post_type: str( 64, false, 'post' ),
			status: str( 20, false, 'publish' ),
			title: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
			url: str( 2000, true ),
			content_html: { type: DataTypes.TEXT, allowNull: true },
			excerpt: {
				type: DataTypes.TEXT,
				allowNull: false,
				defaultValue: '',
			},
			categories: json( [] ),
			tags: json( [] ),
			product: { type: DataTypes.JSONB, allowNull: true },
			content_hash: str( 64, true ),
			modified_gmt: date(),
			date_gmt: date(),
			igny8_task_id: bigint( true ),
			igny8_content_id: bigint( true ),
			last_event_at: date(),
			deleted_at: date(),
			synced_at: {
				type: DataTypes.DATE,
				allowNull: false,
				defaultValue: DataTypes.NOW,
			},
			...timestamps(),
		},
		tableOptions( 'site_posts' )
	);
	const PublishingRecord = sequelize.define< PublishingRecordRow >(
		'PublishingRecord',
		{
			id: id(),
			account_id: bigint(),
			site_id: bigint(),
			sector_id: bigint(),
			content_id: bigint(),
			task_id: bigint( true ),
			post_id: bigint( true ),
			post_url: str( 2000, true ),
			status: str( 16, false, 'queued' ),
			wp_status: str( 16, false, 'publish' ),
			date_gmt: date(),
			force: bool( false ),
			attempts: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			last_error: { type: DataTypes.TEXT, allowNull: true },
			last_pushed_hash: str( 64, true ),
			remote_hash: str( 64, true ),
			revision: { type: DataTypes.INTEGER, allowNull: true },
			next_attempt_at: date(),
			published_at: date(),
			requested_by_user_id: bigint( true ),
			requested_by_wp_login: str( 60, true ),
			...timestamps(),
		},
		tableOptions( 'publishing_records' )
	);
	return { SiteIntegration, SitePost, PublishingRecord };
}

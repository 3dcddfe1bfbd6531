import {
	DataTypes,
	type CreationOptional,
	type InferAttributes,
	type InferCreationAttributes,
	type Model,
	type ModelStatic,
	type Sequelize,
} from 'sequelize';
import { bigint, id, tableOptions, timestamps } from './attributes';

/**
 * Planner and Writer models: everything an editor works on, each row scoped
 * to an account, a site and a sector (the seed's SiteSectorBaseModel).
 */

type Ts = CreationOptional< Date >;

export interface KeywordRow extends Model<
	InferAttributes< KeywordRow >,
	InferCreationAttributes< KeywordRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	keyword: string;
	normalized: string;
	search_volume: CreationOptional< number >;
	difficulty: number | null;
	intent:
		| 'informational'
		| 'commercial'
		| 'transactional'
		| 'navigational'
		| null;
	status: CreationOptional< 'active' | 'inactive' | 'used' >;
	source: CreationOptional< 'manual' | 'csv_import' | 'api_import' >;
	/** NUMERIC arrives as a string; serializers turn it into a number. */
	cpc: string | number | null;
	extra: CreationOptional< Record< string, unknown > >;
}

export interface ClusterRow extends Model<
	InferAttributes< ClusterRow >,
	InferCreationAttributes< ClusterRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	name: string;
	description: CreationOptional< string >;
	status: CreationOptional< 'active' | 'archived' >;
}

export interface ClusterKeywordRow extends Model<
	InferAttributes< ClusterKeywordRow >,
	InferCreationAttributes< ClusterKeywordRow >
> {
	cluster_id: number;
	keyword_id: number;
}

export interface IdeaRow extends Model<
	InferAttributes< IdeaRow >,
	InferCreationAttributes< IdeaRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	cluster_id: number | null;
	title: string;
	description: CreationOptional< string >;
	suggested_keywords: CreationOptional< string[] >;
	status: CreationOptional<
		'draft' | 'approved' | 'in_progress' | 'completed'
	>;
	content_type: CreationOptional< 'post' | 'page' | 'product' | 'service' >;
	target_word_count: number | null;
}

export interface TaskRow extends Model<
	InferAttributes< TaskRow >,
	InferCreationAttributes< TaskRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	content_idea_id: number | null;
	cluster_id: number | null;
	title: string;
	brief: CreationOptional< string >;
	target_keywords: CreationOptional< string[] >;
	status: CreationOptional<
		'pending' | 'in_progress' | 'completed' | 'published'
	>;
	assigned_post_id: number | null;
	post_url: string | null;
}

export interface ContentRow extends Model<
	InferAttributes< ContentRow >,
	InferCreationAttributes< ContentRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	task_id: number | null;
	title: string;
	content_html: CreationOptional< string >;
	content_plain: CreationOptional< string >;
	excerpt: CreationOptional< string >;
	meta_description: CreationOptional< string >;
	entity_type: CreationOptional< 'post' | 'page' | 'product' | 'service' >;
	external_id: string | null;
	external_type: string | null;
	sync_status: CreationOptional<
		| 'draft'
		| 'imported'
		| 'synced'
		| 'published'
		| 'scheduled'
		| 'trashed'
		| 'deleted'
	>;
	taxonomies: CreationOptional< Record< string, string[] > >;
	attributes: CreationOptional< Record< string, unknown > >;
	word_count: CreationOptional< number >;
	/** Bumped by a trigger on every edit of what a push sends (migration 0009). */
	revision: CreationOptional< number >;
}

export interface ImageRow extends Model<
	InferAttributes< ImageRow >,
	InferCreationAttributes< ImageRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	task_id: number | null;
	content_id: number | null;
	image_url: string | null;
	storage_path: string | null;
	prompt: CreationOptional< string >;
	is_featured: CreationOptional< boolean >;
	position: CreationOptional< number >;
	alt_text: CreationOptional< string >;
	caption: CreationOptional< string >;
}

export interface KeywordImportRow extends Model<
	InferAttributes< KeywordImportRow >,
	InferCreationAttributes< KeywordImportRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number;
	created_at: Ts;
	updated_at: Ts;
	created_by: number | null;
	status: CreationOptional< 'queued' | 'running' | 'succeeded' | 'failed' >;
	filename: string;
	storage_path: string;
	format: string;
	mapping: Record< string, number | null >;
	total_rows: CreationOptional< number >;
	imported: CreationOptional< number >;
	duplicates: CreationOptional< number >;
	invalid: CreationOptional< number >;
	progress: CreationOptional< number >;
	/** Keywords the plan's quota holds for this import until it ends (planner/quota.ts). */
	reserved_keywords: CreationOptional< number >;
	/** How the job reads the file (planner/import/reader.ts ReadOptions with encoding and BOM); null on imports recorded before 0022. */
	read_options: CreationOptional< Record< string, unknown > | null >;
	/** Bytes; BIGINT, so pg returns it as a string. */
	file_size: CreationOptional< number | string | null >;
	error: string | null;
	started_at: Date | null;
	finished_at: Date | null;
}

export type ContentModels = {
	Keyword: ModelStatic< KeywordRow >;
	Cluster: ModelStatic< ClusterRow >;
	ClusterKeyword: ModelStatic< ClusterKeywordRow >;
	Idea: ModelStatic< IdeaRow >;
	Task: ModelStatic< TaskRow >;
	Content: ModelStatic< ContentRow >;
	Image: ModelStatic< ImageRow >;
	KeywordImport: ModelStatic< KeywordImportRow >;
};

const scoped = () => ( {
	id: id(),
	account_id: bigint(),
	site_id: bigint(),
	sector_id: bigint(),
	...timestamps(),
} );
const fk = () => bigint( true );
const text = ( defaultValue = '' ) => ( {
	type: DataTypes.TEXT,
	allowNull: false,
	defaultValue,
} );
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

export function defineContentModels( sequelize: Sequelize ): ContentModels {
	const Keyword = sequelize.define< KeywordRow >(
		'Keyword',
		{
			...scoped(),
			keyword: str( 255 ),
			normalized: str( 255 ),
			search_volume: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			difficulty: { type: DataTypes.SMALLINT, allowNull: true },
			intent: str( 16, true ),
			status: str( 16, false, 'active' ),
			source: str( 16, false, 'manual' ),
			cpc: { type: DataTypes.DECIMAL( 10, 2 ), allowNull: true },
			extra: json( {} ),
		},
		tableOptions( 'keywords' )
	);
	const Cluster = sequelize.define< ClusterRow >(
		'Cluster',
		{
			...scoped(),
			name: str( 255 ),
			description: text(),
			status: str( 16, false, 'active' ),
		},
		tableOptions( 'clusters' )
	);
	const ClusterKeyword = sequelize.define< ClusterKeywordRow >(
		'ClusterKeyword',
		{
			cluster_id: {
				type: DataTypes.BIGINT,
				allowNull: false,
				primaryKey: true,
			},
			keyword_id: {
				type: DataTypes.BIGINT,
				allowNull: false,
				primaryKey: true,
			},
		},
		{ tableName: 'cluster_keywords', timestamps: false }
	);
	const Idea = sequelize.define< IdeaRow >(
		'ContentIdea',
		{
			...scoped(),
			cluster_id: fk(),
			title: str( 500 ),
			description: text(),
			suggested_keywords: json( [] ),
			status: str( 16, false, 'draft' ),
			content_type: str( 16, false, 'post' ),
			target_word_count: { type: DataTypes.INTEGER, allowNull: true },
		},
		tableOptions( 'content_ideas' )
	);
	const Task = sequelize.define< TaskRow >(
		'Task',
		{
			...scoped(),
			content_idea_id: fk(),
			cluster_id: fk(),
			title: str( 500 ),
			brief: text(),
			target_keywords: json( [] ),
			status: str( 16, false, 'pending' ),
			assigned_post_id: fk(),
			post_url: str( 2000, true ),
		},
		tableOptions( 'tasks' )
	);
	const Content = sequelize.define< ContentRow >(
		'Content',
		{
			...scoped(),
			task_id: fk(),
			title: str( 500 ),
			content_html: text(),
			content_plain: text(),
			excerpt: text(),
			meta_description: str( 320, false, '' ),
			entity_type: str( 16, false, 'post' ),
			external_id: str( 64, true ),
			external_type: str( 32, true ),
			sync_status: str( 16, false, 'draft' ),
			taxonomies: json( {} ),
			attributes: json( {} ),
			word_count: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			revision: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 1,
			},
		},
		tableOptions( 'content' )
	);
	const Image = sequelize.define< ImageRow >(
		'Image',
		{
			...scoped(),
			task_id: fk(),
			content_id: fk(),
			image_url: str( 2000, true ),
			storage_path: str( 500, true ),
			prompt: text(),
			is_featured: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: false,
			},
			position: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			alt_text: str( 500, false, '' ),
			caption: text(),
		},
		tableOptions( 'images' )
	);
	const KeywordImport = sequelize.define< KeywordImportRow >(
		'KeywordImport',
		{
			...scoped(),
			created_by: fk(),
			status: str( 16, false, 'queued' ),
			filename: str( 255 ),
			storage_path: str( 500 ),
			format: str( 32 ),
			mapping: json( {} ),
			total_rows: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			imported: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			duplicates: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			invalid: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			progress: {
				type: DataTypes.SMALLINT,
				allowNull: false,
				defaultValue: 0,
			},
			reserved_keywords: {
				type: DataTypes.INTEGER,
				allowNull: false,
				defaultValue: 0,
			},
			read_options: { type: DataTypes.JSONB, allowNull: true },
			file_size: { type: DataTypes.BIGINT, allowNull: true },
			error: { type: DataTypes.TEXT, allowNull: true },
			started_at: { type: DataTypes.DATE, allowNull: true },
			finished_at: { type: DataTypes.DATE, allowNull: true },
		},
		tableOptions( 'keyword_imports' )
	);
	return {
		Keyword,
		Cluster,
		ClusterKeyword,
		Idea,
		Task,
		Content,
		Image,
		KeywordImport,
	};
}

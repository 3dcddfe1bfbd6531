import {
	DataTypes,
	type CreationOptional,
	type InferAttributes,
	type InferCreationAttributes,
	type Model,
	type ModelStatic,
	type Sequelize,
} from 'sequelize';
import { bigint, id, tableOptions, timestamps } from '../../db/attributes';

/** The account-level AI configuration (migration 0007). */

type Ts = CreationOptional< Date >;

export interface AiPromptRow extends Model<
	InferAttributes< AiPromptRow >,
	InferCreationAttributes< AiPromptRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	prompt_key: string;
	system_template: string;
	user_template: string;
	updated_by: number | null;
	created_at: Ts;
	updated_at: Ts;
}

export interface AuthorProfileRow extends Model<
	InferAttributes< AuthorProfileRow >,
	InferCreationAttributes< AuthorProfileRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	name: string;
	description: CreationOptional< string >;
	tone: CreationOptional< string >;
	audience: CreationOptional< string >;
	style: CreationOptional< string >;
	language: CreationOptional< string >;
	is_default: CreationOptional< boolean >;
	created_at: Ts;
	updated_at: Ts;
}

export interface ContentStrategyRow extends Model<
	InferAttributes< ContentStrategyRow >,
	InferCreationAttributes< ContentStrategyRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	sector_id: number | null;
	name: string;
	description: CreationOptional< string >;
	instructions: CreationOptional< string >;
	created_at: Ts;
	updated_at: Ts;
}

export interface AiSettingsRow extends Model<
	InferAttributes< AiSettingsRow >,
	InferCreationAttributes< AiSettingsRow >
> {
	account_id: number;
	text_model: string | null;
	/** Per text function, its own model (migration 0023); absent: `text_model`. */
	function_models: CreationOptional< Partial< Record< string, string > > >;
	image_model: string | null;
	image_provider: 'openai' | 'runware' | null;
	/** NUMERIC arrives as a string. */
	temperature: string | number | null;
	max_tokens: number | null;
	api_key_encrypted: string | null;
	api_key_last4: string | null;
	base_url: string | null;
	/** null: automatic (migration 0011). */
	structured_output: 'json_schema' | 'json_mode' | null;
	updated_by: number | null;
	created_at: Ts;
	updated_at: Ts;
}

export type SystemModels = {
	AiPrompt: ModelStatic< AiPromptRow >;
	AuthorProfile: ModelStatic< AuthorProfileRow >;
	ContentStrategy: ModelStatic< ContentStrategyRow >;
	AiSettings: ModelStatic< AiSettingsRow >;
};

const text = ( defaultValue = '' ) => ( {
	type: DataTypes.TEXT,
	allowNull: false,
	defaultValue,
} );

export function defineSystemModels( sequelize: Sequelize ): SystemModels {
	const AiPrompt = sequelize.define< AiPromptRow >(
		'AiPrompt',
		{
			id: id(),
			account_id: bigint(),
			prompt_key: { type: DataTypes.STRING( 100 ), allowNull: false },
			system_template: { type: DataTypes.TEXT, allowNull: false },
			user_template: { type: DataTypes.TEXT, allowNull: false },
			updated_by: bigint( true ),
			...timestamps(),
		},
		tableOptions( 'ai_prompts' )
	);
	const AuthorProfile = sequelize.define< AuthorProfileRow >(
		'AuthorProfile',
		{
			id: id(),
			account_id: bigint(),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			description: text(),
			tone: text(),
			audience: text(),
			style: text(),
			language: text( 'en' ),
			is_default: {
				type: DataTypes.BOOLEAN,
				allowNull: false,
				defaultValue: false,
			},
			...timestamps(),
		},
		tableOptions( 'author_profiles' )
	);
	const ContentStrategy = sequelize.define< ContentStrategyRow >(
		'ContentStrategy',
		{
			id: id(),
			account_id: bigint(),
			sector_id: bigint( true ),
			name: { type: DataTypes.STRING( 255 ), allowNull: false },
			description: text(),
			instructions: text(),
			...timestamps(),
		},
		tableOptions( 'content_strategies' )
	);
	const AiSettings = sequelize.define< AiSettingsRow >(
		'AiSettings',
		{
			account_id: { type: DataTypes.BIGINT, primaryKey: true },
			text_model: { type: DataTypes.STRING( 100 ), allowNull: true },
			function_models: {
				type: DataTypes.JSONB,
				allowNull: false,
				defaultValue: {},
			},
			image_model: { type: DataTypes.STRING( 100 ), allowNull: true },
			image_provider: { type: DataTypes.STRING( 16 ), allowNull: true },
			temperature: { type: DataTypes.DECIMAL( 3, 2 ), allowNull: true },
			max_tokens: { type: DataTypes.INTEGER, allowNull: true },
			api_key_encrypted: { type: DataTypes.TEXT, allowNull: true },
			api_key_last4: { type: DataTypes.STRING( 4 ), allowNull: true },
			base_url: { type: DataTypes.STRING( 2000 ), allowNull: true },
			structured_output: {
				type: DataTypes.STRING( 16 ),
				allowNull: true,
			},
			updated_by: bigint( true ),
			...timestamps(),
		},
		tableOptions( 'ai_settings' )
	);
	return { AiPrompt, AuthorProfile, ContentStrategy, AiSettings };
}

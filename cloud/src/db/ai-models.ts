import {
	DataTypes,
	type CreationOptional,
	type InferAttributes,
	type InferCreationAttributes,
	type Model,
	type ModelStatic,
	type Sequelize,
} from 'sequelize';
import { tableOptions, timestamps } from './attributes';
import type { AiProgress, AiRunStatus } from '@igny8/shared-types';

/** One AI task run (table `ai_task_runs`, migration 0006). */
export interface AiTaskRunRow extends Model<
	InferAttributes< AiTaskRunRow >,
	InferCreationAttributes< AiTaskRunRow >
> {
	id: CreationOptional< number >;
	account_id: number;
	site_id: number;
	sector_id: number | null;
	function_name: string;
	status: CreationOptional< AiRunStatus >;
	input: Record< string, unknown >;
	output_summary: Record< string, unknown > | null;
	error: string | null;
	progress: CreationOptional< AiProgress >;
	tokens_in: CreationOptional< number >;
	tokens_out: CreationOptional< number >;
	/** NUMERIC arrives as a string. */
	cost: CreationOptional< string | number >;
	credits_reserved: CreationOptional< number >;
	credits_charged: CreationOptional< number >;
	attempts: CreationOptional< number >;
	created_by: number | null;
	/** Who asked for the run when that was not a request (an automation step): unique. */
	origin_key: CreationOptional< string | null >;
	started_at: Date | null;
	finished_at: Date | null;
	created_at: CreationOptional< Date >;
	updated_at: CreationOptional< Date >;
}

export type AiModels = { AiTaskRun: ModelStatic< AiTaskRunRow > };

const int = () => ( {
	type: DataTypes.INTEGER,
	allowNull: false,
	defaultValue: 0,
} );

export function defineAiModels( sequelize: Sequelize ): AiModels {
	const AiTaskRun = sequelize.define< AiTaskRunRow >(
		'AiTaskRun',
		{
			id: {
				type: DataTypes.BIGINT,
				autoIncrement: true,
				primaryKey: true,
			},
			account_id: { type: DataTypes.BIGINT, allowNull: false },
			site_id: { type: DataTypes.BIGINT, allowNull: false },
			sector_id: { type: DataTypes.BIGINT, allowNull: true },
			function_name: { type: DataTypes.STRING( 64 ), allowNull: false },
			status: {
				type: DataTypes.STRING( 16 ),
				allowNull: false,
				defaultValue: 'queued',
			},
			input: {
				type: DataTypes.JSONB,
				allowNull: false,
				defaultValue: {},
			},
			output_summary: { type: DataTypes.JSONB, allowNull: true },
			error: { type: DataTypes.TEXT, allowNull: true },
			progress: {
				type: DataTypes.JSONB,
				allowNull: false,
				defaultValue: {
					stage: 'queued',
					percent: 0,
					message: 'Waiting for a worker',
					seq: 0,
				},
			},
			tokens_in: int(),
			tokens_out: int(),
			cost: {
				type: DataTypes.DECIMAL( 12, 6 ),
				allowNull: false,
				defaultValue: 0,
			},
			credits_reserved: int(),
			credits_charged: int(),
			attempts: int(),
			created_by: { type: DataTypes.BIGINT, allowNull: true },
			origin_key: {
				type: DataTypes.STRING( 120 ),
				allowNull: true,
				defaultValue: null,
			},
			started_at: { type: DataTypes.DATE, allowNull: true },
			finished_at: { type: DataTypes.DATE, allowNull: true },
			...timestamps(),
		},
		tableOptions( 'ai_task_runs' )
	);
	return { AiTaskRun };
}

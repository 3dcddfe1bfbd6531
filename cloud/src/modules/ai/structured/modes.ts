import { QueryTypes, type Sequelize } from 'sequelize';
import type { StructuredMode } from './answer';

/**
 * Which way each account's structured answers are asked for, per endpoint
 * and model (table `ai_structured_output_modes`, migration 0011).
 *
 * The account's setting decides when it names a mode. On `auto` a run asks
 * with json_schema unless a refusal was recorded for that model at that
 * endpoint; the provider's first answer is recorded either way — a refusal
 * (JSON mode from then on) or a json_schema answer (shown as supported). It
 * lives in the database, not in a process, so every worker — and the
 * settings page — sees the same thing from the next run on.
 */

export type StructuredOutputSetting = 'auto' | StructuredMode;

export type DetectedMode = {
	model: string;
	mode: StructuredMode;
	/** The provider's refusal that moved the model to JSON mode. */
	reason: string | null;
	detected_at: Date;
};

/**
 * How to ask, given the account's setting and what was found out for the
 * model: a named mode as it is (no fallback: the account chose it), else
 * JSON mode after a refusal, else json_schema with a fallback to JSON mode.
 */
export function chooseMode(
	setting: StructuredOutputSetting,
	detected: StructuredMode | null
): { mode: StructuredMode; fallback: boolean } {
	if ( setting !== 'auto' ) {
		return { mode: setting, fallback: false };
	}
	return { mode: detected ?? 'json_schema', fallback: true };
}

/** How one run asks: its choice per model, and what it learns on the way. */
export type RunModes = {
	choose(
		model: string
	): Promise< { mode: StructuredMode; fallback: boolean } >;
	/** The provider answered in `mode` (after refusing json_schema with `refusal`). */
	learned(
		model: string,
		mode: StructuredMode,
		refusal?: string
	): Promise< void >;
};

export class StructuredOutputModes {
	constructor( private readonly sequelize: Sequelize ) {}

	/** What a run of the account uses on `endpoint`, with its setting. Remembers within the run. */
	forRun(
		accountId: number,
		endpoint: string,
		setting: StructuredOutputSetting
	): RunModes {
		const known = new Map< string, StructuredMode | null >();
		const modeOf = async ( model: string ) => {
			if ( ! known.has( model ) ) {
				known.set(
					model,
					( await this.find( accountId, endpoint, model ) )?.mode ??
						null
				);
			}
			return known.get( model ) ?? null;
		};
		return {
			choose: async ( model ) =>
				chooseMode(
					setting,
					setting === 'auto' ? await modeOf( model ) : null
				),
			learned: async ( model, mode, refusal ) => {
				if (
					setting !== 'auto' ||
					( await modeOf( model ) ) === mode
				) {
					return;
				}
				await this.record( accountId, endpoint, model, mode, refusal );
				known.set( model, mode );
			},
		};
	}

	/** What the account's runs found out about the models at `endpoint`, newest first. */
	async detected(
		accountId: number,
		endpoint: string
	): Promise< DetectedMode[] > {
		return this.sequelize.query< DetectedMode >(
			`SELECT model, mode, reason, detected_at FROM ai_structured_output_modes
			 WHERE account_id = :accountId AND endpoint = :endpoint
			 ORDER BY detected_at DESC, model ASC`,
			{ replacements: { accountId, endpoint }, type: QueryTypes.SELECT }
		);
	}

	/** Forgets what the account's runs found out (its next runs find out again). */
	async forget( accountId: number ): Promise< void > {
		await this.sequelize.query(
			'DELETE FROM ai_structured_output_modes WHERE account_id = :accountId',
			{ replacements: { accountId } }
		);
	}

	private async find(
		accountId: number,
		endpoint: string,
		model: string
	): Promise< DetectedMode | undefined > {
		const [ row ] = await this.sequelize.query< DetectedMode >(
			`SELECT model, mode, reason, detected_at FROM ai_structured_output_modes
			 WHERE account_id = :accountId AND model = :model AND md5(endpoint) = md5(:endpoint)`,
			{
				replacements: { accountId, endpoint, model },
				type: QueryTypes.SELECT,
			}
		);
		return row;
	}

	/**
	 * A refusal overrides whatever was known (the provider changed, or
	 * another run got there first); a json_schema answer only fills a gap,
	 * so it never undoes a refusal recorded meanwhile by another process.
	 */
	private async record(
		accountId: number,
		endpoint: string,
		model: string,
		mode: StructuredMode,
		refusal?: string
	): Promise< void > {
		await this.sequelize.query(
			`INSERT INTO ai_structured_output_modes (account_id, endpoint, model, mode, reason)
			 VALUES (:accountId, :endpoint, :model, :mode, :reason)
			 ON CONFLICT (account_id, model, md5(endpoint)) DO ${
					mode === 'json_mode'
						? 'UPDATE SET mode = EXCLUDED.mode, reason = EXCLUDED.reason, detected_at = NOW()'
						: 'NOTHING'
				}`,
			{
				replacements: {
					accountId,
					endpoint,
					model,
					mode,
					reason: refusal ?? null,
				},
			}
		);
	}
}

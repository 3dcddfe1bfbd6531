import type { AiRun } from '@igny8/shared-types';
import type { RunSnapshot } from './engine';
import type { AiTaskRunRow } from '../../db/ai-models';

const iso = ( value: Date | string | null ) =>
	value === null ? null : new Date( value ).toISOString();

/** A run row (model or plain) → its API shape. */
export function serializeRun( source: AiTaskRunRow | RunSnapshot ): AiRun {
	const run =
		'get' in source && typeof source.get === 'function'
			? ( source.get( { plain: true } ) as RunSnapshot )
			: ( source as RunSnapshot );
	return {
		id: Number( run.id ),
		account_id: Number( run.account_id ),
		site_id: Number( run.site_id ),
		sector_id: run.sector_id === null ? null : Number( run.sector_id ),
		function_name: run.function_name,
		status: run.status,
		input: run.input,
		output_summary: run.output_summary,
		error: run.error,
		progress: {
			stage: run.progress.stage,
			percent: Number( run.progress.percent ),
			...( run.progress.message
				? { message: run.progress.message }
				: {} ),
			seq: Number( run.progress.seq ),
		},
		tokens_in: Number( run.tokens_in ),
		tokens_out: Number( run.tokens_out ),
		cost: Number( run.cost ),
		credits_reserved: Number( run.credits_reserved ),
		credits_charged: Number( run.credits_charged ),
		attempts: Number( run.attempts ),
		created_by: run.created_by === null ? null : Number( run.created_by ),
		started_at: iso( run.started_at ),
		finished_at: iso( run.finished_at ),
		created_at: iso( run.created_at ) as string,
		updated_at: iso( run.updated_at ) as string,
	};
}

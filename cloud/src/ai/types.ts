import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { AiFunctionName } from '@igny8/shared-types';
import type { Database } from '../db/connection';
import type { Models } from '../db/models';
import type { Principal } from '../modules/auth/principal';
import type { PromptDefinition } from './prompts';
import type { CallOptions, ChatMessage, ChatResult } from './provider';
import type { AiTaskRunRow } from './run-model';

/**
 * The contract of one AI function (the seed's BaseAIFunction). The engine
 * calls the steps in order; only `execute` talks to the provider, only `save`
 * writes, and `save` runs inside the one transaction that also marks the run
 * succeeded — so a cancelled or failed run leaves nothing behind.
 */

/** Where a run's work lives: every run belongs to one site. */
export type RunScope = { site_id: number; sector_id: number | null };

export type AiDeps = { db: Database; models: Models };

/** The provider as a function sees it: usage is counted, cancellation is wired in. */
export type RunProvider = {
	chat(
		messages: ChatMessage[],
		options?: CallOptions
	): Promise< ChatResult >;
	structured< T >(
		schema: z.ZodType< T >,
		messages: ChatMessage[],
		options?: CallOptions
	): Promise< T >;
};

export type ExecuteContext = {
	ai: RunProvider;
	/** Records and publishes progress; `percent` is of the whole run. */
	progress(
		stage: string,
		percent: number,
		message?: string
	): Promise< void >;
	/** Throws when the run was cancelled or timed out; call between steps. */
	checkpoint(): void;
	signal: AbortSignal;
	/** The prompt's messages: the account's override when it has one, else the default. */
	prompt(
		definition: PromptDefinition,
		values: Readonly< Record< string, string | number > >
	): ChatMessage[];
};

export type SaveOutcome = {
	/** Stored on the run as `output_summary`. */
	summary: Record< string, unknown >;
	/** The actual price; the reservation caps it. */
	credits: number;
};

export interface AiFunction< Input = any, Prepared = any, Result = any > {
	name: AiFunctionName;
	/** The run's input as stored on the row (and read back by the worker). */
	input: z.ZodType< Input >;
	/** Checks the input against what the caller may touch; answers the run's scope. */
	validate(
		input: Input,
		principal: Principal,
		deps: AiDeps
	): Promise< RunScope >;
	/** Credits reserved before any provider call: the most the run may cost. */
	estimate( input: Input ): number;
	/** Loads the records the run works on (worker side). */
	prepare(
		input: Input,
		run: AiTaskRunRow,
		deps: AiDeps
	): Promise< Prepared >;
	execute(
		prepared: Prepared,
		input: Input,
		context: ExecuteContext
	): Promise< Result >;
	save(
		result: Result,
		prepared: Prepared,
		run: AiTaskRunRow,
		deps: AiDeps & { transaction: Transaction }
	): Promise< SaveOutcome >;
}

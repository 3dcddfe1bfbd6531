import { EventEmitter } from 'node:events';
import {
	Op,
	QueryTypes,
	UniqueConstraintError,
	type InferAttributes,
	type WhereOptions,
} from 'sequelize';
import {
	AI_RUN_FINAL,
	type AiProgress,
	type AiRunStatus,
} from '@igny8/shared-types';
import type { Config } from '../../config';
import type { Database } from '../../db/connection';
import type { Models } from '../../db/models';
import { ApiError, NotFoundError, ValidationError } from '../../http/errors';
import { createdBetween } from '../../http/pagination';
import type { Logger } from '../../logger';
import { siteFilter, type Principal } from '../auth';
import type { CreditService } from '../billing';
import { creditsFor, type PriceBook } from '../billing';
import type { JobDefinition, JobQueue } from '../../queue';
import { createFileStorage } from '../../storage/file-storage';
import { ImageStore } from '../../storage/image-store';
import { sweepOrphanedImages } from './functions/generate-images';
import { RunwareImages } from './image-providers/runware';
import type {
	ImageGenerator,
	ImageProviderName,
} from './image-providers/types';
import {
	serverAiSettings,
	type AccountAi,
	type AiSettingsSource,
} from './account-settings';
import { AI_DEFAULTS, costOf } from './defaults';
import { pricedTokens, reservedTokens } from './metering';
import { ModelPolicy } from './model-policy';
import {
	AiAbortedError,
	AiInvalidOutputError,
	type AiProvider,
} from './provider';
import { NO_OVERRIDES, renderPrompt, type PromptSource } from './prompts';
import { defaultRegistry, type AiRegistry } from './registry';
import { RunFeed } from './run-feed';
import { RunProgress } from './run-progress';
import { LocalRunSignals, type RunSignals } from './run-signals';
import type { AiTaskRunRow } from '../../db/ai-models';
import { StructuredOutputModes } from './structured/modes';
import type {
	AiDeps,
	AiFunction,
	ExecuteContext,
	RunProvider,
	RunScope,
} from './types';
import { textModelFor } from './types';

/**
 * The AI engine (the seed's AIEngine + run_ai_task). `runAiTask` validates,
 * prices, records a queued run, reserves its credits and enqueues one
 * `ai.run` job. The job drives the function's steps, telling listeners in
 * this process every progress at once and writing it to the run row (the
 * truth any process can read) at most every AI_DEFAULTS.progressWriteMs
 * (see run-progress.ts). A run ends exactly once: succeeded (credits
 * settled), failed or cancelled (credits refunded). A cancel made elsewhere
 * reaches the worker as a signal, not by polling.
 */

export const AI_RUN_JOB = 'ai.run';
export type AiRunJob = { run_id: number };

export const jobIdOf = ( runId: number ) => `ai-run-${ runId }`;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `run.finished` domain event's payload, built from an ai_task_runs row in SQL. */
const RUN_FINISHED_PAYLOAD = `jsonb_build_object('run_id', id, 'function_name', function_name, 'status', status, 'site_id', site_id, 'sector_id', sector_id, 'credits_charged', credits_charged, 'summary', output_summary)`;

type Price = Awaited< ReturnType< PriceBook[ 'price' ] > >;

/** A plain copy of a run row, as listeners and serializers get it. */
export type RunSnapshot = InferAttributes< AiTaskRunRow >;

/** What a run spent so far: raw tokens and dollars for its record, weighted tokens for its price. */
type Usage = {
	tokensIn: number;
	tokensOut: number;
	cost: number;
	priced: number;
};

/** A priced, checked run that has not started (what the estimate endpoint shows). */
export type Quote = {
	fn: AiFunction;
	input: unknown;
	scope: RunScope;
	/** The account's provider and settings the price was made for. */
	account: AccountAi;
	/** What the run reserves: the most it can cost. */
	credits: number;
	/** Weighted tokens the reservation covers (0 on the account's own key). */
	tokens: number;
	/** The longest answer each text request may ask for; null: the account's own key sets none. */
	answerCap: number | null;
};

class RunStopped extends Error {
	constructor( readonly outcome: 'cancelled' | 'timeout' ) {
		super(
			outcome === 'cancelled' ? 'The run was cancelled.' : 'Timed out.'
		);
	}
}

type Deps = {
	config: Config;
	logger: Logger;
	db: Database;
	models: Models;
	queue: JobQueue;
	credits: CreditService;
	registry?: AiRegistry;
	/** The server's provider; its outbound client also carries Runware's requests. */
	provider: AiProvider;
	prompts?: PromptSource;
	/** Prices each function per the account's plan (reservation and charge). */
	prices: PriceBook;
	/** The account's provider and model settings; default: the server's for everyone. */
	aiSettings?: AiSettingsSource;
	/** Generated images; default a folder under the data dir. */
	files?: ImageStore;
	/** Image services by name; default OpenAI's images API (the provider) and Runware. */
	imageGenerators?: Partial< Record< ImageProviderName, ImageGenerator > >;
	/** What each account's runs found out about structured output; default: in this database. */
	structuredModes?: StructuredOutputModes;
	/** "Run N changed" between processes; default: none (one process hears itself). */
	signals?: RunSignals;
	/** Runs one worker process executes at once; default: the queue's concurrency setting. */
	concurrency?: number;
};

/** A run executing in this process. */
type Running = { controller: AbortController; progress: RunProgress };

export class AiEngine {
	readonly provider: AiProvider;
	readonly registry: AiRegistry;
	readonly aiSettings: AiSettingsSource;
	readonly files: ImageStore;
	readonly imageGenerators: Record< ImageProviderName, ImageGenerator >;
	readonly structuredModes: StructuredOutputModes;
	/** What accounts on the server's key may ask for (models, max tokens). */
	readonly policy: ModelPolicy;
	private readonly events = new EventEmitter();
	/** What every event stream of this process reads (one listener per run, one batched read). */
	readonly feed: RunFeed;
	readonly signals: RunSignals;
	/** Runs executing in this process, so a cancel here stops them at once. */
	private readonly running = new Map< number, Running >();
	/** While runs execute here: hears cancels made elsewhere (signals, and a slow fallback read). */
	private cancelWatch: {
		unlisten: () => void;
		timer: NodeJS.Timeout;
	} | null = null;

	constructor( private readonly deps: Deps ) {
		this.provider = deps.provider;
		this.registry = deps.registry ?? defaultRegistry();
		this.aiSettings =
			deps.aiSettings ?? serverAiSettings( deps.config, this.provider );
		this.policy = ModelPolicy.of( deps.config );
		this.signals = deps.signals ?? new LocalRunSignals();
		this.feed = new RunFeed( this, {
			perUser: deps.config.streamsPerUser,
			fallbackMs: AI_DEFAULTS.signalFallbackMs,
		} );
		this.structuredModes =
			deps.structuredModes ??
			new StructuredOutputModes( deps.db.sequelize );
		const { config } = deps;
		this.files =
			deps.files ??
			new ImageStore(
				createFileStorage( config, deps.db.sequelize, 'files' ),
				config.publicUrl
			);
		this.imageGenerators = {
			openai: this.provider,
			runware: new RunwareImages( {
				apiKey: config.images.runwareApiKey,
				baseUrl: config.images.runwareBaseUrl,
				model: config.images.runwareModel,
				requestTimeoutMs: config.ai.requestTimeoutMs,
				maxAttempts: config.ai.maxAttempts,
				retryBaseMs: config.ai.retryBaseMs,
				maxRetryAfterMs: AI_DEFAULTS.maxRetryAfterMs,
				outbound: this.provider.settings.outbound,
			} ),
			...deps.imageGenerators,
		};
		this.events.setMaxListeners( 0 );
	}

	private get fnDeps(): AiDeps {
		return { db: this.deps.db, models: this.deps.models };
	}

	/**
	 * The seed's `run_ai_task`: refuses bad input (400), an unconfigured
	 * provider (503) and a short balance (402) before any provider call.
	 */
	async runAiTask(
		functionName: string,
		rawInput: unknown,
		principal: Principal,
		options: {
			/**
			 * Unique per request for work (an automation step's attempt):
			 * asking again with the same key answers the run it started,
			 * so a retry after a crash neither starts nor charges twice.
			 */
			originKey?: string;
		} = {}
	): Promise< AiTaskRunRow > {
		const { originKey } = options;
		if ( originKey !== undefined ) {
			const started = await this.deps.models.AiTaskRun.findOne( {
				where: {
					origin_key: originKey,
					account_id: principal.account.id,
				},
			} );
			if ( started ) {
				return started;
			}
		}
		const { fn, input, scope, credits, account } = await this.quote(
			functionName,
			rawInput,
			principal
		);
		const { provider, settings } = account;
		// Some inputs never reach the provider (lexical clustering): no key needed.
		if (
			( fn.needsProvider?.( input, settings ) ?? true ) &&
			! provider.configured
		) {
			throw new ApiError(
				'ai_not_configured',
				'AI is not configured: the server has no OPENAI_API_KEY and your account has no API key of its own (System → AI settings).'
			);
		}
		const fields = {
			account_id: principal.account.id,
			site_id: scope.site_id,
			sector_id: scope.sector_id,
			function_name: fn.name,
			input: input as Record< string, unknown >,
			output_summary: null,
			credits_reserved: credits,
			created_by: principal.kind === 'user' ? principal.user.id : null,
			started_at: null,
		};
		let run: AiTaskRunRow;
		try {
			// The run and its reservation commit together: after a crash there
			// is either neither or both, and the reconciler enqueues a committed
			// run whose job never reached the queue (the run row is the outbox).
			run = await this.deps.db.sequelize.transaction(
				async ( transaction ) => {
					const created = await this.deps.models.AiTaskRun.create(
						{
							...fields,
							error: null,
							finished_at: null,
							origin_key: originKey ?? null,
						},
						{ transaction }
					);
					await this.deps.credits.reserve(
						{
							accountId: principal.account.id,
							jobId: jobIdOf( created.id ),
							amount: credits,
							siteId: scope.site_id,
							functionName: fn.name,
							description: `${ fn.name } (run ${ created.id })`,
						},
						transaction
					);
					return created;
				}
			);
		} catch ( error ) {
			if (
				originKey !== undefined &&
				error instanceof UniqueConstraintError
			) {
				// A racing retry of the same request committed first: its run.
				const started = await this.deps.models.AiTaskRun.findOne( {
					where: { origin_key: originKey },
				} );
				if ( started ) {
					return started;
				}
			}
			// Nothing was reserved; the refusal stays in the run history.
			const message = ( error as Error ).message;
			await this.deps.models.AiTaskRun.create( {
				...fields,
				status: 'failed',
				error: message,
				finished_at: new Date(),
				progress: { stage: 'refused', percent: 0, message, seq: 1 },
			} );
			throw error;
		}
		const jobId = jobIdOf( run.id );
		try {
			await this.deps.queue.enqueue< AiRunJob >(
				AI_RUN_JOB,
				{ run_id: run.id },
				{ jobId }
			);
		} catch ( error ) {
			await this.finish( run.id, 'failed', {
				error: 'The run could not be queued.',
				stage: 'refused',
			} );
			await this.deps.credits.refund( jobId, 'Not queued' );
			throw error;
		}
		return run;
	}

	/**
	 * Checks and prices a run without starting it: the input (400), what the
	 * caller may touch (the function's validate) and the credits it would
	 * reserve at the account's plan price — its items, and the most tokens
	 * its requests may use with the account's model and answer cap (see
	 * ai/metering.ts). runAiTask and the estimate endpoint both go through
	 * here, so the estimate is what gets reserved.
	 */
	async quote(
		functionName: string,
		rawInput: unknown,
		principal: Principal
	): Promise< Quote > {
		const fn = this.registry.get( functionName );
		const parsed = fn.input.safeParse( rawInput );
		if ( ! parsed.success ) {
			throw new ValidationError( 'Invalid input.', {
				input: parsed.error.issues.map(
					( issue ) =>
						`${ issue.path.join( '.' ) || '(root)' }: ${ issue.message }`
				),
			} );
		}
		const input = parsed.data;
		const scope = await fn.validate( input, principal, this.fnDeps );
		// Independent reads: one wait for both.
		const [ account, price ] = await Promise.all( [
			this.aiSettings.forAccount( principal.account.id ),
			this.deps.prices.price( principal.account.id, fn.name ),
		] );
		const workload = fn.estimate( input, scope );
		const answerCap = this.policy.answerCap(
			account.ownKey,
			account.settings.maxTokens
		);
		const tokens = reservedTokens( workload, {
			ownKey: account.ownKey,
			textModel: textModelFor( account.settings, fn.name ),
			answerCap,
		} );
		const credits = creditsFor( price, { items: workload.items, tokens } );
		return { fn, input, scope, account, credits, tokens, answerCap };
	}

	/** A run of the caller's account (a site key: of its site), or 404. */
	async find( principal: Principal, id: number ): Promise< AiTaskRunRow > {
		const run = await this.deps.models.AiTaskRun.findOne( {
			where: { id, ...this.scopeOf( principal ) },
		} );
		if ( ! run ) {
			throw new NotFoundError( 'AI run not found.' );
		}
		return run;
	}

	scopeOf( principal: Principal ): WhereOptions {
		return {
			account_id: principal.account.id,
			...siteFilter( principal ),
		};
	}

	/**
	 * Cancels a queued or running run and refunds it. One conditional UPDATE
	 * decides the race with the run's own save: whichever commits first wins,
	 * so a cancelled run never saves and a saved run is never cancelled.
	 */
	async cancel( principal: Principal, id: number ): Promise< AiTaskRunRow > {
		const run = await this.find( principal, id );
		const here = this.running.get( run.id );
		const changed = await this.finish( run.id, 'cancelled', {
			stage: 'cancelled',
			message: 'Cancelled',
			after: here?.progress,
		} );
		if ( ! changed ) {
			await run.reload();
			if ( run.status === 'cancelled' ) {
				return run;
			}
			throw new ApiError(
				'conflict',
				`The run has already ${ run.status === 'succeeded' ? 'succeeded' : 'failed' } and can no longer be cancelled.`
			);
		}
		here?.controller.abort( new RunStopped( 'cancelled' ) );
		await this.deps.credits.refund( jobIdOf( run.id ), 'Cancelled' );
		return run.reload();
	}

	/**
	 * Removes generated image files no row points at, older than a day (see
	 * sweepOrphanedImages); answers how many went. Every worker runs it at
	 * start-up and then daily: several at once only race to remove the same
	 * orphans, which is harmless.
	 */
	async sweepOrphanedFiles( now = Date.now() ): Promise< number > {
		const removed = await sweepOrphanedImages(
			this.files,
			this.deps.models,
			DAY_MS,
			now
		);
		if ( removed > 0 ) {
			this.deps.logger.info(
				{ removed },
				'orphaned image files removed'
			);
		}
		return removed;
	}

	/**
	 * Puts runs whose job may be gone back on the queue: queued for longer
	 * than a queue takes to start them (the process crashed before enqueueing,
	 * the inline queue's memory died with its process, Redis was flushed), or
	 * running with no sign of life after the run timeout (its worker died).
	 * The job id is the run's, so a job the queue still holds is not doubled,
	 * and claim() starts only a live run, counting its starts. A run still
	 * queued after `abandonQueuedAfterMs` can no longer be expected to run:
	 * it fails and its reservation is refunded. What the scheduler calls.
	 */
	async reconcile( now = new Date() ): Promise< {
		requeued: number;
		abandoned: number;
	} > {
		const { sequelize } = this.deps.db;
		const at = ( ms: number ) => new Date( now.getTime() - ms );
		const abandoned = await sequelize.query< { id: number } >(
			`SELECT id FROM ai_task_runs WHERE status = 'queued' AND created_at < :before ORDER BY id LIMIT 500`,
			{
				replacements: {
					before: at( AI_DEFAULTS.abandonQueuedAfterMs ),
				},
				type: QueryTypes.SELECT,
			}
		);
		for ( const { id } of abandoned ) {
			if (
				await this.finish( Number( id ), 'failed', {
					stage: 'abandoned',
					error: 'The run could not be started; nothing was charged. Start it again.',
				} )
			) {
				await this.closeCredits( Number( id ) );
			}
		}
		const stale = await sequelize.query< { id: number } >(
			`SELECT id FROM ai_task_runs
			 WHERE (status = 'queued' AND updated_at < :queuedBefore)
			    OR (status = 'running' AND updated_at < :runningBefore)
			 ORDER BY id LIMIT 500`,
			{
				replacements: {
					queuedBefore: at( AI_DEFAULTS.requeueQueuedAfterMs ),
					runningBefore: at(
						this.deps.config.ai.runTimeoutMs +
							AI_DEFAULTS.jobTimeoutSlackMs
					),
				},
				type: QueryTypes.SELECT,
			}
		);
		for ( const { id } of stale ) {
			await this.deps.queue.enqueue< AiRunJob >(
				AI_RUN_JOB,
				{ run_id: Number( id ) },
				{ jobId: jobIdOf( Number( id ) ) }
			);
		}
		if ( stale.length > 0 || abandoned.length > 0 ) {
			this.deps.logger.info(
				{ requeued: stale.length, abandoned: abandoned.length },
				'AI runs reconciled with the queue'
			);
		}
		return { requeued: stale.length, abandoned: abandoned.length };
	}

	/** Hears every change of a run made in this process. */
	watch( runId: number, listener: ( run: RunSnapshot ) => void ): () => void {
		const name = `run:${ runId }`;
		this.events.on( name, listener );
		return () => this.events.off( name, listener );
	}

	current( runId: number ): RunSnapshot | null {
		return this.running.get( runId )?.progress.snapshot ?? null;
	}

	/** Several runs in one query (those that exist). */
	async loadMany( runIds: number[] ): Promise< RunSnapshot[] > {
		const runs = await this.deps.models.AiTaskRun.findAll( {
			where: { id: runIds },
		} );
		return runs.map( ( run ) => run.get( { plain: true } ) as RunSnapshot );
	}

	async load( runId: number ): Promise< RunSnapshot | null > {
		const run = await this.deps.models.AiTaskRun.findByPk( runId );
		return run ? ( run.get( { plain: true } ) as RunSnapshot ) : null;
	}

	job(): JobDefinition< AiRunJob, unknown > {
		return {
			type: AI_RUN_JOB,
			concurrency:
				this.deps.concurrency ?? this.deps.config.queueConcurrency,
			// Run failures end the run (refunded); only infrastructure errors
			// before a run is claimed reach the queue and are retried.
			retries: 2,
			timeoutMs:
				this.deps.config.ai.runTimeoutMs +
				AI_DEFAULTS.jobTimeoutSlackMs,
			handler: ( job ) => this.execute( job.data.run_id ),
		};
	}

	/** Runs (or, on redelivery, re-settles) one run. Safe to call any number of times. */
	async execute( runId: number ): Promise< unknown > {
		const { models, logger } = this.deps;
		const claimed = await this.claim( runId );
		if ( ! claimed ) {
			const existing = await models.AiTaskRun.findByPk( runId, {
				attributes: [ 'status' ],
			} );
			if ( ! existing ) {
				return { skipped: 'missing' };
			}
			// Redelivered after the end: make sure the credits were closed, once.
			await this.closeCredits( runId );
			return { skipped: existing.status };
		}
		if ( claimed.attempts > AI_DEFAULTS.maxStarts ) {
			const message = `The run was started ${ AI_DEFAULTS.maxStarts } times and each time its worker stopped before it finished; it was given up.`;
			logger.error( { run_id: runId }, message );
			await this.finish( runId, 'failed', {
				stage: 'failed',
				error: message,
			} );
			await this.closeCredits( runId );
			return { run_id: runId, failed: message };
		}
		const fn = this.registry.get( claimed.function_name );
		const controller = new AbortController();
		const progress = new RunProgress(
			claimed.get( { plain: true } ) as RunSnapshot,
			AI_DEFAULTS.progressWriteMs,
			{
				write: ( entry ) => this.writeProgress( runId, entry ),
				emit: ( row ) => this.events.emit( `run:${ runId }`, row ),
				signal: () => this.signals.send( runId ),
				// The row no longer runs: someone else ended it, so stop at the next checkpoint.
				ended: () => controller.abort( new RunStopped( 'cancelled' ) ),
				failed: ( error ) =>
					logger.warn(
						{ run_id: runId, error: error.message },
						'AI run: a progress write failed'
					),
			}
		);
		const entry: Running = { controller, progress };
		this.running.set( runId, entry );
		const runTimeout = setTimeout(
			() => controller.abort( new RunStopped( 'timeout' ) ),
			this.deps.config.ai.runTimeoutMs
		);
		this.watchCancels();
		const usage: Usage = { tokensIn: 0, tokensOut: 0, cost: 0, priced: 0 };
		try {
			const result = await this.steps(
				fn,
				claimed,
				controller.signal,
				usage,
				progress
			);
			let charged: number;
			try {
				await progress.stop();
				charged = await this.commit(
					fn,
					claimed,
					result,
					usage,
					progress.nextSeq
				);
			} catch ( error ) {
				// The save's transaction rolled back (a cancel won the race, or it failed).
				await this.discard(
					fn,
					runId,
					( result as { result: unknown } ).result
				);
				throw error;
			}
			return { run_id: runId, charged };
		} catch ( error ) {
			await progress.stop();
			const stopped = stopReason( error, controller.signal );
			if ( stopped === 'cancelled' ) {
				await this.finish( runId, 'cancelled', {
					stage: 'cancelled',
					message: 'Cancelled',
					usage,
					after: progress,
				} );
				await this.recordUsage( runId, usage );
				// Usually a refund; a settle if a parallel delivery of this job won the save.
				await this.closeCredits( runId );
				return { run_id: runId, cancelled: true };
			}
			const message =
				stopped === 'timeout'
					? `The run took longer than ${ Math.round( this.deps.config.ai.runTimeoutMs / 1000 ) } s and was stopped.`
					: failureMessage( error as Error );
			logger.warn(
				{
					run_id: runId,
					function: fn.name,
					error: message,
					// What the validation said stays in the log; the run says it for people.
					...( error instanceof AiInvalidOutputError
						? { detail: error.detail }
						: {} ),
				},
				'AI run failed'
			);
			await this.finish( runId, 'failed', {
				stage: 'failed',
				error: message,
				usage,
				after: progress,
			} );
			await this.closeCredits( runId );
			return { run_id: runId, failed: message };
		} finally {
			clearTimeout( runTimeout );
			// A second delivery of this run in this process may have taken the slot since.
			if ( this.running.get( runId ) === entry ) {
				this.running.delete( runId );
			}
			if ( this.running.size === 0 ) {
				this.unwatchCancels();
			}
		}
	}

	private async steps(
		fn: AiFunction,
		run: AiTaskRunRow,
		signal: AbortSignal,
		usage: Usage,
		progress: RunProgress
	): Promise< unknown > {
		const checkpoint = () => {
			if ( signal.aborted ) {
				throw signal.reason instanceof Error
					? signal.reason
					: new RunStopped( 'cancelled' );
			}
		};
		// Independent reads: one wait for all. The price is the plan's as the run starts.
		const [ account, overrides, price ] = await Promise.all( [
			this.aiSettings.forAccount( run.account_id ),
			( this.deps.prompts ?? NO_OVERRIDES ).overridesFor(
				run.account_id
			),
			this.deps.prices.price( run.account_id, fn.name ),
		] );
		const { provider, settings } = account;
		// Priced by the model asked for (the one the policy allowed); dollars by the one that answered.
		const count = (
			asked: string,
			spent: { model: string; tokensIn: number; tokensOut: number }
		) => {
			usage.tokensIn += spent.tokensIn;
			usage.tokensOut += spent.tokensOut;
			usage.cost += costOf(
				spent.model,
				spent.tokensIn,
				spent.tokensOut
			);
			usage.priced += pricedTokens(
				account.ownKey,
				asked,
				spent.tokensIn,
				spent.tokensOut
			);
		};
		// Nothing reaches the server's key that its policy refuses (settings may predate it).
		const limits = this.policy.forRun( account.ownKey );
		const modes = this.structuredModes.forRun(
			Number( run.account_id ),
			provider.endpoint,
			settings.structuredOutput
		);
		// The account's settings are defaults: a function naming its own model or temperature wins (within `limits`).
		const tuned = {
			model: textModelFor( settings, fn.name ),
			...( settings.temperature !== null
				? { temperature: settings.temperature }
				: {} ),
			...( settings.maxTokens !== null
				? { maxTokens: settings.maxTokens }
				: {} ),
		};
		const ai: RunProvider = {
			chat: async ( messages, options = {} ) => {
				checkpoint();
				const call = limits.text( { ...tuned, ...options, signal } );
				const answer = await provider.chat( messages, call );
				count( call.model, answer );
				return answer;
			},
			structured: async ( answer, messages, options = {} ) => {
				checkpoint();
				const call = limits.text( { ...tuned, ...options, signal } );
				const { mode, fallback } = await modes.choose( call.model );
				try {
					const result = await provider.structured(
						answer,
						messages,
						{
							...call,
							mode,
							fallback,
						}
					);
					count( call.model, result );
					await modes.learned(
						call.model,
						result.mode,
						result.refusal
					);
					return result.value;
				} catch ( error ) {
					if ( error instanceof AiInvalidOutputError ) {
						// A wrong answer still shows which way the provider answers.
						const { spent } = error;
						count( call.model, spent );
						await modes.learned(
							call.model,
							spent.mode,
							spent.refusal
						);
					}
					throw error;
				}
			},
			images: async ( prompt, options = {} ) => {
				checkpoint();
				const name = options.provider ?? settings.imageProvider;
				// An account's own OpenAI key draws its images too.
				const generator =
					name === 'openai' && account.ownKey
						? provider
						: this.imageGenerators[ name ];
				const model =
					options.model ??
					( name === settings.imageProvider
						? settings.imageModel
						: undefined );
				limits.image( name, model );
				const image = await generator.generate( prompt, {
					...options,
					...( model !== undefined ? { model } : {} ),
					signal,
				} );
				usage.cost += image.cost;
				return image;
			},
			embeddings: async ( texts, options = {} ) => {
				checkpoint();
				const model = limits.embeddings( options.model );
				const answer = await provider.embeddings( texts, {
					...options,
					model,
					signal,
				} );
				count( model, {
					model: answer.model,
					tokensIn: answer.tokensIn,
					tokensOut: 0,
				} );
				return answer.vectors;
			},
		};
		const context: ExecuteContext = {
			ai,
			signal,
			checkpoint,
			settings,
			files: this.files,
			prompt: ( definition, values ) =>
				renderPrompt(
					overrides.get( definition.key ) ?? definition.template,
					values
				),
			progress: async ( stage, percent, message ) => {
				checkpoint();
				await progress.report( {
					stage,
					percent: Math.max(
						0,
						Math.min( 100, Math.round( percent ) )
					),
					message: message ?? '',
				} );
			},
		};
		const input = fn.input.parse( run.input );
		await context.progress( 'preparing', 5, 'Loading records' );
		const prepared = await fn.prepare( input, run, this.fnDeps );
		checkpoint();
		const result = await fn.execute( prepared, input, context );
		try {
			await context.progress( 'saving', 95, 'Saving results' );
		} catch ( error ) {
			await this.discard( fn, run.id, result );
			throw error;
		}
		return { prepared, result, price };
	}

	private async discard(
		fn: AiFunction,
		runId: number,
		result: unknown
	): Promise< void > {
		try {
			await fn.discard?.( result );
		} catch ( error ) {
			// Left to the start-up sweep of orphaned files.
			this.deps.logger.warn(
				{ run_id: runId, error: ( error as Error ).message },
				'AI run: discarding an unsaved result failed'
			);
		}
	}

	/** Saves and marks the run succeeded in one transaction; nothing if it was cancelled meanwhile. */
	private async commit(
		fn: AiFunction,
		run: AiTaskRunRow,
		outcome: unknown,
		usage: Usage,
		seq: number
	): Promise< number > {
		const { prepared, result, price } = outcome as {
			prepared: unknown;
			result: unknown;
			price: Price;
		};
		const { sequelize } = this.deps.db;
		const saved = await sequelize.transaction( async ( transaction ) => {
			const [ row ] = await sequelize.query< { status: AiRunStatus } >(
				'SELECT status FROM ai_task_runs WHERE id = :id FOR UPDATE',
				{
					replacements: { id: run.id },
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			if ( row?.status !== 'running' ) {
				throw new RunStopped( 'cancelled' );
			}
			const done = await fn.save( result, prepared, run, {
				...this.fnDeps,
				transaction,
			} );
			// Priced on what was made and the (weighted) tokens spent; the reservation is the most it costs.
			const charged = Math.min(
				creditsFor( price, {
					items: done.items,
					tokens: usage.priced,
				} ),
				run.credits_reserved
			);
			// The final state and its run.finished event in one statement.
			const [ updated ] = await sequelize.query< RunSnapshot >(
				`WITH updated AS (
				   UPDATE ai_task_runs SET status = 'succeeded', output_summary = :summary::jsonb,
				     tokens_in = :tokensIn, tokens_out = :tokensOut, cost = :cost, credits_charged = :charged,
				     finished_at = NOW(), updated_at = NOW(),
				     progress = jsonb_build_object('stage', 'done', 'percent', 100, 'message', 'Done', 'seq', GREATEST((progress->>'seq')::int + 1, :seq))
				   WHERE id = :id RETURNING *
				 ), event AS (
				   INSERT INTO domain_events (type, account_id, payload)
				   SELECT 'run.finished', account_id, ${ RUN_FINISHED_PAYLOAD } FROM updated
				 )
				 SELECT * FROM updated`,
				{
					replacements: {
						id: run.id,
						summary: JSON.stringify( done.summary ),
						tokensIn: usage.tokensIn,
						tokensOut: usage.tokensOut,
						cost: usage.cost.toFixed( 6 ),
						charged,
						seq,
					},
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			await this.deps.credits.settle(
				jobIdOf( run.id ),
				charged,
				'Charged',
				transaction
			);
			return { charged, updated };
		} );
		if ( saved.updated ) {
			this.publish( saved.updated );
		}
		return saved.charged;
	}

	/** queued → running (or running again, after a crashed worker); null if it is no longer live. */
	private async claim( runId: number ): Promise< AiTaskRunRow | null > {
		const [ row ] = await this.deps.db.sequelize.query< RunSnapshot >(
			`UPDATE ai_task_runs SET status = 'running', attempts = attempts + 1,
			   started_at = COALESCE(started_at, NOW()), updated_at = NOW(),
			   progress = jsonb_build_object('stage', 'started', 'percent', 1, 'message', 'Started', 'seq', (progress->>'seq')::int + 1)
			 WHERE id = :runId AND status IN ('queued', 'running') RETURNING *`,
			{ replacements: { runId }, type: QueryTypes.SELECT }
		);
		if ( ! row ) {
			return null;
		}
		this.publish( row );
		return this.deps.models.AiTaskRun.build( row, {
			isNewRecord: false,
			raw: true,
		} );
	}

	/** A progress of a live run, numbered at least as the report was here; null once it no longer runs. */
	private async writeProgress(
		runId: number,
		progress: AiProgress
	): Promise< RunSnapshot | null > {
		const [ row ] = await this.deps.db.sequelize.query< RunSnapshot >(
			`UPDATE ai_task_runs SET updated_at = NOW(),
			   progress = jsonb_build_object('stage', :stage::text, 'percent', :percent::int, 'message', :message::text, 'seq', GREATEST((progress->>'seq')::int + 1, :seq))
			 WHERE id = :runId AND status = 'running' RETURNING *`,
			{
				replacements: {
					runId,
					stage: progress.stage,
					percent: progress.percent,
					message: progress.message ?? '',
					seq: progress.seq,
				},
				type: QueryTypes.SELECT,
			}
		);
		return row ?? null;
	}

	/** Moves a live run to a final status; false when it had already ended. */
	private async finish(
		runId: number,
		status: 'failed' | 'cancelled',
		details: {
			stage: string;
			message?: string;
			error?: string;
			usage?: { tokensIn: number; tokensOut: number; cost: number };
			/** The run's progress in this process, when it executes here: the final state is numbered above it. */
			after?: RunProgress;
		}
	): Promise< boolean > {
		const seq = details.after?.nextSeq ?? 0;
		const [ row ] = await this.deps.db.sequelize.query< RunSnapshot >(
			// The final state and its run.finished event in one statement: both or neither.
			`WITH updated AS (
			   UPDATE ai_task_runs SET status = :status, error = :error, finished_at = NOW(), updated_at = NOW(),
			     tokens_in = tokens_in + :tokensIn, tokens_out = tokens_out + :tokensOut, cost = cost + :cost,
			     progress = jsonb_build_object('stage', :stage::text, 'percent', COALESCE(:percent::int, (progress->>'percent')::int), 'message', :message::text, 'seq', GREATEST((progress->>'seq')::int + 1, :seq))
			   WHERE id = :runId AND status IN ('queued', 'running') RETURNING *
			 ), event AS (
			   INSERT INTO domain_events (type, account_id, payload)
			   SELECT 'run.finished', account_id, ${ RUN_FINISHED_PAYLOAD } FROM updated
			 )
			 SELECT * FROM updated`,
			{
				replacements: {
					runId,
					status,
					stage: details.stage,
					error: details.error ?? null,
					message: details.message ?? details.error ?? '',
					tokensIn: details.usage?.tokensIn ?? 0,
					tokensOut: details.usage?.tokensOut ?? 0,
					cost: ( details.usage?.cost ?? 0 ).toFixed( 6 ),
					seq,
					percent: details.after?.percent ?? null,
				},
				type: QueryTypes.SELECT,
			}
		);
		if ( row ) {
			this.publish( row );
		} else if ( details.after?.ahead ) {
			await this.renumberEnd( runId, seq );
		}
		return Boolean( row );
	}

	/**
	 * Another process ended the run while listeners here were told progress
	 * the row never held, so its final state may be numbered below what they
	 * saw and they would skip it: number it above. Streams elsewhere have
	 * already ended on that state; nothing else reads the number.
	 */
	private async renumberEnd( runId: number, seq: number ): Promise< void > {
		const [ row ] = await this.deps.db.sequelize.query< RunSnapshot >(
			`UPDATE ai_task_runs SET progress = jsonb_set(progress, '{seq}', to_jsonb(:seq::int))
			 WHERE id = :runId AND status NOT IN ('queued', 'running') AND (progress->>'seq')::int < :seq RETURNING *`,
			{ replacements: { runId, seq }, type: QueryTypes.SELECT }
		);
		if ( row ) {
			this.publish( row );
		}
	}

	/**
	 * Closes a finished run's reservation by what the row says: settled at
	 * the charged price if it succeeded, refunded otherwise. Both are
	 * idempotent per job, and a run's row only ever reaches one final status,
	 * so racing deliveries of one job can never refund a run that succeeded.
	 */
	private async closeCredits( runId: number ): Promise< void > {
		const run = await this.deps.models.AiTaskRun.findByPk( runId, {
			attributes: [ 'status', 'credits_charged' ],
		} );
		const jobId = jobIdOf( runId );
		if ( run?.status === 'succeeded' ) {
			await this.deps.credits.settle(
				jobId,
				run.credits_charged,
				'Charged'
			);
		} else {
			await this.deps.credits.refund(
				jobId,
				run?.status === 'cancelled' ? 'Cancelled' : 'Failed'
			);
		}
	}

	/** Tokens spent by a run that someone else already ended (a cancel from the API). */
	private async recordUsage(
		runId: number,
		usage: { tokensIn: number; tokensOut: number; cost: number }
	): Promise< void > {
		if ( usage.tokensIn === 0 && usage.tokensOut === 0 ) {
			return;
		}
		await this.deps.db.sequelize.query(
			`UPDATE ai_task_runs SET tokens_in = GREATEST(tokens_in, :tokensIn), tokens_out = GREATEST(tokens_out, :tokensOut),
			   cost = GREATEST(cost, :cost), updated_at = NOW() WHERE id = :runId`,
			{
				replacements: {
					runId,
					tokensIn: usage.tokensIn,
					tokensOut: usage.tokensOut,
					cost: usage.cost.toFixed( 6 ),
				},
			}
		);
	}

	/** Stops the runs of this process that were cancelled (elsewhere); one query for all of them. */
	async stopCancelled( runIds: number[] ): Promise< void > {
		const live = runIds.filter( ( id ) => this.running.has( id ) );
		if ( live.length === 0 ) {
			return;
		}
		const cancelled = await this.deps.models.AiTaskRun.findAll( {
			where: { id: live, status: 'cancelled' },
			attributes: [ 'id' ],
		} );
		for ( const run of cancelled ) {
			this.running
				.get( Number( run.id ) )
				?.controller.abort( new RunStopped( 'cancelled' ) );
		}
	}

	private watchCancels(): void {
		if ( this.cancelWatch ) {
			return;
		}
		const check = ( ids: number[] ) =>
			void this.stopCancelled( ids ).catch( () => undefined );
		const timer = setInterval(
			() => check( [ ...this.running.keys() ] ),
			AI_DEFAULTS.signalFallbackMs
		);
		timer.unref();
		this.cancelWatch = {
			unlisten: this.signals.listen( ( runId ) => check( [ runId ] ) ),
			timer,
		};
	}

	private unwatchCancels(): void {
		if ( this.cancelWatch ) {
			this.cancelWatch.unlisten();
			clearInterval( this.cancelWatch.timer );
			this.cancelWatch = null;
		}
	}

	/** Signals of runs changed in other processes (for the feed). */
	listenSignals( listener: ( runId: number ) => void ): () => void {
		return this.signals.listen( listener );
	}

	signalsReady(): Promise< void > {
		return this.signals.ready();
	}

	private publish( row: RunSnapshot ): void {
		this.events.emit( `run:${ Number( row.id ) }`, row );
		this.signals.send( Number( row.id ) );
	}

	/** Runs a list query: the caller's runs, newest first. */
	listWhere(
		principal: Principal,
		query: {
			site_id?: number;
			status?: string;
			function_name?: string;
			created_after?: string;
			created_before?: string;
		}
	): WhereOptions {
		return {
			[ Op.and ]: [
				this.scopeOf( principal ),
				...( query.site_id ? [ { site_id: query.site_id } ] : [] ),
				...( query.status ? [ { status: query.status } ] : [] ),
				...( query.function_name
					? [ { function_name: query.function_name } ]
					: [] ),
				...createdBetween( query ),
			],
		};
	}
}

export const isFinal = ( status: string ) =>
	( AI_RUN_FINAL as readonly string[] ).includes( status );

/** A run's error as its user reads it. */
function failureMessage( error: Error ): string {
	if ( error instanceof AiInvalidOutputError ) {
		// Every failed run is refunded in full (closeCredits).
		return `${ error.message } Nothing was charged: try again, or choose another text model in System → AI settings.`;
	}
	return error.message;
}

function stopReason(
	error: unknown,
	signal: AbortSignal
): 'cancelled' | 'timeout' | null {
	if ( error instanceof RunStopped ) {
		return error.outcome;
	}
	if ( error instanceof AiAbortedError || signal.aborted ) {
		const reason = signal.reason;
		return reason instanceof RunStopped ? reason.outcome : 'cancelled';
	}
	return null;
}

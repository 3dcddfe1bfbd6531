import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import {
	AllowListError,
	parseAllowList,
	type AllowEntry,
} from './net/address-policy';
import type { S3StorageConfig } from './storage/s3-client';

/**
 * Runtime configuration, read once from the environment and validated. A bad
 * value stops the process with one line that names the variable; it never
 * reaches the code that would fail on it later with a stack trace.
 */

const emptyToUndefined = ( value: unknown ) =>
	typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalUrl = ( protocols: string[], hint: string ) =>
	z.preprocess(
		emptyToUndefined,
		z
			.string()
			.refine( ( value ) => {
				try {
					return protocols.includes( new URL( value ).protocol );
				} catch {
					return false;
				}
			}, hint )
			.optional()
	);

/** As the AI settings take them: letters, digits and `_ . : @ / -`. */
const MODEL_NAME = /^[\w.:@/-]{1,100}$/;

/** A comma-separated list of model names; blank entries are ignored. */
const modelList = z.preprocess(
	emptyToUndefined,
	z
		.string()
		.optional()
		.transform( ( value, ctx ) => {
			const names = ( value ?? '' )
				.split( ',' )
				.map( ( name ) => name.trim() )
				.filter( Boolean );
			const bad = names.find( ( name ) => ! MODEL_NAME.test( name ) );
			if ( bad !== undefined ) {
				ctx.addIssue( {
					code: 'custom',
					message: `has "${ bad }", which is not a model name: list names like gpt-4o-mini, separated by commas`,
				} );
				return z.NEVER;
			}
			return names;
		} )
);

/** The defaults first, then the rest in the order given, each once. */
const allowList = ( defaults: string[], listed: string[] ) => [
	...new Set( [ ...defaults, ...listed ] ),
];

const envSchema = z.object( {
	NODE_ENV: z.preprocess(
		emptyToUndefined,
		z
			.enum( [ 'development', 'production', 'test' ] )
			.default( 'development' )
	),
	PORT: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.regex( /^\d+$/, 'must be a whole number from 0 to 65535' )
			.transform( Number )
			.refine(
				( port ) => port <= 65535,
				'must be a whole number from 0 to 65535'
			)
			.default( 8000 )
	),
	HOST: z.preprocess( emptyToUndefined, z.string().default( '127.0.0.1' ) ),
	DATABASE_URL: optionalUrl(
		[ 'postgres:', 'postgresql:' ],
		'must be a postgres:// or postgresql:// URL'
	),
	DATABASE_POOL_MAX: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 200 ).default( 10 )
	),
	DATABASE_ACQUIRE_TIMEOUT_MS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 100 ).default( 30_000 )
	),
	REDIS_URL: optionalUrl(
		[ 'redis:', 'rediss:' ],
		'must be a redis:// or rediss:// URL'
	),
	QUEUE_PREFIX: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.regex( /^[\w:.-]+$/ )
			.default( 'igny8' )
	),
	QUEUE_CONCURRENCY: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 64 ).default( 2 )
	),
	IGNY8_DATA_DIR: z.preprocess( emptyToUndefined, z.string().optional() ),
	/** The agency console's built files (`npm run build -w console`), served at `/console/`. */
	IGNY8_CONSOLE_DIR: z.preprocess( emptyToUndefined, z.string().optional() ),
	OPENAI_API_KEY: z.preprocess( emptyToUndefined, z.string().optional() ),
	OPENAI_BASE_URL: optionalUrl(
		[ 'http:', 'https:' ],
		'must be an http:// or https:// URL'
	),
	AI_MODEL: z.preprocess(
		emptyToUndefined,
		z.string().default( 'gpt-4o-mini' )
	),
	/** Text models an account may choose while it runs on the server's key (AI_MODEL always may). */
	IGNY8_AI_ALLOWED_MODELS: modelList,
	/** Image models an account may choose on the server's keys (AI_IMAGE_MODEL and RUNWARE_MODEL always may). */
	IGNY8_AI_ALLOWED_IMAGE_MODELS: modelList,
	/** The most `max_tokens` an account may set on the server's key; also what its runs send by default. */
	IGNY8_AI_MAX_TOKENS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 1_000_000 ).default( 8_000 )
	),
	/** Event streams (run progress) one user or site may hold open in one API process. */
	IGNY8_STREAMS_PER_USER: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 1_000 ).default( 8 )
	),
	/** Days the cloud keeps a received WordPress event's id (duplicate detection) before deleting it. */
	IGNY8_EVENT_RETENTION_DAYS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 3_650 ).default( 30 )
	),
	AI_REQUEST_TIMEOUT_MS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 100 ).default( 60_000 )
	),
	AI_MAX_ATTEMPTS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).max( 10 ).default( 4 )
	),
	AI_RETRY_BASE_MS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).default( 1_000 )
	),
	AI_RUN_TIMEOUT_MS: z.preprocess(
		emptyToUndefined,
		z.coerce
			.number()
			.int()
			.min( 1_000 )
			.default( 10 * 60_000 )
	),
	/** Image provider unless an account chooses another: `openai` (images API) or `runware`. */
	IMAGE_PROVIDER: z.preprocess(
		emptyToUndefined,
		z.enum( [ 'openai', 'runware' ] ).default( 'openai' )
	),
	AI_IMAGE_MODEL: z.preprocess(
		emptyToUndefined,
		z.string().default( 'dall-e-3' )
	),
	RUNWARE_API_KEY: z.preprocess( emptyToUndefined, z.string().optional() ),
	RUNWARE_BASE_URL: optionalUrl(
		[ 'http:', 'https:' ],
		'must be an http:// or https:// URL'
	),
	RUNWARE_MODEL: z.preprocess(
		emptyToUndefined,
		z.string().default( 'runware:101@1' )
	),
	/** Where WordPress sites reach this cloud (generated image URLs); default http://HOST:PORT. */
	PUBLIC_URL: optionalUrl(
		[ 'http:', 'https:' ],
		'must be an http:// or https:// URL'
	),
	JWT_SECRET: z.preprocess(
		emptyToUndefined,
		z.string().min( 32, 'must be at least 32 characters' ).optional()
	),
	IGNY8_ENCRYPTION_KEY: z.preprocess(
		emptyToUndefined,
		z.string().optional()
	),
	/** Internal addresses the cloud may fetch from (a site, an AI endpoint): hosts, host:port, CIDRs. */
	IGNY8_OUTBOUND_ALLOW: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.optional()
			.transform( ( value, ctx ) => {
				try {
					return parseAllowList( value );
				} catch ( error ) {
					if ( ! ( error instanceof AllowListError ) ) {
						throw error;
					}
					ctx.addIssue( { code: 'custom', message: error.message } );
					return z.NEVER;
				}
			} )
	),
	CORS_ORIGINS: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.default( '' )
			.transform( ( value ) =>
				value
					.split( ',' )
					.map( ( o ) => o.trim() )
					.filter( Boolean )
			)
			.refine(
				( origins ) =>
					origins.every( ( o ) => /^https?:\/\/[^/\s]+$/.test( o ) ),
				'must be a comma-separated list of origins like https://example.com'
			)
	),
	THROTTLE_USER_PER_MINUTE: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).default( 600 )
	),
	THROTTLE_ANON_PER_MINUTE: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).default( 120 )
	),
	LOGIN_MAX_FAILURES: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).default( 10 )
	),
	LOGIN_BLOCK_SECONDS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 1 ).default( 900 )
	),
	LOG_LEVEL: z.preprocess(
		emptyToUndefined,
		z
			.enum( [
				'fatal',
				'error',
				'warn',
				'info',
				'debug',
				'trace',
				'silent',
			] )
			.default( 'info' )
	),
	/** Where uploads and generated images live: `database` (every process reads them), `local` (IGNY8_DATA_DIR, one machine) or `s3` (IGNY8_S3_*). */
	IGNY8_FILE_STORAGE: z.preprocess(
		emptyToUndefined,
		z
			.enum( [ 'database', 'local', 's3' ], {
				message: 'must be database, local or s3',
			} )
			.default( 'database' )
	),
	/** The bucket of IGNY8_FILE_STORAGE=s3: a name, not a URL or a path. */
	IGNY8_S3_BUCKET: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.regex(
				/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/,
				'must be a bucket name (letters, digits, . _ -), not a URL or a path: a folder goes in IGNY8_S3_PREFIX'
			)
			.optional()
	),
	/** Its region; AWS_REGION when unset. */
	IGNY8_S3_REGION: z.preprocess( emptyToUndefined, z.string().optional() ),
	AWS_REGION: z.preprocess( emptyToUndefined, z.string().optional() ),
	/** An S3-compatible service (MinIO, R2 …) instead of AWS. */
	IGNY8_S3_ENDPOINT: optionalUrl(
		[ 'http:', 'https:' ],
		'must be an http(s) URL such as https://minio.internal:9000'
	),
	IGNY8_S3_FORCE_PATH_STYLE: z.preprocess(
		emptyToUndefined,
		z
			.enum( [ 'true', 'false', '1', '0' ], {
				message: 'must be true or false',
			} )
			.default( 'false' )
			.transform( ( value ) => value === 'true' || value === '1' )
	),
	/** Folders in the bucket before every key, e.g. `igny8/production`. */
	IGNY8_S3_PREFIX: z.preprocess( emptyToUndefined, z.string().optional() ),
	/**
	 * Which proxies' X-Forwarded-For the API believes (the client address that
	 * rate limits and logs use): a hop count, `none`, or a comma-separated list
	 * of addresses, CIDRs and `loopback` / `linklocal` / `uniquelocal`.
	 */
	IGNY8_TRUST_PROXY: z.preprocess(
		emptyToUndefined,
		z
			.string()
			.default( 'loopback' )
			.transform( ( value, ctx ) => {
				const trimmed = value.trim();
				if ( trimmed === 'none' ) {
					return false;
				}
				if ( /^\d+$/.test( trimmed ) ) {
					return Number( trimmed );
				}
				const parts = trimmed
					.split( ',' )
					.map( ( part ) => part.trim() );
				const bad = parts.find( ( part ) => ! isProxyEntry( part ) );
				if ( bad !== undefined ) {
					ctx.addIssue( {
						code: 'custom',
						message: `has "${ bad }": use a hop count, none, or addresses, CIDRs, loopback, linklocal, uniquelocal separated by commas`,
					} );
					return z.NEVER;
				}
				return parts;
			} )
	),
	/** What this process does: `api` (HTTP), `worker` (queues), `scheduler` (periodic work) or `all`. */
	IGNY8_ROLE: z.preprocess(
		emptyToUndefined,
		z
			.enum( [ 'all', 'api', 'worker', 'scheduler' ], {
				message: 'must be all, api, worker or scheduler',
			} )
			.default( 'all' )
	),
	SHUTDOWN_TIMEOUT_MS: z.preprocess(
		emptyToUndefined,
		z.coerce.number().int().min( 0 ).default( 10_000 )
	),
} );

const PROXY_NAMES = new Set( [ 'loopback', 'linklocal', 'uniquelocal' ] );

function isProxyEntry( entry: string ): boolean {
	if ( PROXY_NAMES.has( entry ) ) {
		return true;
	}
	try {
		if ( entry.includes( '/' ) ) {
			ipaddr.parseCIDR( entry );
		} else {
			ipaddr.parse( entry );
		}
		return true;
	} catch {
		return false;
	}
}

export type ProcessRole = 'all' | 'api' | 'worker' | 'scheduler';

export type Config = {
	env: 'development' | 'production' | 'test';
	port: number;
	host: string;
	/** Set: PostgreSQL. Unset: embedded PGlite under dataDir. */
	databaseUrl?: string;
	databasePoolMax: number;
	/** How long a query waits for a pooled connection before failing. */
	databaseAcquireTimeoutMs: number;
	/** Set: bee-queue on Redis. Unset: the inline in-process driver. */
	redisUrl?: string;
	queuePrefix: string;
	queueConcurrency: number;
	dataDir: string;
	/** The agency console's build output, served at `/console/`. */
	consoleDir: string;
	openaiApiKey?: string;
	openaiBaseUrl?: string;
	ai: {
		/** Chat model unless a call names another. */
		model: string;
		/** Text models an account may choose on the server's key; `model` first. */
		allowedModels: string[];
		/** The longest answer (`max_completion_tokens`) a request on the server's key may ask for. */
		maxTokens: number;
		/** One provider request; a slower one is abandoned and retried. */
		requestTimeoutMs: number;
		/** Tries per provider request (429, 5xx, timeouts), the first included. */
		maxAttempts: number;
		/** First retry delay; doubles per attempt, with jitter. */
		retryBaseMs: number;
		/** A whole AI run; a slower one fails and its credits are refunded. */
		runTimeoutMs: number;
	};
	images: {
		provider: 'openai' | 'runware';
		/** OpenAI images API model. */
		model: string;
		/** Image models an account may choose on the server's keys; the two defaults first. */
		allowedModels: string[];
		runwareApiKey?: string;
		runwareBaseUrl: string;
		runwareModel: string;
	};
	/** Open run-progress streams per user or site, per API process. */
	streamsPerUser: number;
	/** Days received WordPress event ids are kept. */
	eventRetentionDays: number;
	/** Base URL WordPress sites use to fetch what the cloud serves (no trailing slash). */
	publicUrl: string;
	jwtSecret?: string;
	/** base64 of 32 bytes; encrypts secrets stored in the database. */
	encryptionKey?: string;
	corsOrigins: string[];
	/** Refused addresses the operator allows the cloud to fetch from (IGNY8_OUTBOUND_ALLOW). */
	outboundAllow: AllowEntry[];
	throttle: {
		userPerMinute: number;
		anonPerMinute: number;
		loginMaxFailures: number;
		loginBlockSeconds: number;
	};
	logLevel: string;
	shutdownTimeoutMs: number;
	role: ProcessRole;
	/** Express's `trust proxy`: hops, none (false) or addresses and ranges. */
	trustProxy: number | false | string[];
	fileStorage: 'database' | 'local' | 's3';
	/** The bucket, with fileStorage `s3`. */
	s3?: S3StorageConfig;
};

export class ConfigError extends Error {}

/** The repository root's `.igny8/` folder: the embedded default's home. */
function defaultDataDir(): string {
	return path.resolve( __dirname, '..', '..', '.igny8' );
}

export function loadConfig( env: NodeJS.ProcessEnv = process.env ): Config {
	const parsed = envSchema.safeParse( env );
	if ( ! parsed.success ) {
		const issue = parsed.error.issues[ 0 ];
		const name = issue?.path.join( '.' ) ?? 'environment';
		throw new ConfigError(
			`${ name } ${ issue?.message ?? 'is invalid' }`
		);
	}
	const e = parsed.data;
	const s3 = s3Storage( e );
	// Split roles share work through PostgreSQL and Redis; the embedded
	// defaults (PGlite, the in-process queue) live inside one process.
	if ( e.IGNY8_ROLE !== 'all' && ( ! e.DATABASE_URL || ! e.REDIS_URL ) ) {
		throw new ConfigError(
			`IGNY8_ROLE ${ e.IGNY8_ROLE } needs DATABASE_URL and REDIS_URL (without them one process does everything: leave IGNY8_ROLE unset)`
		);
	}
	return {
		env: e.NODE_ENV,
		port: e.PORT,
		host: e.HOST,
		databaseUrl: e.DATABASE_URL,
		databasePoolMax: e.DATABASE_POOL_MAX,
		databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
		redisUrl: e.REDIS_URL,
		queuePrefix: e.QUEUE_PREFIX,
		queueConcurrency: e.QUEUE_CONCURRENCY,
		dataDir: path.resolve( e.IGNY8_DATA_DIR ?? defaultDataDir() ),
		consoleDir: path.resolve(
			e.IGNY8_CONSOLE_DIR ?? path.join( __dirname, '../../console/build' )
		),
		openaiApiKey: e.OPENAI_API_KEY,
		openaiBaseUrl: e.OPENAI_BASE_URL,
		streamsPerUser: e.IGNY8_STREAMS_PER_USER,
		eventRetentionDays: e.IGNY8_EVENT_RETENTION_DAYS,
		ai: {
			model: e.AI_MODEL,
			allowedModels: allowList(
				[ e.AI_MODEL ],
				e.IGNY8_AI_ALLOWED_MODELS
			),
			maxTokens: e.IGNY8_AI_MAX_TOKENS,
			requestTimeoutMs: e.AI_REQUEST_TIMEOUT_MS,
			maxAttempts: e.AI_MAX_ATTEMPTS,
			retryBaseMs: e.AI_RETRY_BASE_MS,
			runTimeoutMs: e.AI_RUN_TIMEOUT_MS,
		},
		images: {
			provider: e.IMAGE_PROVIDER,
			model: e.AI_IMAGE_MODEL,
			allowedModels: allowList(
				[ e.AI_IMAGE_MODEL, e.RUNWARE_MODEL ],
				e.IGNY8_AI_ALLOWED_IMAGE_MODELS
			),
			runwareApiKey: e.RUNWARE_API_KEY,
			runwareBaseUrl: e.RUNWARE_BASE_URL ?? 'https://api.runware.ai/v1',
			runwareModel: e.RUNWARE_MODEL,
		},
		publicUrl: ( e.PUBLIC_URL ?? `http://${ e.HOST }:${ e.PORT }` ).replace(
			/\/+$/,
			''
		),
		jwtSecret: e.JWT_SECRET,
		encryptionKey: e.IGNY8_ENCRYPTION_KEY,
		corsOrigins: e.CORS_ORIGINS,
		outboundAllow: e.IGNY8_OUTBOUND_ALLOW,
		throttle: {
			userPerMinute: e.THROTTLE_USER_PER_MINUTE,
			anonPerMinute: e.THROTTLE_ANON_PER_MINUTE,
			loginMaxFailures: e.LOGIN_MAX_FAILURES,
			loginBlockSeconds: e.LOGIN_BLOCK_SECONDS,
		},
		logLevel: e.LOG_LEVEL,
		shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
		role: e.IGNY8_ROLE,
		trustProxy: e.IGNY8_TRUST_PROXY,
		fileStorage: e.IGNY8_FILE_STORAGE,
		s3,
	};
}

/**
 * The bucket settings of IGNY8_FILE_STORAGE=s3, complete; and none of them
 * without it, since a bucket set while files quietly stay in the database
 * is a mistake an operator would only find out about later.
 */
function s3Storage(
	e: z.infer< typeof envSchema >
): S3StorageConfig | undefined {
	if ( e.IGNY8_FILE_STORAGE !== 's3' ) {
		const stray = (
			[
				'IGNY8_S3_BUCKET',
				'IGNY8_S3_REGION',
				'IGNY8_S3_ENDPOINT',
				'IGNY8_S3_PREFIX',
			] as const
		 ).find( ( name ) => e[ name ] !== undefined );
		if ( stray ) {
			throw new ConfigError(
				`${ stray } is set but IGNY8_FILE_STORAGE is ${ e.IGNY8_FILE_STORAGE }: set IGNY8_FILE_STORAGE=s3 to keep files in the bucket, or unset ${ stray }`
			);
		}
		return undefined;
	}
	if ( ! e.IGNY8_S3_BUCKET ) {
		throw new ConfigError(
			'IGNY8_FILE_STORAGE s3 needs IGNY8_S3_BUCKET (the bucket name)'
		);
	}
	const region = e.IGNY8_S3_REGION ?? e.AWS_REGION;
	if ( ! region ) {
		throw new ConfigError(
			'IGNY8_FILE_STORAGE s3 needs IGNY8_S3_REGION (or AWS_REGION); S3-compatible services mostly take us-east-1, R2 takes auto'
		);
	}
	const folders = ( e.IGNY8_S3_PREFIX ?? '' ).split( '/' ).filter( Boolean );
	return {
		bucket: e.IGNY8_S3_BUCKET,
		region,
		endpoint: e.IGNY8_S3_ENDPOINT,
		forcePathStyle: e.IGNY8_S3_FORCE_PATH_STYLE,
		prefix: folders.length ? `${ folders.join( '/' ) }/` : '',
	};
}

import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { notFound } from './not-found';

/** Where the S3 storage keeps files (IGNY8_S3_*), as `loadConfig` checked it. */
export type S3StorageConfig = {
	bucket: string;
	region: string;
	/** An S3-compatible service's URL (MinIO, R2 …); unset: AWS itself. */
	endpoint?: string;
	/** `https://host/bucket/key` rather than `https://bucket.host/key`: what most self-hosted services need. */
	forcePathStyle: boolean;
	/** Before every object key: empty, or folders ending in `/`. */
	prefix: string;
};

/** Give up on a connection the store never accepts, rather than hang an upload. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A socket silent this long is dead. Generous, because a download is read
 * at its consumer's pace (an import job pauses between batches of rows).
 */
const IDLE_TIMEOUT_MS = 120_000;

/** One client (one connection pool) per configured bucket, shared by every area of the process. */
const clients = new WeakMap< S3StorageConfig, S3Client >();

/**
 * The SDK client for the configured bucket. Credentials come from the SDK's
 * own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an
 * instance or task role), so no secret passes through our configuration.
 *
 * The endpoint is the operator's choice (IGNY8_S3_ENDPOINT), never a
 * tenant's, so requests go straight to it rather than through the outbound
 * guard, which exists to refuse internal addresses a tenant steered us to;
 * a MinIO on the private network is exactly what an operator may point at.
 */
export function s3ClientFor( config: S3StorageConfig ): S3Client {
	let client = clients.get( config );
	if ( ! client ) {
		client = new S3Client( {
			region: config.region,
			endpoint: config.endpoint,
			forcePathStyle: config.forcePathStyle,
			requestHandler: {
				connectionTimeout: CONNECT_TIMEOUT_MS,
				socketTimeout: IDLE_TIMEOUT_MS,
			},
		} );
		clients.set( config, client );
	}
	return client;
}

/** The store failed (refused, unreachable, an error status): not a missing file. */
export class S3StorageError extends Error {
	/** The store's HTTP status, when it answered. */
	readonly status?: number;

	constructor( message: string, status: number | undefined, cause: unknown ) {
		super( message, { cause } );
		this.name = 'S3StorageError';
		this.status = status;
	}
}

/** Whether the store said the object does not exist (GET names it; HEAD has no body to). */
function isMissing( error: unknown ): boolean {
	return (
		error instanceof S3ServiceException &&
		( error.name === 'NoSuchKey' ||
			( error.name === 'NotFound' &&
				error.$metadata.httpStatusCode === 404 ) )
	);
}

/** Whether a ranged GET asked for bytes past the end (S3 answers 416, the others read nothing). */
export function isPastEnd( error: unknown ): boolean {
	return (
		error instanceof S3ServiceException &&
		( error.name === 'InvalidRange' ||
			error.$metadata.httpStatusCode === 416 )
	);
}

/**
 * What a failed S3 call means to callers: the same ENOENT as the other
 * storages for a missing key, otherwise one error naming the action, the
 * object and what the store (or the network) said.
 */
export function storageFailure(
	error: unknown,
	action: string,
	key: string,
	where: { bucket: string; objectKey: string }
): Error {
	if ( isMissing( error ) ) {
		return notFound( key );
	}
	if ( error instanceof S3StorageError ) {
		return error;
	}
	const status =
		error instanceof S3ServiceException
			? error.$metadata.httpStatusCode
			: undefined;
	const code =
		( error as NodeJS.ErrnoException | undefined )?.code ??
		( error as Error | undefined )?.name ??
		'Error';
	const said = status ? `${ code }, HTTP ${ status }` : code;
	const message = ( error as Error | undefined )?.message ?? String( error );
	return new S3StorageError(
		`S3 storage could not ${ action } ${ where.objectKey } in bucket ${ where.bucket }: ${ said }: ${ message }`,
		status,
		error
	);
}

import { logContext, withLogContext, type LogContext } from '../log-context';
import type { Logger } from '../logger';
import type { JobContext, JobDefinition, JobQueue } from './types';

/** Where a job's payload carries the id of the request that queued it. */
const REQUEST_ID = '_request_id';

type Traced = { [ REQUEST_ID ]?: string };

const isRecord = ( value: unknown ): value is Record< string, unknown > =>
	typeof value === 'object' && value !== null && ! Array.isArray( value );

function jobContext( job: JobContext< unknown > ): LogContext {
	const data = isRecord( job.data ) ? job.data : {};
	const requestId = data[ REQUEST_ID ];
	const runId = data.run_id;
	return {
		job_id: job.id,
		job_type: job.type,
		attempt: job.attempt,
		...( typeof requestId === 'string' ? { request_id: requestId } : {} ),
		...( typeof runId === 'number' ? { run_id: runId } : {} ),
	};
}

/**
 * The queue with its jobs traced across processes: a job queued while a
 * request is served carries that request's id in its payload, and its
 * handler runs with the job's ids (and that request id) in the log context,
 * on whichever worker takes it; each job ends with one line (outcome and
 * duration), as each request does. Handlers see the payload they were given.
 */
export function tracedQueue( queue: JobQueue, logger: Logger ): JobQueue {
	return {
		get driver() {
			return queue.driver;
		},
		define< T, R >( definition: JobDefinition< T, R > ) {
			queue.define< T, R >( {
				...definition,
				handler: ( job: JobContext< T > ) => {
					const context = jobContext( job );
					let data: unknown = job.data;
					if ( isRecord( data ) && REQUEST_ID in data ) {
						const { [ REQUEST_ID ]: _traced, ...rest } =
							data as Traced & Record< string, unknown >;
						data = rest;
					}
					return withLogContext( context, async () => {
						const started = process.hrtime.bigint();
						const ms = () =>
							Number( process.hrtime.bigint() - started ) / 1e6;
						try {
							const result = await definition.handler( {
								...job,
								data: data as T,
							} );
							logger.info( { ms: ms() }, 'job succeeded' );
							return result;
						} catch ( error ) {
							logger.warn(
								{ ms: ms(), err: error },
								'job failed'
							);
							throw error;
						}
					} );
				},
			} );
		},
		enqueue( type, data, options ) {
			const { request_id: requestId } = logContext();
			const traced =
				requestId && isRecord( data )
					? { ...data, [ REQUEST_ID ]: requestId }
					: data;
			return queue.enqueue( type, traced as typeof data, options );
		},
		startWorkers: () => queue.startWorkers(),
		onEvent: ( listener ) => queue.onEvent( listener ),
		ping: () => queue.ping(),
		close: ( timeoutMs ) => queue.close( timeoutMs ),
	};
}

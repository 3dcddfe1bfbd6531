import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written on behalf of one request or one job carries,
 * whichever process writes it: the API that took the request and the worker
 * that ran the job it queued log the same `request_id`, and a run's lines
 * its `run_id`, so one search joins them.
 */
export type LogContext = {
	request_id?: string;
	run_id?: number;
	job_id?: string;
	job_type?: string;
	attempt?: number;
};

const storage = new AsyncLocalStorage< LogContext >();

/** Runs `fn` (and everything it awaits or schedules) with these fields added to the current context. */
export function withLogContext< T >( fields: LogContext, fn: () => T ): T {
	return storage.run( { ...storage.getStore(), ...fields }, fn );
}

/** The fields of the context the caller runs in (empty outside any). */
export function logContext(): LogContext {
	return storage.getStore() ?? {};
}

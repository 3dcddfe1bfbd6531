import type { Sequelize } from 'sequelize';
import type { Logger } from '../../logger';

/**
 * Counts API requests per account per day. Counts gather in memory and are
 * added to `account_request_stats` every few seconds and at shutdown, so a
 * request never waits on a counter write.
 */
export class RequestTracker {
	private pending = new Map< string, number >();
	private timer?: NodeJS.Timeout;

	constructor(
		private readonly sequelize: Sequelize,
		private readonly logger: Logger,
		private readonly flushEveryMs = 5_000
	) {}

	count( accountId: number ): void {
		// Started by the first request, so processes that serve none (workers, the CLI) keep no timer.
		if ( ! this.timer ) {
			this.timer = setInterval(
				() => void this.flush(),
				this.flushEveryMs
			);
			this.timer.unref();
		}
		const key = `${ accountId }|${ new Date().toISOString().slice( 0, 10 ) }`;
		this.pending.set( key, ( this.pending.get( key ) ?? 0 ) + 1 );
	}

	async flush(): Promise< void > {
		if ( this.pending.size === 0 ) {
			return;
		}
		const batch = this.pending;
		this.pending = new Map();
		try {
			for ( const [ key, requests ] of batch ) {
				const [ accountId, day ] = key.split( '|' );
				await this.sequelize.query(
					`INSERT INTO account_request_stats (account_id, day, requests) VALUES (:accountId, :day, :requests)
					 ON CONFLICT (account_id, day) DO UPDATE SET requests = account_request_stats.requests + EXCLUDED.requests`,
					{
						replacements: {
							accountId: Number( accountId ),
							day,
							requests,
						},
					}
				);
			}
		} catch ( error ) {
			this.logger.warn( { err: error }, 'request counts not saved' );
		}
	}

	async stop(): Promise< void > {
		clearInterval( this.timer );
		this.timer = undefined;
		await this.flush();
	}
}

import {
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
	type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import Redis from 'ioredis';
import type { Config } from '../../config';
import { ApiError } from '../../http/errors';
import {
	LocalPrincipalSignals,
	PostgresPrincipalSignals,
	RedisPrincipalSignals,
	type PrincipalSignals,
} from './principal-signals';

/**
 * Request throttles and login brute-force protection. Counters live in Redis
 * when there is one (shared by every API replica), in memory otherwise (the
 * embedded single-process mode).
 *
 * Every request counts once: against the budget of the credential it proved
 * (a person, a site key, a WordPress user's site session: each its own), or,
 * with none, against its address's anonymous budget — so a busy site is not
 * starved by anonymous traffic from its address. Refused credentials (bad,
 * expired or revoked tokens and keys) count against their address on a
 * budget of their own; once it is spent, credentials from that address are
 * answered 429 without being looked up until the window passes.
 *
 * Its Redis connection also carries the principal cache's change signal
 * between processes (`principalSignals`; without Redis, a PostgreSQL
 * LISTEN connection does), closed with it.
 */
export class Throttle {
	readonly principalSignals: PrincipalSignals;
	private readonly perCredential: RateLimiterAbstract;
	private readonly perIp: RateLimiterAbstract;
	private readonly refusedPerIp: RateLimiterAbstract;
	private readonly loginAttempts: RateLimiterAbstract;
	private readonly loginAttemptsPerIp: RateLimiterAbstract;

	private constructor(
		make: ( options: {
			keyPrefix: string;
			points: number;
			duration: number;
			blockDuration?: number;
		} ) => RateLimiterAbstract,
		config: Config,
		private readonly client?: Redis
	) {
		// Every process sharing the database must hear a change: through
		// Redis when there is one, else through PostgreSQL itself; only the
		// embedded PGlite (one process) has no one else to tell.
		this.principalSignals = client
			? new RedisPrincipalSignals(
					client,
					`${ config.queuePrefix }:principals:changed`
				)
			: config.databaseUrl
				? new PostgresPrincipalSignals(
						config.databaseUrl,
						// Notifications never leave their database: no prefix needed.
						'igny8_principals_changed'
					)
				: new LocalPrincipalSignals();
		const { throttle } = config;
		this.perCredential = make( {
			keyPrefix: 'throttle:credential',
			points: throttle.userPerMinute,
			duration: 60,
		} );
		this.perIp = make( {
			keyPrefix: 'throttle:ip',
			points: throttle.anonPerMinute,
			duration: 60,
		} );
		this.refusedPerIp = make( {
			keyPrefix: 'throttle:refused',
			points: throttle.anonPerMinute,
			duration: 60,
			blockDuration: 60,
		} );
		this.loginAttempts = make( {
			keyPrefix: 'throttle:login',
			points: throttle.loginMaxFailures,
			duration: throttle.loginBlockSeconds,
			blockDuration: throttle.loginBlockSeconds,
		} );
		// Many emails from one address: a slower, wider net.
		this.loginAttemptsPerIp = make( {
			keyPrefix: 'throttle:login-ip',
			points: throttle.loginMaxFailures * 5,
			duration: 3600,
			blockDuration: throttle.loginBlockSeconds,
		} );
	}

	static create( config: Config ): Throttle {
		if ( config.redisUrl ) {
			const client = new Redis( config.redisUrl, {
				enableOfflineQueue: false,
				maxRetriesPerRequest: 1,
				lazyConnect: false,
			} );
			client.on( 'error', () => undefined );
			// While Redis is unreachable, each replica falls back to counting in its own memory.
			return new Throttle(
				( options ) =>
					new RateLimiterRedis( {
						storeClient: client,
						...options,
						keyPrefix: `${ config.queuePrefix }:${ options.keyPrefix }`,
						insuranceLimiter: new RateLimiterMemory( options ),
					} ),
				config,
				client
			);
		}
		return new Throttle(
			( options ) => new RateLimiterMemory( options ),
			config
		);
	}

	/** Counts a request that proved a credential (`user:1`, `key:2`, …) against that credential's budget. */
	async credential( id: string ): Promise< void > {
		await consume( this.perCredential, id, 'Request was throttled.' );
	}

	/** Counts a request without credentials against its address's budget. */
	async anonymous( ip: string ): Promise< void > {
		await consume( this.perIp, ip, 'Request was throttled.' );
	}

	/** Refuses, before any lookup, credentials from an address that has spent its budget of refused ones. */
	async assertCredentialsAllowed( ip: string ): Promise< void > {
		if ( this.client ) {
			// Runs on every authenticated request, and nearly every address has
			// no refused credentials: one GET of the counter answers those; the
			// limiter's own read (a MULTI with its expiry, for Retry-After) is
			// left for the few that have some.
			const refused = await this.client
				.get( this.refusedPerIp.getKey( ip ) as string )
				.catch( () => undefined );
			if (
				refused === null ||
				( refused !== undefined &&
					Number( refused ) < this.refusedPerIp.points )
			) {
				return;
			}
		}
		const state = await this.refusedPerIp.get( ip ).catch( () => null );
		if ( state && state.consumedPoints >= this.refusedPerIp.points ) {
			throw throttled( REFUSED_MESSAGE, state );
		}
	}

	/** Counts a refused credential; once the address's budget is spent the answer is 429, not 401. */
	async credentialsRefused( ip: string ): Promise< void > {
		await consume( this.refusedPerIp, ip, REFUSED_MESSAGE );
	}

	/**
	 * Counts a sign-in attempt before its password is checked. Each counter
	 * is one atomic increment in the store, and the count it returns decides:
	 * past LOGIN_MAX_FAILURES for this email from this address (or five times
	 * that from the address) the attempt is refused unseen, so parallel
	 * guesses cannot all slip past a check made before any was counted.
	 */
	async loginAttempt( email: string, ip: string ): Promise< void > {
		const message = 'Too many failed login attempts. Try again later.';
		await consume( this.loginAttempts, `${ ip }:${ email }`, message );
		await consume( this.loginAttemptsPerIp, ip, message );
	}

	/** A good password: the attempt was not a failure, so it is given back. */
	async loginSucceeded( email: string, ip: string ): Promise< void > {
		await Promise.all( [
			this.loginAttempts.delete( `${ ip }:${ email }` ),
			this.loginAttemptsPerIp.reward( ip, 1 ),
		] ).catch( () => undefined );
	}

	async close(): Promise< void > {
		await this.principalSignals.close();
		await this.client?.quit().catch( () => undefined );
	}
}

const REFUSED_MESSAGE =
	'Too many requests with invalid credentials from this address.';

async function consume(
	limiter: RateLimiterAbstract,
	key: string,
	message: string
): Promise< void > {
	try {
		await limiter.consume( key );
	} catch ( error ) {
		if ( error instanceof RateLimiterRes ) {
			throw throttled( message, error );
		}
		// The store is unreachable: fail open rather than take the API down with it.
	}
}

function throttled( message: string, state: RateLimiterRes ): ApiError {
	const seconds = Math.max( 1, Math.ceil( state.msBeforeNext / 1000 ) );
	return new ApiError(
		'throttled',
		`${ message } Retry in ${ seconds } s.`,
		undefined,
		{ 'Retry-After': String( seconds ) }
	);
}

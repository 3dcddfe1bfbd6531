import {
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
	type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import Redis from 'ioredis';
import type { Config } from '../../config';
import { ApiError } from '../../http/errors';

/**
 * Request throttles and login brute-force protection. Counters live in Redis
 * when there is one (shared by every API replica), in memory otherwise.
 */
export class Throttle {
	private readonly perUser: RateLimiterAbstract;
	private readonly perIp: RateLimiterAbstract;
	private readonly loginFailures: RateLimiterAbstract;
	private readonly loginFailuresPerIp: RateLimiterAbstract;

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
		const { throttle } = config;
		this.perUser = make( {
			keyPrefix: 'throttle:user',
			points: throttle.userPerMinute,
			duration: 60,
		} );
		this.perIp = make( {
			keyPrefix: 'throttle:ip',
			points: throttle.anonPerMinute,
			duration: 60,
		} );
		this.loginFailures = make( {
			keyPrefix: 'throttle:login',
			points: throttle.loginMaxFailures,
			duration: throttle.loginBlockSeconds,
			blockDuration: throttle.loginBlockSeconds,
		} );
		// Many emails from one address: a slower, wider net.
		this.loginFailuresPerIp = make( {
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

	/** Counts one request against the caller's budget; throws 429 when it is spent. */
	async request( key: { userId?: number; ip: string } ): Promise< void > {
		const limiter = key.userId ? this.perUser : this.perIp;
		await consume(
			limiter,
			key.userId ? String( key.userId ) : key.ip,
			'Request was throttled.'
		);
	}

	/** Refuses a login attempt while its email (from this address) or the address itself is blocked. */
	async assertLoginAllowed( email: string, ip: string ): Promise< void > {
		for ( const [ limiter, key ] of [
			[ this.loginFailures, `${ ip }:${ email }` ],
			[ this.loginFailuresPerIp, ip ],
		] as const ) {
			const state = await limiter.get( key );
			if ( state && state.consumedPoints >= limiter.points ) {
				throw throttled(
					'Too many failed login attempts. Try again later.',
					state
				);
			}
		}
	}

	async loginFailed( email: string, ip: string ): Promise< void > {
		await Promise.all( [
			this.loginFailures.penalty( `${ ip }:${ email }`, 1 ),
			this.loginFailuresPerIp.penalty( ip, 1 ),
		] );
	}

	async loginSucceeded( email: string, ip: string ): Promise< void > {
		await this.loginFailures.delete( `${ ip }:${ email }` );
	}

	async close(): Promise< void > {
		await this.client?.quit().catch( () => undefined );
	}
}

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

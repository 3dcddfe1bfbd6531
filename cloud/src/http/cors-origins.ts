import { QueryTypes } from 'sequelize';
import type { Database } from '../db/connection';

/** How long an origin's answer is reused: a newly connected site works within this. */
const CACHE_MS = 60_000;
/** Distinct origins remembered at once; the oldest are forgotten first. */
const CACHE_SIZE = 1_000;

/**
 * Which browser origins may call the API: the configured ones, plus every
 * active site's own WordPress address, because wp-admin screens call the
 * cloud directly with their site session. Answers are cached briefly so a
 * preflight does not cost a query.
 */
export class CorsOrigins {
	private readonly cache = new Map<
		string,
		{ allowed: boolean; at: number }
	>();

	constructor(
		private readonly db: Database,
		private readonly configured: readonly string[]
	) {}

	async allows( origin: string | undefined ): Promise< boolean > {
		if ( ! origin || this.configured.includes( origin ) ) {
			return true;
		}
		const hit = this.cache.get( origin );
		if ( hit && Date.now() - hit.at < CACHE_MS ) {
			return hit.allowed;
		}
		const allowed = await this.isSiteOrigin( origin );
		this.cache.delete( origin );
		this.cache.set( origin, { allowed, at: Date.now() } );
		if ( this.cache.size > CACHE_SIZE ) {
			this.cache.delete( this.cache.keys().next().value! );
		}
		return allowed;
	}

	private async isSiteOrigin( origin: string ): Promise< boolean > {
		let normalized: string;
		try {
			normalized = new URL( origin ).origin;
		} catch {
			return false;
		}
		if ( normalized !== origin ) {
			return false;
		}
		const escaped = origin.replace( /[\\%_]/g, ( c ) => `\\${ c }` );
		const rows = await this.db.sequelize.query(
			`SELECT 1 FROM sites WHERE status = 'active'
			 AND (wordpress_url = :origin OR wordpress_url LIKE :prefix) LIMIT 1`,
			{
				replacements: { origin, prefix: `${ escaped }/%` },
				type: QueryTypes.SELECT,
			}
		);
		return rows.length > 0;
	}
}

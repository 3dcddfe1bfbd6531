import { QueryTypes } from 'sequelize';
import type { Database } from '../db/connection';

/** How long an origin's answer is reused: a newly connected site works within this. */
const CACHE_MS = 60_000;
/** Distinct origins remembered at once; the oldest are forgotten first. */
const CACHE_SIZE = 1_000;

const NONE: ReadonlySet< number > = new Set();

/**
 * The browser origins the API knows: the configured ones (the console), and
 * each active site's own WordPress address, whose wp-admin screens call the
 * cloud directly with their site session. Which requests an origin may make
 * is decided in cors.ts. A site origin's answer is cached briefly (per
 * process) so that a preflight or a browser request does not cost a query.
 */
export class CorsOrigins {
	private readonly cache = new Map<
		string,
		{ sites: ReadonlySet< number >; at: number }
	>();

	constructor(
		private readonly db: Database,
		private readonly configured: readonly string[]
	) {}

	isConfigured( origin: string ): boolean {
		return this.configured.includes( origin );
	}

	/** The active sites whose WordPress address is at this origin (usually one, or none). */
	async sitesAt( origin: string ): Promise< ReadonlySet< number > > {
		const hit = this.cache.get( origin );
		if ( hit && Date.now() - hit.at < CACHE_MS ) {
			return hit.sites;
		}
		const sites = await this.lookUp( origin );
		this.cache.delete( origin );
		this.cache.set( origin, { sites, at: Date.now() } );
		if ( this.cache.size > CACHE_SIZE ) {
			this.cache.delete( this.cache.keys().next().value! );
		}
		return sites;
	}

	private async lookUp( origin: string ): Promise< ReadonlySet< number > > {
		let normalized: string;
		try {
			normalized = new URL( origin ).origin;
		} catch {
			return NONE;
		}
		if ( normalized !== origin ) {
			return NONE;
		}
		const escaped = origin.replace( /[\\%_]/g, ( c ) => `\\${ c }` );
		const rows = await this.db.sequelize.query< { id: number } >(
			`SELECT id FROM sites WHERE status = 'active'
			 AND (wordpress_url = :origin OR wordpress_url LIKE :prefix)`,
			{
				replacements: { origin, prefix: `${ escaped }/%` },
				type: QueryTypes.SELECT,
			}
		);
		return rows.length ? new Set( rows.map( ( r ) => r.id ) ) : NONE;
	}
}

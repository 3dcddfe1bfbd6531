import { QueryTypes, type Model, type ModelStatic } from 'sequelize';
import type {
	AccountRow,
	Models,
	SiteApiKeyRow,
	SiteRow,
	UserRow,
} from '../../db/models';
import type { PrincipalCache } from './principal-cache';

/** Accounts whose people and sites are refused at once. */
export const REFUSED_ACCOUNT_STATUSES: readonly string[] = [
	'suspended',
	'cancelled',
];

type RawRow = Record< string, unknown >;

/**
 * The rows behind a caller, each kind in ONE query: this runs on every
 * request, so the credential's liveness (its sign-in not ended, its key not
 * revoked) is read in the same statement that loads the rows it speaks for. Whether the rows still allow access (deactivated user, site
 * switched off, suspended account) is decided by the caller, which words
 * the refusal. With a cache, the people and site sessions behind access
 * tokens are read from it (see PrincipalCache); site keys always query.
 */
export class PrincipalRows {
	constructor(
		private readonly models: Models,
		private readonly cache?: PrincipalCache
	) {}

	/** A person and their account, and whether `sessionId` (the refresh family) is still signed in. */
	async user(
		userId: number,
		sessionId: string
	): Promise< {
		user: UserRow;
		account: AccountRow;
		signedIn: boolean;
	} | null > {
		const [ row ] = await this.select(
			{
				user: [ this.models.User, 'u' ],
				account: [ this.models.Account, 'a' ],
			},
			`FROM users u JOIN accounts a ON a.id = u.account_id
			 WHERE u.id = :userId`,
			{ userId, sessionId },
			`EXISTS (
				SELECT 1 FROM refresh_tokens r
				WHERE r.family_id = CAST(:sessionId AS uuid) AND r.user_id = u.id AND r.revoked_at IS NULL
			)`,
			`user:${ userId }:${ sessionId }`
		);
		return row
			? {
					user: row.models.user as UserRow,
					account: row.models.account as AccountRow,
					signedIn: row.flag === true,
				}
			: null;
	}

	/** A site session's site and account, only while the key that opened it is not revoked. */
	async siteSession( claims: {
		siteId: number;
		accountId: number;
		keyId: number;
	} ): Promise< { site: SiteRow; account: AccountRow } | null > {
		const [ row ] = await this.select(
			{
				site: [ this.models.Site, 's' ],
				account: [ this.models.Account, 'a' ],
			},
			`FROM site_api_keys k JOIN sites s ON s.id = k.site_id JOIN accounts a ON a.id = k.account_id
			 WHERE k.id = :keyId AND k.site_id = :siteId AND k.account_id = :accountId AND k.revoked_at IS NULL
			   AND (k.retires_at IS NULL OR k.retires_at > NOW())`,
			claims,
			// When the key retires: a cached row must not outlive it.
			'k.retires_at',
			`site-session:${ claims.siteId }:${ claims.accountId }:${ claims.keyId }`
		);
		const retiresAt = row?.flag as Date | null | undefined;
		return row && ( ! retiresAt || retiresAt.getTime() > Date.now() )
			? {
					site: row.models.site as SiteRow,
					account: row.models.account as AccountRow,
				}
			: null;
	}

	/**
	 * A live (unrevoked) site key by its hash, with its site and account, and
	 * whether any key of that site has paired with signing.
	 */
	async siteKey( keyHash: string ): Promise< {
		key: SiteApiKeyRow;
		site: SiteRow;
		account: AccountRow;
		sitePaired: boolean;
	} | null > {
		return this.liveKey( 'k.key_hash = :keyHash', { keyHash } );
	}

	/** A live (unrevoked) site key by its id, as siteKey(). */
	async siteKeyById( keyId: number ): Promise< {
		key: SiteApiKeyRow;
		site: SiteRow;
		account: AccountRow;
		sitePaired: boolean;
	} | null > {
		return this.liveKey( 'k.id = :keyId', { keyId } );
	}

	private async liveKey(
		where: string,
		replacements: Record< string, unknown >
	): Promise< {
		key: SiteApiKeyRow;
		site: SiteRow;
		account: AccountRow;
		sitePaired: boolean;
	} | null > {
		const [ row ] = await this.select(
			{
				key: [ this.models.SiteApiKey, 'k' ],
				site: [ this.models.Site, 's' ],
				account: [ this.models.Account, 'a' ],
			},
			`FROM site_api_keys k JOIN sites s ON s.id = k.site_id JOIN accounts a ON a.id = k.account_id
			 WHERE ${ where } AND k.revoked_at IS NULL`,
			replacements,
			`EXISTS (
				SELECT 1 FROM site_api_keys p WHERE p.site_id = k.site_id AND p.paired_at IS NOT NULL
			)`
		);
		return row
			? {
					key: row.models.key as SiteApiKeyRow,
					site: row.models.site as SiteRow,
					account: row.models.account as AccountRow,
					sitePaired: row.flag === true,
				}
			: null;
	}

	/**
	 * Runs `SELECT <every column of each model, aliased>[, <flag>] <from>`
	 * (or takes its rows from the cache under `cacheKey`) and builds the
	 * model instances a finder would have returned (so `.update()` works on
	 * them), plus the flag's value, per row.
	 */
	private async select(
		parts: Record< string, [ ModelStatic< Model >, string ] >,
		from: string,
		replacements: Record< string, unknown >,
		flag?: string,
		cacheKey?: string
	): Promise< { models: Record< string, Model >; flag: unknown }[] > {
		const query = () => this.query( parts, from, replacements, flag );
		const rows =
			this.cache && cacheKey
				? // Cached values are shared; each request gets its own copy to build on.
					structuredClone(
						( await this.cache.get( cacheKey, async () => {
							const found = await query();
							return found.length ? found : null;
						} ) ) ?? []
					)
				: await query();
		return rows.map( ( row ) => ( {
			models: Object.fromEntries(
				Object.entries( parts ).map( ( [ name, [ model ] ] ) => [
					name,
					model.build( row[ name ] as never, {
						isNewRecord: false,
						raw: true,
					} ),
				] )
			),
			flag: row.flag,
		} ) );
	}

	private async query(
		parts: Record< string, [ ModelStatic< Model >, string ] >,
		from: string,
		replacements: Record< string, unknown >,
		flag?: string
	): Promise< RawRow[] > {
		const columns = Object.entries( parts ).flatMap(
			( [ name, [ model, alias ] ] ) =>
				Object.entries( model.getAttributes() ).map(
					( [ attribute, definition ] ) =>
						`${ alias }."${ definition.field ?? attribute }" AS "${ name }.${ attribute }"`
				)
		);
		if ( flag ) {
			columns.push( `${ flag } AS "flag"` );
		}
		return this.models.User.sequelize!.query< RawRow >(
			`SELECT ${ columns.join( ', ' ) } ${ from }`,
			{
				replacements,
				type: QueryTypes.SELECT,
				nest: true,
			}
		);
	}
}

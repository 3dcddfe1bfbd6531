import type { CreatedSiteApiKey } from '@igny8/shared-types';
import type { Models, SiteRow } from '../../db/models';
import { NotAuthenticatedError } from '../../http/errors';
import { serializeSiteApiKey } from '../tenancy/serializers';
import { randomToken, sha256 } from './crypto';
import type { SiteKeyPrincipal } from './principal';
import { PrincipalRows, REFUSED_ACCOUNT_STATUSES } from './principal-rows';

/** Keys look like `ig8_Ab3dEf9h…`: the prefix is shown in lists, the rest exists only with the site owner. */
const KEY_PREFIX = 'ig8_';
const VISIBLE_CHARS = KEY_PREFIX.length + 8;
/** last_used_at is a hint, not an audit log: write it at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class SiteApiKeyService {
	private readonly rows: PrincipalRows;

	constructor( private readonly models: Models ) {
		this.rows = new PrincipalRows( models );
	}

	async create(
		site: SiteRow,
		name: string,
		createdBy: number | null
	): Promise< CreatedSiteApiKey > {
		const key = `${ KEY_PREFIX }${ randomToken( 30 ) }`;
		const row = await this.models.SiteApiKey.create( {
			account_id: site.account_id,
			site_id: site.id,
			name,
			prefix: key.slice( 0, VISIBLE_CHARS ),
			key_hash: sha256( key ),
			created_by: createdBy,
			last_used_at: null,
			revoked_at: null,
		} );
		return { ...serializeSiteApiKey( row ), key };
	}

	/** The site a presented key speaks for (one query); refused once the key is revoked or the site is not active. */
	async principalFromKey( presented: string ): Promise< SiteKeyPrincipal > {
		const refused = new NotAuthenticatedError(
			'Site API key is invalid or revoked.'
		);
		if ( ! presented.startsWith( KEY_PREFIX ) || presented.length > 200 ) {
			throw refused;
		}
		const found = await this.rows.siteKey( sha256( presented ) );
		if (
			! found ||
			found.site.status !== 'active' ||
			REFUSED_ACCOUNT_STATUSES.includes( found.account.status )
		) {
			throw refused;
		}
		const { key, site, account } = found;
		if (
			! key.last_used_at ||
			Date.now() - key.last_used_at.getTime() > LAST_USED_RESOLUTION_MS
		) {
			await key.update( { last_used_at: new Date() } );
		}
		return { kind: 'site_key', key, site, account };
	}
}

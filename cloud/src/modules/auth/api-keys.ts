import type { CreatedSiteApiKey } from '@igny8/shared-types';
import type { Models, SiteRow } from '../../db/models';
import { NotAuthenticatedError } from '../../http/errors';
import { serializeSiteApiKey } from '../tenancy/serializers';
import { randomToken, sha256 } from './crypto';
import type { SiteKeyPrincipal } from './principal';

/** Keys look like `ig8_Ab3dEf9h…`: the prefix is shown in lists, the rest exists only with the site owner. */
const KEY_PREFIX = 'ig8_';
const VISIBLE_CHARS = KEY_PREFIX.length + 8;
/** last_used_at is a hint, not an audit log: write it at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class SiteApiKeyService {
	constructor( private readonly models: Models ) {}

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

	/** The site a presented key speaks for; refused once the key is revoked or the site is not active. */
	async principalFromKey( presented: string ): Promise< SiteKeyPrincipal > {
		const refused = new NotAuthenticatedError(
			'Site API key is invalid or revoked.'
		);
		if ( ! presented.startsWith( KEY_PREFIX ) || presented.length > 200 ) {
			throw refused;
		}
		const key = await this.models.SiteApiKey.findOne( {
			where: { key_hash: sha256( presented ), revoked_at: null },
		} );
		if ( ! key ) {
			throw refused;
		}
		const [ site, account ] = await Promise.all( [
			this.models.Site.findByPk( key.site_id ),
			this.models.Account.findByPk( key.account_id ),
		] );
		if (
			! site ||
			! account ||
			site.status !== 'active' ||
			[ 'suspended', 'cancelled' ].includes( account.status )
		) {
			throw refused;
		}
		if (
			! key.last_used_at ||
			Date.now() - key.last_used_at.getTime() > LAST_USED_RESOLUTION_MS
		) {
			await key.update( { last_used_at: new Date() } );
		}
		return { kind: 'site_key', key, site, account };
	}
}

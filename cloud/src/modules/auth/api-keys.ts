import type { Request } from 'express';
import { QueryTypes, type Transaction } from 'sequelize';
import type { CreatedSiteApiKey } from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Models, SiteApiKeyRow, SiteRow } from '../../db/models';
import { ApiError, NotAuthenticatedError } from '../../http/errors';
import { serializeSiteApiKey } from '../tenancy';
import {
	canonicalRequest,
	deriveSigningSecret,
	SIGNATURE_TOLERANCE_S,
	signRequest,
} from './bridge-signing';
import {
	constantTimeEqual,
	decryptSecret,
	encryptSecret,
	randomToken,
	sha256,
} from './crypto';
import type { SiteKeyPrincipal } from './principal';
import { PrincipalRows, REFUSED_ACCOUNT_STATUSES } from './principal-rows';

/** Keys look like `ig8_Ab3dEf9h…`: the prefix is shown in lists, the rest exists only with the site owner. */
const KEY_PREFIX = 'ig8_';
const VISIBLE_CHARS = KEY_PREFIX.length + 8;
/** last_used_at is a hint, not an audit log: write it at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A signed site call refused (bad or retired key id, signature, timestamp, replay): 401 `invalid_signature`. */
export class SignatureRefusedError extends ApiError {
	constructor( message: string ) {
		super( 'invalid_signature', message );
	}
}

/** A key sent in plain where its site has paired with signing: 401 `site_key_paired`. */
export class PlainKeyRefusedError extends ApiError {
	constructor( message: string ) {
		super( 'site_key_paired', message );
	}
}

/** What a signed call carries, in its headers. */
export const SIGNATURE_HEADERS = {
	keyId: 'x-igny8-key-id',
	timestamp: 'x-igny8-timestamp',
	requestId: 'x-igny8-request-id',
	signature: 'x-igny8-signature',
} as const;

declare module 'express-serve-static-core' {
	interface Request {
		/** The body as received, kept by the JSON parser so a signature over it can be checked. */
		rawBody?: Buffer;
	}
}

/**
 * The site keys (`ig8_…`) and the bridge's trust in them
 * (docs/bridge-protocol.md → Secrets, Authentication): a key is sent in
 * plain only to pair, once; from then on the site and the cloud sign with
 * the secret derived from it and name it by id. A key another one replaced
 * keeps working until the cloud has used the new one, plus the signature
 * window; a revoked key stops at once.
 */
export class SiteApiKeyService {
	private readonly rows: PrincipalRows;

	constructor(
		private readonly models: Models,
		/** Seals the derived secrets stored with the keys. */
		private readonly encryptionKey: Buffer,
		private readonly now: () => number = Date.now
	) {
		this.rows = new PrincipalRows( models );
	}

	async create(
		site: SiteRow,
		name: string,
		createdBy: number | null,
		who: AuditActor
	): Promise< CreatedSiteApiKey > {
		const key = `${ KEY_PREFIX }${ randomToken( 30 ) }`;
		const row = await this.sequelize.transaction( async ( transaction ) => {
			const created = await this.models.SiteApiKey.create(
				{
					account_id: site.account_id,
					site_id: site.id,
					name,
					prefix: key.slice( 0, VISIBLE_CHARS ),
					key_hash: sha256( key ),
					created_by: createdBy,
					last_used_at: null,
					revoked_at: null,
				},
				{ transaction }
			);
			await this.audit( transaction, created, who, 'api_key.created' );
			return created;
		} );
		return { ...serializeSiteApiKey( row ), key };
	}

	/**
	 * The site a key sent in plain (`X-IGNY8-API-Key`) speaks for (one
	 * query); refused once the key is revoked or the site is not active. A
	 * key that has paired is never accepted in plain again; once any key of
	 * the site has paired, a plain key is accepted only to pair (`pairing`:
	 * the plugin's test-connection), and only a key that has not paired yet.
	 */
	async principalFromKey(
		presented: string,
		options: { pairing?: boolean } = {}
	): Promise< SiteKeyPrincipal > {
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
		if ( found.key.paired_at ) {
			throw new PlainKeyRefusedError(
				'This site key has paired with signing and is not accepted in plain any more: sign the request with X-IGNY8-Key-Id and X-IGNY8-Signature, or create a new key to pair again.'
			);
		}
		if ( found.sitePaired && ! options.pairing ) {
			throw new PlainKeyRefusedError(
				'This site has paired with signing: its calls are signed (X-IGNY8-Key-Id, X-IGNY8-Signature); a new key is sent in plain only to pair it.'
			);
		}
		return this.principalOf( found );
	}

	/**
	 * The site a signed call speaks for (protocol → Authentication): a live,
	 * paired, not retired key id; a timestamp within 300 s; an HMAC over the
	 * canonical request with that key's derived secret (constant-time
	 * compare); and a request id this site has not used, recorded in the same
	 * statement that checks it, so of two racing copies exactly one passes.
	 * The id is recorded only once everything else has passed, so a forged
	 * call cannot burn a genuine one's id.
	 */
	async principalFromSignature( req: Request ): Promise< SiteKeyPrincipal > {
		const header = ( name: string ) => ( req.get( name ) ?? '' ).trim();
		const keyId = header( SIGNATURE_HEADERS.keyId );
		const timestamp = header( SIGNATURE_HEADERS.timestamp );
		const requestId = header( SIGNATURE_HEADERS.requestId );
		const signature = header( SIGNATURE_HEADERS.signature ).toLowerCase();
		if ( ! /^[1-9]\d{0,15}$/.test( keyId ) ) {
			throw new SignatureRefusedError( 'The key id is malformed.' );
		}
		if (
			! /^\d{1,12}$/.test( timestamp ) ||
			Math.abs( this.now() / 1000 - Number( timestamp ) ) >
				SIGNATURE_TOLERANCE_S
		) {
			throw new SignatureRefusedError(
				'The request timestamp is missing or outside the allowed window.'
			);
		}
		if ( ! /^[A-Za-z0-9-]{8,64}$/.test( requestId ) ) {
			throw new SignatureRefusedError(
				'The request id is missing or malformed.'
			);
		}
		const found = await this.rows.siteKeyById( Number( keyId ) );
		const { key } = found ?? {};
		if (
			! found ||
			! key?.signing_secret ||
			( key.retires_at && key.retires_at.getTime() <= this.now() )
		) {
			throw new SignatureRefusedError(
				'The key id is unknown, revoked, retired or has not paired.'
			);
		}
		const [ path, search = '' ] = req.originalUrl.split( '?', 2 );
		const expected = signRequest(
			decryptSecret( this.encryptionKey, key.signing_secret ),
			canonicalRequest( {
				method: req.method,
				route: path!,
				query: Object.fromEntries( new URLSearchParams( search ) ),
				timestamp,
				requestId,
				body: req.rawBody ?? '',
			} )
		);
		if (
			! /^[0-9a-f]{64}$/.test( signature ) ||
			! constantTimeEqual( expected, signature )
		) {
			throw new SignatureRefusedError( 'Invalid request signature.' );
		}
		if (
			found.site.status !== 'active' ||
			REFUSED_ACCOUNT_STATUSES.includes( found.account.status )
		) {
			throw new NotAuthenticatedError(
				'Site API key is invalid or revoked.'
			);
		}
		if ( ! ( await this.remember( found.site.id, requestId ) ) ) {
			throw new SignatureRefusedError(
				'This request was already received.'
			);
		}
		return this.principalOf( found );
	}

	/**
	 * Records a signed call's request id for its site; false when the site
	 * used it already. One statement: the primary key decides between racing
	 * copies, and the site's ids older than twice the window (they can never
	 * pass the timestamp check again) are pruned on the way, so no timer is
	 * needed.
	 */
	private async remember(
		siteId: number,
		requestId: string
	): Promise< boolean > {
		const rows = await this.models.SiteApiKey.sequelize!.query(
			`WITH pruned AS (
				DELETE FROM site_key_requests
				 WHERE site_id = :siteId AND seen_at < NOW() - make_interval(secs => :keep)
			)
			INSERT INTO site_key_requests (site_id, request_id, seen_at)
			VALUES (:siteId, :requestId, NOW())
			ON CONFLICT (site_id, request_id) DO NOTHING
			RETURNING request_id`,
			{
				replacements: {
					siteId,
					requestId,
					keep: 2 * SIGNATURE_TOLERANCE_S,
				},
				type: QueryTypes.SELECT,
			}
		);
		return rows.length === 1;
	}

	/** Stops a key at once; revoking it again keeps the first time (and its one audit entry). */
	async revoke( key: SiteApiKeyRow, who: AuditActor ): Promise< void > {
		if ( key.revoked_at ) {
			return;
		}
		await this.sequelize.transaction( async ( transaction ) => {
			const [ revoked ] = await this.models.SiteApiKey.update(
				{ revoked_at: new Date( this.now() ) },
				{ where: { id: key.id, revoked_at: null }, transaction }
			);
			if ( revoked === 1 ) {
				await this.audit( transaction, key, who, 'api_key.revoked' );
			}
		} );
	}

	/** The secret a key presented in plain derives, sealed for storage. */
	sealedSigningSecret( presented: string ): string {
		return encryptSecret(
			this.encryptionKey,
			deriveSigningSecret( presented )
		);
	}

	/**
	 * Marks a key presented in plain (test-connection) paired, with its
	 * sealed secret, unless a racing pairing did first (then 401). Keys of
	 * the site that an earlier pairing had already replaced retire now; the
	 * key paired before this one (`previousKeyId`) keeps working until the
	 * cloud has used this one (retireReplaced).
	 */
	async markPaired(
		key: SiteApiKeyRow,
		sealed: string,
		previousKeyId: number | null,
		who: AuditActor
	): Promise< void > {
		await this.sequelize.transaction( async ( transaction ) => {
			const [ paired ] = await this.models.SiteApiKey.update(
				{ signing_secret: sealed, paired_at: new Date( this.now() ) },
				{
					where: { id: key.id, paired_at: null, revoked_at: null },
					transaction,
				}
			);
			if ( paired !== 1 ) {
				throw new PlainKeyRefusedError(
					'This site key has paired already: create a new key to pair again.'
				);
			}
			await this.sequelize.query(
				`UPDATE site_api_keys SET retires_at = NOW()
				 WHERE site_id = :siteId AND id <> :keyId AND id <> :previousKeyId
				   AND paired_at IS NOT NULL AND (retires_at IS NULL OR retires_at > NOW())`,
				{
					replacements: {
						siteId: key.site_id,
						keyId: key.id,
						previousKeyId: previousKeyId ?? 0,
					},
					transaction,
				}
			);
			if ( previousKeyId !== null ) {
				// The site now signs with this key; the one it replaces retires.
				await this.audit( transaction, key, who, 'api_key.rotated', {
					replaced_key_id: previousKeyId,
				} );
			}
		} );
	}

	/**
	 * The cloud has signed a call with `keyId` and the site accepted it:
	 * every other paired key of the site retires after the signature window
	 * (calls already signed with it may still arrive until then).
	 */
	async retireReplaced( siteId: number, keyId: number ): Promise< void > {
		await this.models.SiteApiKey.sequelize!.query(
			`UPDATE site_api_keys SET retires_at = NOW() + make_interval(secs => :grace)
			 WHERE site_id = :siteId AND id <> :keyId AND paired_at IS NOT NULL AND retires_at IS NULL`,
			{
				replacements: { siteId, keyId, grace: SIGNATURE_TOLERANCE_S },
			}
		);
	}

	private get sequelize() {
		return this.models.SiteApiKey.sequelize!;
	}

	private audit(
		transaction: Transaction,
		key: SiteApiKeyRow,
		who: AuditActor,
		action: 'api_key.created' | 'api_key.revoked' | 'api_key.rotated',
		details: Record< string, unknown > = {}
	): Promise< void > {
		return recordAudit( this.sequelize, transaction, {
			account_id: Number( key.account_id ),
			actor: who,
			action,
			target_type: 'api_key',
			target_id: Number( key.id ),
			target_label: `${ key.name } (${ key.prefix }…)`,
			site_id: Number( key.site_id ),
			details,
		} );
	}

	private async principalOf( found: {
		key: SiteApiKeyRow;
		site: SiteRow;
		account: SiteKeyPrincipal[ 'account' ];
	} ): Promise< SiteKeyPrincipal > {
		const { key, site, account } = found;
		if (
			! key.last_used_at ||
			this.now() - key.last_used_at.getTime() > LAST_USED_RESOLUTION_MS
		) {
			await key.update( { last_used_at: new Date( this.now() ) } );
		}
		return { kind: 'site_key', key, site, account };
	}
}

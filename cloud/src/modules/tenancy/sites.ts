import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { siteCreateSchema, siteUpdateSchema } from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { Models, SiteRow } from '../../db/models';
import { ApiError, ValidationError } from '../../http/errors';
import { encryptSecret } from '../auth';
import type { Secrets } from '../auth';
import { findOwned } from './scope';
import { uniqueSlug, slugify } from './slugs';

type SiteCreate = z.infer< typeof siteCreateSchema >;
type SiteUpdate = z.infer< typeof siteUpdateSchema >;

/** Sites of an account, within its plan's limit; WordPress passwords are sealed before they are stored. */
export class SiteService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		private readonly secrets: Secrets
	) {}

	async create(
		accountId: number,
		input: SiteCreate,
		who: AuditActor
	): Promise< SiteRow > {
		await this.assertIndustry( input.industry_id );
		return this.db.sequelize.transaction( async ( transaction ) => {
			// The account row lock serializes concurrent creates against the plan limit.
			const account = await this.models.Account.findByPk( accountId, {
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			const plan =
				account &&
				( await this.models.Plan.findByPk( account.plan_id, {
					transaction,
				} ) );
			if ( ! account || ! plan ) {
				throw new Error(
					`Account ${ accountId } or its plan is missing.`
				);
			}
			const count = await this.models.Site.count( {
				where: { account_id: accountId },
				transaction,
			} );
			if ( count >= plan.max_sites ) {
				throw new ApiError(
					'plan_limit_reached',
					`Your ${ plan.name } plan allows ${ plan.max_sites } site${ plan.max_sites === 1 ? '' : 's' }; upgrade to add more.`
				);
			}
			const slug =
				input.slug ??
				( await uniqueSlug(
					this.models.Site,
					input.name,
					{ account_id: accountId },
					transaction
				) );
			await this.assertSlugFree(
				accountId,
				slug,
				undefined,
				transaction
			);
			const site = await this.models.Site.create(
				{
					account_id: accountId,
					name: input.name,
					slug,
					domain: input.domain ?? null,
					industry_id: input.industry_id ?? null,
					wordpress_url: input.wordpress_url ?? null,
					wordpress_username: input.wordpress_username ?? null,
					wordpress_password_encrypted: this.seal(
						input.wordpress_password
					),
					status: input.status ?? 'active',
				},
				{ transaction }
			);
			await this.audit( site, who, 'site.created', transaction, {
				wordpress_url: site.wordpress_url,
			} );
			return site;
		} );
	}

	/** Every site of the account (or the one named, when it is the account's), oldest first: what lists of all sites show. */
	listOf(
		accountId: number,
		siteId?: number
	): Promise<
		Pick<
			SiteRow,
			'id' | 'name' | 'wordpress_url' | 'domain' | 'created_at'
		>[]
	> {
		return this.models.Site.findAll( {
			where: {
				account_id: accountId,
				...( siteId !== undefined ? { id: siteId } : {} ),
			},
			attributes: [
				'id',
				'name',
				'wordpress_url',
				'domain',
				'created_at',
			],
			order: [ [ 'id', 'ASC' ] ],
			raw: true,
		} );
	}

	async update(
		accountId: number,
		id: number,
		input: SiteUpdate,
		who: AuditActor
	): Promise< SiteRow > {
		const site = await findOwned( this.models.Site, id, accountId );
		await this.assertIndustry( input.industry_id );
		if ( input.slug !== undefined && input.slug !== site.slug ) {
			await this.assertSlugFree( accountId, input.slug, site.id );
		}
		const { wordpress_password: password, ...fields } = input;
		const from = site.name;
		site.set( {
			...fields,
			...( password !== undefined
				? { wordpress_password_encrypted: this.seal( password ) }
				: {} ),
		} );
		// Which settings changed, by name only: a password is never logged, not even sealed.
		const changed = ( site.changed() || [] ).map( ( field ) =>
			field === 'wordpress_password_encrypted'
				? 'wordpress_password'
				: field
		);
		await this.db.sequelize.transaction( async ( transaction ) => {
			await site.save( { transaction } );
			if ( changed.length ) {
				await this.audit( site, who, 'site.updated', transaction, {
					fields: changed,
					...( site.name !== from
						? { from_name: from, to_name: site.name }
						: {} ),
				} );
			}
		} );
		return site;
	}

	async remove(
		accountId: number,
		id: number,
		who: AuditActor
	): Promise< void > {
		const site = await findOwned( this.models.Site, id, accountId );
		await this.db.sequelize.transaction( async ( transaction ) => {
			await site.destroy( { transaction } );
			await this.audit( site, who, 'site.deleted', transaction, {
				wordpress_url: site.wordpress_url,
			} );
		} );
	}

	private audit(
		site: SiteRow,
		who: AuditActor,
		action: 'site.created' | 'site.updated' | 'site.deleted',
		transaction: Transaction,
		details: Record< string, unknown >
	): Promise< void > {
		return recordAudit( this.db.sequelize, transaction, {
			account_id: site.account_id,
			actor: who,
			action,
			target_type: 'site',
			target_id: site.id,
			target_label: site.name,
			site_id: site.id,
			details,
		} );
	}

	private seal( password: string | null | undefined ): string | null {
		return password
			? encryptSecret( this.secrets.encryptionKey, password )
			: null;
	}

	private async assertIndustry(
		industryId: number | null | undefined
	): Promise< void > {
		if (
			industryId &&
			! ( await this.models.Industry.findByPk( industryId ) )
		) {
			throw new ValidationError( 'Invalid body.', {
				industry_id: [ `industry ${ industryId } does not exist` ],
			} );
		}
	}

	private async assertSlugFree(
		accountId: number,
		slug: string,
		exceptId: number | undefined,
		transaction?: Transaction
	): Promise< void > {
		const clash = await this.models.Site.findOne( {
			transaction,
			where: { account_id: accountId, slug: slugify( slug ) },
		} );
		if ( clash && clash.id !== exceptId ) {
			throw new ValidationError( 'Invalid body.', {
				slug: [ 'another site of this account uses this slug' ],
			} );
		}
	}
}

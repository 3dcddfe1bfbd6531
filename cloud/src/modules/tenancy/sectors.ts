import { Op, type Transaction } from 'sequelize';
import type { z } from 'zod';
import type {
	sectorCreateSchema,
	sectorUpdateSchema,
} from '@igny8/shared-types';
import { recordAudit, type AuditActor } from '../../audit';
import type { Database } from '../../db/connection';
import type { Models, SectorRow } from '../../db/models';
import { ApiError, ValidationError } from '../../http/errors';
import { findOwned } from './scope';

type SectorCreate = z.infer< typeof sectorCreateSchema >;
type SectorUpdate = z.infer< typeof sectorUpdateSchema >;

/** Sectors of a site, as many as the account's plan allows per site (1–5). */
export class SectorService {
	constructor(
		private readonly db: Database,
		private readonly models: Models
	) {}

	/** `confinedTo`: the one site the caller may touch (a WordPress session), or null. */
	async create(
		accountId: number,
		input: SectorCreate,
		confinedTo: number | null = null
	): Promise< SectorRow > {
		await this.assertIndustrySector( input.industry_sector_id );
		return this.db.sequelize.transaction( async ( transaction ) => {
			let site;
			try {
				// The site row lock serializes concurrent creates against the limit.
				site = await findOwned(
					this.models.Site,
					input.site_id,
					accountId,
					{
						transaction,
						lock: true,
						where: confinedTo === null ? {} : { id: confinedTo },
					}
				);
			} catch {
				throw new ValidationError( 'Invalid body.', {
					site_id: [ `site ${ input.site_id } does not exist` ],
				} );
			}
			const account = await this.models.Account.findByPk( accountId, {
				transaction,
			} );
			const plan =
				account &&
				( await this.models.Plan.findByPk( account.plan_id, {
					transaction,
				} ) );
			if ( ! plan ) {
				throw new Error( `Account ${ accountId } has no plan.` );
			}
			const count = await this.models.Sector.count( {
				where: { site_id: site.id },
				transaction,
			} );
			if ( count >= plan.max_sectors_per_site ) {
				throw new ApiError(
					'plan_limit_reached',
					`Your ${ plan.name } plan allows ${ plan.max_sectors_per_site } sector${ plan.max_sectors_per_site === 1 ? '' : 's' } per site; upgrade to add more.`
				);
			}
			await this.assertNameFree(
				site.id,
				input.name,
				undefined,
				transaction
			);
			return this.models.Sector.create(
				{
					account_id: accountId,
					site_id: site.id,
					name: input.name,
					industry_sector_id: input.industry_sector_id ?? null,
					status: input.status ?? 'active',
				},
				{ transaction }
			);
		} );
	}

	async update(
		accountId: number,
		id: number,
		input: SectorUpdate,
		confinedTo: number | null = null
	): Promise< SectorRow > {
		const sector = await findOwned( this.models.Sector, id, accountId, {
			where: confinedTo === null ? {} : { site_id: confinedTo },
		} );
		await this.assertIndustrySector( input.industry_sector_id );
		if ( input.name !== undefined ) {
			await this.assertNameFree( sector.site_id, input.name, sector.id );
		}
		await sector.update( input );
		return sector;
	}

	async remove(
		accountId: number,
		id: number,
		confinedTo: number | null,
		who: AuditActor
	): Promise< void > {
		const sector = await findOwned( this.models.Sector, id, accountId, {
			where: confinedTo === null ? {} : { site_id: confinedTo },
		} );
		await this.db.sequelize.transaction( async ( transaction ) => {
			await sector.destroy( { transaction } );
			await recordAudit( this.db.sequelize, transaction, {
				account_id: accountId,
				actor: who,
				action: 'sector.deleted',
				target_type: 'sector',
				target_id: sector.id,
				target_label: sector.name,
				site_id: sector.site_id,
			} );
		} );
	}

	private async assertIndustrySector(
		id: number | null | undefined
	): Promise< void > {
		if ( id && ! ( await this.models.IndustrySector.findByPk( id ) ) ) {
			throw new ValidationError( 'Invalid body.', {
				industry_sector_id: [
					`industry sector ${ id } does not exist`,
				],
			} );
		}
	}

	private async assertNameFree(
		siteId: number,
		name: string,
		exceptId: number | undefined,
		transaction?: Transaction
	): Promise< void > {
		const clash = await this.models.Sector.findOne( {
			transaction,
			where: {
				site_id: siteId,
				name: {
					[ Op.iLike ]: name.replace(
						/[\\%_]/g,
						( c ) => `\\${ c }`
					),
				},
			},
		} );
		if ( clash && clash.id !== exceptId ) {
			throw new ValidationError( 'Invalid body.', {
				name: [ 'this site already has a sector with this name' ],
			} );
		}
	}
}

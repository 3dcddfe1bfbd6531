import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { allowedNext, type TransitionTable } from '@igny8/shared-types';
import type { Models, SectorRow } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { siteFilter, type Principal } from '../auth';

/**
 * The seed's SiteSectorModelViewSet semantics: content rows belong to an
 * account, a site and a sector. Lists narrow by `site_id` / `sector_id`;
 * writes name a sector that must be the caller's (a site key: of its site).
 */

export type SectorScope = {
	account_id: number;
	site_id: number;
	sector_id: number;
};

/** The caller's sector with this id, or a 400 naming the field (another account's looks missing). */
export async function resolveSector(
	models: Models,
	principal: Principal,
	sectorId: number,
	options: { field?: string; transaction?: Transaction } = {}
): Promise< SectorRow > {
	const sector = await models.Sector.findOne( {
		where: {
			id: sectorId,
			account_id: principal.account.id,
			...siteFilter( principal ),
		},
		transaction: options.transaction,
	} );
	if ( ! sector ) {
		throw new ValidationError( 'Invalid body.', {
			[ options.field ?? 'sector_id' ]: [
				`sector ${ sectorId } does not exist`,
			],
		} );
	}
	return sector;
}

export const scopeOf = ( sector: SectorRow ): SectorScope => ( {
	account_id: sector.account_id,
	site_id: sector.site_id,
	sector_id: sector.id,
} );

/**
 * WHERE for a scoped list: always the caller's account (a site key: its site),
 * narrowed by `site_id` / `sector_id`. A sector that is not on the named
 * site, or not the caller's at all, is a 400 rather than an empty page.
 */
export async function listScope(
	models: Models,
	principal: Principal,
	query: { site_id?: number; sector_id?: number }
): Promise< WhereOptions > {
	const where: Record< string, unknown > = {
		account_id: principal.account.id,
	};
	if ( principal.kind !== 'user' ) {
		if (
			query.site_id !== undefined &&
			query.site_id !== principal.site.id
		) {
			throw new ValidationError( 'Invalid query.', {
				site_id: [ `site ${ query.site_id } does not exist` ],
			} );
		}
		where.site_id = principal.site.id;
	} else if ( query.site_id !== undefined ) {
		const site = await models.Site.findOne( {
			where: { id: query.site_id, account_id: principal.account.id },
		} );
		if ( ! site ) {
			throw new ValidationError( 'Invalid query.', {
				site_id: [ `site ${ query.site_id } does not exist` ],
			} );
		}
		where.site_id = site.id;
	}
	if ( query.sector_id !== undefined ) {
		const sector = await models.Sector.findOne( {
			where: { id: query.sector_id, account_id: principal.account.id },
		} );
		if ( ! sector ) {
			throw new ValidationError( 'Invalid query.', {
				sector_id: [ `sector ${ query.sector_id } does not exist` ],
			} );
		}
		if ( where.site_id !== undefined && sector.site_id !== where.site_id ) {
			throw new ValidationError( 'Invalid query.', {
				sector_id: [
					`sector ${ sector.id } does not belong to site ${ String( where.site_id ) }`,
				],
			} );
		}
		// The sector was just checked to be the caller's (and on the named site),
		// so it alone scopes the rows; leaving account and site out of the WHERE
		// lets counts on large sectors run as index-only scans.
		return { sector_id: sector.id };
	}
	return where;
}

/** Rows of `ids` inside the caller's scope, as a WHERE (for bulk actions). */
export function idsInScope(
	principal: Principal,
	ids: number[]
): WhereOptions {
	return {
		id: { [ Op.in ]: ids },
		account_id: principal.account.id,
		...siteFilter( principal ),
	};
}

/** Refuses a status change the transition table does not allow, naming the allowed ones. */
export function assertTransition(
	resource: keyof TransitionTable,
	from: string,
	to: string | undefined
): void {
	if ( to === undefined || to === from ) {
		return;
	}
	const allowed = allowedNext( resource, from );
	if ( ! allowed.includes( to ) ) {
		throw new ValidationError( 'Invalid status change.', {
			status: [
				`cannot change from "${ from }" to "${ to }"; allowed: ${ allowed.length ? allowed.map( ( s ) => `"${ s }"` ).join( ', ' ) : 'none' }`,
			],
		} );
	}
}

/**
 * Refuses a status change the system makes for someone (converting an idea,
 * generating a draft, WordPress reporting a post) unless the table leads
 * there: such a change may pass through statuses an editor would click
 * through one at a time (a draft idea converted is approved, then started),
 * but never makes a move no sequence of editor steps could.
 */
export function assertReachable(
	resource: keyof TransitionTable,
	from: string,
	to: string
): void {
	const seen = new Set( [ from ] );
	for ( let edge = [ from ]; edge.length; ) {
		edge = edge.flatMap( ( status ) =>
			allowedNext( resource, status ).filter( ( next ) => {
				const fresh = ! seen.has( next );
				seen.add( next );
				return fresh;
			} )
		);
	}
	if ( ! seen.has( to ) ) {
		throw new ValidationError( 'Invalid status change.', {
			status: [ `cannot change from "${ from }" to "${ to }"` ],
		} );
	}
}

import {
	Op,
	QueryTypes,
	type CreationAttributes,
	type Transaction,
} from 'sequelize';
import type { z } from 'zod';
import type {
	keywordBulkCreateSchema,
	keywordCreateSchema,
	keywordUpdateSchema,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { KeywordRow } from '../../db/content-models';
import type { Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { siteFilter, type Principal } from '../auth';
import { assertTransition, idsInScope, type SectorScope } from '../content';
import { keywordProblem } from './keyword-rules';
import { cleanKeyword, normalizeKeyword } from './normalize';
import { assertRoom, lockQuota } from './quota';

type KeywordCreate = z.infer< typeof keywordCreateSchema >;
type KeywordUpdate = z.infer< typeof keywordUpdateSchema >;
type BulkCreate = z.infer< typeof keywordBulkCreateSchema >;

/** Keywords of a sector: one per normalized text, in at most one cluster. */
export class KeywordService {
	constructor(
		private readonly db: Database,
		private readonly models: Models
	) {}

	/** One keyword, within the plan's keyword quota. */
	async create(
		scope: SectorScope,
		input: Omit< KeywordCreate, 'sector_id' >
	): Promise< KeywordRow > {
		const keyword = acceptKeyword( input.keyword, 'keyword' );
		const { sequelize } = this.db;
		return sequelize.transaction( async ( transaction ) => {
			await this.assertNew( scope.sector_id, keyword, transaction );
			assertRoom(
				await lockQuota( sequelize, scope.account_id, transaction ),
				1,
				'this keyword'
			);
			return this.models.Keyword.create(
				{
					...scope,
					keyword,
					normalized: normalizeKeyword( keyword ),
					search_volume: input.search_volume ?? 0,
					difficulty: input.difficulty ?? null,
					intent: input.intent ?? null,
					status: input.status ?? 'active',
					source: 'manual',
					cpc: input.cpc ?? null,
					extra: input.extra ?? {},
				},
				{ transaction }
			);
		} );
	}

	async update(
		row: KeywordRow,
		input: KeywordUpdate
	): Promise< KeywordRow > {
		assertTransition( 'keyword', row.status, input.status );
		const changes: Partial< KeywordRow > & Record< string, unknown > = {
			...input,
		};
		if ( input.keyword !== undefined ) {
			const keyword = acceptKeyword( input.keyword, 'keyword' );
			if ( normalizeKeyword( keyword ) !== row.normalized ) {
				await this.assertNew( row.sector_id, keyword );
			}
			Object.assign( changes, {
				keyword,
				normalized: normalizeKeyword( keyword ),
			} );
		}
		await row.update( changes );
		return row;
	}

	/**
	 * Many keywords at once (API users). Those already in the sector, or repeated
	 * in the request, are reported back by position and skipped; a retried
	 * request therefore adds nothing. One that is not a keyword (keyword-rules)
	 * refuses the request, as does going over the plan's keyword quota.
	 */
	async bulkCreate(
		scope: SectorScope,
		input: BulkCreate
	): Promise< {
		created: KeywordRow[];
		duplicates: Array< { index: number; keyword: string } >;
	} > {
		const seen = new Set< string >();
		const duplicates: Array< { index: number; keyword: string } > = [];
		const fresh: Array< {
			index: number;
			row: CreationAttributes< KeywordRow >;
		} > = [];
		const refused: Record< string, string[] > = {};
		input.keywords.forEach( ( item, index ) => {
			const problem = keywordProblem( cleanKeyword( item.keyword ) );
			if ( problem ) {
				refused[ `keywords.${ index }.keyword` ] = [
					describeProblem( item.keyword, problem ),
				];
			}
		} );
		if ( Object.keys( refused ).length ) {
			throw new ValidationError( 'Invalid body.', refused );
		}
		input.keywords.forEach( ( item, index ) => {
			const keyword = cleanKeyword( item.keyword );
			const normalized = normalizeKeyword( keyword );
			if ( seen.has( normalized ) ) {
				duplicates.push( { index, keyword } );
				return;
			}
			seen.add( normalized );
			fresh.push( {
				index,
				row: {
					...scope,
					keyword,
					normalized,
					search_volume: item.search_volume ?? 0,
					difficulty: item.difficulty ?? null,
					intent: item.intent ?? null,
					status: item.status ?? 'active',
					source: 'api_import',
					cpc: item.cpc ?? null,
					extra: item.extra ?? {},
				},
			} );
		} );
		// Sequelize's bulkCreate cannot tell which rows ON CONFLICT skipped, so
		// insert with plain SQL and read back exactly the rows that went in.
		const rows = fresh.map( ( f ) => f.row );
		const { sequelize } = this.db;
		const inserted = rows.length
			? await sequelize.transaction( async ( transaction ) => {
					const quota = await lockQuota(
						sequelize,
						scope.account_id,
						transaction
					);
					const added = await sequelize.query< { id: number } >(
						`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, status, source, cpc, extra)
					 SELECT :account_id, :site_id, :sector_id, k, n, v, d, i, s, 'api_import', c, e::jsonb
					 FROM unnest(ARRAY[:keyword]::text[], ARRAY[:normalized]::text[], ARRAY[:volume]::int[], ARRAY[:difficulty]::smallint[],
					             ARRAY[:intent]::text[], ARRAY[:status]::text[], ARRAY[:cpc]::numeric[], ARRAY[:extra]::text[]) AS t(k, n, v, d, i, s, c, e)
					 ON CONFLICT (sector_id, normalized) DO NOTHING
					 RETURNING id`,
						{
							type: QueryTypes.SELECT,
							replacements: {
								...scope,
								keyword: rows.map( ( r ) => r.keyword ),
								normalized: rows.map( ( r ) => r.normalized ),
								volume: rows.map(
									( r ) => r.search_volume ?? 0
								),
								difficulty: rows.map( ( r ) => r.difficulty ),
								intent: rows.map( ( r ) => r.intent ),
								status: rows.map(
									( r ) => r.status ?? 'active'
								),
								cpc: rows.map( ( r ) => r.cpc ),
								extra: rows.map( ( r ) =>
									JSON.stringify( r.extra ?? {} )
								),
							},
							transaction,
						}
					);
					// Only the ones that went in count; over the quota, none stay.
					assertRoom( quota, added.length, 'these keywords' );
					return added;
				} )
			: [];
		const created = inserted.length
			? await this.models.Keyword.findAll( {
					where: { id: { [ Op.in ]: inserted.map( ( r ) => r.id ) } },
					order: [ [ 'id', 'ASC' ] ],
				} )
			: [];
		const createdNormalized = new Set(
			created.map( ( row ) => row.normalized )
		);
		for ( const { index, row } of fresh ) {
			if ( ! createdNormalized.has( row.normalized ) ) {
				duplicates.push( { index, keyword: row.keyword } );
			}
		}
		duplicates.sort( ( a, b ) => a.index - b.index );
		return { created, duplicates };
	}

	async bulkDelete(
		principal: Principal,
		ids: number[]
	): Promise< { affected: number; not_found: number[] } > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const found = await this.idsFound( principal, ids, transaction );
			const affected = await this.models.Keyword.destroy( {
				where: { id: { [ Op.in ]: found } },
				transaction,
			} );
			return {
				affected,
				not_found: ids.filter( ( id ) => ! found.includes( id ) ),
			};
		} );
	}

	async bulkStatus(
		principal: Principal,
		ids: number[],
		status: KeywordRow[ 'status' ]
	): Promise< { affected: number; not_found: number[] } > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const rows = await this.models.Keyword.findAll( {
				where: idsInScope( principal, ids ),
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			// All or nothing: one impossible change refuses the whole request.
			for ( const row of rows ) {
				try {
					assertTransition( 'keyword', row.status, status );
				} catch ( error ) {
					if ( error instanceof ValidationError ) {
						throw new ValidationError( 'Invalid status change.', {
							status: [
								`keyword ${ row.id }: ${ error.errors?.status?.[ 0 ] ?? error.message }`,
							],
						} );
					}
					throw error;
				}
			}
			const found = rows.map( ( r ) => r.id );
			const [ affected ] = await this.models.Keyword.update(
				{ status },
				{
					where: {
						id: { [ Op.in ]: found },
						status: { [ Op.ne ]: status },
					},
					transaction,
				}
			);
			return {
				affected,
				not_found: ids.filter( ( id ) => ! found.includes( id ) ),
			};
		} );
	}

	/** Moves keywords into a cluster of the same sector (or out of any cluster with `null`). */
	async bulkAssign(
		principal: Principal,
		ids: number[],
		clusterId: number | null
	): Promise< { affected: number; not_found: number[] } > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const rows = await this.models.Keyword.findAll( {
				where: idsInScope( principal, ids ),
				transaction,
			} );
			const found = rows.map( ( r ) => r.id );
			if ( clusterId !== null ) {
				// A site's session sees its own site's clusters only.
				const cluster = await this.models.Cluster.findOne( {
					where: {
						id: clusterId,
						account_id: principal.account.id,
						...siteFilter( principal ),
					},
					transaction,
				} );
				if ( ! cluster ) {
					throw new ValidationError( 'Invalid body.', {
						cluster_id: [ `cluster ${ clusterId } does not exist` ],
					} );
				}
				const elsewhere = rows
					.filter( ( r ) => r.sector_id !== cluster.sector_id )
					.map( ( r ) => r.id );
				if ( elsewhere.length ) {
					throw new ValidationError( 'Invalid body.', {
						ids: [
							`keywords ${ elsewhere.join( ', ' ) } are not in the cluster's sector`,
						],
					} );
				}
			}
			await this.models.ClusterKeyword.destroy( {
				where: { keyword_id: { [ Op.in ]: found } },
				transaction,
			} );
			if ( clusterId !== null && found.length ) {
				await this.models.ClusterKeyword.bulkCreate(
					found.map( ( keyword_id ) => ( {
						cluster_id: clusterId,
						keyword_id,
					} ) ),
					{ transaction }
				);
			}
			return {
				affected: found.length,
				not_found: ids.filter( ( id ) => ! found.includes( id ) ),
			};
		} );
	}

	private async idsFound(
		principal: Principal,
		ids: number[],
		transaction: Transaction
	): Promise< number[] > {
		const rows = await this.models.Keyword.findAll( {
			attributes: [ 'id' ],
			where: idsInScope( principal, ids ),
			transaction,
		} );
		return rows.map( ( r ) => r.id );
	}

	private async assertNew(
		sectorId: number,
		keyword: string,
		transaction?: Transaction
	): Promise< void > {
		const [ clash ] = await this.db.sequelize.query< { id: number } >(
			'SELECT id FROM keywords WHERE sector_id = :sectorId AND normalized = :normalized',
			{
				replacements: {
					sectorId,
					normalized: normalizeKeyword( keyword ),
				},
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( clash ) {
			throw new ValidationError( 'Invalid body.', {
				keyword: [
					`"${ keyword }" is already in this sector (keyword ${ clash.id })`,
				],
			} );
		}
	}
}

const describeProblem = ( raw: string, problem: string ) =>
	`"${ raw.length > 40 ? `${ raw.slice( 0, 40 ) }…` : raw }" ${ problem }`;

/** Cleaned keyword text, or a 400 naming `field` when it is not a keyword. */
function acceptKeyword( raw: string, field: string ): string {
	const keyword = cleanKeyword( raw );
	const problem = keywordProblem( keyword );
	if ( problem ) {
		throw new ValidationError( 'Invalid body.', {
			[ field ]: [ describeProblem( raw, problem ) ],
		} );
	}
	return keyword;
}

import { Op, type Transaction } from 'sequelize';
import type { z } from 'zod';
import type {
	clusterCreateSchema,
	clusterUpdateSchema,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { ClusterRow } from '../../db/content-models';
import type { Models } from '../../db/models';
import { ValidationError } from '../../http/errors';
import { assertTransition, type SectorScope } from '../content';

type ClusterCreate = z.infer< typeof clusterCreateSchema >;
type ClusterUpdate = z.infer< typeof clusterUpdateSchema >;

/** A cluster a clustering run found, by its keywords' ids. */
export type FoundCluster = {
	name: string;
	description: string;
	keyword_ids: number[];
};

/** Topic clusters of a sector; a keyword belongs to at most one. */
export class ClusterService {
	constructor(
		private readonly db: Database,
		private readonly models: Models
	) {}

	async create(
		scope: SectorScope,
		input: ClusterCreate
	): Promise< ClusterRow > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const cluster = await this.models.Cluster.create(
				{
					...scope,
					name: input.name,
					description: input.description ?? '',
					status: input.status ?? 'active',
				},
				{ transaction }
			);
			const keywordIds = [ ...new Set( input.keyword_ids ?? [] ) ];
			if ( keywordIds.length ) {
				const found = await this.models.Keyword.findAll( {
					attributes: [ 'id' ],
					where: {
						id: { [ Op.in ]: keywordIds },
						sector_id: scope.sector_id,
					},
					transaction,
				} );
				const missing = keywordIds.filter(
					( id ) => ! found.some( ( k ) => k.id === id )
				);
				if ( missing.length ) {
					throw new ValidationError( 'Invalid body.', {
						keyword_ids: [
							`keywords ${ missing.join( ', ' ) } are not in this sector`,
						],
					} );
				}
				// A keyword moves: leaving its old cluster, if any, for this one.
				await this.models.ClusterKeyword.destroy( {
					where: { keyword_id: { [ Op.in ]: keywordIds } },
					transaction,
				} );
				await this.models.ClusterKeyword.bulkCreate(
					keywordIds.map( ( keyword_id ) => ( {
						cluster_id: cluster.id,
						keyword_id,
					} ) ),
					{ transaction }
				);
			}
			return cluster;
		} );
	}

	/**
	 * Stores what a clustering run found over `keywordIds`: the ones still
	 * there (deleted meanwhile is not an error) leave their old clusters for
	 * the found ones; a found cluster left without keywords is not made.
	 */
	async replaceFromRun(
		transaction: Transaction,
		scope: SectorScope,
		keywordIds: number[],
		found: FoundCluster[]
	): Promise< {
		created: { id: number; name: string; keywords: number }[];
		alive: ReadonlySet< number >;
	} > {
		const alive = new Set(
			(
				await this.models.Keyword.findAll( {
					attributes: [ 'id' ],
					where: { id: { [ Op.in ]: keywordIds }, ...scope },
					transaction,
				} )
			).map( ( k ) => Number( k.id ) )
		);
		// One cluster per keyword: re-clustering moves it.
		await this.models.ClusterKeyword.destroy( {
			where: { keyword_id: { [ Op.in ]: [ ...alive ] } },
			transaction,
		} );
		const created: { id: number; name: string; keywords: number }[] = [];
		for ( const cluster of found ) {
			const members = cluster.keyword_ids.filter( ( id ) =>
				alive.has( id )
			);
			if ( members.length === 0 ) {
				continue;
			}
			const row = await this.models.Cluster.create(
				{
					...scope,
					name: cluster.name,
					description: cluster.description,
					status: 'active',
				},
				{ transaction }
			);
			await this.models.ClusterKeyword.bulkCreate(
				members.map( ( keyword_id ) => ( {
					cluster_id: Number( row.id ),
					keyword_id,
				} ) ),
				{ transaction }
			);
			created.push( {
				id: Number( row.id ),
				name: cluster.name,
				keywords: members.length,
			} );
		}
		return { created, alive };
	}

	async update(
		row: ClusterRow,
		input: ClusterUpdate
	): Promise< ClusterRow > {
		assertTransition( 'cluster', row.status, input.status );
		await row.update( input );
		return row;
	}

	/** Its keywords stay, unclustered (the membership rows cascade). */
	async remove( row: ClusterRow ): Promise< void > {
		await row.destroy();
	}
}

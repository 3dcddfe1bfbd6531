import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { Cluster, ContentIdea, Keyword } from '@igny8/shared-types';
import type { ClusterRow, IdeaRow, KeywordRow } from '../../db/content-models';
import type { Models } from '../../db/models';

/** Rows → API shapes for the planner, loading related data a page at a time. */

const iso = ( date: Date ) => date.toISOString();

export async function serializeKeywords(
	models: Models,
	rows: KeywordRow[]
): Promise< Keyword[] > {
	const memberships = rows.length
		? await models.ClusterKeyword.findAll( {
				where: { keyword_id: { [ Op.in ]: rows.map( ( r ) => r.id ) } },
			} )
		: [];
	const clusterOf = new Map(
		memberships.map( ( m ) => [
			Number( m.keyword_id ),
			Number( m.cluster_id ),
		] )
	);
	return rows.map( ( row ) => ( {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		keyword: row.keyword,
		search_volume: row.search_volume,
		difficulty: row.difficulty,
		intent: row.intent,
		status: row.status,
		source: row.source,
		cpc: row.cpc === null ? null : Number( row.cpc ),
		extra: row.extra,
		cluster_id: clusterOf.get( row.id ) ?? null,
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	} ) );
}

export async function serializeClusters(
	sequelize: Sequelize,
	rows: ClusterRow[]
): Promise< Cluster[] > {
	const stats = rows.length
		? await sequelize.query< {
				cluster_id: number;
				keyword_count: number;
				total_volume: number;
			} >(
				`SELECT ck.cluster_id, COUNT(*)::int AS keyword_count, COALESCE(SUM(k.search_volume), 0)::bigint AS total_volume
				 FROM cluster_keywords ck JOIN keywords k ON k.id = ck.keyword_id
				 WHERE ck.cluster_id IN (:ids) GROUP BY ck.cluster_id`,
				{
					replacements: { ids: rows.map( ( r ) => r.id ) },
					type: QueryTypes.SELECT,
				}
			)
		: [];
	const byCluster = new Map(
		stats.map( ( s ) => [ Number( s.cluster_id ), s ] )
	);
	return rows.map( ( row ) => ( {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		name: row.name,
		description: row.description,
		status: row.status,
		keyword_count: byCluster.get( row.id )?.keyword_count ?? 0,
		total_volume: Number( byCluster.get( row.id )?.total_volume ?? 0 ),
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	} ) );
}

export async function serializeIdeas(
	models: Models,
	rows: IdeaRow[]
): Promise< ContentIdea[] > {
	const tasks = rows.length
		? await models.Task.findAll( {
				attributes: [ 'id', 'content_idea_id' ],
				where: {
					content_idea_id: { [ Op.in ]: rows.map( ( r ) => r.id ) },
				},
			} )
		: [];
	const taskOf = new Map(
		tasks.map( ( t ) => [ Number( t.content_idea_id ), t.id ] )
	);
	return rows.map( ( row ) => ( {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		cluster_id: row.cluster_id,
		title: row.title,
		description: row.description,
		suggested_keywords: row.suggested_keywords,
		status: row.status,
		content_type: row.content_type,
		target_word_count: row.target_word_count,
		task_id: taskOf.get( row.id ) ?? null,
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	} ) );
}

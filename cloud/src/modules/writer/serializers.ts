import { Op, literal } from 'sequelize';
import type { Content, Image, Task } from '@igny8/shared-types';
import type { ContentRow, ImageRow, TaskRow } from '../../db/content-models';
import type { Models } from '../../db/models';

/** Rows → API shapes for the writer, loading related data a page at a time. */

const iso = ( date: Date ) => date.toISOString();

/** A task's content id as a column of the task query, so a list page needs no query of its own for it. */
export const TASK_CONTENT_ID: [ ReturnType< typeof literal >, string ] = [
	literal(
		'(SELECT c.id FROM content c WHERE c.task_id = "Task"."id" ORDER BY c.id DESC LIMIT 1)'
	),
	'content_id',
];

export async function serializeTasks(
	models: Models,
	rows: TaskRow[]
): Promise< Task[] > {
	// A list page selected it with the tasks (TASK_CONTENT_ID); a single task looks it up.
	if ( rows.every( ( row ) => row.get( 'content_id' ) !== undefined ) ) {
		return rows.map( ( row ) =>
			taskOf(
				row,
				( row.get( 'content_id' ) as number | string | null ) === null
					? null
					: Number( row.get( 'content_id' ) )
			)
		);
	}
	const content = rows.length
		? await models.Content.findAll( {
				attributes: [ 'id', 'task_id' ],
				where: { task_id: { [ Op.in ]: rows.map( ( r ) => r.id ) } },
			} )
		: [];
	const contentOf = new Map( content.map( ( c ) => [ c.task_id, c.id ] ) );
	return rows.map( ( row ) =>
		taskOf( row, contentOf.get( row.id ) ?? null )
	);
}

function taskOf( row: TaskRow, contentId: number | null ): Task {
	return {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		content_idea_id: row.content_idea_id,
		cluster_id: row.cluster_id,
		title: row.title,
		brief: row.brief,
		target_keywords: row.target_keywords,
		status: row.status,
		assigned_post_id: row.assigned_post_id,
		post_url: row.post_url,
		content_id: contentId,
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	};
}

export async function serializeContent(
	rows: ContentRow[]
): Promise< Content[] > {
	return rows.map( ( row ) => ( {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		task_id: row.task_id,
		title: row.title,
		content_html: row.content_html,
		content_plain: row.content_plain,
		excerpt: row.excerpt,
		meta_description: row.meta_description,
		entity_type: row.entity_type,
		external_id: row.external_id,
		external_type: row.external_type,
		sync_status: row.sync_status,
		taxonomies: row.taxonomies,
		attributes: row.attributes,
		word_count: row.word_count,
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	} ) );
}

export async function serializeImages( rows: ImageRow[] ): Promise< Image[] > {
	return rows.map( ( row ) => ( {
		id: row.id,
		account_id: row.account_id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		task_id: row.task_id,
		content_id: row.content_id,
		image_url: row.image_url,
		prompt: row.prompt,
		is_featured: row.is_featured,
		position: row.position,
		alt_text: row.alt_text,
		caption: row.caption,
		created_at: iso( row.created_at ),
		updated_at: iso( row.updated_at ),
	} ) );
}

import {
	Op,
	UniqueConstraintError,
	type Model,
	type ModelStatic,
	type Transaction,
	type WhereOptions,
} from 'sequelize';
import type { z } from 'zod';
import type {
	contentCreateSchema,
	contentUpdateSchema,
	FieldErrors,
	imageCreateSchema,
	imageUpdateSchema,
	taskCreateSchema,
	taskUpdateSchema,
} from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { ContentRow, ImageRow, TaskRow } from '../../db/content-models';
import type { Models } from '../../db/models';
import type { ImageStore } from '../../storage/image-store';
import { ValidationError } from '../../http/errors';
import { assertTransition, type SectorScope } from '../content';
import { contentSaved } from './events';
import { deriveContent, plainTextOf, sanitizeContentHtml } from './html';

type TaskCreate = z.infer< typeof taskCreateSchema >;
type TaskUpdate = z.infer< typeof taskUpdateSchema >;
type ContentCreate = z.infer< typeof contentCreateSchema >;
type ContentUpdate = z.infer< typeof contentUpdateSchema >;
type ImageCreate = z.infer< typeof imageCreateSchema >;
type ImageUpdate = z.infer< typeof imageUpdateSchema >;

type SectorRowLike = Model & {
	id: number;
	account_id: number;
	site_id: number;
	sector_id: number;
};

/** Per-field problems collected over a whole body, thrown together. */
class Problems {
	private readonly errors: FieldErrors = {};

	add( field: string, message: string ): void {
		( this.errors[ field ] ??= [] ).push( message );
	}

	throwIfAny(): void {
		if ( Object.keys( this.errors ).length ) {
			throw new ValidationError( 'Invalid body.', this.errors );
		}
	}
}

const invalid = ( field: string, message: string ) =>
	new ValidationError( 'Invalid body.', { [ field ]: [ message ] } );

const scopeOfRow = ( row: SectorRowLike ): SectorScope => ( {
	account_id: row.account_id,
	site_id: row.site_id,
	sector_id: row.sector_id,
} );

/** Turns a unique-index race the checks could not see into the same 400 the checks give. */
function onUnique< T >(
	field: string,
	message: string | undefined
): ( error: unknown ) => T {
	return ( error: unknown ) => {
		if ( error instanceof UniqueConstraintError && message !== undefined ) {
			throw invalid( field, message );
		}
		throw error;
	};
}

/**
 * The writer's business rules over tasks, content and images. Routes hand
 * over a validated body and the scope (a sector of the caller's, or the row
 * being changed); every rule that reads before it writes runs in one
 * transaction, with every query inside it (one pooled connection in tests and
 * in the embedded mode).
 *
 * - A task's idea and cluster, a content's task, an image's task and content
 *   are the caller's and in the same sector, or the body is refused naming the
 *   field. One task per idea; one content per task.
 * - Task status changes follow the shared transition table.
 * - `content_html` is stored sanitized; `content_plain` and `word_count` are
 *   derived from it on every write. `excerpt` goes through the same allow-list
 *   (WordPress renders it as HTML); `meta_description` is reduced to text.
 * - At most one featured image per content (per task for images without
 *   content): featuring one un-features the rest, under a lock on the parent.
 */
export class WriterService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		/** Where generated pictures live, so a deleted image's file goes with it. */
		private readonly files?: ImageStore
	) {}

	// ----- tasks -----

	async createTask(
		scope: SectorScope,
		body: TaskCreate
	): Promise< TaskRow > {
		const { sector_id: _sector, ...fields } = body;
		return this.db.sequelize
			.transaction( async ( transaction ) => {
				const links = await this.taskLinks(
					scope,
					fields,
					null,
					transaction
				);
				return this.models.Task.create(
					{
						...scope,
						...fields,
						content_idea_id: fields.content_idea_id ?? null,
						cluster_id:
							links.cluster_id !== undefined
								? links.cluster_id
								: ( fields.cluster_id ?? null ),
						assigned_post_id: fields.assigned_post_id ?? null,
						post_url: fields.post_url ?? null,
					},
					{ transaction }
				);
			} )
			.catch(
				onUnique(
					'content_idea_id',
					fields.content_idea_id
						? `idea ${ fields.content_idea_id } already has a task`
						: undefined
				)
			);
	}

	async updateTask( row: TaskRow, body: TaskUpdate ): Promise< TaskRow > {
		return this.db.sequelize
			.transaction( async ( transaction ) => {
				// Re-read under a lock: two concurrent status changes apply one after the other.
				await row.reload( {
					transaction,
					lock: transaction.LOCK.UPDATE,
				} );
				assertTransition( 'task', row.status, body.status );
				const links = await this.taskLinks(
					scopeOfRow( row ),
					body,
					row,
					transaction
				);
				return row.update( { ...body, ...links }, { transaction } );
			} )
			.catch(
				onUnique(
					'content_idea_id',
					body.content_idea_id
						? `idea ${ body.content_idea_id } already has a task`
						: undefined
				)
			);
	}

	/** Its images go with it and its content stays, task-less (database cascades). */
	async deleteTask( row: TaskRow ): Promise< void > {
		await row.destroy();
	}

	/**
	 * Checks the idea and cluster a task body names (only those that change).
	 * A new task from an idea takes the idea's cluster unless it names one.
	 */
	private async taskLinks(
		scope: SectorScope,
		body: Pick< TaskUpdate, 'content_idea_id' | 'cluster_id' >,
		current: TaskRow | null,
		transaction: Transaction
	): Promise< { cluster_id?: number | null } > {
		const problems = new Problems();
		const links: { cluster_id?: number | null } = {};
		const ideaId = body.content_idea_id;
		if ( ideaId && ideaId !== current?.content_idea_id ) {
			// The idea row lock serializes two tasks racing for the same idea.
			const idea = await this.reference(
				this.models.Idea,
				ideaId,
				scope,
				'content_idea_id',
				'idea',
				problems,
				transaction,
				true
			);
			if ( idea ) {
				const taken = await this.models.Task.findOne( {
					attributes: [ 'id' ],
					where: {
						content_idea_id: ideaId,
						...( current ? { id: { [ Op.ne ]: current.id } } : {} ),
					},
					transaction,
				} );
				if ( taken ) {
					problems.add(
						'content_idea_id',
						`idea ${ ideaId } already has task ${ taken.id }`
					);
				} else if ( ! current && body.cluster_id === undefined ) {
					links.cluster_id = idea.cluster_id;
				}
			}
		}
		const clusterId = body.cluster_id;
		if ( clusterId && clusterId !== current?.cluster_id ) {
			await this.reference(
				this.models.Cluster,
				clusterId,
				scope,
				'cluster_id',
				'cluster',
				problems,
				transaction
			);
		}
		problems.throwIfAny();
		return links;
	}

	// ----- content -----

	async createContent(
		scope: SectorScope,
		body: ContentCreate
	): Promise< ContentRow > {
		const { sector_id: _sector, ...fields } = body;
		return this.db.sequelize
			.transaction( async ( transaction ) => {
				if ( fields.task_id ) {
					await this.claimTask(
						scope,
						fields.task_id,
						null,
						transaction
					);
				}
				const created = await this.models.Content.create(
					{
						...scope,
						...fields,
						...this.contentText(
							fields,
							fields.content_html ?? ''
						),
						...( fields.attributes
							? { attributes: seoAsText( fields.attributes ) }
							: {} ),
						task_id: fields.task_id ?? null,
						external_id: fields.external_id ?? null,
						external_type: fields.external_type ?? null,
					},
					{ transaction }
				);
				await contentSaved( this.db, transaction, created );
				return created;
			} )
			.catch(
				onUnique(
					'task_id',
					fields.task_id
						? `task ${ fields.task_id } already has content`
						: undefined
				)
			);
	}

	async updateContent(
		row: ContentRow,
		body: ContentUpdate
	): Promise< ContentRow > {
		return this.db.sequelize
			.transaction( async ( transaction ) => {
				if ( body.task_id && body.task_id !== row.task_id ) {
					await this.claimTask(
						scopeOfRow( row ),
						body.task_id,
						row.id,
						transaction
					);
				}
				const updated = await row.update(
					{
						...body,
						...this.contentText(
							body,
							body.content_html ?? row.content_html
						),
						// A PATCH changes the keys it names and keeps the rest
						// (the run that wrote the draft, other panels' data).
						...( body.attributes
							? {
									attributes: {
										...row.attributes,
										...seoAsText( body.attributes ),
									},
								}
							: {} ),
					},
					{ transaction }
				);
				await contentSaved( this.db, transaction, updated );
				return updated;
			} )
			.catch(
				onUnique(
					'task_id',
					body.task_id
						? `task ${ body.task_id } already has content`
						: undefined
				)
			);
	}

	/** Its images go with it (a database cascade; their files are left to the orphan sweep). */
	async deleteContent( row: ContentRow ): Promise< void > {
		await row.destroy();
	}

	/** The stored text fields: sanitized HTML and what is derived from it. */
	private contentText( body: ContentUpdate, html: string ) {
		return {
			...deriveContent( html ),
			...( body.excerpt === undefined
				? {}
				: { excerpt: sanitizeContentHtml( body.excerpt ) } ),
			...( body.meta_description === undefined
				? {}
				: {
						meta_description: plainTextOf(
							body.meta_description
						).replace( /\n/g, ' ' ),
					} ),
		};
	}

	/** A task content may attach to: the caller's, same sector, without other content (row-locked). */
	private async claimTask(
		scope: SectorScope,
		taskId: number,
		contentId: number | null,
		transaction: Transaction
	): Promise< void > {
		const problems = new Problems();
		const task = await this.reference(
			this.models.Task,
			taskId,
			scope,
			'task_id',
			'task',
			problems,
			transaction,
			true
		);
		problems.throwIfAny();
		const other = await this.models.Content.findOne( {
			attributes: [ 'id' ],
			where: {
				task_id: task!.id,
				...( contentId === null
					? {}
					: { id: { [ Op.ne ]: contentId } } ),
			},
			transaction,
		} );
		if ( other ) {
			throw invalid( 'task_id', `task ${ taskId } already has content` );
		}
	}

	// ----- images -----

	async createImage(
		scope: SectorScope,
		body: ImageCreate
	): Promise< ImageRow > {
		const { sector_id: _sector, ...fields } = body;
		return this.db.sequelize.transaction( async ( transaction ) => {
			const links = await this.imageLinks(
				scope,
				fields,
				null,
				transaction
			);
			if ( fields.is_featured ) {
				await this.unfeatureOthers( scope, links, null, transaction );
			}
			return this.models.Image.create(
				{ ...scope, ...fields, ...links, storage_path: null },
				{ transaction }
			);
		} );
	}

	/**
	 * Deletes the row, then its generated file: only after the commit, so a
	 * rolled-back delete never leaves a row pointing at a missing file. A
	 * file that fails to go is left to the start-up sweep of orphans.
	 */
	async deleteImage( row: ImageRow ): Promise< void > {
		const key = row.storage_path;
		await this.db.sequelize.transaction( async ( transaction ) => {
			await row.destroy( { transaction } );
			if ( key && this.files ) {
				const files = this.files;
				transaction.afterCommit( () =>
					files.remove( key ).catch( () => undefined )
				);
			}
		} );
	}

	async updateImage( row: ImageRow, body: ImageUpdate ): Promise< ImageRow > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const links = await this.imageLinks(
				scopeOfRow( row ),
				body,
				row,
				transaction
			);
			if ( body.is_featured ?? row.is_featured ) {
				await this.unfeatureOthers(
					scopeOfRow( row ),
					links,
					row.id,
					transaction
				);
			}
			return row.update( { ...body, ...links }, { transaction } );
		} );
	}

	/**
	 * The task and content an image ends up with, checked. An image placed on
	 * content that belongs to a task follows that task unless the body names
	 * a task; naming a different task than the content's is refused.
	 */
	private async imageLinks(
		scope: SectorScope,
		body: Pick< ImageUpdate, 'task_id' | 'content_id' >,
		current: ImageRow | null,
		transaction: Transaction
	): Promise< { task_id: number | null; content_id: number | null } > {
		const problems = new Problems();
		const contentId =
			body.content_id === undefined
				? ( current?.content_id ?? null )
				: body.content_id;
		let taskId =
			body.task_id === undefined
				? ( current?.task_id ?? null )
				: body.task_id;
		if ( taskId && taskId !== current?.task_id ) {
			await this.reference(
				this.models.Task,
				taskId,
				scope,
				'task_id',
				'task',
				problems,
				transaction
			);
		}
		if ( contentId && contentId !== current?.content_id ) {
			const content = await this.reference(
				this.models.Content,
				contentId,
				scope,
				'content_id',
				'content',
				problems,
				transaction
			);
			if ( content && content.task_id !== null ) {
				if ( body.task_id === undefined ) {
					taskId = content.task_id;
				} else if ( taskId !== null && taskId !== content.task_id ) {
					problems.add(
						'content_id',
						`content ${ contentId } belongs to task ${ content.task_id }, not task ${ taskId }`
					);
				}
			}
		}
		problems.throwIfAny();
		return { task_id: taskId, content_id: contentId };
	}

	/**
	 * The featured-image rule: the other images of the same content (or, for an
	 * image without content, of the same task and also without content) stop
	 * being featured. The parent row is locked first so two images featured at
	 * once cannot both stay featured.
	 */
	private async unfeatureOthers(
		scope: SectorScope,
		links: { task_id: number | null; content_id: number | null },
		selfId: number | null,
		transaction: Transaction
	): Promise< void > {
		let group: WhereOptions;
		if ( links.content_id !== null ) {
			await this.models.Content.findByPk( links.content_id, {
				attributes: [ 'id' ],
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			group = { content_id: links.content_id };
		} else if ( links.task_id !== null ) {
			await this.models.Task.findByPk( links.task_id, {
				attributes: [ 'id' ],
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			group = { task_id: links.task_id, content_id: null };
		} else {
			return;
		}
		await this.models.Image.update(
			{ is_featured: false },
			{
				where: {
					[ Op.and ]: [
						group,
						{ account_id: scope.account_id, is_featured: true },
						selfId === null ? {} : { id: { [ Op.ne ]: selfId } },
					],
				},
				transaction,
			}
		);
	}

	// ----- shared -----

	/**
	 * A row a body points at: the caller's account and the same sector. Another
	 * account's row reads as missing; a row of another sector is named as such.
	 */
	private async reference< Row extends SectorRowLike >(
		model: ModelStatic< Row >,
		id: number,
		scope: SectorScope,
		field: string,
		noun: string,
		problems: Problems,
		transaction: Transaction,
		lock = false
	): Promise< Row | undefined > {
		const row = await model.findOne( {
			where: { id, account_id: scope.account_id } as WhereOptions,
			transaction,
			...( lock ? { lock: transaction.LOCK.UPDATE } : {} ),
		} );
		if ( ! row ) {
			problems.add( field, `${ noun } ${ id } does not exist` );
			return undefined;
		}
		if ( row.sector_id !== scope.sector_id ) {
			problems.add( field, `${ noun } ${ id } is in another sector` );
			return undefined;
		}
		return row;
	}
}

/**
 * The SEO title and focus keyphrase end up in `<title>` and meta tags
 * through whichever SEO plugin the site runs: keep them one line of text.
 */
function seoAsText(
	attributes: Record< string, unknown >
): Record< string, unknown > {
	const out = { ...attributes };
	for ( const key of [ 'meta_title', 'focus_keyphrase' ] as const ) {
		const value = out[ key ];
		if ( typeof value === 'string' ) {
			out[ key ] = plainTextOf( value ).replace( /\s+/g, ' ' ).trim();
		}
	}
	return out;
}

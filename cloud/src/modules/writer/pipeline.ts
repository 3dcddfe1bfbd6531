import type { Transaction } from 'sequelize';
import type {
	ContentRow,
	IdeaRow,
	ImageRow,
	TaskRow,
} from '../../db/content-models';
import type { Models } from '../../db/models';
import { assertReachable } from '../content';
import { contentSaved } from './events';
import { deriveContent, plainTextOf } from './html';
import { replaceSection, sectionsOf } from './sections';

/** What a generation run wrote for a task, ready to store (text already sanitized). */
export type GeneratedDraft = Pick<
	ContentRow,
	| 'title'
	| 'content_html'
	| 'content_plain'
	| 'word_count'
	| 'excerpt'
	| 'meta_description'
	| 'entity_type'
	| 'taxonomies'
>;

export type ImagePrompt = { prompt: string; alt_text: string };

/** Where a task's post stands in WordPress, as the publisher or the site reported it. */
export type PostState = {
	task: TaskRow[ 'status' ];
	content: ContentRow[ 'sync_status' ];
	/** null: the post is gone. */
	post: { id: number; type: string | null; url: string | null } | null;
};

/**
 * The writer's rows as other modules' flows change them: an idea converted
 * to a task, a generated draft, image prompts and pictures, a post published
 * or reported by WordPress. Each call runs in the caller's transaction, so
 * the change commits with the rest of that flow. Status changes made here
 * are the system's, checked with assertReachable (WordPress may report a
 * pending task's post as published; an editor would go through completed).
 */
export class WriterPipeline {
	constructor( private readonly models: Models ) {}

	/** The idea's task: the one it has, or a new pending one carrying its title, brief and keywords. */
	async taskForIdea(
		idea: IdeaRow,
		transaction: Transaction
	): Promise< { task: TaskRow; created: boolean } > {
		const existing = await this.models.Task.findOne( {
			where: { content_idea_id: idea.id },
			transaction,
		} );
		if ( existing ) {
			return { task: existing, created: false };
		}
		const task = await this.models.Task.create(
			{
				account_id: idea.account_id,
				site_id: idea.site_id,
				sector_id: idea.sector_id,
				content_idea_id: idea.id,
				cluster_id: idea.cluster_id,
				title: idea.title,
				brief: idea.description,
				target_keywords: idea.suggested_keywords,
				status: 'pending',
				assigned_post_id: null,
				post_url: null,
			},
			{ transaction }
		);
		return { task, created: true };
	}

	/**
	 * Stores a run's draft as the task's content (replacing the text of the
	 * content it has) and completes the task. The caller holds the task's lock.
	 */
	async saveGeneratedDraft(
		transaction: Transaction,
		task: TaskRow,
		draft: GeneratedDraft,
		runId: number
	): Promise< { contentId: number; created: boolean } > {
		const existing = await this.models.Content.findOne( {
			where: { task_id: task.id, account_id: task.account_id },
			transaction,
		} );
		let contentId: number;
		if ( existing ) {
			await existing.update(
				{
					...draft,
					attributes: {
						...existing.attributes,
						generated_by_run: runId,
					},
				},
				{ transaction }
			);
			contentId = Number( existing.id );
		} else {
			const created = await this.models.Content.create(
				{
					account_id: task.account_id,
					site_id: task.site_id,
					sector_id: task.sector_id,
					task_id: task.id,
					...draft,
					attributes: { generated_by_run: runId },
					external_id: null,
					external_type: null,
				},
				{ transaction }
			);
			contentId = Number( created.id );
		}
		await contentSaved(
			{ sequelize: this.models.Content.sequelize! },
			transaction,
			{
				id: contentId,
				account_id: task.account_id,
				site_id: task.site_id,
			}
		);
		await this.moveTask( task, 'completed', {}, transaction );
		return { contentId, created: ! existing };
	}

	/**
	 * Swaps one section of a content's article for a rewritten one, if the
	 * section at `index` is still the one the run rewrote (same heading);
	 * plain text and word count follow. The HTML must already be sanitized.
	 * Answers why not when it cannot.
	 */
	async replaceSection(
		transaction: Transaction,
		accountId: number,
		contentId: number,
		index: number,
		heading: string,
		sectionHtml: string
	): Promise< { replaced: true } | { replaced: false; reason: string } > {
		const content = await this.models.Content.findOne( {
			where: { id: contentId, account_id: accountId },
			lock: transaction.LOCK.UPDATE,
			transaction,
		} );
		if ( ! content ) {
			return { replaced: false, reason: 'the content was deleted' };
		}
		const section = sectionsOf( content.content_html )[ index ];
		if ( ! section || section.heading !== heading ) {
			return {
				replaced: false,
				reason: 'the article changed meanwhile: that section is not where it was',
			};
		}
		await content.update(
			deriveContent(
				replaceSection( content.content_html, section, sectionHtml )
			),
			{ transaction }
		);
		await contentSaved(
			{ sequelize: this.models.Content.sequelize! },
			transaction,
			content
		);
		return { replaced: true };
	}

	/**
	 * Stores a content's body with internal links added or removed (the
	 * linker's apply and remove), if it is still the body the caller changed:
	 * false when someone saved it meanwhile. The new body is the stored one
	 * plus or minus `<a>` tags the linker built, so it is not sanitized again
	 * (that could rewrite bytes outside the links).
	 */
	async replaceBody(
		accountId: number,
		contentId: number,
		expectedHtml: string,
		html: string
	): Promise< boolean > {
		const sequelize = this.models.Content.sequelize!;
		return sequelize.transaction( async ( transaction ) => {
			const content = await this.models.Content.findOne( {
				where: { id: contentId, account_id: accountId },
				lock: transaction.LOCK.UPDATE,
				transaction,
			} );
			if ( ! content || content.content_html !== expectedHtml ) {
				return false;
			}
			await content.update(
				{ content_html: html, content_plain: plainTextOf( html ) },
				{ transaction }
			);
			await contentSaved( { sequelize }, transaction, content );
			return true;
		} );
	}

	/**
	 * Puts a reviewed rewrite in place of the draft's title, meta description
	 * and body — only while the draft is still at `expectedRevision`, so an
	 * edit made since the rewrite was proposed is never lost. Answers the
	 * saved content, or null when the draft is gone or has moved on. In the
	 * caller's transaction: accepting a proposal and changing the draft
	 * commit together.
	 */
	async replaceDraft(
		transaction: Transaction,
		accountId: number,
		contentId: number,
		expectedRevision: number,
		draft: { title: string; meta_description: string; content_html: string }
	): Promise< ContentRow | null > {
		const content = await this.models.Content.findOne( {
			where: { id: contentId, account_id: accountId },
			lock: transaction.LOCK.UPDATE,
			transaction,
		} );
		if ( ! content || content.revision !== expectedRevision ) {
			return null;
		}
		await content.update(
			{
				title: draft.title,
				meta_description: draft.meta_description,
				...deriveContent( draft.content_html ),
			},
			{ transaction }
		);
		await content.reload( { transaction } );
		await contentSaved(
			{ sequelize: this.models.Content.sequelize! },
			transaction,
			content
		);
		return content;
	}

	/**
	 * Replaces a content's image prompts: its images without a picture go,
	 * the new prompts come in with the first one featured. Null when the
	 * content is gone. The content row lock orders this against editors'
	 * changes to its images.
	 */
	async replaceImagePrompts(
		transaction: Transaction,
		accountId: number,
		contentId: number,
		prompts: ImagePrompt[]
	): Promise< number[] | null > {
		const content = await this.models.Content.findOne( {
			where: { id: contentId, account_id: accountId },
			lock: transaction.LOCK.UPDATE,
			transaction,
		} );
		if ( ! content ) {
			return null;
		}
		const mine = { content_id: content.id, account_id: accountId };
		await this.models.Image.destroy( {
			where: { ...mine, image_url: null, storage_path: null },
			transaction,
		} );
		await this.models.Image.update(
			{ is_featured: false },
			{ where: { ...mine, is_featured: true }, transaction }
		);
		const rows = await this.models.Image.bulkCreate(
			prompts.map( ( item, position ) => ( {
				account_id: content.account_id,
				site_id: content.site_id,
				sector_id: content.sector_id,
				task_id: content.task_id,
				content_id: content.id,
				prompt: item.prompt,
				alt_text: item.alt_text,
				is_featured: position === 0,
				position,
				image_url: null,
				storage_path: null,
			} ) ),
			{ transaction, returning: true }
		);
		return rows.map( ( r ) => Number( r.id ) );
	}

	/**
	 * Points an image at its generated picture. Answers the file it pointed
	 * at before (for the caller to remove once committed), or `gone` when the
	 * image was deleted meanwhile.
	 */
	async attachPicture(
		transaction: Transaction,
		accountId: number,
		imageId: number,
		picture: { url: string; key: string }
	): Promise< { replaced: string | null } | 'gone' > {
		const image: ImageRow | null = await this.models.Image.findOne( {
			where: { id: imageId, account_id: accountId },
			lock: transaction.LOCK.UPDATE,
			transaction,
		} );
		if ( ! image ) {
			return 'gone';
		}
		const replaced = image.storage_path;
		await image.update(
			{ image_url: picture.url, storage_path: picture.key },
			{ transaction }
		);
		return { replaced };
	}

	/**
	 * Records where a content's post stands in WordPress on the content (the
	 * caller read it, locked) and its task (found in `scope`). WordPress
	 * decides a post's fate, so its word moves the task however far the
	 * table allows.
	 */
	async recordPostState(
		transaction: Transaction,
		scope: { account_id: number; site_id?: number },
		rows: { content: ContentRow | null; taskId: number | null },
		state: PostState
	): Promise< void > {
		const { content } = rows;
		const { post } = state;
		if ( content ) {
			await contentSaved(
				{ sequelize: this.models.Content.sequelize! },
				transaction,
				content
			);
			await content.update(
				{
					sync_status: state.content,
					...( post
						? {
								external_id: String( post.id ),
								external_type:
									post.type ?? content.external_type,
							}
						: { external_id: null } ),
				},
				{ transaction }
			);
		}
		const task = rows.taskId
			? await this.models.Task.findOne( {
					where: { ...scope, id: rows.taskId },
					transaction,
					lock: transaction.LOCK.UPDATE,
				} )
			: null;
		if ( task ) {
			await this.moveTask(
				task,
				state.task,
				post
					? {
							assigned_post_id: post.id,
							...( post.url ? { post_url: post.url } : {} ),
						}
					: { assigned_post_id: null, post_url: null },
				transaction
			);
		}
	}

	private async moveTask(
		task: TaskRow,
		status: TaskRow[ 'status' ],
		fields: Partial< Pick< TaskRow, 'assigned_post_id' | 'post_url' > >,
		transaction: Transaction
	): Promise< void > {
		if ( task.status !== status ) {
			assertReachable( 'task', task.status, status );
		}
		if ( task.status === status && ! Object.keys( fields ).length ) {
			return;
		}
		await task.update( { ...fields, status }, { transaction } );
	}
}

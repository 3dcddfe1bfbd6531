import { QueryTypes, type Sequelize } from 'sequelize';
import type { BridgeLinksApply, BridgeLinksRemove } from '@igny8/shared-types';
import {
	WpLinksConflictError,
	type IntegrationService,
	type WpExportItem,
} from '../integration';
import type { LinkerWordPress } from './service';
import { hashOf } from './store';

/**
 * The linker's way to WordPress: the integration module's signed bridge
 * calls, and its copy of the site's posts as the first guess of what a post
 * holds (the plugin refuses a stale guess and says what it holds instead).
 */
export class IntegrationWordPress implements LinkerWordPress {
	constructor(
		private readonly sequelize: Sequelize,
		private readonly integrations: Pick<
			IntegrationService,
			'applyLinks' | 'removeLinks' | 'postOfContent'
		>
	) {}

	async currentPost(
		siteId: number,
		doc: { content_id: number | null; wp_post_id: number }
	): Promise< { content_html: string; content_hash: string } | null > {
		const [ copy ] = await this.sequelize.query< {
			title: string;
			content_html: string | null;
		} >(
			`SELECT title, content_html FROM site_posts
			 WHERE site_id = $1 AND wp_post_id = $2 AND deleted_at IS NULL`,
			{ bind: [ siteId, doc.wp_post_id ], type: QueryTypes.SELECT }
		);
		if ( copy?.content_html != null ) {
			// The bridge's content_hash: SHA-256 of title "\n" content, as WordPress stores them.
			return {
				content_html: copy.content_html,
				content_hash: hashOf(
					`${ copy.title }\n${ copy.content_html }`
				),
			};
		}
		if ( doc.content_id === null ) {
			return null;
		}
		const item = await this.integrations.postOfContent(
			siteId,
			doc.content_id
		);
		return item
			? {
					content_html: item.content_html,
					content_hash: item.content_hash,
				}
			: null;
	}

	async applyLinks(
		siteId: number,
		wpPostId: number,
		body: BridgeLinksApply
	): Promise< { item: WpExportItem } | { conflict: WpExportItem } > {
		try {
			return {
				item: await this.integrations.applyLinks(
					siteId,
					wpPostId,
					body
				),
			};
		} catch ( error ) {
			if ( error instanceof WpLinksConflictError ) {
				return { conflict: error.current };
			}
			throw error;
		}
	}

	removeLinks(
		siteId: number,
		wpPostId: number,
		body: BridgeLinksRemove
	): Promise< WpExportItem > {
		return this.integrations.removeLinks( siteId, wpPostId, body );
	}
}

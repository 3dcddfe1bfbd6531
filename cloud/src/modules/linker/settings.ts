import { QueryTypes, type Sequelize } from 'sequelize';
import type { LinkerSettings } from '@igny8/shared-types';

/** What a site gets until someone changes it: a few links per post, one per paragraph. */
export const DEFAULT_LINKER_SETTINGS: LinkerSettings = {
	max_links_per_post: 8,
	max_links_per_paragraph: 1,
};

/** A site's caps on suggestions (Linker → settings). */
export class LinkerSettingsStore {
	constructor( private readonly sequelize: Sequelize ) {}

	async get( siteId: number ): Promise< LinkerSettings > {
		const [ row ] = await this.sequelize.query< LinkerSettings >(
			'SELECT max_links_per_post, max_links_per_paragraph FROM linker_settings WHERE site_id = $1',
			{ bind: [ siteId ], type: QueryTypes.SELECT }
		);
		return row ?? DEFAULT_LINKER_SETTINGS;
	}

	async caps(
		siteId: number
	): Promise< { perPost: number; perParagraph: number } > {
		const settings = await this.get( siteId );
		return {
			perPost: settings.max_links_per_post,
			perParagraph: settings.max_links_per_paragraph,
		};
	}

	async put(
		accountId: number,
		siteId: number,
		settings: LinkerSettings
	): Promise< LinkerSettings > {
		await this.sequelize.query(
			`INSERT INTO linker_settings (site_id, account_id, max_links_per_post, max_links_per_paragraph)
			 VALUES ($1, $2, $3, $4)
			 ON CONFLICT (site_id) DO UPDATE SET max_links_per_post = EXCLUDED.max_links_per_post,
			   max_links_per_paragraph = EXCLUDED.max_links_per_paragraph, updated_at = NOW()`,
			{
				bind: [
					siteId,
					accountId,
					settings.max_links_per_post,
					settings.max_links_per_paragraph,
				],
			}
		);
		return settings;
	}
}

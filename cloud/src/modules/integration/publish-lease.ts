import type { Transaction } from 'sequelize';
import type { Database } from '../../db/connection';
import type { SiteIntegrationRow } from '../../db/integration-models';
import type { Models } from '../../db/models';

/**
 * Who may push to a site now, kept on its WordPress integration row: one
 * publishing worker holds a site's lease at a time, and a site that keeps
 * failing backs off on its own. The publisher decides when; this writes it.
 */
export class PublishLease {
	constructor(
		private readonly db: Database,
		private readonly models: Models
	) {}

	/** The integration, leased to `token` for `seconds`; null while another holds it or the site backs off. */
	async take(
		siteId: number,
		token: string,
		seconds: number
	): Promise< SiteIntegrationRow | null > {
		const [ rows ] = await this.db.sequelize.query(
			`UPDATE site_integrations
			 SET publish_lease_until = NOW() + make_interval(secs => :lease), publish_lease_token = :token
			 WHERE site_id = :site AND platform = 'wordpress'
			   AND (publish_lease_until IS NULL OR publish_lease_until < NOW())
			   AND (publish_backoff_until IS NULL OR publish_backoff_until <= NOW())
			 RETURNING id`,
			{ replacements: { site: siteId, token, lease: seconds } }
		);
		const id = ( rows as { id: number }[] )[ 0 ]?.id;
		return id ? this.models.SiteIntegration.findByPk( id ) : null;
	}

	async renew(
		siteId: number,
		token: string,
		seconds: number
	): Promise< void > {
		await this.db.sequelize.query(
			`UPDATE site_integrations SET publish_lease_until = NOW() + make_interval(secs => :lease)
			 WHERE site_id = :site AND platform = 'wordpress' AND publish_lease_token = :token`,
			{ replacements: { site: siteId, token, lease: seconds } }
		);
	}

	/** Lets the site go, unless the lease expired and another worker took it. */
	async release( siteId: number, token: string ): Promise< void > {
		await this.models.SiteIntegration.update(
			{ publish_lease_until: null, publish_lease_token: null },
			{
				where: {
					site_id: siteId,
					platform: 'wordpress',
					publish_lease_token: token,
				},
			}
		);
	}

	/** No pushes to the site before `until` (null: from now on). */
	async backOff(
		integrationId: number,
		until: Date | null,
		transaction?: Transaction
	): Promise< void > {
		await this.models.SiteIntegration.update(
			{ publish_backoff_until: until },
			{ where: { id: integrationId }, transaction }
		);
	}
}

import {
	BRIDGE_PLUGIN_VERSION,
	type SiteAttention,
	type SiteHealth,
	type SiteHealthList,
} from '@igny8/shared-types';
import { ValidationError } from '../../http/errors';
import type { IntegrationHealthRow, IntegrationService } from '../integration';
import type { LinkerService } from '../linker';
import type { OptimizerService } from '../optimizer';
import type { PublisherService } from '../publisher';
import type { SiteService } from '../tenancy';

/** What the Sites page reads of each module: one grouped query each, over the whole account. */
export type SiteHealthSources = {
	sites: Pick< SiteService, 'listOf' >;
	integrations: Pick< IntegrationService, 'healthOfSites' >;
	publisher: Pick< PublisherService, 'problemsBySite' >;
	linker: Pick< LinkerService, 'healthBySite' >;
	optimizer: Pick< OptimizerService, 'averageBySite' >;
};

const iso = ( date: Date | null | undefined ) =>
	date ? new Date( date ).toISOString() : null;

/** `6.6.2` → [6, 6, 2] and whether a pre-release suffix follows (`-RC1`); null when it is no version. */
function versionParts(
	version: string
): { numbers: number[]; preRelease: boolean } | null {
	const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec( version.trim() );
	if ( ! match ) {
		return null;
	}
	return {
		numbers: [ match[ 1 ], match[ 2 ], match[ 3 ] ].map( ( part ) =>
			Number( part ?? 0 )
		),
		preRelease: /^[-~]/.test( match[ 4 ] ?? '' ),
	};
}

/**
 * Whether `version` is older than `current`; false when either cannot be
 * read as a version (a site whose version we cannot tell is not flagged).
 * A pre-release (`0.2.0-beta`) is older than its release.
 */
export function isOlderVersion( version: string, current: string ): boolean {
	const a = versionParts( version );
	const b = versionParts( current );
	if ( ! a || ! b ) {
		return false;
	}
	for ( let i = 0; i < 3; i++ ) {
		if ( a.numbers[ i ]! !== b.numbers[ i ]! ) {
			return a.numbers[ i ]! < b.numbers[ i ]!;
		}
	}
	return a.preRelease && ! b.preRelease;
}

/**
 * Why a site needs attention, in SITE_ATTENTION_REASONS order.
 * @param row A site's health without its reasons.
 */
export function attentionOf(
	row: Omit< SiteHealth, 'attention' >
): SiteAttention[] {
	const reasons: SiteAttention[] = [];
	if ( row.connection?.sync_state === 'failed' ) {
		reasons.push( 'sync_failed' );
	}
	if ( row.outbox && row.outbox.dead + row.outbox.rejected > 0 ) {
		reasons.push( 'dead_letters' );
	}
	if ( row.publishing.failed > 0 ) {
		reasons.push( 'publish_failures' );
	}
	if ( row.publishing.conflicts > 0 ) {
		reasons.push( 'publish_conflicts' );
	}
	if ( row.links && row.links.broken > 0 ) {
		reasons.push( 'broken_links' );
	}
	if (
		row.plugin_version !== null &&
		isOlderVersion( row.plugin_version, BRIDGE_PLUGIN_VERSION )
	) {
		reasons.push( 'old_plugin' );
	}
	return reasons;
}

function connectionOf(
	integration: IntegrationHealthRow | undefined
): SiteHealth[ 'connection' ] {
	if ( ! integration ) {
		return null;
	}
	return {
		integration_id: integration.integration_id,
		key_id: integration.key_id,
		is_active: integration.is_active,
		sync_enabled: integration.sync_enabled,
		sync_state: integration.sync_state,
		sync_error: integration.sync_error ?? null,
		last_sync_at: iso( integration.last_sync_at ),
	};
}

/**
 * Per-site health for the agency console: every site of an account with its
 * connection, what its plugin last reported (versions, outbox backlog and
 * dead letters), publish failures and conflicts, link health and average
 * optimizer score. A read-only composition: each figure comes from the
 * service of the module that owns it, each in one query over the account's
 * sites (never one query per site), the five at once.
 */
export class SiteHealthService {
	constructor( private readonly sources: SiteHealthSources ) {}

	async list(
		accountId: number,
		siteId?: number
	): Promise< SiteHealthList > {
		const { sites, integrations, publisher, linker, optimizer } =
			this.sources;
		const [ siteRows, integrationRows, problems, links, scores ] =
			await Promise.all( [
				sites.listOf( accountId, siteId ),
				integrations.healthOfSites( accountId, siteId ),
				publisher.problemsBySite( accountId, siteId ),
				linker.healthBySite( accountId, siteId ),
				optimizer.averageBySite( accountId, siteId ),
			] );
		if ( siteId !== undefined && siteRows.length === 0 ) {
			throw new ValidationError( 'Invalid query.', {
				site_id: [ `site ${ siteId } does not exist` ],
			} );
		}
		const bySite = new Map(
			integrationRows.map( ( row ) => [ row.site_id, row ] )
		);
		return {
			current_plugin_version: BRIDGE_PLUGIN_VERSION,
			sites: siteRows.map( ( site ) => {
				const integration = bySite.get( site.id );
				const health = integration?.health ?? null;
				const row: Omit< SiteHealth, 'attention' > = {
					site_id: site.id,
					name: site.name,
					url: site.wordpress_url ?? null,
					domain: site.domain ?? null,
					created_at: iso( site.created_at )!,
					connection: connectionOf( integration ),
					wordpress_version:
						health?.wordpress_version ??
						integration?.structure_wordpress_version ??
						null,
					plugin_version:
						health?.plugin_version ??
						integration?.structure_plugin_version ??
						null,
					php_version:
						health?.php_version ??
						integration?.structure_php_version ??
						null,
					outbox: health?.outbox ?? null,
					health_reported_at: health
						? iso( integration?.health_reported_at )
						: null,
					publishing: problems.get( site.id ) ?? {
						failed: 0,
						conflicts: 0,
					},
					links: links.get( site.id ) ?? null,
					optimizer_score: scores.get( site.id ) ?? null,
				};
				return { ...row, attention: attentionOf( row ) };
			} ),
		};
	}
}

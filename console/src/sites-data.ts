/**
 * External dependencies
 */
import type { Integration, Site } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

export type Connection =
	'connected' | 'syncing' | 'sync_failed' | 'paused' | 'not_connected';

export const CONNECTION_LABELS: Record< Connection, string > = {
	connected: __( 'Connected' ),
	syncing: __( 'Syncing' ),
	sync_failed: __( 'Sync failed' ),
	paused: __( 'Sync paused' ),
	not_connected: __( 'Not connected' ),
};

/**
 * A site's connection as a person reads it, from its WordPress integration:
 * none or never paired → not connected; switched off or sync off → paused;
 * then the sync state.
 * @param integration The site's integration, if it has one.
 */
export function connectionOf(
	integration: Integration | undefined
): Connection {
	if ( ! integration || integration.key_id === null ) {
		return 'not_connected';
	}
	if ( ! integration.is_active || ! integration.sync_enabled ) {
		return 'paused';
	}
	if ( integration.sync_state === 'failed' ) {
		return 'sync_failed';
	}
	if (
		integration.sync_state === 'queued' ||
		integration.sync_state === 'running'
	) {
		return 'syncing';
	}
	return 'connected';
}

export interface SiteRow {
	id: number;
	site: Site;
	integration: Integration | undefined;
	connection: Connection;
}

/**
 * Sites with their WordPress integration (a site has at most one WordPress integration).
 * @param sites        Sites of the account.
 * @param integrations Their integrations.
 */
export function joinSites(
	sites: Site[],
	integrations: Integration[]
): SiteRow[] {
	const bySite = new Map< number, Integration >();
	for ( const integration of integrations ) {
		if ( integration.platform === 'wordpress' ) {
			bySite.set( integration.site_id, integration );
		}
	}
	return sites.map( ( site ) => {
		const integration = bySite.get( site.id );
		return {
			id: site.id,
			site,
			integration,
			connection: connectionOf( integration ),
		};
	} );
}

export type SiteSort = 'name' | '-last_sync' | 'last_sync' | '-created';

export function filterSites(
	rows: SiteRow[],
	{
		search,
		connection,
		sort,
	}: { search: string; connection: Connection | ''; sort: SiteSort }
): SiteRow[] {
	const needle = search.trim().toLowerCase();
	const syncTime = ( row: SiteRow ) =>
		row.integration?.last_sync_at
			? Date.parse( row.integration.last_sync_at )
			: 0;
	return rows
		.filter(
			( row ) =>
				( ! connection || row.connection === connection ) &&
				( ! needle ||
					[
						row.site.name,
						row.site.wordpress_url ?? '',
						row.site.domain ?? '',
					].some( ( text ) =>
						text.toLowerCase().includes( needle )
					) )
		)
		.sort( ( a, b ) => {
			switch ( sort ) {
				case '-last_sync':
					return (
						syncTime( b ) - syncTime( a ) ||
						a.site.name.localeCompare( b.site.name )
					);
				case 'last_sync':
					return (
						syncTime( a ) - syncTime( b ) ||
						a.site.name.localeCompare( b.site.name )
					);
				case '-created':
					return (
						Date.parse( b.site.created_at ) -
						Date.parse( a.site.created_at )
					);
				default:
					return a.site.name.localeCompare( b.site.name );
			}
		} );
}

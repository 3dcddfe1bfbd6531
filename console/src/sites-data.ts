/**
 * External dependencies
 */
import type {
	Integration,
	SiteAttention,
	SiteHealth,
} from '@igny8/shared-types';

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

/** Why a site needs attention, in the words the Sites page uses (the cloud's order). */
export const ATTENTION_LABELS: Record< SiteAttention, string > = {
	sync_failed: __( 'Sync failed' ),
	dead_letters: __( 'Dead letters' ),
	publish_failures: __( 'Publish failures' ),
	publish_conflicts: __( 'Publish conflicts' ),
	broken_links: __( 'Broken links' ),
	old_plugin: __( 'Old plugin version' ),
};

/** What a site's connection is read from: its WordPress integration, or the Sites page's health row's `connection`. */
type ConnectionFields = Pick<
	Integration,
	'key_id' | 'is_active' | 'sync_enabled' | 'sync_state'
>;

/**
 * A site's connection as a person reads it, from its WordPress integration:
 * none or never paired → not connected; switched off or sync off → paused;
 * then the sync state.
 * @param integration The site's integration, if it has one.
 */
export function connectionOf(
	integration: ConnectionFields | null | undefined
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
	health: SiteHealth;
	connection: Connection;
	/** Dead and refused events the plugin holds; null: it never reported. */
	deadLetters: number | null;
}

/**
 * The Sites page's rows, from the cloud's per-site health.
 * @param sites `GET /integration/site-health/`'s sites.
 */
export function siteRows( sites: SiteHealth[] ): SiteRow[] {
	return sites.map( ( health ) => ( {
		id: health.site_id,
		health,
		connection: connectionOf( health.connection ),
		deadLetters: health.outbox
			? health.outbox.dead + health.outbox.rejected
			: null,
	} ) );
}

export type SiteSort =
	| 'name'
	| '-last_sync'
	| 'last_sync'
	| '-created'
	| '-attention'
	| '-outbox'
	| '-dead_letters'
	| '-publish_failures'
	| '-conflicts'
	| '-broken_links'
	| '-orphans'
	| 'optimizer_score'
	| '-optimizer_score';

/** `''`: every site; `attention`: any reason; else that reason only. */
export type HealthFilter = '' | 'attention' | SiteAttention;

/**
 * A number to sort by, larger first for the `-` sorts; a site that has no
 * such figure (never reported, never indexed, nothing scored) sorts last
 * either way.
 * @param row  The row.
 * @param sort The sort.
 */
function figureOf( row: SiteRow, sort: SiteSort ): number | null {
	const { health } = row;
	switch ( sort ) {
		case '-attention':
			return health.attention.length;
		case '-outbox':
			return health.outbox?.pending ?? null;
		case '-dead_letters':
			return row.deadLetters;
		case '-publish_failures':
			return health.publishing.failed;
		case '-conflicts':
			return health.publishing.conflicts;
		case '-broken_links':
			return health.links?.broken ?? null;
		case '-orphans':
			return health.links?.orphans ?? null;
		case 'optimizer_score':
		case '-optimizer_score':
			return health.optimizer_score;
		case '-last_sync':
		case 'last_sync':
			// Never synced counts as the oldest sync of all.
			return health.connection?.last_sync_at
				? Date.parse( health.connection.last_sync_at )
				: 0;
		case '-created':
			return Date.parse( health.created_at );
		default:
			return null;
	}
}

export function filterSites(
	rows: SiteRow[],
	{
		search,
		connection,
		health,
		sort,
	}: {
		search: string;
		connection: Connection | '';
		health: HealthFilter;
		sort: SiteSort;
	}
): SiteRow[] {
	const needle = search.trim().toLowerCase();
	const byName = ( a: SiteRow, b: SiteRow ) =>
		a.health.name.localeCompare( b.health.name ) || a.id - b.id;
	const descending = sort.startsWith( '-' );
	return rows
		.filter(
			( row ) =>
				( ! connection || row.connection === connection ) &&
				( ! health ||
					( health === 'attention'
						? row.health.attention.length > 0
						: row.health.attention.includes( health ) ) ) &&
				( ! needle ||
					[
						row.health.name,
						row.health.url ?? '',
						row.health.domain ?? '',
					].some( ( text ) =>
						text.toLowerCase().includes( needle )
					) )
		)
		.sort( ( a, b ) => {
			if ( sort === 'name' ) {
				return byName( a, b );
			}
			const x = figureOf( a, sort );
			const y = figureOf( b, sort );
			if ( x === null || y === null ) {
				// Nothing to compare sorts last, whichever the direction.
				return (
					( x === null ? 1 : 0 ) - ( y === null ? 1 : 0 ) ||
					byName( a, b )
				);
			}
			return ( descending ? y - x : x - y ) || byName( a, b );
		} );
}

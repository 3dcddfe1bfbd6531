/**
 * External dependencies
 */
import type { SiteHealth } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import { connectionOf, filterSites, siteRows } from '../sites-data';

const site = (
	id: number,
	name: string,
	extra: Partial< SiteHealth > = {}
): SiteHealth => ( {
	site_id: id,
	name,
	url: `https://${ name.toLowerCase().replace( /\W+/g, '-' ) }.example`,
	domain: null,
	created_at: `2025-01-0${ id }T00:00:00Z`,
	connection: {
		integration_id: id,
		key_id: id,
		is_active: true,
		sync_enabled: true,
		sync_state: 'succeeded',
		sync_error: null,
		last_sync_at: `2025-02-0${ id }T00:00:00Z`,
	},
	wordpress_version: '6.6.2',
	plugin_version: '0.1.0',
	php_version: '8.2.1',
	outbox: { pending: 0, failing: 0, dead: 0, rejected: 0 },
	health_reported_at: '2025-02-01T00:00:00Z',
	publishing: { failed: 0, conflicts: 0 },
	links: { posts: 3, orphans: 0, broken: 0 },
	optimizer_score: 50,
	attention: [],
	...extra,
} );

const rows = siteRows( [
	site( 1, 'Alpha', {
		outbox: { pending: 9, failing: 1, dead: 1, rejected: 2 },
		attention: [ 'dead_letters' ],
		optimizer_score: 80,
	} ),
	site( 2, 'Beta', {
		connection: null,
		outbox: null,
		links: null,
		optimizer_score: null,
	} ),
	site( 3, 'Gamma', {
		publishing: { failed: 3, conflicts: 1 },
		links: { posts: 5, orphans: 4, broken: 2 },
		attention: [ 'publish_failures', 'publish_conflicts', 'broken_links' ],
		optimizer_score: 20,
	} ),
] );

const names = ( list: typeof rows ) => list.map( ( row ) => row.health.name );
const all = {
	search: '',
	connection: '' as const,
	health: '' as const,
	sort: 'name' as const,
};

describe( 'the Sites page’s rows', () => {
	it( 'count dead and refused events as dead letters, and nothing for a site that never reported', () => {
		expect( rows.map( ( row ) => row.deadLetters ) ).toEqual( [
			3,
			null,
			0,
		] );
		expect( rows.map( ( row ) => row.connection ) ).toEqual( [
			'connected',
			'not_connected',
			'connected',
		] );
	} );

	it( 'narrow to the sites that need attention, or to one reason', () => {
		expect(
			names( filterSites( rows, { ...all, health: 'attention' } ) )
		).toEqual( [ 'Alpha', 'Gamma' ] );
		expect(
			names( filterSites( rows, { ...all, health: 'broken_links' } ) )
		).toEqual( [ 'Gamma' ] );
		expect(
			names( filterSites( rows, { ...all, health: 'old_plugin' } ) )
		).toEqual( [] );
	} );

	it( 'sort the worst first, with sites that have no such figure last either way', () => {
		const sorted = (
			sort: Parameters< typeof filterSites >[ 1 ][ 'sort' ]
		) => names( filterSites( rows, { ...all, sort } ) );
		expect( sorted( '-dead_letters' ) ).toEqual( [
			'Alpha',
			'Gamma',
			'Beta',
		] );
		expect( sorted( '-outbox' ) ).toEqual( [ 'Alpha', 'Gamma', 'Beta' ] );
		expect( sorted( '-broken_links' ) ).toEqual( [
			'Gamma',
			'Alpha',
			'Beta',
		] );
		expect( sorted( 'optimizer_score' ) ).toEqual( [
			'Gamma',
			'Alpha',
			'Beta',
		] );
		expect( sorted( '-optimizer_score' ) ).toEqual( [
			'Alpha',
			'Gamma',
			'Beta',
		] );
		expect( sorted( '-attention' ) ).toEqual( [
			'Gamma',
			'Alpha',
			'Beta',
		] );
		// Never synced is the oldest sync.
		expect( sorted( 'last_sync' ) ).toEqual( [ 'Beta', 'Alpha', 'Gamma' ] );
	} );

	it( 'still search by name or address and filter by connection', () => {
		expect(
			names( filterSites( rows, { ...all, search: 'GAMMA.example' } ) )
		).toEqual( [ 'Gamma' ] );
		expect(
			names(
				filterSites( rows, { ...all, connection: 'not_connected' } )
			)
		).toEqual( [ 'Beta' ] );
	} );

	it( 'read a paused or failing connection from the health row as from an integration', () => {
		expect(
			connectionOf( {
				...site( 4, 'D' ).connection!,
				sync_enabled: false,
			} )
		).toBe( 'paused' );
		expect(
			connectionOf( {
				...site( 4, 'D' ).connection!,
				sync_state: 'failed',
			} )
		).toBe( 'sync_failed' );
		expect(
			connectionOf( { ...site( 4, 'D' ).connection!, key_id: null } )
		).toBe( 'not_connected' );
	} );
} );

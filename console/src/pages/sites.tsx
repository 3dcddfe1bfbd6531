/**
 * External dependencies
 */
import type { Integration, Site } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, SearchControl, SelectControl } from '@wordpress/components';
import { useMemo, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ConnectionBadge } from '../components/connection';
import { Link, SafeUrl } from '../components/link';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Table, formatTime } from '../components/table';
import { mayManageSites } from '../roles';
import { useSession } from '../session';
import {
	CONNECTION_LABELS,
	filterSites,
	joinSites,
	type Connection,
	type SiteRow,
	type SiteSort,
} from '../sites-data';

export default function SitesPage() {
	const { client, user } = useSession();
	const [ search, setSearch ] = useState( '' );
	const [ connection, setConnection ] = useState< Connection | '' >( '' );
	const [ sort, setSort ] = useState< SiteSort >( 'name' );
	const [ loaded, reload ] = useLoad( async () => {
		const [ sites, integrations ] = await Promise.all( [
			client.all< Site >( '/auth/sites/' ),
			client.all< Integration >( '/integration/integrations/' ),
		] );
		return joinSites( sites, integrations );
	}, [ client ] );
	const rows = useMemo(
		() =>
			loaded.state === 'ready'
				? filterSites( loaded.value, { search, connection, sort } )
				: [],
		[ loaded, search, connection, sort ]
	);

	return (
		<>
			<h1>{ __( 'Sites' ) }</h1>
			{ loaded.state === 'loading' && (
				<Loading label={ __( 'Loading your sites…' ) } />
			) }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' && loaded.value.length === 0 && (
				<Empty title={ __( 'Your account has no sites yet.' ) }>
					{ mayManageSites( user.role ) ? (
						<p>
							{ __(
								'Install the IGNY8 Bridge plugin on a WordPress site, create a site key for it, and enter the key in the plugin’s IGNY8 → Settings. The site shows up here once it connects.'
							) }
						</p>
					) : (
						<p>
							{ __(
								'Ask an owner or admin of your account to connect a WordPress site.'
							) }
						</p>
					) }
				</Empty>
			) }
			{ loaded.state === 'ready' && loaded.value.length > 0 && (
				<>
					<div className="igny8c-filters">
						<SearchControl
							__nextHasNoMarginBottom
							label={ __( 'Search sites' ) }
							placeholder={ __( 'Name or URL' ) }
							value={ search }
							onChange={ setSearch }
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Connection' ) }
							value={ connection }
							options={ [
								{ value: '', label: __( 'All' ) },
								...Object.entries( CONNECTION_LABELS ).map(
									( [ value, label ] ) => ( { value, label } )
								),
							] }
							onChange={ ( value ) =>
								setConnection( value as Connection | '' )
							}
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Sort by' ) }
							value={ sort }
							options={ [
								{ value: 'name', label: __( 'Name' ) },
								{
									value: '-last_sync',
									label: __( 'Last sync, newest first' ),
								},
								{
									value: 'last_sync',
									label: __( 'Last sync, oldest first' ),
								},
								{
									value: '-created',
									label: __( 'Recently added' ),
								},
							] }
							onChange={ ( value ) =>
								setSort( value as SiteSort )
							}
						/>
					</div>
					<p className="igny8c-count" aria-live="polite">
						{ sprintf(
							/* translators: 1: sites shown, 2: all sites. */
							_n(
								'%1$d of %2$d site',
								'%1$d of %2$d sites',
								loaded.value.length
							),
							rows.length,
							loaded.value.length
						) }
					</p>
					{ rows.length === 0 ? (
						<Empty title={ __( 'No site matches these filters.' ) }>
							<Button
								variant="secondary"
								onClick={ () => {
									setSearch( '' );
									setConnection( '' );
								} }
							>
								{ __( 'Clear the filters' ) }
							</Button>
						</Empty>
					) : (
						<Table< SiteRow >
							caption={ __( 'Sites of your account' ) }
							items={ rows }
							rowLabel={ ( row ) => row.site.name }
							columns={ [
								{
									id: 'name',
									label: __( 'Site' ),
									render: ( row ) => (
										<Link to={ `/sites/${ row.site.id }` }>
											{ row.site.name }
										</Link>
									),
								},
								{
									id: 'url',
									label: __( 'URL' ),
									render: ( row ) => (
										<SafeUrl
											url={ row.site.wordpress_url }
										/>
									),
								},
								{
									id: 'connection',
									label: __( 'Connection' ),
									render: ( row ) => (
										<ConnectionBadge
											connection={ row.connection }
										/>
									),
								},
								{
									id: 'last_sync',
									label: __( 'Last sync' ),
									render: ( row ) =>
										row.integration?.last_sync_at
											? formatTime(
													row.integration.last_sync_at
												)
											: __( 'Never' ),
								},
							] }
						/>
					) }
				</>
			) }
		</>
	);
}

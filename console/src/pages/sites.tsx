/**
 * External dependencies
 */
import type { SiteHealthList } from '@igny8/shared-types';

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
import {
	AttentionBadges,
	LinksCell,
	OutboxCell,
	PublishingCell,
	ScoreCell,
	VersionsCell,
} from '../components/site-health';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Table, formatTime } from '../components/table';
import { mayManageSites } from '../roles';
import { useSession } from '../session';
import {
	ATTENTION_LABELS,
	CONNECTION_LABELS,
	filterSites,
	siteRows,
	type Connection,
	type HealthFilter,
	type SiteRow,
	type SiteSort,
} from '../sites-data';

/** Rows drawn at first, and added by “Show more”: an agency's thousand sites paint at once. */
const PAGE = 100;

const SORTS: { value: SiteSort; label: string }[] = [
	{ value: 'name', label: __( 'Name' ) },
	{ value: '-attention', label: __( 'Most in need of attention' ) },
	{ value: '-last_sync', label: __( 'Last sync, newest first' ) },
	{ value: 'last_sync', label: __( 'Last sync, oldest first' ) },
	{ value: '-outbox', label: __( 'Largest outbox backlog' ) },
	{ value: '-dead_letters', label: __( 'Most dead letters' ) },
	{ value: '-publish_failures', label: __( 'Most publish failures' ) },
	{ value: '-conflicts', label: __( 'Most publish conflicts' ) },
	{ value: '-broken_links', label: __( 'Most broken links' ) },
	{ value: '-orphans', label: __( 'Most orphans' ) },
	{ value: 'optimizer_score', label: __( 'Optimizer score, lowest first' ) },
	{
		value: '-optimizer_score',
		label: __( 'Optimizer score, highest first' ),
	},
	{ value: '-created', label: __( 'Recently added' ) },
];

export default function SitesPage() {
	const { client, user } = useSession();
	const [ search, setSearch ] = useState( '' );
	const [ connection, setConnection ] = useState< Connection | '' >( '' );
	const [ health, setHealth ] = useState< HealthFilter >( '' );
	const [ sort, setSort ] = useState< SiteSort >( 'name' );
	const [ shown, setShown ] = useState( PAGE );
	const [ loaded, reload ] = useLoad(
		async () =>
			siteRows(
				(
					await client.get< SiteHealthList >(
						'/integration/site-health/'
					)
				).sites
			),
		[ client ]
	);
	const rows = useMemo(
		() =>
			loaded.state === 'ready'
				? filterSites( loaded.value, {
						search,
						connection,
						health,
						sort,
					} )
				: [],
		[ loaded, search, connection, health, sort ]
	);
	const attention = useMemo(
		() =>
			loaded.state === 'ready'
				? loaded.value.filter( ( row ) => row.health.attention.length )
						.length
				: 0,
		[ loaded ]
	);
	/**
	 * A filter or sort changed: start again from the first rows.
	 * @param set The state it changes.
	 */
	const changing =
		< T, >( set: ( value: T ) => void ) =>
		( value: T ) => {
			set( value );
			setShown( PAGE );
		};

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
					<p
						className="igny8c-summary"
						data-attention-count={ attention }
					>
						{ attention === 0
							? __( 'No site needs attention.' )
							: sprintf(
									/* translators: %d: sites that need attention. */
									_n(
										'%d site needs attention.',
										'%d sites need attention.',
										attention
									),
									attention
								) }{ ' ' }
						{ attention > 0 && health !== 'attention' && (
							<Button
								variant="link"
								onClick={ () => {
									changing( setHealth )( 'attention' );
									setSort( '-attention' );
								} }
							>
								{ __( 'Show them' ) }
							</Button>
						) }
					</p>
					<div className="igny8c-filters">
						<SearchControl
							__nextHasNoMarginBottom
							label={ __( 'Search sites' ) }
							placeholder={ __( 'Name or URL' ) }
							value={ search }
							onChange={ changing( setSearch ) }
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
								changing( setConnection )(
									value as Connection | ''
								)
							}
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Health' ) }
							value={ health }
							options={ [
								{ value: '', label: __( 'All' ) },
								{
									value: 'attention',
									label: __( 'Needs attention' ),
								},
								...Object.entries( ATTENTION_LABELS ).map(
									( [ value, label ] ) => ( { value, label } )
								),
							] }
							onChange={ ( value ) =>
								changing( setHealth )( value as HealthFilter )
							}
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Sort by' ) }
							value={ sort }
							options={ SORTS }
							onChange={ ( value ) =>
								changing( setSort )( value as SiteSort )
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
									setHealth( '' );
								} }
							>
								{ __( 'Clear the filters' ) }
							</Button>
						</Empty>
					) : (
						<>
							<SitesTable rows={ rows.slice( 0, shown ) } />
							{ rows.length > shown && (
								<p className="igny8c-more">
									<Button
										variant="secondary"
										onClick={ () =>
											setShown( shown + PAGE )
										}
									>
										{ sprintf(
											/* translators: %d: sites not shown yet. */
											__( 'Show more (%d left)' ),
											rows.length - shown
										) }
									</Button>
								</p>
							) }
						</>
					) }
				</>
			) }
		</>
	);
}

/**
 * A site's address as the table shows it: its host (and port), the whole URL when it is no URL.
 * @param url The site's WordPress address.
 */
function hostOf( url: string | null ): string | undefined {
	try {
		return url ? new URL( url ).host : undefined;
	} catch {
		return undefined;
	}
}

function SitesTable( { rows }: { rows: SiteRow[] } ) {
	return (
		<Table< SiteRow >
			caption={ __( 'Sites of your account, with their health' ) }
			className="igny8c-sites"
			items={ rows }
			rowLabel={ ( row ) => row.health.name }
			columns={ [
				{
					id: 'name',
					label: __( 'Site' ),
					render: ( row ) => (
						<span className="igny8c-lines">
							<Link to={ `/sites/${ row.id }` }>
								{ row.health.name }
							</Link>
							<span className="igny8c-small">
								<SafeUrl
									url={ row.health.url }
									label={ hostOf( row.health.url ) }
								/>
							</span>
						</span>
					),
				},
				{
					id: 'connection',
					label: __( 'Connection' ),
					render: ( row ) => (
						<ConnectionBadge connection={ row.connection } />
					),
				},
				{
					id: 'attention',
					label: __( 'Attention' ),
					render: ( row ) => (
						<AttentionBadges health={ row.health } />
					),
				},
				{
					id: 'versions',
					label: __( 'Versions' ),
					render: ( row ) => <VersionsCell health={ row.health } />,
				},
				{
					id: 'last_sync',
					label: __( 'Last sync' ),
					render: ( row ) =>
						row.health.connection?.last_sync_at
							? formatTime( row.health.connection.last_sync_at )
							: __( 'Never' ),
				},
				{
					id: 'outbox',
					label: __( 'Outbox' ),
					render: ( row ) => <OutboxCell health={ row.health } />,
				},
				{
					id: 'publishing',
					label: __( 'Publishing' ),
					render: ( row ) => <PublishingCell health={ row.health } />,
				},
				{
					id: 'links',
					label: __( 'Links' ),
					render: ( row ) => <LinksCell health={ row.health } />,
				},
				{
					id: 'score',
					label: __( 'Optimizer score' ),
					render: ( row ) => <ScoreCell health={ row.health } />,
				},
			] }
		/>
	);
}

/**
 * External dependencies
 */
import type {
	Balance,
	CreditTransactionOut,
	Site,
	Usage,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SearchControl,
	SelectControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText, type Page } from '../api/client';
import { SiteCaps } from '../components/site-caps';
import { SiteUsageChart } from '../components/site-usage-chart';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Pager } from '../components/pager';
import { Table, formatTime } from '../components/table';
import { UsageChart } from '../components/usage-chart';
import { download, toCsv } from '../csv';
import { useSession } from '../session';
import { dailyUsage, lastDays, siteUsage } from '../usage';

const PAGE_SIZE = 25;
const TYPES = [
	'grant',
	'topup',
	'reserve',
	'settle',
	'refund',
	'adjustment',
] as const;
const TYPE_LABELS: Record< string, string > = {
	grant: __( 'Monthly grant' ),
	topup: __( 'Top-up' ),
	reserve: __( 'Reserved for a run' ),
	settle: __( 'Run settled' ),
	refund: __( 'Run refunded' ),
	adjustment: __( 'Adjustment' ),
};

export default function CreditsPage() {
	const { client } = useSession();
	const [ days, setDays ] = useState( 30 );
	const [ siteId, setSiteId ] = useState( '' );
	const [ type, setType ] = useState< ( typeof TYPES )[ number ] | '' >( '' );
	const [ search, setSearch ] = useState( '' );
	const [ query, setQuery ] = useState( '' );
	const [ page, setPage ] = useState( 1 );
	const [ exporting, setExporting ] = useState( false );
	const [ exportError, setExportError ] = useState< string | null >( null );

	// The search box asks the cloud once typing pauses.
	useEffect( () => {
		const timer = setTimeout( () => {
			setQuery( search );
			setPage( 1 );
		}, 300 );
		return () => clearTimeout( timer );
	}, [ search ] );

	const [ overview, reloadOverview ] = useLoad( async () => {
		const [ balance, sites ] = await Promise.all( [
			client.get< Balance >( '/billing/balance/' ),
			client.all< Site >( '/auth/sites/' ),
		] );
		return { balance, sites };
	}, [ client ] );
	const [ usage, reloadUsage ] = useLoad(
		() =>
			client.get< Usage >( '/billing/usage/', {
				...lastDays( days ),
				site_id: siteId,
			} ),
		[ client, days, siteId ]
	);
	const filters = { type, site_id: siteId, search: query };
	const [ ledger, reloadLedger ] = useLoad(
		() =>
			client.list< CreditTransactionOut >( '/billing/transactions/', {
				...filters,
				page,
				page_size: PAGE_SIZE,
			} ),
		[ client, type, siteId, query, page ]
	);

	const siteName = ( id: number | null ): string => {
		if ( id === null ) {
			return '—';
		}
		const site =
			overview.state === 'ready'
				? overview.value.sites.find( ( s ) => s.id === id )
				: undefined;
		return site?.name ?? `#${ id }`;
	};

	/**
	 * A bar's name: the site's, or what stands for work of no site or of a deleted one.
	 * @param id The site's id, or null.
	 */
	const chartSiteName = ( id: number | null ): string => {
		if ( id === null ) {
			return __( 'No site' );
		}
		if ( overview.state !== 'ready' ) {
			return `#${ id }`;
		}
		return (
			overview.value.sites.find( ( s ) => s.id === id )?.name ??
			sprintf(
				/* translators: %d: the id of a site that was deleted. */
				__( 'Deleted site #%d' ),
				id
			)
		);
	};

	const exportCsv = async () => {
		setExporting( true );
		setExportError( null );
		try {
			const rows = await client.all< CreditTransactionOut >(
				'/billing/transactions/',
				filters,
				50_000
			);
			download(
				`igny8-credits-${ new Date().toISOString().slice( 0, 10 ) }.csv`,
				toCsv(
					[
						'id',
						'date',
						'type',
						'amount',
						'balance_after',
						'site',
						'function',
						'job',
						'description',
					],
					rows.map( ( row ) => [
						row.id,
						row.created_at,
						row.type,
						row.amount,
						row.balance_after,
						row.site_id === null ? '' : siteName( row.site_id ),
						row.function_name,
						row.job_id,
						row.description,
					] )
				)
			);
		} catch ( error ) {
			setExportError( errorText( error ) );
		} finally {
			setExporting( false );
		}
	};

	return (
		<>
			<h1>{ __( 'Credits & usage' ) }</h1>
			{ overview.state === 'loading' && <Loading /> }
			{ overview.state === 'error' && (
				<ErrorNotice
					error={ overview.error }
					onRetry={ reloadOverview }
				/>
			) }
			{ overview.state === 'ready' && (
				<div className="igny8c-cards">
					<div className="igny8c-card" data-testid="balance">
						<p className="igny8c-card__label">
							{ __( 'Balance' ) }
						</p>
						<p className="igny8c-card__value">
							{ sprintf(
								/* translators: %s: number of credits. */
								__( '%s credits' ),
								overview.value.balance.credits.toLocaleString()
							) }
						</p>
					</div>
					<div className="igny8c-card">
						<p className="igny8c-card__label">{ __( 'Plan' ) }</p>
						<p className="igny8c-card__value">
							{ overview.value.balance.plan.name }
						</p>
						<p className="igny8c-muted">
							{ sprintf(
								/* translators: %s: credits granted each month. */
								__( '%s credits every month' ),
								overview.value.balance.plan.monthly_credits.toLocaleString()
							) }
						</p>
					</div>
				</div>
			) }

			<div className="igny8c-filters">
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Site' ) }
					value={ siteId }
					options={ [
						{ value: '', label: __( 'All sites' ) },
						...( overview.state === 'ready'
							? overview.value.sites.map( ( site ) => ( {
									value: String( site.id ),
									label: site.name,
								} ) )
							: [] ),
					] }
					onChange={ ( value ) => {
						setSiteId( value );
						setPage( 1 );
					} }
				/>
			</div>

			<h2>{ __( 'Usage per day' ) }</h2>
			<div className="igny8c-filters">
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Period' ) }
					value={ String( days ) as '7' | '30' | '90' }
					options={ [
						{ value: '7', label: __( 'Last 7 days' ) },
						{ value: '30', label: __( 'Last 30 days' ) },
						{ value: '90', label: __( 'Last 90 days' ) },
					] }
					onChange={ ( value ) => setDays( Number( value ) ) }
				/>
			</div>
			{ usage.state === 'loading' && <Loading /> }
			{ usage.state === 'error' && (
				<ErrorNotice error={ usage.error } onRetry={ reloadUsage } />
			) }
			{ usage.state === 'ready' &&
				( usage.value.rows.length === 0 ? (
					<Empty title={ __( 'No credits spent in this period.' ) }>
						<p>
							{ __(
								'AI runs (clustering, ideas, drafts, images) spend credits; their cost per day shows here.'
							) }
						</p>
					</Empty>
				) : (
					<UsageChart
						usage={ usage.value }
						data={ dailyUsage( usage.value ) }
					/>
				) ) }

			<h2>{ __( 'Usage per site' ) }</h2>
			{ usage.state === 'ready' &&
				( usage.value.rows.length === 0 ? (
					<Empty
						title={ __( 'No site spent credits in this period.' ) }
					/>
				) : (
					<SiteUsageChart
						usage={ usage.value }
						data={ siteUsage( usage.value ).sites }
						functions={ dailyUsage( usage.value ).functions }
						siteName={ chartSiteName }
					/>
				) ) }

			<SiteCaps />

			<h2>{ __( 'Ledger' ) }</h2>
			<div className="igny8c-filters">
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Type' ) }
					value={ type }
					options={ [
						{ value: '', label: __( 'All types' ) },
						...TYPES.map( ( t ) => ( {
							value: t,
							label: TYPE_LABELS[ t ] ?? t,
						} ) ),
					] }
					onChange={ ( value ) => {
						setType( value );
						setPage( 1 );
					} }
				/>
				<SearchControl
					__nextHasNoMarginBottom
					label={ __( 'Search the ledger' ) }
					placeholder={ __( 'Description or function' ) }
					value={ search }
					onChange={ setSearch }
				/>
				<Button
					__next40pxDefaultSize
					variant="secondary"
					isBusy={ exporting }
					disabled={
						exporting ||
						ledger.state !== 'ready' ||
						ledger.value.count === 0
					}
					onClick={ exportCsv }
				>
					{ __( 'Export CSV' ) }
				</Button>
			</div>
			{ exportError && (
				<Notice status="error" isDismissible={ false }>
					{ exportError }
				</Notice>
			) }
			{ ledger.state === 'loading' && <Loading /> }
			{ ledger.state === 'error' && (
				<ErrorNotice error={ ledger.error } onRetry={ reloadLedger } />
			) }
			{ ledger.state === 'ready' && (
				<Ledger
					ledger={ ledger.value }
					page={ page }
					onPage={ setPage }
					siteName={ siteName }
					filtered={ Boolean( type || siteId || query ) }
				/>
			) }
		</>
	);
}

function Ledger( {
	ledger,
	page,
	onPage,
	siteName,
	filtered,
}: {
	ledger: Page< CreditTransactionOut >;
	page: number;
	onPage: ( page: number ) => void;
	siteName: ( id: number | null ) => string;
	filtered: boolean;
} ) {
	if ( ledger.count === 0 ) {
		return filtered ? (
			<Empty
				title={ __( 'No credit movement matches these filters.' ) }
			/>
		) : (
			<Empty title={ __( 'No credit movements yet.' ) }>
				<p>
					{ __(
						'Credits arrive with your plan’s monthly grant; AI runs reserve them and settle at their actual cost.'
					) }
				</p>
			</Empty>
		);
	}
	const pages = Math.max( 1, Math.ceil( ledger.count / PAGE_SIZE ) );
	return (
		<>
			<Table< CreditTransactionOut >
				caption={ __( 'Credit movements, newest first' ) }
				items={ ledger.results }
				columns={ [
					{
						id: 'date',
						label: __( 'Date' ),
						render: ( row ) => formatTime( row.created_at ),
					},
					{
						id: 'type',
						label: __( 'Type' ),
						render: ( row ) => TYPE_LABELS[ row.type ] ?? row.type,
					},
					{
						id: 'amount',
						label: __( 'Credits' ),
						render: ( row ) => (
							<span
								className={
									row.amount < 0
										? 'igny8c-debit'
										: 'igny8c-credit'
								}
							>
								{ row.amount > 0
									? `+${ row.amount }`
									: row.amount }
							</span>
						),
					},
					{
						id: 'balance',
						label: __( 'Balance after' ),
						render: ( row ) => row.balance_after,
					},
					{
						id: 'site',
						label: __( 'Site' ),
						render: ( row ) => siteName( row.site_id ),
					},
					{
						id: 'description',
						label: __( 'Description' ),
						render: ( row ) => row.description || '—',
					},
				] }
			/>
			<Pager
				label={ __( 'Ledger pages' ) }
				page={ page }
				pages={ pages }
				summary={ sprintf(
					/* translators: 1: page, 2: pages, 3: movements. */
					__( 'Page %1$d of %2$d (%3$d movements)' ),
					page,
					pages,
					ledger.count
				) }
				onPage={ onPage }
			/>
		</>
	);
}

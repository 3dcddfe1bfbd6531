/**
 * External dependencies
 */
import type { SiteCreditCap, SiteCreditCaps } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';
import { mayManageSites } from '../roles';
import { useSession } from '../session';
import { Link } from './link';
import { Empty, ErrorNotice, Loading, useLoad } from './states';
import { Table, formatTime } from './table';

/** The cloud's upper bound (shared-types MAX_SITE_CREDIT_CAP). */
const MAX_CAP = 100_000_000;

/**
 * The day the month starts over, as this person reads dates (it is 00:00 UTC).
 * @param iso When the next month starts.
 */
const resetDay = ( iso: string ) =>
	new Date( iso ).toLocaleDateString( undefined, {
		dateStyle: 'long',
		timeZone: 'UTC',
	} );

/**
 * What a site used this month against its cap: the figures in words and a
 * meter (blue, amber from 80 %, red when reached), or the figure alone for a
 * site without a cap.
 * @param props      The site's cap entry.
 * @param props.site The site's cap entry.
 */
export function CapMeter( { site }: { site: SiteCreditCap } ) {
	if ( site.monthly_cap === null ) {
		return (
			<span className="igny8c-meter">
				<span className="igny8c-meter__text">
					{ sprintf(
						/* translators: %s: credits used this month. */
						__( '%s credits, no cap' ),
						site.used.toLocaleString()
					) }
				</span>
			</span>
		);
	}
	const cap = site.monthly_cap;
	const share = Math.min( 1, Math.max( 0, site.used / cap ) );
	let level = 'room';
	if ( site.used >= cap ) {
		level = 'reached';
	} else if ( share >= 0.8 ) {
		level = 'near';
	}
	const words = sprintf(
		/* translators: 1: credits used this month, 2: the monthly cap. */
		__( '%1$s of %2$s credits' ),
		site.used.toLocaleString(),
		cap.toLocaleString()
	);
	return (
		<span className="igny8c-meter" data-level={ level }>
			<span className="igny8c-meter__text">{ words }</span>
			<span
				className="igny8c-meter__bar"
				role="meter"
				aria-label={ sprintf(
					/* translators: %s: site name. */
					__( 'Credits %s used this month' ),
					site.site_name
				) }
				aria-valuemin={ 0 }
				aria-valuemax={ cap }
				aria-valuenow={ Math.min( site.used, cap ) }
				aria-valuetext={ words }
			>
				<span
					className="igny8c-meter__fill"
					style={ { width: `${ Math.round( share * 100 ) }%` } }
				/>
			</span>
			<span className="igny8c-meter__note">
				{ level === 'reached'
					? __( 'Cap reached: new AI work is refused' )
					: sprintf(
							/* translators: %s: credits left this month. */
							__( '%s left' ),
							( site.remaining ?? 0 ).toLocaleString()
						) }
			</span>
		</span>
	);
}

/**
 * Reads a typed cap: a whole number of credits from 1 up, or why not.
 * @param text What the person typed.
 */
function parseCap( text: string ): number | string {
	const trimmed = text.trim();
	if ( trimmed === '' ) {
		return __(
			'Enter a number of credits, or use “Remove cap” for no cap.'
		);
	}
	if ( ! /^\d+$/.test( trimmed ) || Number( trimmed ) < 1 ) {
		return __( 'Enter a whole number of credits, 1 or more.' );
	}
	if ( Number( trimmed ) > MAX_CAP ) {
		return sprintf(
			/* translators: %s: the largest cap. */
			__( 'A cap can be at most %s credits.' ),
			MAX_CAP.toLocaleString()
		);
	}
	return Number( trimmed );
}

type Message = { status: 'success' | 'warning' | 'error'; text: string };

function CapEditor( {
	site,
	busy,
	onSave,
}: {
	site: SiteCreditCap;
	busy: boolean;
	onSave: ( site: SiteCreditCap, cap: number | null ) => void;
} ) {
	const current = site.monthly_cap === null ? '' : String( site.monthly_cap );
	const [ draft, setDraft ] = useState( current );
	const [ problem, setProblem ] = useState< string | null >( null );
	const inputId = `igny8c-cap-${ site.site_id }`;
	return (
		<form
			className="igny8c-caps__form"
			noValidate
			onSubmit={ ( event ) => {
				event.preventDefault();
				const parsed = parseCap( draft );
				if ( typeof parsed === 'string' ) {
					setProblem( parsed );
					return;
				}
				setProblem( null );
				onSave( site, parsed );
			} }
		>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				id={ inputId }
				type="number"
				min={ 1 }
				step={ 1 }
				inputMode="numeric"
				label={ sprintf(
					/* translators: %s: site name. */
					__( 'Monthly cap for %s, in credits' ),
					site.site_name
				) }
				hideLabelFromVision
				placeholder={ __( 'No cap' ) }
				value={ draft }
				aria-invalid={ problem ? true : undefined }
				aria-describedby={
					problem ? `${ inputId }-problem` : undefined
				}
				onChange={ ( value ) => {
					setDraft( value );
					setProblem( null );
				} }
			/>
			<Button
				__next40pxDefaultSize
				type="submit"
				variant="secondary"
				isBusy={ busy }
				disabled={ busy || draft.trim() === current }
				accessibleWhenDisabled
				label={ sprintf(
					/* translators: %s: site name. */
					__( 'Save the cap for %s' ),
					site.site_name
				) }
			>
				{ __( 'Save' ) }
			</Button>
			{ site.monthly_cap !== null && (
				<Button
					__next40pxDefaultSize
					variant="tertiary"
					isDestructive
					disabled={ busy }
					label={ sprintf(
						/* translators: %s: site name. */
						__( 'Remove cap for %s' ),
						site.site_name
					) }
					onClick={ () => {
						setProblem( null );
						onSave( site, null );
					} }
				>
					{ __( 'Remove cap' ) }
				</Button>
			) }
			{ problem && (
				<p
					id={ `${ inputId }-problem` }
					className="igny8c-caps__problem"
					role="alert"
				>
					{ problem }
				</p>
			) }
		</form>
	);
}

/**
 * "Monthly caps per site" on the Credits & usage page: each site's credits
 * this month against its cap, and (owners, admins) the cap to change. The
 * cloud enforces the cap when work reserves credits; this only sets it.
 */
export function SiteCaps() {
	const { client, user } = useSession();
	const manager = mayManageSites( user.role );
	const [ loaded, reload ] = useLoad(
		() => client.get< SiteCreditCaps >( '/billing/site-caps/' ),
		[ client ]
	);
	const [ saving, setSaving ] = useState< number | null >( null );
	const [ message, setMessage ] = useState< Message | null >( null );
	// A row's form starts again from the cloud's value: when it changes, and after each save.
	const [ version, setVersion ] = useState( 0 );

	const save = async ( site: SiteCreditCap, cap: number | null ) => {
		setSaving( site.site_id );
		setMessage( null );
		try {
			const saved = await client.put< SiteCreditCap >(
				`/billing/site-caps/${ site.site_id }/`,
				{ monthly_cap: cap }
			);
			if ( saved.monthly_cap === null ) {
				setMessage( {
					status: 'success',
					text: sprintf(
						/* translators: %s: site name. */
						__(
							'%s has no monthly cap now: only the account’s balance limits its AI work.'
						),
						saved.site_name
					),
				} );
			} else if ( saved.used >= saved.monthly_cap ) {
				setMessage( {
					status: 'warning',
					text: sprintf(
						/* translators: 1: site name, 2: the cap, 3: credits used this month. */
						__(
							'%1$s may now spend %2$s credits a month, and it has used %3$s this month already: its new AI work is refused until the 1st or until you raise the cap.'
						),
						saved.site_name,
						saved.monthly_cap.toLocaleString(),
						saved.used.toLocaleString()
					),
				} );
			} else {
				setMessage( {
					status: 'success',
					text: sprintf(
						/* translators: 1: site name, 2: the cap. */
						__( '%1$s may now spend %2$s credits a month.' ),
						saved.site_name,
						saved.monthly_cap.toLocaleString()
					),
				} );
			}
			setVersion( ( v ) => v + 1 );
			reload();
		} catch ( error ) {
			setMessage( {
				status: 'error',
				text: sprintf(
					/* translators: 1: site name, 2: why the cloud refused. */
					__( 'The cap for %1$s was not changed: %2$s' ),
					site.site_name,
					errorText( error )
				),
			} );
		} finally {
			setSaving( null );
		}
	};

	return (
		<section className="igny8c-caps" aria-labelledby="igny8c-caps-title">
			<h2 id="igny8c-caps-title">{ __( 'Monthly caps per site' ) }</h2>
			{ loaded.state === 'loading' && <Loading /> }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' && (
				<>
					<p className="igny8c-muted">
						{ sprintf(
							/* translators: %s: the date the month starts over. */
							__(
								'A site with a cap cannot start AI work that would take its credits this month past the cap: the work is refused with a message and nothing is charged. Months are calendar months in UTC; every site starts again at 00:00 UTC on the 1st (next: %s).'
							),
							resetDay( loaded.value.resets_at )
						) }
					</p>
					{ ! manager && (
						<p className="igny8c-muted" data-testid="caps-readonly">
							{ __( 'Only owners and admins can change caps.' ) }
						</p>
					) }
					{ message && (
						<Notice
							status={ message.status }
							isDismissible
							onRemove={ () => setMessage( null ) }
						>
							{ message.text }
						</Notice>
					) }
					{ loaded.value.sites.length === 0 ? (
						<Empty title={ __( 'No sites yet.' ) }>
							<p>
								{ __(
									'Add a site on the Sites page; you can cap what it spends here.'
								) }
							</p>
						</Empty>
					) : (
						<Table< SiteCreditCap & { id: number } >
							caption={ sprintf(
								/* translators: %s: month, YYYY-MM. */
								__( 'Monthly credit caps per site, %s (UTC)' ),
								loaded.value.month
							) }
							items={ loaded.value.sites.map( ( site ) => ( {
								...site,
								id: site.site_id,
							} ) ) }
							columns={ [
								{
									id: 'site',
									label: __( 'Site' ),
									render: ( site ) => (
										<Link to={ `/sites/${ site.site_id }` }>
											{ site.site_name }
										</Link>
									),
								},
								{
									id: 'used',
									label: __( 'Used this month' ),
									render: ( site ) => (
										<CapMeter site={ site } />
									),
								},
								{
									id: 'cap',
									label: __( 'Monthly cap' ),
									render: ( site ) =>
										manager ? (
											<CapEditor
												key={ `${ site.site_id }-${ site.monthly_cap }-${ version }` }
												site={ site }
												busy={ saving === site.site_id }
												onSave={ save }
											/>
										) : (
											<span
												data-cap={
													site.monthly_cap ?? ''
												}
											>
												{ site.monthly_cap === null
													? __( 'No cap' )
													: sprintf(
															/* translators: %s: the monthly cap. */
															__( '%s credits' ),
															site.monthly_cap.toLocaleString()
														) }
											</span>
										),
								},
								{
									id: 'set',
									label: __( 'Set' ),
									render: ( site ) =>
										site.set_at
											? sprintf(
													/* translators: 1: who set the cap, 2: when. */
													__( 'by %1$s, %2$s' ),
													site.set_by_name ??
														__(
															'someone no longer here'
														),
													formatTime( site.set_at )
												)
											: '—',
								},
							] }
						/>
					) }
				</>
			) }
		</section>
	);
}

/**
 * A site's cap among its facts (the site page): used / cap, or that it has none.
 * @param props        The site.
 * @param props.siteId The site's id.
 */
export function SiteCapFact( { siteId }: { siteId: number } ) {
	const { client } = useSession();
	const [ loaded ] = useLoad(
		() =>
			client.get< SiteCreditCaps >( '/billing/site-caps/', {
				site_id: siteId,
			} ),
		[ client, siteId ]
	);
	const site = loaded.state === 'ready' ? loaded.value.sites[ 0 ] : undefined;
	return (
		<div data-testid="site-cap">
			<dt>{ __( 'Credits this month' ) }</dt>
			<dd>
				{ loaded.state === 'loading' && '…' }
				{ loaded.state === 'error' && errorText( loaded.error ) }
				{ site && <CapMeter site={ site } /> }
				{ loaded.state === 'ready' && (
					<span className="igny8c-meter__link">
						<Link to="/credits">
							{ site?.monthly_cap === null
								? __( 'Set a monthly cap' )
								: __( 'Monthly caps' ) }
						</Link>
					</span>
				) }
			</dd>
		</div>
	);
}

/**
 * External dependencies
 */
import type { Balance, Sector } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { SelectControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { Snackbars } from './data-view/notices';
import { getBootData, type ScreenId } from '../boot';
import {
	rememberedSectorId,
	type SessionError,
	type SessionInfo,
} from '../store/settings/types';
import { ErrorNotice, Loading, EmptyState } from './states';
import { SCREENS } from '../screens';
import { FirstRun } from '../screens/dashboard';
import { safeUrl } from '../safe-url';

const SETTINGS = 'igny8/settings';

function screenTitles(): Record< ScreenId, string > {
	return {
		dashboard: __( 'Dashboard', 'igny8-bridge' ),
		keywords: __( 'Keywords', 'igny8-bridge' ),
		clusters: __( 'Clusters', 'igny8-bridge' ),
		ideas: __( 'Ideas', 'igny8-bridge' ),
		tasks: __( 'Tasks', 'igny8-bridge' ),
		content: __( 'Content', 'igny8-bridge' ),
		images: __( 'Images', 'igny8-bridge' ),
		linker: __( 'Linker', 'igny8-bridge' ),
		optimizer: __( 'Optimizer', 'igny8-bridge' ),
		automation: __( 'Automation', 'igny8-bridge' ),
		'site-builder': __( 'Site Builder', 'igny8-bridge' ),
		activity: __( 'Activity', 'igny8-bridge' ),
		settings: __( 'Settings', 'igny8-bridge' ),
	};
}

function Nav( { current }: { current: ScreenId } ) {
	const { pages } = getBootData();
	const titles = screenTitles();
	return (
		<nav
			className="igny8-nav"
			aria-label={ __( 'IGNY8 screens', 'igny8-bridge' ) }
		>
			{ ( Object.keys( titles ) as ScreenId[] ).map( ( id ) => (
				<a
					key={ id }
					href={ safeUrl( pages[ id ] ) ?? '#' }
					className={
						id === current
							? 'igny8-nav__item is-current'
							: 'igny8-nav__item'
					}
					aria-current={ id === current ? 'page' : undefined }
				>
					{ titles[ id ] }
				</a>
			) ) }
		</nav>
	);
}

/**
 * The IGNY8 workspace: opens the cloud session, lets the user pick the
 * sector, and renders the screen this wp-admin page is for.
 */
export function Workspace() {
	const { screen } = getBootData();
	const { session, sessionError, sectors, sectorId, balance } = useSelect(
		( select ) => {
			const settings = select( SETTINGS ) as any;
			const opened = settings.getSession() as SessionInfo | null;
			const loaded = opened
				? ( settings.getSectors() as Sector[] | null )
				: null;
			return {
				session: opened,
				sessionError: settings.getSessionError() as SessionError | null,
				sectors: loaded,
				sectorId: settings.getSelectedSectorId() as number | null,
				// The header's credits wait for the sectors, so the first
				// requests of a page are the ones its screen needs.
				balance: loaded
					? ( settings.getBalance() as Balance | null )
					: null,
			};
		},
		[]
	);
	// Re-attach to queued/running AI runs on every page load (after the
	// sectors, like the credits: the screen's own data goes first).
	const started = session !== null && sectors !== null;
	useSelect(
		( select ) =>
			started ? ( select( 'igny8/jobs' ) as any ).getActiveRuns() : null,
		[ started ]
	);

	const { selectSector, invalidateResolutionForStoreSelector } = useDispatch(
		SETTINGS
	) as any;

	const Screen = SCREENS[ screen ];
	const title = screenTitles()[ screen ];

	let body: React.ReactNode;
	// The screen of a sector, kept in one place in the tree so that showing
	// the one loaded out of sight (below) does not render it anew.
	let sectorScreen: { sectorId: number | null; hidden: boolean } | null =
		null;
	if (
		sessionError?.kind === 'not_connected' &&
		screen === 'dashboard' &&
		! getBootData().setupDismissed
	) {
		// A new site: the first-run guide starts with connecting.
		body = <FirstRun connected={ false } sectorId={ null } />;
	} else if (
		screen === 'settings' ||
		screen === 'activity' ||
		screen === 'linker' ||
		screen === 'optimizer' ||
		screen === 'automation' ||
		screen === 'site-builder'
	) {
		// Settings is where a missing or broken connection gets fixed, and
		// Activity's outbox is what to look at when it is broken: their
		// WordPress-side tabs work without a cloud session, and the tabs that
		// need one say so (see screens/settings). The Linker covers the
		// whole site, not a sector, and says itself how to connect; so do
		// the Optimizer and Automation (whose rules each name their sector).
		body = <Screen sectorId={ sectorId } />;
	} else if ( sessionError ) {
		body = (
			<ErrorNotice
				message={ sessionError.message }
				kind={ sessionError.kind }
				onRetry={ () =>
					invalidateResolutionForStoreSelector( 'getSession' )
				}
			/>
		);
	} else if ( ! session ) {
		body = (
			<Loading label={ __( 'Connecting to IGNY8…', 'igny8-bridge' ) } />
		);
	} else if ( sectors === null ) {
		// The sector chosen last is almost always still there: the screen
		// starts loading its data now, out of sight, instead of after the
		// sectors arrive, and is shown once they confirm which sector it is.
		const early = rememberedSectorId();
		body = (
			<Loading label={ __( 'Loading your sectors…', 'igny8-bridge' ) } />
		);
		sectorScreen =
			early !== null ? { sectorId: early, hidden: true } : null;
	} else if (
		sectors.length === 0 &&
		// The Dashboard's first-run guide creates the first sector.
		screen !== 'dashboard'
	) {
		body = (
			<EmptyState
				title={ __( 'This site has no sectors yet.', 'igny8-bridge' ) }
				action={ {
					label: __( 'Create one on the Dashboard', 'igny8-bridge' ),
					href: getBootData().pages.dashboard,
				} }
			>
				<p>
					{ __(
						'Keywords, ideas and content live in a sector (a topic area of the site). Add one on the Settings screen or in the IGNY8 console.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	} else {
		sectorScreen = { sectorId, hidden: false };
	}

	return (
		<div className="igny8-app" data-screen={ screen }>
			<header className="igny8-app__header">
				<h1 className="igny8-app__title">
					{ sprintf(
						/* translators: %s: screen name, e.g. Keywords. */
						__( 'IGNY8 · %s', 'igny8-bridge' ),
						title
					) }
				</h1>
				{ sectors && sectors.length > 0 && (
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						className="igny8-app__sector"
						label={ __( 'Sector', 'igny8-bridge' ) }
						value={ String( sectorId ?? '' ) }
						options={ sectors.map( ( sector ) => ( {
							value: String( sector.id ),
							label: sector.name,
						} ) ) }
						onChange={ ( value ) =>
							selectSector( Number( value ) )
						}
					/>
				) }
				{ balance && (
					<span className="igny8-app__credits">
						{ sprintf(
							/* translators: %d: credits balance. */
							__( 'Credits: %d', 'igny8-bridge' ),
							balance.credits
						) }
					</span>
				) }
			</header>
			<Nav current={ screen } />
			<main className="igny8-app__main">
				{ body }
				{ sectorScreen && (
					<div
						className="igny8-app__screen"
						hidden={ sectorScreen.hidden }
					>
						<Screen sectorId={ sectorScreen.sectorId } />
					</div>
				) }
			</main>
			<Snackbars />
		</div>
	);
}

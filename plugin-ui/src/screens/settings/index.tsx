/**
 * WordPress dependencies
 */
import { TabPanel } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { addQueryArgs, getQueryArg } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { EmptyState, ErrorNotice, Loading } from '../../components/states';
import type { SessionError, SessionInfo } from '../../store/settings/types';
import type { ScreenProps } from '../types';
import { AiSettingsTab } from './ai';
import { ConnectionTab } from './connection';
import { DataTab } from './data';
import { AuthorProfilesTab } from './profiles';
import { PromptsTab } from './prompts';
import { PublishingTab } from './publishing';
import { StrategiesTab } from './strategies';
import { UsageTab } from './usage';
import './settings.scss';

export type SettingsTabName =
	| 'connection'
	| 'ai'
	| 'prompts'
	| 'profiles'
	| 'strategies'
	| 'publishing'
	| 'data'
	| 'usage';

interface SettingsTab {
	name: SettingsTabName;
	title: string;
	Component: () => JSX.Element | null;
	/** Kept in the cloud: needs the site's cloud session. */
	cloud?: boolean;
}

function settingsTabs(): SettingsTab[] {
	return [
		{
			name: 'connection',
			title: __( 'Connection', 'igny8-bridge' ),
			Component: ConnectionTab,
		},
		{
			name: 'ai',
			title: __( 'AI', 'igny8-bridge' ),
			Component: AiSettingsTab,
			cloud: true,
		},
		{
			name: 'prompts',
			title: __( 'Prompts', 'igny8-bridge' ),
			Component: PromptsTab,
			cloud: true,
		},
		{
			name: 'profiles',
			title: __( 'Author profiles', 'igny8-bridge' ),
			Component: AuthorProfilesTab,
			cloud: true,
		},
		{
			name: 'strategies',
			title: __( 'Strategies', 'igny8-bridge' ),
			Component: StrategiesTab,
			cloud: true,
		},
		{
			name: 'publishing',
			title: __( 'Publishing', 'igny8-bridge' ),
			Component: PublishingTab,
		},
		{
			name: 'data',
			title: __( 'Data', 'igny8-bridge' ),
			Component: DataTab,
		},
		{
			name: 'usage',
			title: __( 'Sectors & usage', 'igny8-bridge' ),
			Component: UsageTab,
			cloud: true,
		},
	];
}

/**
 * A tab kept in the cloud: shown once the site's cloud session is open; until
 * the site is connected, it says where to connect it instead of failing.
 * @param props              The tab.
 * @param props.children     The tab's content.
 * @param props.notConnected What to say instead on another screen (default: a link to the Connection tab here).
 */
export function WithCloudSession( {
	children,
	notConnected,
}: {
	children: React.ReactNode;
	notConnected?: React.ReactNode;
} ) {
	const { session, error } = useSelect( ( select ) => {
		const settings = select( 'igny8/settings' ) as any;
		return {
			session: settings.getSession() as SessionInfo | null,
			error: settings.getSessionError() as SessionError | null,
		};
	}, [] );
	if ( session ) {
		return <>{ children }</>;
	}
	if ( error?.kind === 'not_connected' && notConnected ) {
		return <>{ notConnected }</>;
	}
	if ( error?.kind === 'not_connected' ) {
		return (
			<EmptyState
				title={ __( 'Connect this site first.', 'igny8-bridge' ) }
				action={ {
					label: __( 'Open the Connection tab', 'igny8-bridge' ),
					href: addQueryArgs( window.location.href, {
						tab: 'connection',
					} ),
				} }
			>
				<p>
					{ __(
						'These settings are kept in IGNY8 for your account. Enter the site key on the Connection tab, then come back here.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	}
	if ( error ) {
		return <ErrorNotice message={ error.message } kind={ error.kind } />;
	}
	return <Loading label={ __( 'Connecting to IGNY8…', 'igny8-bridge' ) } />;
}

/**
 * The tab named in the page URL (`&tab=…`), or the first one.
 *
 * @param tabs The known tabs.
 */
function tabFromUrl( tabs: SettingsTab[] ): SettingsTabName {
	const requested = getQueryArg( window.location.href, 'tab' );
	const found = tabs.find( ( tab ) => tab.name === requested );
	return found ? found.name : 'connection';
}

/**
 * IGNY8 → Settings: one place for the connection, the cloud's AI settings,
 * prompts, author profiles, strategies and the WordPress-side options. The
 * chosen tab lives in the URL so reload, bookmarks and back/forward keep it.
 */
export function SettingsScreen( {}: ScreenProps ) {
	const tabs = settingsTabs();
	const [ initialTab, setInitialTab ] = useState( () => tabFromUrl( tabs ) );
	// Back/forward must re-select a tab; remounting the panel is the only way
	// to move TabPanel's selection from outside, so it is keyed by history moves only.
	const [ historyMoves, setHistoryMoves ] = useState( 0 );

	useEffect( () => {
		const onPopState = () => {
			setInitialTab( tabFromUrl( settingsTabs() ) );
			setHistoryMoves( ( moves ) => moves + 1 );
		};
		window.addEventListener( 'popstate', onPopState );
		return () => window.removeEventListener( 'popstate', onPopState );
	}, [] );

	const onSelect = ( name: string ) => {
		if ( getQueryArg( window.location.href, 'tab' ) === name ) {
			return;
		}
		const url = addQueryArgs( window.location.href, { tab: name } );
		// Opening the page without a tab is not a step back to remember.
		if ( getQueryArg( window.location.href, 'tab' ) === undefined ) {
			window.history.replaceState( null, '', url );
		} else {
			window.history.pushState( null, '', url );
		}
	};

	return (
		<div className="igny8-screen igny8-settings">
			<TabPanel
				key={ historyMoves }
				className="igny8-settings__tabs"
				tabs={ tabs.map( ( { name, title } ) => ( { name, title } ) ) }
				initialTabName={ initialTab }
				onSelect={ onSelect }
			>
				{ ( tab ) => {
					const current = tabs.find( ( t ) => t.name === tab.name );
					if ( ! current ) {
						return null;
					}
					const { Component, cloud } = current;
					return (
						<div className="igny8-settings__panel">
							{ cloud ? (
								<WithCloudSession>
									<Component />
								</WithCloudSession>
							) : (
								<Component />
							) }
						</div>
					);
				} }
			</TabPanel>
		</div>
	);
}

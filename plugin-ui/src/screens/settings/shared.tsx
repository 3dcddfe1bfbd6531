/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../../api/connection';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import type {
	SiteAction,
	SiteActionResult,
	SiteSettings,
	SiteSettingsChanges,
} from '../../store/settings/site';

const SETTINGS = 'igny8/settings';

/**
 * The WordPress-side settings, with what the tabs do to them.
 */
export function useSiteSettings() {
	const { site, error } = useSelect( ( select ) => {
		const store = select( SETTINGS ) as any;
		return {
			site: store.getSiteSettings() as SiteSettings | null,
			error: store.getSiteSettingsError() as string | null,
		};
	}, [] );
	const { saveSiteSettings, runSiteAction } = useDispatch( SETTINGS ) as any;
	return {
		site,
		error,
		save: saveSiteSettings as (
			changes: SiteSettingsChanges
		) => Promise< SiteSettings >,
		run: runSiteAction as (
			action: SiteAction,
			data?: Record< string, string >
		) => Promise< SiteActionResult >,
	};
}

/**
 * Runs a save or an action: `busy` while it runs, the route's own words on
 * failure, and a snackbar saying what happened on success.
 */
export function useSubmit() {
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	const submit = async < T, >(
		work: () => Promise< T >,
		done: ( result: T ) => string,
		failed: string
	): Promise< T | null > => {
		setBusy( true );
		setError( null );
		try {
			const result = await work();
			announce( done( result ) );
			return result;
		} catch ( failure ) {
			setError( errorMessage( failure, failed ) );
			return null;
		} finally {
			setBusy( false );
		}
	};
	return { busy, error, submit, clearError: () => setError( null ) };
}

/** Said on every tab a user may read but not change. */
export function ReadOnlyNotice() {
	return (
		<Notice
			status="info"
			isDismissible={ false }
			className="igny8-settings__read-only"
		>
			{ __(
				'Only site administrators (users who can manage options) can change these settings. Ask one if something here needs to change.',
				'igny8-bridge'
			) }
		</Notice>
	);
}

/**
 * Loading and load errors for a tab that shows the WordPress-side settings.
 * @param props          Component props.
 * @param props.children The tab, once the settings are loaded.
 */
export function WithSiteSettings( {
	children,
}: {
	children: ( site: SiteSettings ) => JSX.Element;
} ) {
	const { site, error } = useSiteSettings();
	if ( error ) {
		return <ErrorNotice message={ error } />;
	}
	if ( ! site ) {
		return <Loading />;
	}
	return children( site );
}

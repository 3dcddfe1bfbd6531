/**
 * External dependencies
 */
import type { Sector, Usage } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { getBootData } from '../boot';
import { safeUrl } from '../safe-url';
import { ConnectionStatus } from '../components/connection-card';
import { ErrorNotice, Loading } from '../components/states';
import type { SessionInfo } from '../store/settings/types';
import type { ScreenProps } from './types';

const SETTINGS = 'igny8/settings';

function useResource< T >( path: string ): {
	data: T | undefined;
	error: string | null;
} {
	return useSelect(
		( select ) => {
			const settings = select( SETTINGS ) as any;
			return {
				data: settings.getResource( path ) as T | undefined,
				error: settings.getResourceError( path ) as string | null,
			};
		},
		[ path ]
	);
}

function Resource< T >( {
	title,
	path,
	render,
}: {
	title: string;
	path: string;
	render: ( data: T ) => React.ReactNode;
} ) {
	const { data, error } = useResource< T >( path );
	return (
		<Card className="igny8-settings__card">
			<CardHeader>
				<h2>{ title }</h2>
			</CardHeader>
			<CardBody>
				{ error && <ErrorNotice message={ error } /> }
				{ ! error && data === undefined && <Loading /> }
				{ data !== undefined && render( data ) }
			</CardBody>
		</Card>
	);
}

function Sectors() {
	const { sectors, session } = useSelect( ( select ) => {
		const settings = select( SETTINGS ) as any;
		return {
			sectors: ( settings.getSectors() ?? [] ) as Sector[],
			session: settings.getSession() as SessionInfo | null,
		};
	}, [] );

	const { invalidateResolutionForStoreSelector } = useDispatch(
		SETTINGS
	) as any;
	const [ name, setName ] = useState( '' );
	const [ error, setError ] = useState< string | null >( null );
	const add = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setError( null );
		try {
			await getClient().post( '/auth/sectors/', {
				site_id: session?.siteId,
				name,
			} );
			setName( '' );
			invalidateResolutionForStoreSelector( 'getSectors' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not add the sector.', 'igny8-bridge' )
				)
			);
		}
	};
	return (
		<Card className="igny8-settings__card">
			<CardHeader>
				<h2>{ __( 'Site and sectors', 'igny8-bridge' ) }</h2>
			</CardHeader>
			<CardBody>
				<ul>
					{ sectors.map( ( sector ) => (
						<li key={ sector.id }>{ sector.name }</li>
					) ) }
				</ul>
				{ session?.role === 'admin' && (
					<form onSubmit={ add } className="igny8-inline-form">
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'New sector', 'igny8-bridge' ) }
							value={ name }
							onChange={ setName }
						/>
						<Button
							variant="secondary"
							type="submit"
							disabled={ name.trim() === '' }
							accessibleWhenDisabled
						>
							{ __( 'Add sector', 'igny8-bridge' ) }
						</Button>
					</form>
				) }
				{ error && <ErrorNotice message={ error } /> }
			</CardBody>
		</Card>
	);
}

/**
 * Settings: connection, outbox health, sectors, AI, credits and usage.
 */
export function SettingsScreen( {}: ScreenProps ) {
	const { outbox } = getBootData();
	const settingsUrl = safeUrl( getBootData().settingsUrl );
	return (
		<div className="igny8-screen igny8-settings">
			<ConnectionStatus />
			{ settingsUrl && (
				<p>
					<Button variant="secondary" href={ settingsUrl }>
						{ __(
							'Cloud URL and site key: Settings → IGNY8',
							'igny8-bridge'
						) }
					</Button>
				</p>
			) }
			{ outbox && (
				<Card className="igny8-settings__card">
					<CardHeader>
						<h2>{ __( 'Sync outbox', 'igny8-bridge' ) }</h2>
					</CardHeader>
					<CardBody>
						<p>
							{ sprintf(
								/* translators: 1: pending events, 2: failing, 3: dead letters, 4: rejected. */
								__(
									'%1$d waiting, %2$d retrying, %3$d dead letters, %4$d rejected.',
									'igny8-bridge'
								),
								outbox.pending,
								outbox.failing,
								outbox.dead,
								outbox.rejected
							) }
						</p>
					</CardBody>
				</Card>
			) }
			<Sectors />
			<Resource< Record< string, unknown > >
				title={ __( 'AI settings', 'igny8-bridge' ) }
				path="/system/settings/ai/"
				render={ ( data ) => (
					<dl className="igny8-connection__details">
						{ Object.entries( data )
							.filter(
								( [ , value ] ) => typeof value !== 'object'
							)
							.map( ( [ key, value ] ) => (
								<div
									className="igny8-connection__detail"
									key={ key }
								>
									<dt>{ key }</dt>
									<dd>{ String( value ) }</dd>
								</div>
							) ) }
					</dl>
				) }
			/>
			<Resource<
				| { name: string; id: number }[]
				| { results?: { name: string; id: number }[] }
			>
				title={ __( 'Author profiles', 'igny8-bridge' ) }
				path="/system/author-profiles/"
				render={ ( data ) => {
					const list = Array.isArray( data )
						? data
						: ( data.results ?? [] );
					return list.length === 0 ? (
						<p>
							{ __(
								'None yet: content uses the default voice.',
								'igny8-bridge'
							) }
						</p>
					) : (
						<ul>
							{ list.map( ( p ) => (
								<li key={ p.id }>{ p.name }</li>
							) ) }
						</ul>
					);
				} }
			/>
			<Resource<
				| { key: string; name?: string }[]
				| { results?: { key: string; name?: string }[] }
			>
				title={ __( 'Prompts', 'igny8-bridge' ) }
				path="/system/prompts/"
				render={ ( data ) => {
					const list = Array.isArray( data )
						? data
						: ( data.results ?? [] );
					return (
						<ul>
							{ list.map( ( p ) => (
								<li key={ p.key }>{ p.name ?? p.key }</li>
							) ) }
						</ul>
					);
				} }
			/>
			<Resource< Usage >
				title={ __( 'Credits and usage', 'igny8-bridge' ) }
				path="/billing/usage/"
				render={ ( usage ) => (
					<p>
						{ sprintf(
							/* translators: %d: credits used in the period. */
							__(
								'Credits used this period: %d',
								'igny8-bridge'
							),
							usage.total_credits
						) }
					</p>
				) }
			/>
		</div>
	);
}

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
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import { ErrorNotice, Loading } from '../../components/states';
import type { SessionInfo } from '../../store/settings/types';

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
 * The site's sectors in IGNY8 and the credits used this period.
 */
export function UsageTab() {
	return (
		<>
			<Sectors />
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
		</>
	);
}

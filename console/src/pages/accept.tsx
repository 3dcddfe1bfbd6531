/**
 * External dependencies
 */
import type { InvitePreview } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText, type ConsoleClient } from '../api/client';
import { Link } from '../components/link';
import { Loading } from '../components/states';
import { formatTime } from '../components/table';
import { roleLabel } from '../roles';
import { BASE } from '../router';

/** The token of an invite link: `/console/accept/#token=…` (a fragment never reaches a server). */
function tokenOfLink(): string {
	return (
		new URLSearchParams( window.location.hash.replace( /^#/, '' ) ).get(
			'token'
		) ?? ''
	);
}

/**
 * Where an invited person picks a username and password and lands signed in.
 * @param props            The props.
 * @param props.client     The console's API client (signed in by accepting).
 * @param props.onAccepted Opens the console as the new person.
 */
export default function AcceptPage( {
	client,
	onAccepted,
}: {
	client: ConsoleClient;
	onAccepted: () => Promise< void >;
} ) {
	const [ token ] = useState( tokenOfLink );
	const [ invite, setInvite ] = useState<
		InvitePreview | 'loading' | { refused: string }
	>( token ? 'loading' : { refused: '' } );
	const [ username, setUsername ] = useState( '' );
	const [ password, setPassword ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );

	useEffect( () => {
		document.title = `${ __( 'Accept your invite' ) } ‹ IGNY8`;
		if ( ! token ) {
			return;
		}
		client
			.lookupInvite( token )
			.then( setInvite )
			.catch( ( failure ) =>
				setInvite( { refused: errorText( failure ) } )
			);
	}, [ client, token ] );

	if ( invite === 'loading' ) {
		return <Loading label={ __( 'Opening your invite…' ) } />;
	}
	if ( 'refused' in invite ) {
		return (
			<main className="igny8c-signin" data-testid="invite-refused">
				<h1>{ __( 'This invite cannot be used' ) }</h1>
				<Notice status="error" isDismissible={ false }>
					{ invite.refused ||
						__(
							'This link has no invite in it. Open the whole link you were sent, or ask for a new invite.'
						) }
				</Notice>
				<p>
					<Link to="/sites">
						{ __( 'Sign in to the console instead' ) }
					</Link>
				</p>
			</main>
		);
	}
	return (
		<main className="igny8c-signin">
			<h1>{ __( 'Accept your invite' ) }</h1>
			<p>
				{ sprintf(
					/* translators: 1: account name, 2: role, 3: email. */
					__(
						'You are invited to %1$s as %2$s, with the email %3$s.'
					),
					invite.account_name,
					roleLabel( invite.role ),
					invite.email
				) }
			</p>
			<p className="igny8c-muted">
				{ sprintf(
					/* translators: %s: date and time. */
					__( 'The invite works once, until %s.' ),
					formatTime( invite.expires_at )
				) }
			</p>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			<form
				onSubmit={ async ( event ) => {
					event.preventDefault();
					setBusy( true );
					setError( null );
					try {
						await client.acceptInvite( {
							token,
							username,
							password,
						} );
						// The link is spent: keep it out of the history.
						window.history.replaceState(
							null,
							'',
							`${ BASE }/accept/`
						);
						await onAccepted();
					} catch ( failure ) {
						setError( errorText( failure ) );
						setBusy( false );
					}
				} }
			>
				<TextControl
					__next40pxDefaultSize
					label={ __( 'Username' ) }
					help={ __( 'Letters, digits and @ . + - _ only.' ) }
					autoComplete="username"
					value={ username }
					onChange={ setUsername }
					required
				/>
				<TextControl
					__next40pxDefaultSize
					label={ __( 'Password' ) }
					help={ __( 'At least 10 characters.' ) }
					type="password"
					autoComplete="new-password"
					value={ password }
					onChange={ setPassword }
					required
				/>
				<Button
					__next40pxDefaultSize
					variant="primary"
					type="submit"
					isBusy={ busy }
					disabled={ busy }
				>
					{ __( 'Join and sign in' ) }
				</Button>
			</form>
		</main>
	);
}

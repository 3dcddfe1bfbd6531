/**
 * WordPress dependencies
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from './api/client';

/**
 * Email and password, checked by the cloud (its lockout and throttling apply).
 * @param root0          The props.
 * @param root0.onSignIn Signs in; throws what the cloud refused.
 * @param root0.notice   Why the person is here (signed out, session ended).
 */
export function SignIn( {
	onSignIn,
	notice,
}: {
	onSignIn: ( email: string, password: string ) => Promise< void >;
	notice?: string;
} ) {
	const [ email, setEmail ] = useState( '' );
	const [ password, setPassword ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	return (
		<main className="igny8c-signin">
			<h1>{ __( 'IGNY8 console' ) }</h1>
			<p>{ __( 'Sign in with your IGNY8 account.' ) }</p>
			{ notice && ! error && (
				<Notice status="info" isDismissible={ false }>
					{ notice }
				</Notice>
			) }
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
						await onSignIn( email, password );
					} catch ( failure ) {
						setError( errorText( failure ) );
						setBusy( false );
					}
				} }
			>
				<TextControl
					__next40pxDefaultSize
					label={ __( 'Email' ) }
					type="email"
					autoComplete="username"
					value={ email }
					onChange={ setEmail }
					required
				/>
				<TextControl
					__next40pxDefaultSize
					label={ __( 'Password' ) }
					type="password"
					autoComplete="current-password"
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
					{ __( 'Sign in' ) }
				</Button>
			</form>
		</main>
	);
}

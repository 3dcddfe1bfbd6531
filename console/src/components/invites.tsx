/**
 * External dependencies
 */
import type {
	CreatedInvite,
	Invite,
	InviteRole,
	Role,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';
import { ASSIGNABLE, mayManageRole, roleLabel } from '../roles';
import { useSession } from '../session';
import { ErrorNotice, Loading, useLoad } from './states';
import { Table, formatTime } from './table';

/**
 * Invites for owners and admins: invite by email and role (the link is
 * shown once, with a copy button and its expiry), and the pending invites
 * with Revoke.
 * @param props           The props.
 * @param props.onChanged Called when someone may have joined (reload the people).
 */
export function Invites( { onChanged }: { onChanged?: () => void } ) {
	const { client, user: me } = useSession();
	const [ loaded, reload ] = useLoad(
		() => client.get< Invite[] >( '/auth/invites/' ),
		[ client ]
	);
	const roles = ASSIGNABLE.filter( ( r ) => mayManageRole( me.role, r ) );
	const [ open, setOpen ] = useState( false );
	const [ email, setEmail ] = useState( '' );
	const [ role, setRole ] = useState< Role >( 'editor' );
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ created, setCreated ] = useState< CreatedInvite | null >( null );
	const [ message, setMessage ] = useState< {
		status: 'success' | 'error';
		text: string;
	} | null >( null );

	const send = async () => {
		setBusy( 'create' );
		setMessage( null );
		try {
			const invite = await client.post< CreatedInvite >(
				'/auth/invites/',
				{ email, role: role as InviteRole }
			);
			setCreated( invite );
			setEmail( '' );
			setOpen( false );
			reload();
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setBusy( null );
		}
	};

	const revoke = async ( invite: Invite ) => {
		setBusy( `revoke-${ invite.id }` );
		setMessage( null );
		try {
			await client.delete( `/auth/invites/${ invite.id }/` );
			setMessage( {
				status: 'success',
				text: sprintf(
					/* translators: %s: email. */
					__(
						'The invite to %s was withdrawn: its link no longer works.'
					),
					invite.email
				),
			} );
			reload();
			onChanged?.();
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setBusy( null );
		}
	};

	return (
		<section className="igny8c-invites" aria-labelledby="igny8c-invites">
			<h2 id="igny8c-invites">{ __( 'Invites' ) }</h2>
			{ message && (
				<Notice
					status={ message.status }
					onRemove={ () => setMessage( null ) }
				>
					{ message.text }
				</Notice>
			) }
			{ created && (
				<CreatedLink
					invite={ created }
					onDone={ () => setCreated( null ) }
				/>
			) }
			{ ! open && ! created && (
				<Button
					__next40pxDefaultSize
					variant="primary"
					onClick={ () => setOpen( true ) }
				>
					{ __( 'Invite someone' ) }
				</Button>
			) }
			{ open && (
				<form
					className="igny8c-invites__form"
					onSubmit={ ( event ) => {
						event.preventDefault();
						send();
					} }
				>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Email' ) }
						type="email"
						value={ email }
						onChange={ setEmail }
						required
					/>
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Role' ) }
						value={ role }
						options={ roles.map( ( r ) => ( {
							value: r,
							label: roleLabel( r ),
						} ) ) }
						onChange={ ( next ) => setRole( next as Role ) }
					/>
					<div className="igny8c-invites__buttons">
						<Button
							__next40pxDefaultSize
							variant="primary"
							type="submit"
							isBusy={ busy === 'create' }
							disabled={ busy === 'create' }
						>
							{ __( 'Create invite link' ) }
						</Button>
						<Button
							__next40pxDefaultSize
							variant="tertiary"
							onClick={ () => setOpen( false ) }
						>
							{ __( 'Cancel' ) }
						</Button>
					</div>
				</form>
			) }
			{ loaded.state === 'loading' && (
				<Loading label={ __( 'Loading invites…' ) } />
			) }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' &&
				( loaded.value.length === 0 ? (
					<p className="igny8c-muted">
						{ __( 'No invites are waiting to be accepted.' ) }
					</p>
				) : (
					<Table< Invite >
						caption={ __( 'Invites waiting to be accepted' ) }
						items={ loaded.value }
						rowLabel={ ( invite ) => invite.email }
						columns={ [
							{
								id: 'email',
								label: __( 'Email' ),
								render: ( invite ) => invite.email,
							},
							{
								id: 'role',
								label: __( 'Role' ),
								render: ( invite ) => roleLabel( invite.role ),
							},
							{
								id: 'expires',
								label: __( 'Expires' ),
								render: ( invite ) =>
									formatTime( invite.expires_at ),
							},
							{
								id: 'actions',
								label: __( 'Actions' ),
								render: ( invite ) =>
									mayManageRole( me.role, invite.role ) ? (
										<Button
											__next40pxDefaultSize
											variant="tertiary"
											isDestructive
											isBusy={
												busy === `revoke-${ invite.id }`
											}
											disabled={ busy !== null }
											label={ sprintf(
												/* translators: %s: email. */
												__( 'Revoke the invite to %s' ),
												invite.email
											) }
											showTooltip={ false }
											onClick={ () => revoke( invite ) }
										>
											{ __( 'Revoke' ) }
										</Button>
									) : (
										<span className="igny8c-muted">—</span>
									),
							},
						] }
					/>
				) ) }
		</section>
	);
}

/**
 * The new invite's link, once: with a copy button and when it expires.
 * @param props        The props.
 * @param props.invite The invite as created (with its link).
 * @param props.onDone Hides the link for good.
 */
function CreatedLink( {
	invite,
	onDone,
}: {
	invite: CreatedInvite;
	onDone: () => void;
} ) {
	const field = useRef< HTMLInputElement >( null );
	const [ copied, setCopied ] = useState< 'yes' | 'failed' | null >( null );
	// Where the browser refuses the clipboard, the link is selected to copy by hand.
	const copy = async () => {
		try {
			await window.navigator.clipboard.writeText( invite.link );
			setCopied( 'yes' );
		} catch {
			field.current?.select();
			setCopied( 'failed' );
		}
	};
	return (
		<div className="igny8c-invites__created" data-testid="invite-link">
			<Notice status="warning" isDismissible={ false }>
				<strong>
					{ __( 'Copy this link now: it will not be shown again.' ) }
				</strong>{ ' ' }
				{ sprintf(
					/* translators: 1: email, 2: role, 3: date and time. */
					__(
						'Send it to %1$s. It makes them %2$s, works once, and expires %3$s.'
					),
					invite.email,
					roleLabel( invite.role ),
					formatTime( invite.expires_at )
				) }
			</Notice>
			<label
				htmlFor="igny8c-invite-link"
				className="igny8c-invites__label"
			>
				{ __( 'Invite link' ) }
			</label>
			<div className="igny8c-invites__link">
				<input
					id="igny8c-invite-link"
					ref={ field }
					type="text"
					readOnly
					value={ invite.link }
					spellCheck={ false }
					autoComplete="off"
					onFocus={ ( event ) => event.currentTarget.select() }
				/>
				<Button
					__next40pxDefaultSize
					variant="secondary"
					onClick={ copy }
				>
					{ copied === 'yes' ? __( 'Copied' ) : __( 'Copy link' ) }
				</Button>
			</div>
			<p className="igny8c-muted" role="status">
				{ copied === 'yes' && __( 'The link is on your clipboard.' ) }
				{ copied === 'failed' &&
					__(
						'The browser did not allow copying: the link is selected, copy it with Ctrl+C (⌘C on a Mac).'
					) }
			</p>
			<Button __next40pxDefaultSize variant="primary" onClick={ onDone }>
				{ __( 'I have copied the link' ) }
			</Button>
		</div>
	);
}

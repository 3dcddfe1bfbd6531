/**
 * External dependencies
 */
import type { CreatedSiteApiKey, SiteApiKey } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';
import { ConfirmModal } from '../components/confirm-modal';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Table, formatTime, type Column } from '../components/table';
import { mayManageSites } from '../roles';
import { useSession } from '../session';

/** Where the key goes on the WordPress side (the IGNY8 Bridge plugin's settings page). */
const PASTE_IT = __(
	'Paste it into IGNY8 → Settings on the WordPress site and press Test connection.'
);

/**
 * The site's API keys (docs/bridge-protocol.md → Secrets, Rotation): the
 * list shows names and prefixes only; a new key is shown once, here, right
 * after it is created. Only roles that manage sites may read or change
 * keys, so the others get a sentence instead of a list the cloud refuses.
 * @param props             The site and the key it is connected with.
 * @param props.siteId      The site.
 * @param props.keyInUse    The id of the key the site has paired with (the integration's key_id), if any.
 * @param props.onConnected Called after a change, so the page can reload its connection state.
 */
export function SiteApiKeys( {
	siteId,
	keyInUse,
	onConnected,
}: {
	siteId: number;
	keyInUse: number | null;
	onConnected?: () => void;
} ) {
	const { user } = useSession();
	return (
		<section className="igny8c-keys" aria-labelledby="igny8c-keys-heading">
			<h2 id="igny8c-keys-heading">{ __( 'API keys' ) }</h2>
			{ mayManageSites( user.role ) ? (
				<ManagedKeys
					siteId={ siteId }
					keyInUse={ keyInUse }
					onConnected={ onConnected }
				/>
			) : (
				<p className="igny8c-muted">
					{ __(
						'Only owners and admins can see, create and revoke the API keys of a site.'
					) }
				</p>
			) }
		</section>
	);
}

function ManagedKeys( {
	siteId,
	keyInUse,
	onConnected,
}: {
	siteId: number;
	keyInUse: number | null;
	onConnected?: () => void;
} ) {
	const { client } = useSession();
	const base = `/auth/sites/${ siteId }/api-keys/`;
	const [ loaded, reload ] = useLoad(
		() => client.all< SiteApiKey >( base, { ordering: '-created_at' } ),
		[ client, base ]
	);
	const [ name, setName ] = useState( 'WordPress' );
	const [ creating, setCreating ] = useState( false );
	const [ created, setCreated ] = useState< CreatedSiteApiKey | null >(
		null
	);
	const [ revoking, setRevoking ] = useState< SiteApiKey | null >( null );
	const [ busy, setBusy ] = useState< number | null >( null );
	const [ message, setMessage ] = useState< {
		status: 'success' | 'error';
		text: string;
	} | null >( null );

	const create = async () => {
		setCreating( true );
		setMessage( null );
		try {
			setCreated(
				await client.post< CreatedSiteApiKey >( base, {
					name: name.trim() || 'WordPress',
				} )
			);
			reload();
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setCreating( false );
		}
	};

	const revoke = async ( key: SiteApiKey ) => {
		setBusy( key.id );
		setMessage( null );
		try {
			await client.delete( `${ base }${ key.id }/` );
			setMessage( {
				status: 'success',
				text: sprintf(
					/* translators: %s: the key's name. */
					__( 'The key “%s” was revoked.' ),
					key.name
				),
			} );
			if ( created?.id === key.id ) {
				setCreated( null );
			}
			reload();
			if ( key.id === keyInUse ) {
				onConnected?.();
			}
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setBusy( null );
		}
	};

	const live =
		loaded.state === 'ready'
			? loaded.value.filter( ( key ) => ! key.revoked_at )
			: [];
	const revokedCount =
		loaded.state === 'ready' ? loaded.value.length - live.length : 0;

	const columns: Column< SiteApiKey >[] = [
		{ id: 'name', label: __( 'Name' ), render: ( key ) => key.name },
		{
			id: 'prefix',
			label: __( 'Key' ),
			render: ( key ) => (
				<code className="igny8c-keys__prefix">{ `${ key.prefix }…` }</code>
			),
		},
		{
			id: 'state',
			label: __( 'State' ),
			render: ( key ) =>
				key.id === keyInUse ? (
					<span className="igny8c-keys__in-use" data-state="in_use">
						{ __( 'In use by the site' ) }
					</span>
				) : (
					<span className="igny8c-muted" data-state="not_in_use">
						{ __( 'Not in use by the site' ) }
					</span>
				),
		},
		{
			id: 'created',
			label: __( 'Created' ),
			render: ( key ) => formatTime( key.created_at ),
		},
		{
			id: 'last_used',
			label: __( 'Last used' ),
			render: ( key ) =>
				key.last_used_at
					? formatTime( key.last_used_at )
					: __( 'Never' ),
		},
		{
			id: 'actions',
			label: __( 'Actions' ),
			render: ( key ) => (
				<Button
					__next40pxDefaultSize
					variant="tertiary"
					isDestructive
					isBusy={ busy === key.id }
					disabled={ busy === key.id }
					onClick={ () => setRevoking( key ) }
					label={ sprintf(
						/* translators: %s: the key's name. */
						__( 'Revoke the key “%s”' ),
						key.name
					) }
					showTooltip={ false }
				>
					{ __( 'Revoke' ) }
				</Button>
			),
		},
	];

	return (
		<>
			<p>
				{ __(
					'A key connects the WordPress site to the cloud. Create one, then paste it into IGNY8 → Settings in the IGNY8 Bridge plugin and press Test connection. A key is shown once, when it is created.'
				) }
			</p>
			{ revoking && (
				<RevokeDialog
					apiKey={ revoking }
					inUse={ revoking.id === keyInUse }
					onCancel={ () => setRevoking( null ) }
					onConfirm={ () => {
						const key = revoking;
						setRevoking( null );
						revoke( key );
					} }
				/>
			) }
			{ created && (
				<CreatedKey
					apiKey={ created }
					onDone={ () => setCreated( null ) }
				/>
			) }
			{ message && (
				<Notice
					status={ message.status }
					onRemove={ () => setMessage( null ) }
				>
					{ message.text }
				</Notice>
			) }
			<form
				className="igny8c-keys__create"
				onSubmit={ ( event ) => {
					event.preventDefault();
					create();
				} }
			>
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Key name' ) }
					help={ __(
						'For you to tell keys apart, e.g. “Production WordPress”.'
					) }
					value={ name }
					maxLength={ 255 }
					onChange={ setName }
				/>
				<Button
					__next40pxDefaultSize
					variant="primary"
					type="submit"
					isBusy={ creating }
					disabled={ creating }
				>
					{ __( 'Create key' ) }
				</Button>
			</form>
			{ loaded.state === 'loading' && (
				<Loading label={ __( 'Loading the keys…' ) } />
			) }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' &&
				( live.length === 0 ? (
					<Empty title={ __( 'This site has no active API key.' ) }>
						<p>
							{ __(
								'Create a key to connect the WordPress site.'
							) }
						</p>
					</Empty>
				) : (
					<Table< SiteApiKey >
						caption={ __( 'API keys of this site' ) }
						items={ live }
						rowLabel={ ( key ) => String( key.id ) }
						columns={ columns }
					/>
				) ) }
			{ revokedCount > 0 && (
				<p className="igny8c-muted">
					{ sprintf(
						/* translators: %d: how many revoked keys. */
						_n(
							'%d revoked key is not shown.',
							'%d revoked keys are not shown.',
							revokedCount
						),
						revokedCount
					) }
				</p>
			) }
			<h3>{ __( 'Rotating a key' ) }</h3>
			<p>
				{ __(
					'Create a new key, paste it into IGNY8 → Settings on the WordPress site and press Test connection. The site switches to the new key without a break, and the old key stops working a few minutes after the cloud first uses the new one. Then revoke the old key here.'
				) }
			</p>
		</>
	);
}

/**
 * The new key, once: with a copy button and what to do with it.
 * @param props        The key and how to close the panel.
 * @param props.apiKey The key as created (with its secret).
 * @param props.onDone Hides it for good.
 */
function CreatedKey( {
	apiKey,
	onDone,
}: {
	apiKey: CreatedSiteApiKey;
	onDone: () => void;
} ) {
	const field = useRef< HTMLInputElement >( null );
	const [ copied, setCopied ] = useState< 'yes' | 'failed' | null >( null );
	// One clipboard call: no dependency for it. Where the browser refuses
	// (no permission, insecure origin) the key is selected to copy by hand.
	const copy = async () => {
		try {
			await window.navigator.clipboard.writeText( apiKey.key );
			setCopied( 'yes' );
		} catch {
			field.current?.select();
			setCopied( 'failed' );
		}
	};
	return (
		<div className="igny8c-keys__created" data-testid="created-key">
			<Notice status="warning" isDismissible={ false }>
				<strong>
					{ __( 'Copy this key now: it will not be shown again.' ) }
				</strong>{ ' ' }
				{ PASTE_IT }
			</Notice>
			<label htmlFor="igny8c-new-key" className="igny8c-keys__label">
				{ sprintf(
					/* translators: %s: the key's name. */
					__( 'New API key “%s”' ),
					apiKey.name
				) }
			</label>
			<div className="igny8c-keys__secret">
				<input
					id="igny8c-new-key"
					ref={ field }
					type="text"
					readOnly
					value={ apiKey.key }
					spellCheck={ false }
					autoComplete="off"
					onFocus={ ( event ) => event.currentTarget.select() }
				/>
				<Button
					__next40pxDefaultSize
					variant="secondary"
					onClick={ copy }
				>
					{ copied === 'yes' ? __( 'Copied' ) : __( 'Copy key' ) }
				</Button>
			</div>
			<p className="igny8c-muted" role="status">
				{ copied === 'yes' && __( 'The key is on your clipboard.' ) }
				{ copied === 'failed' &&
					__(
						'The browser did not allow copying: the key is selected, copy it with Ctrl+C (⌘C on a Mac).'
					) }
			</p>
			<Button __next40pxDefaultSize variant="primary" onClick={ onDone }>
				{ __( 'I have copied the key' ) }
			</Button>
		</div>
	);
}

function RevokeDialog( {
	apiKey,
	inUse,
	onCancel,
	onConfirm,
}: {
	apiKey: SiteApiKey;
	inUse: boolean;
	onCancel: () => void;
	onConfirm: () => void;
} ) {
	return (
		<ConfirmModal
			title={ __( 'Revoke this key?' ) }
			confirmLabel={
				inUse ? __( 'Revoke and disconnect' ) : __( 'Revoke key' )
			}
			onConfirm={ onConfirm }
			onCancel={ onCancel }
		>
			{ inUse ? (
				<>
					<p>
						{ sprintf(
							/* translators: %s: the key's name. */
							__(
								'“%s” is the key this site is connected with. Revoking it stops it at once: the site is disconnected (no syncing, no publishing) until a new key is pasted into IGNY8 → Settings in WordPress.'
							),
							apiKey.name
						) }
					</p>
					<p>
						{ __(
							'To replace it without a break, create a new key and connect the site with it first; then revoke this one.'
						) }
					</p>
				</>
			) : (
				<p>
					{ sprintf(
						/* translators: %s: the key's name. */
						__(
							'Revoking “%s” stops it at once: whatever still uses it is refused. This cannot be undone.'
						),
						apiKey.name
					) }
				</p>
			) }
		</ConfirmModal>
	);
}

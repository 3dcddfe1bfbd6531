/**
 * External dependencies
 */
import type { Integration } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';
import { ConfirmModal } from './confirm-modal';
import { useSession } from '../session';

type Action = 'check' | 'sync' | 'pause' | 'disconnect';

type Message = { status: 'success' | 'error'; text: string };

/**
 * What the cloud learnt of the site when it asked it for its metadata.
 * @param integration
 */
function versionsOf( integration: Integration ): string {
	const structure = ( integration.config_json?.structure ?? {} ) as {
		wordpress_version?: string;
		plugin_version?: string;
	};
	if ( ! structure.wordpress_version || ! structure.plugin_version ) {
		return __( 'The site answered.' );
	}
	return sprintf(
		/* translators: 1: WordPress version, 2: IGNY8 Bridge plugin version. */
		__( 'The site answered: WordPress %1$s, IGNY8 Bridge %2$s.' ),
		structure.wordpress_version,
		structure.plugin_version
	);
}

/**
 * A connected site's actions for owners and admins: ask the site (is it
 * reachable, which versions), pull every post again, pause or resume sync,
 * disconnect. Rotating the key lives with the keys below.
 * @param props                The site's integration and how to refresh the page.
 * @param props.integration    The site's WordPress integration.
 * @param props.onChanged      Reloads the page's data after an action.
 * @param props.onDisconnected Says what a disconnect did and reloads the page:
 *                             these actions are gone with the integration, so
 *                             the page must show the message.
 */
export function SiteActions( {
	integration,
	onChanged,
	onDisconnected,
}: {
	integration: Integration;
	onChanged: () => void;
	onDisconnected: ( message: string ) => void;
} ) {
	const { client } = useSession();
	const [ busy, setBusy ] = useState< Action | null >( null );
	const [ message, setMessage ] = useState< Message | null >( null );
	const [ confirming, setConfirming ] = useState( false );
	const base = `/integration/integrations/${ integration.id }/`;
	const syncOn = integration.is_active && integration.sync_enabled;
	const syncing =
		integration.sync_state === 'queued' ||
		integration.sync_state === 'running';
	let fullSyncBlocker: string | undefined;
	if ( ! syncOn ) {
		fullSyncBlocker = __( 'Resume sync first.' );
	} else if ( syncing ) {
		fullSyncBlocker = __( 'A sync is already under way.' );
	}

	const act = async (
		action: Action,
		call: () => Promise< string >,
		done: ( text: string ) => void = ( text ) => {
			setMessage( { status: 'success', text } );
			onChanged();
		}
	): Promise< void > => {
		setBusy( action );
		setMessage( null );
		try {
			done( await call() );
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setBusy( null );
		}
	};

	const check = () =>
		act( 'check', async () =>
			versionsOf(
				await client.post< Integration >(
					`${ base }update-structure/`,
					{}
				)
			)
		);

	const fullSync = () =>
		act( 'sync', async () => {
			await client.post( `${ base }sync/`, { mode: 'full' } );
			return __(
				'A full sync is queued: every post is pulled from WordPress again. The connection shows “Syncing” until it is done.'
			);
		} );

	const toggleSync = () =>
		act( 'pause', async () => {
			await client.patch( base, {
				sync_enabled: ! integration.sync_enabled,
			} );
			return integration.sync_enabled
				? __(
						'Sync is paused: nothing is pulled from or published to this site until you resume it.'
					)
				: __( 'Sync is on again.' );
		} );

	const disconnect = () => {
		setConfirming( false );
		return act(
			'disconnect',
			async () => {
				// The key first: once it is revoked the site can no longer call
				// the cloud, whatever happens to the second call.
				if ( integration.key_id !== null ) {
					await client.delete(
						`/auth/sites/${ integration.site_id }/api-keys/${ integration.key_id }/`
					);
				}
				await client.delete( base );
				return __(
					'The site is disconnected. Its posts and IGNY8’s content stay where they are; to connect it again, create a key below and paste it into IGNY8 → Settings in WordPress.'
				);
			},
			onDisconnected
		);
	};

	return (
		<div className="igny8c-actions">
			{ message && (
				<Notice
					status={ message.status }
					onRemove={ () => setMessage( null ) }
				>
					{ message.text }
				</Notice>
			) }
			<Button
				__next40pxDefaultSize
				variant="secondary"
				isBusy={ busy === 'check' }
				disabled={ busy !== null }
				onClick={ check }
			>
				{ __( 'Check connection' ) }
			</Button>
			<Button
				__next40pxDefaultSize
				variant="secondary"
				isBusy={ busy === 'sync' }
				disabled={ busy !== null || ! syncOn || syncing }
				accessibleWhenDisabled
				describedBy={ fullSyncBlocker }
				onClick={ fullSync }
			>
				{ __( 'Full sync' ) }
			</Button>
			<Button
				__next40pxDefaultSize
				variant="secondary"
				isBusy={ busy === 'pause' }
				disabled={ busy !== null }
				onClick={ toggleSync }
			>
				{ integration.sync_enabled
					? __( 'Pause sync' )
					: __( 'Resume sync' ) }
			</Button>
			<Button
				__next40pxDefaultSize
				variant="secondary"
				isDestructive
				isBusy={ busy === 'disconnect' }
				disabled={ busy !== null }
				onClick={ () => setConfirming( true ) }
			>
				{ __( 'Disconnect' ) }
			</Button>
			{ confirming && (
				<ConfirmModal
					title={ __( 'Disconnect this site?' ) }
					confirmLabel={ __( 'Disconnect' ) }
					onConfirm={ disconnect }
					onCancel={ () => setConfirming( false ) }
				>
					<p>
						{ __(
							'The cloud stops syncing and publishing to this site, and the key it is connected with is revoked at once, so the site cannot call the cloud either.'
						) }
					</p>
					<p>
						{ __(
							'Nothing is deleted: the WordPress posts, and the keywords, ideas and drafts in IGNY8, stay. To connect again, create a new key and paste it into IGNY8 → Settings in WordPress.'
						) }
					</p>
				</ConfirmModal>
			) }
		</div>
	);
}

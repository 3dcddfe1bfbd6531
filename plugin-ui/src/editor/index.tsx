/**
 * The block editor's IGNY8 sidebar and document-settings panel. Its own
 * entry point: the post editor never loads the workspace screens.
 */

/**
 * External dependencies
 */
import type { Balance } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { Button, createSlotFill, Notice } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { PluginDocumentSettingPanel, PluginSidebar } from '@wordpress/editor';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { registerPlugin } from '@wordpress/plugins';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { getBootData } from '../boot';

/** Where the optimizer and linker panels plug in (e.g. `<Igny8SidebarPanels.Fill>`). */
export const Igny8SidebarPanels = createSlotFill( 'Igny8SidebarPanels' );

interface Igny8Meta {
	_igny8_task_id?: number;
	_igny8_content_id?: number;
	_igny8_revision?: number;
	_igny8_managed?: string;
	_igny8_last_synced?: string;
	_igny8_wordpress_status?: string;
}

function usePostInfo() {
	return useSelect( ( select ) => {
		const editor = select( 'core/editor' ) as any;
		return {
			postId: editor.getCurrentPostId() as number | null,
			meta: ( editor.getEditedPostAttribute( 'meta' ) ??
				{} ) as Igny8Meta,
		};
	}, [] );
}

function Info() {
	const { postId, meta } = usePostInfo();
	const [ state, setState ] = useState< 'idle' | 'busy' | 'done' >( 'idle' );
	const [ error, setError ] = useState< string | null >( null );
	const managed = meta._igny8_managed === '1' || !! meta._igny8_content_id;
	if ( ! managed ) {
		return (
			<p className="igny8-editor__unmanaged">
				{ __(
					'This post was not written by IGNY8. Its changes still sync to your IGNY8 site data.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	const resync = async () => {
		setState( 'busy' );
		setError( null );
		try {
			await apiFetch( {
				path: `/${ getBootData().restNamespace }/editor/resync/${ postId }`,
				method: 'POST',
			} );
			setState( 'done' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not resync.', 'igny8-bridge' )
				)
			);
			setState( 'idle' );
		}
	};
	return (
		<div className="igny8-editor__info">
			<dl>
				<dt>{ __( 'Task', 'igny8-bridge' ) }</dt>
				<dd>
					{ meta._igny8_task_id ? `#${ meta._igny8_task_id }` : '—' }
				</dd>
				<dt>{ __( 'Content', 'igny8-bridge' ) }</dt>
				<dd>
					{ meta._igny8_content_id
						? `#${ meta._igny8_content_id }`
						: '—' }
					{ meta._igny8_revision
						? ` · r${ meta._igny8_revision }`
						: '' }
				</dd>
				<dt>{ __( 'Last sync', 'igny8-bridge' ) }</dt>
				<dd>{ meta._igny8_last_synced || '—' }</dd>
			</dl>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ state === 'done' && (
				<Notice status="success" isDismissible={ false }>
					{ __( 'Sent to IGNY8.', 'igny8-bridge' ) }
				</Notice>
			) }
			<Button
				variant="secondary"
				onClick={ resync }
				isBusy={ state === 'busy' }
				disabled={ state === 'busy' || ! postId }
				accessibleWhenDisabled
			>
				{ __( 'Resync now', 'igny8-bridge' ) }
			</Button>
		</div>
	);
}

function Credits() {
	const [ balance, setBalance ] = useState< Balance | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	useEffect( () => {
		getClient()
			.get< Balance >( '/billing/balance/' )
			.then( setBalance, ( failure: unknown ) =>
				setError(
					errorMessage(
						failure,
						__( 'Credits unavailable.', 'igny8-bridge' )
					)
				)
			);
	}, [] );
	if ( error ) {
		return <p className="igny8-editor__credits">{ error }</p>;
	}
	return (
		<p className="igny8-editor__credits">
			{ balance
				? sprintf(
						/* translators: %d: credits balance. */
						__( 'Credits: %d', 'igny8-bridge' ),
						balance.credits
					)
				: __( 'Loading credits…', 'igny8-bridge' ) }
		</p>
	);
}

function Igny8Sidebar() {
	return (
		<>
			<PluginDocumentSettingPanel
				name="igny8-document"
				title={ __( 'IGNY8', 'igny8-bridge' ) }
			>
				<Info />
			</PluginDocumentSettingPanel>
			<PluginSidebar
				name="igny8-sidebar"
				title={ __( 'IGNY8', 'igny8-bridge' ) }
				icon="chart-area"
			>
				<div className="igny8-editor">
					<Info />
					<Credits />
					<Igny8SidebarPanels.Slot />
				</div>
			</PluginSidebar>
		</>
	);
}

registerPlugin( 'igny8-bridge', { render: Igny8Sidebar, icon: 'chart-area' } );

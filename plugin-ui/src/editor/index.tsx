/**
 * The block editor's IGNY8 sidebar and document-settings panel. Its own
 * entry point: the post editor never loads the workspace screens.
 */

/**
 * External dependencies
 */
import type { Balance, Content } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	createSlotFill,
	Notice,
	PanelBody,
} from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import {
	PluginDocumentSettingPanel,
	PluginSidebar,
	PluginSidebarMoreMenuItem,
} from '@wordpress/editor';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { registerPlugin } from '@wordpress/plugins';

/**
 * Internal dependencies
 */
import { getClient, getSession, type CloudSession } from '../api';
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import { getBootData } from '../boot';
import { DraftImages } from '../components/draft-images';
import { ErrorNotice, Loading } from '../components/states';
import '../store/jobs';
import '../store/writer';
import './index.scss';

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
				<dd>
					{ meta._igny8_last_synced
						? new Date( meta._igny8_last_synced ).toLocaleString()
						: '—' }
				</dd>
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

type Failure = { message: string; kind?: ApiErrorKind };

/**
 * The IGNY8 content behind this post and the cloud session's role: what the
 * images panel needs before it can show anything.
 * @param contentId The post's `_igny8_content_id`.
 */
function useManagedContent( contentId: number | undefined ) {
	const [ state, setState ] = useState< {
		content: Content | null;
		session: CloudSession | null;
		error: Failure | null;
	} >( { content: null, session: null, error: null } );
	useEffect( () => {
		if ( ! contentId ) {
			return;
		}
		let live = true;
		Promise.all( [
			getSession().get(),
			getClient().get< Content >( `/writer/content/${ contentId }/` ),
		] ).then(
			( [ session, content ] ) =>
				live && setState( { content, session, error: null } ),
			( failure: unknown ) =>
				live &&
				setState( {
					content: null,
					session: null,
					error: {
						message:
							isApiError( failure ) &&
							failure.kind === 'not_found'
								? __(
										'The IGNY8 content of this post no longer exists in the cloud.',
										'igny8-bridge'
									)
								: errorMessage(
										failure,
										__(
											'Could not load this post’s IGNY8 content.',
											'igny8-bridge'
										)
									),
						kind: isApiError( failure ) ? failure.kind : undefined,
					},
				} )
		);
		return () => {
			live = false;
		};
	}, [ contentId ] );
	return state;
}

/** The post's IGNY8 images: generate, redraw, choose the featured one, alt text. */
function Images() {
	const { meta } = usePostInfo();
	const contentId = meta._igny8_content_id || undefined;
	const { content, session, error } = useManagedContent( contentId );
	// Re-attach to the site's queued and running runs (a reload mid-run).
	useSelect(
		( select ) =>
			session ? ( select( 'igny8/jobs' ) as any ).getActiveRuns() : null,
		[ session ]
	);
	if ( ! contentId ) {
		return null;
	}
	return (
		<PanelBody
			title={ __( 'Images', 'igny8-bridge' ) }
			className="igny8-editor__images"
		>
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			{ ! error && ( ! content || ! session ) && <Loading /> }
			{ content && session && (
				<>
					<DraftImages
						contentId={ content.id }
						taskId={ content.task_id }
						canEdit={ session.role !== 'viewer' }
						heading={ false }
					/>
					<p className="igny8-editor__hint">
						{ __(
							'The featured image and the others reach this post the next time IGNY8 sends it (IGNY8 → Content → Send to WordPress).',
							'igny8-bridge'
						) }
					</p>
				</>
			) }
		</PanelBody>
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
			{ /* The way in on small screens, where pinned sidebar buttons are hidden. */ }
			<PluginSidebarMoreMenuItem target="igny8-sidebar" icon="chart-area">
				{ __( 'IGNY8', 'igny8-bridge' ) }
			</PluginSidebarMoreMenuItem>
			<PluginSidebar
				name="igny8-sidebar"
				title={ __( 'IGNY8', 'igny8-bridge' ) }
				icon="chart-area"
			>
				<div className="igny8-editor">
					<Info />
					<Credits />
					<Images />
					<Igny8SidebarPanels.Slot />
				</div>
			</PluginSidebar>
		</>
	);
}

registerPlugin( 'igny8-bridge', { render: Igny8Sidebar, icon: 'chart-area' } );

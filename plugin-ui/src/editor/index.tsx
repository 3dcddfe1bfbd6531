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
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { getBootData } from '../boot';
import { DraftImages } from '../components/draft-images';
import { draftStateLabel } from '../components/draft-review-handoff';
import { publishStateLabel } from '../components/draft-review-publish';
import { ErrorNotice, Loading } from '../components/states';
import { ConvertToBlocks } from './convert-to-blocks';
import './links-panel';
import { OptimizerPanel } from './optimizer-panel';
import { isManaged, usePostInfo } from './post-meta';
import { SectionPanel } from './section-panel';
import { SeoPanel } from './seo-panel';
import { useManagedContent, type ManagedContent } from './use-managed-content';
import '../store/jobs';
import '../store/writer';
import './index.scss';

/** Where the optimizer and linker panels plug in (e.g. `<Igny8SidebarPanels.Fill>`). */
export const Igny8SidebarPanels = createSlotFill( 'Igny8SidebarPanels' );

/** wp-admin's IGNY8 → Tasks screen. */
function tasksScreenUrl(): string {
	const admin = getBootData().adminUrl.replace( /\/?$/, '/' );
	return `${ admin }admin.php?page=igny8-tasks`;
}

/**
 * Where this post stands, in words: IGNY8's view of it and the last time IGNY8 sent it.
 * @param props         Component props.
 * @param props.content The IGNY8 content.
 * @param props.record  Its last publication, if any.
 */
function SyncState( {
	content,
	record,
}: {
	content: ManagedContent[ 'content' ];
	record: ManagedContent[ 'record' ];
} ) {
	if ( ! content ) {
		return <>—</>;
	}
	return (
		<>
			{ draftStateLabel( content ) }
			{ record && (
				<span className="igny8-editor__record">
					{ record.status === 'published'
						? sprintf(
								/* translators: %s: date and time. */
								__( 'Last sent by IGNY8: %s', 'igny8-bridge' ),
								new Date(
									record.published_at ?? record.updated_at
								).toLocaleString()
							)
						: publishStateLabel( record ) }
				</span>
			) }
		</>
	);
}

function Info() {
	const { postId, meta, permalink, status } = usePostInfo();
	const [ state, setState ] = useState< 'idle' | 'busy' | 'done' >( 'idle' );
	const [ error, setError ] = useState< string | null >( null );
	const managed = isManaged( meta );
	const loaded = useManagedContent(
		managed ? meta._igny8_content_id || undefined : undefined
	);
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
	const { task, content, record } = loaded;
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
	const keywords = task?.target_keywords ?? [];
	return (
		<div className="igny8-editor__info">
			{ loaded.error && (
				<ErrorNotice
					message={ loaded.error.message }
					kind={ loaded.error.kind }
				/>
			) }
			<dl>
				<dt>{ __( 'Task', 'igny8-bridge' ) }</dt>
				<dd className="igny8-editor__task">
					{ task ? (
						<a href={ tasksScreenUrl() }>{ task.title }</a>
					) : (
						'—'
					) }
				</dd>
				<dt>{ __( 'Target keywords', 'igny8-bridge' ) }</dt>
				<dd>
					{ keywords.length > 0 ? (
						<ul className="igny8-editor__keywords">
							{ keywords.map( ( keyword ) => (
								<li key={ keyword }>{ keyword }</li>
							) ) }
						</ul>
					) : (
						'—'
					) }
				</dd>
				<dt>{ __( 'State', 'igny8-bridge' ) }</dt>
				<dd className="igny8-editor__state">
					<SyncState content={ content } record={ record } />
				</dd>
				<dt>{ __( 'Last sync', 'igny8-bridge' ) }</dt>
				<dd>
					{ meta._igny8_last_synced
						? new Date( meta._igny8_last_synced ).toLocaleString()
						: '—' }
				</dd>
			</dl>
			{ permalink && (
				<p>
					<a href={ permalink } target="_blank" rel="noreferrer">
						{ status === 'publish'
							? __( 'View post', 'igny8-bridge' )
							: __( 'Preview post', 'igny8-bridge' ) }
					</a>
				</p>
			) }
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
			<ConvertToBlocks />
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
					<SeoPanel />
					<OptimizerPanel />
					<SectionPanel />
					<Images />
					<Igny8SidebarPanels.Slot />
				</div>
			</PluginSidebar>
		</>
	);
}

registerPlugin( 'igny8-bridge', { render: Igny8Sidebar, icon: 'chart-area' } );

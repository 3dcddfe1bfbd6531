/**
 * "Open in editor" and "View post" for a draft: a draft that is not in
 * WordPress yet is first sent as a WordPress draft (the ordinary publish
 * flow, status draft), then wp-admin's block editor opens on the post, where
 * the sidebar script turns its HTML into blocks.
 */

/**
 * External dependencies
 */
import type { Content, PublishingRecord } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import { label } from '../labels';
import { postLinks, type PostLinks } from '../post-links';
import { ErrorNotice } from './states';

const POLL_MS = 1000;
/** The publisher retries on its own; past this the person is told instead of left waiting. */
const GIVE_UP_MS = 90_000;

type Failure = { message: string; kind?: ApiErrorKind };

/**
 * Waits for the publishing record of `contentId` to settle and answers the
 * WordPress post it made.
 * @param contentId The content sent.
 * @param alive     False once the screen is gone (stop polling).
 */
async function settledPost(
	contentId: number,
	alive: () => boolean
): Promise< number > {
	const deadline = Date.now() + GIVE_UP_MS;
	while ( alive() && Date.now() < deadline ) {
		const { results } = await getClient().list< PublishingRecord >(
			'/publisher/publishing-records/',
			{ content_id: contentId, ordering: '-id', page_size: 1 }
		);
		const record = results[ 0 ];
		if ( record?.status === 'published' && record.post_id ) {
			return record.post_id;
		}
		if ( record?.status === 'failed' || record?.status === 'conflict' ) {
			throw new Error(
				record.last_error ||
					__(
						'WordPress did not accept the draft. Check the connection on IGNY8 → Settings and try again.',
						'igny8-bridge'
					)
			);
		}
		await new Promise( ( resolve ) => setTimeout( resolve, POLL_MS ) );
	}
	throw new Error(
		__(
			'Sending the draft to WordPress is taking longer than expected. It will carry on in the background; try “Open in editor” again in a minute.',
			'igny8-bridge'
		)
	);
}

/**
 * Where the draft stands, in words. The cloud keeps `draft` until the post
 * goes live, though a draft sent to WordPress is there all the same.
 * @param content The draft.
 */
export function draftStateLabel(
	content: Pick< Content, 'sync_status' | 'external_id' >
): string {
	return content.sync_status === 'draft' && content.external_id
		? __( 'Draft in WordPress', 'igny8-bridge' )
		: label( 'syncStatus', content.sync_status );
}

/**
 * Opens the block editor on the draft's post, sending the draft to WordPress first when needed.
 * @param content The draft.
 */
export function useOpenInEditor( content: Content ) {
	const { publishContent, invalidate } = useDispatch( 'igny8/writer' ) as any;
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< Failure | null >( null );
	const mounted = useRef( true );
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[]
	);
	const open = async () => {
		const links = postLinks( content );
		if ( links ) {
			window.location.assign( links.edit );
			return;
		}
		setBusy( true );
		setError( null );
		try {
			await publishContent( [ content.id ], 'draft' );
			const postId = await settledPost(
				content.id,
				() => mounted.current
			);
			invalidate( 'content', 'records', 'tasks' );
			const made = postLinks( {
				external_id: String( postId ),
				sync_status: 'synced',
			} );
			if ( made && mounted.current ) {
				window.location.assign( made.edit );
			}
		} catch ( failure ) {
			if ( mounted.current ) {
				setError( {
					message: errorMessage(
						failure,
						__(
							'Could not send the draft to WordPress.',
							'igny8-bridge'
						)
					),
					kind: isApiError( failure ) ? failure.kind : undefined,
				} );
				setBusy( false );
			}
		}
	};
	return { open, busy, error };
}

/**
 * "View post" (or "Preview" while it is not public) for content in WordPress.
 * @param props       Component props.
 * @param props.links The post's links.
 */
export function ViewPostLink( { links }: { links: PostLinks } ) {
	return (
		<Button variant="link" href={ links.view } target="_blank">
			{ links.isPreview
				? __( 'Preview post', 'igny8-bridge' )
				: __( 'View post', 'igny8-bridge' ) }
		</Button>
	);
}

/**
 * The handoff buttons for one draft.
 * @param props         Component props.
 * @param props.content The draft.
 * @param props.canEdit Whether the user may send it to WordPress.
 */
export function DraftHandoff( {
	content,
	canEdit,
}: {
	content: Content;
	canEdit: boolean;
} ) {
	const { open, busy, error } = useOpenInEditor( content );
	const links = postLinks( content );
	return (
		<div className="igny8-handoff">
			<div className="igny8-handoff__actions">
				{ ( links || canEdit ) && (
					<Button
						variant="primary"
						onClick={ open }
						isBusy={ busy }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ busy
							? __( 'Sending to WordPress…', 'igny8-bridge' )
							: __( 'Open in editor', 'igny8-bridge' ) }
					</Button>
				) }
				{ links && <ViewPostLink links={ links } /> }
			</div>
			{ ! links && canEdit && (
				<p className="igny8-handoff__hint">
					{ __(
						'Opening it in the editor first saves it to WordPress as a draft; nothing is published.',
						'igny8-bridge'
					) }
				</p>
			) }
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
		</div>
	);
}

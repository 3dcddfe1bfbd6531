/**
 * The publish panel of a draft under review: send it to this WordPress site
 * as a draft, now or on a date, and see what happened the last time.
 */

/**
 * External dependencies
 */
import type { Content, PublishingRecord } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	RadioControl,
	TextControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import { getBootData } from '../boot';
import { useList } from '../hooks/use-list';
import { label } from '../labels';
import { postLinks } from '../post-links';
import { ErrorNotice } from './states';

const WRITER = 'igny8/writer';
const PUBLISH_POLL_MS = 1500;

/**
 * What the last send did, in words: "In WordPress: Draft" once it went
 * through, otherwise where it stands ("Waiting to publish", "Failed"…).
 * @param record The publishing record.
 */
export function publishStateLabel(
	record: Pick< PublishingRecord, 'status' | 'wp_status' >
): string {
	return record.status === 'published'
		? sprintf(
				/* translators: %s: the WordPress post status, e.g. "Draft" or "Published". */
				__( 'In WordPress: %s', 'igny8-bridge' ),
				label( 'postStatus', record.wp_status )
			)
		: label( 'publishingStatus', record.status );
}

function publishNoticeStatus(
	status: PublishingRecord[ 'status' ]
): 'success' | 'error' | 'info' {
	if ( status === 'published' ) {
		return 'success';
	}
	return status === 'conflict' || status === 'failed' ? 'error' : 'info';
}

/**
 * Send to WordPress as a draft, now or on a date, and what happened last time.
 * @param props         Component props.
 * @param props.content The draft.
 */
export function PublishPanel( { content }: { content: Content } ) {
	const { publishContent, invalidate } = useDispatch( WRITER ) as any;
	// Starts on the site's default status (IGNY8 → Settings → Publishing).
	const [ mode, setMode ] = useState< string >(
		getBootData().publishStatus ?? 'draft'
	);
	const [ when, setWhen ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< {
		message: string;
		kind?: ApiErrorKind;
	} | null >( null );
	const records = useList< PublishingRecord >(
		WRITER,
		'getPublishingRecords',
		'records',
		{
			content_id: content.id,
			ordering: '-id',
			page_size: 5,
		}
	);
	// Kept while the list reloads, so the status does not flicker away.
	const kept = useRef< PublishingRecord | undefined >( undefined );
	if ( records.items[ 0 ] ) {
		kept.current = records.items[ 0 ];
	}
	const latest = records.items[ 0 ] ?? kept.current;
	const pending =
		latest?.status === 'queued' || latest?.status === 'publishing';
	const links = postLinks(
		content.external_id || ! latest?.post_id
			? content
			: {
					external_id: String( latest.post_id ),
					sync_status: content.sync_status,
				}
	);
	useEffect( () => {
		if ( ! pending ) {
			return;
		}
		// The publisher works in the background: look again until the record settles.
		const timer = setInterval(
			() => invalidate( 'records', 'content', 'tasks' ),
			PUBLISH_POLL_MS
		);
		return () => clearInterval( timer );
	}, [ pending, invalidate ] );
	const publish = async ( force = false ) => {
		setBusy( true );
		setError( null );
		try {
			await publishContent(
				[ content.id ],
				mode,
				mode === 'future' && when
					? new Date( when ).toISOString()
					: undefined,
				force
			);
		} catch ( failure ) {
			setError( {
				message: errorMessage(
					failure,
					__( 'Could not publish.', 'igny8-bridge' )
				),
				kind: isApiError( failure ) ? failure.kind : undefined,
			} );
		} finally {
			setBusy( false );
		}
	};
	return (
		<section
			className="igny8-publish"
			aria-label={ __( 'Publish', 'igny8-bridge' ) }
		>
			<h3>{ __( 'Publish to this site', 'igny8-bridge' ) }</h3>
			{ latest && (
				<Notice
					status={ publishNoticeStatus( latest.status ) }
					isDismissible={ false }
				>
					<span
						className="igny8-publish__status"
						data-status={ latest.status }
					>
						{ publishStateLabel( latest ) }
					</span>
					{ links && (
						<>
							{ ' ' }
							<a href={ links.edit }>
								{ __( 'Open in editor', 'igny8-bridge' ) }
							</a>
							{ ' · ' }
							<a href={ links.view }>
								{ links.isPreview
									? __( 'Preview post', 'igny8-bridge' )
									: __( 'View post', 'igny8-bridge' ) }
							</a>
						</>
					) }
					{ latest.status === 'conflict' && (
						<p>
							{ __(
								'The post was edited in WordPress since IGNY8 last published it.',
								'igny8-bridge'
							) }{ ' ' }
							<Button
								variant="secondary"
								isDestructive
								onClick={ () => publish( true ) }
							>
								{ __(
									'Overwrite the WordPress edits',
									'igny8-bridge'
								) }
							</Button>
						</p>
					) }
					{ latest.last_error && <p>{ latest.last_error }</p> }
				</Notice>
			) }
			<RadioControl
				label={ __( 'How', 'igny8-bridge' ) }
				selected={ mode }
				onChange={ setMode }
				options={ [
					{
						value: 'draft',
						label: __( 'As a draft', 'igny8-bridge' ),
					},
					{
						value: 'pending',
						label: __( 'For review (pending)', 'igny8-bridge' ),
					},
					{
						value: 'publish',
						label: __( 'Publish now', 'igny8-bridge' ),
					},
					{
						value: 'future',
						label: __( 'Schedule', 'igny8-bridge' ),
					},
				] }
			/>
			{ mode === 'future' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="datetime-local"
					label={ __( 'Publish on', 'igny8-bridge' ) }
					value={ when }
					onChange={ setWhen }
				/>
			) }
			{ error && (
				<ErrorNotice message={ error.message } kind={ error.kind } />
			) }
			<Button
				variant="primary"
				onClick={ () => publish() }
				isBusy={ busy }
				disabled={ busy || ( mode === 'future' && ! when ) }
				accessibleWhenDisabled
			>
				{ __( 'Send to WordPress', 'igny8-bridge' ) }
			</Button>
		</section>
	);
}

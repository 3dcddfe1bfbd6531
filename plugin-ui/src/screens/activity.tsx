/**
 * External dependencies
 */
import type { AiRun, Content, PublishingRecord } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal, TabPanel } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { getBootData, type ScreenId } from '../boot';
import { DataView, type Action, type Filter } from '../components/data-view';
import { announce } from '../components/data-view/notices';
import { EmptyState, ErrorNotice } from '../components/states';
import { useList } from '../hooks/use-list';
import { useUrlTab } from '../hooks/use-url-tab';
import {
	ADDED_RANGE,
	oneOf,
	useUrlView,
	viewQuery,
	type View,
	type ViewSpec,
} from '../hooks/use-url-view';
import { label, labelOptions } from '../labels';
import { postLinks } from '../post-links';
import { safeUrl } from '../safe-url';
import { ACTIVITY, type OutboxEvent } from '../store/activity';
import { postSiteAction } from '../store/settings/site';
import { PER_PAGE_OPTIONS, useCanEdit } from './keywords';
import { WithCloudSession } from './settings/index';
import type { ScreenProps } from './types';
import './activity.scss';

type TabName = 'runs' | 'publishing' | 'outbox';
const TAB_NAMES: TabName[] = [ 'runs', 'publishing', 'outbox' ];

/**
 * A time as the person's locale writes it; a dash for none.
 * @param value An ISO time or null.
 */
function when( value: string | null | undefined ): string {
	return value ? new Date( value ).toLocaleString() : '—';
}

/** The “From / Until” day filters (the cloud's created_after/created_before). */
function dayFilters(): Filter[] {
	return [
		{
			id: 'created_after',
			type: 'date',
			label: __( 'From', 'igny8-bridge' ),
		},
		{
			id: 'created_before',
			type: 'date',
			label: __( 'Until', 'igny8-bridge' ),
		},
	];
}

/**
 * An error as a person reads it: the cloud's words, or a dash.
 * @param props      Component props.
 * @param props.text The error, if any.
 */
function ErrorText( { text }: { text: string | null } ) {
	return text ? (
		<span className="igny8-activity__error">{ text }</span>
	) : (
		<>{ '—' }</>
	);
}

/* ------------------------------------------------------------------ Runs */

const RUN_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [
			'queued',
			'running',
			'succeeded',
			'failed',
			'cancelled',
		] ),
		function_name: oneOf( [
			'auto_cluster',
			'generate_ideas',
			'generate_content',
			'generate_image_prompts',
			'generate_images',
			'regenerate_section',
			'optimize_content',
		] ),
		...ADDED_RANGE,
	},
	sortFields: [ 'created_at', 'status' ],
	defaultSort: '-created_at',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'status', 'started', 'finished', 'credits', 'error' ],
};

/** The screen where a run's results are. */
const RESULTS_SCREEN: Record< string, ScreenId > = {
	auto_cluster: 'clusters',
	generate_ideas: 'ideas',
	generate_content: 'content',
	generate_image_prompts: 'images',
	generate_images: 'images',
	regenerate_section: 'content',
	optimize_content: 'optimizer',
};

/**
 * “12 AI runs”.
 * @param count How many.
 */
function runCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of AI runs. */
		_n( '%s AI run', '%s AI runs', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * “3 credits”.
 * @param count How many.
 */
function credits( count: number ): string {
	return sprintf(
		/* translators: %s: number of credits. */
		_n( '%s credit', '%s credits', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

function RunsTab() {
	const canEdit = useCanEdit();
	const [ view, setView ] = useUrlView( RUN_VIEW );
	const { invalidate } = useDispatch( ACTIVITY ) as any;
	const { receiveRuns } = useDispatch( 'igny8/jobs' ) as any;
	const runs = useList< AiRun >(
		ACTIVITY,
		'getRuns',
		'runs',
		viewQuery( view )
	);
	const { pages } = getBootData();
	const isActive = ( run: AiRun ) =>
		run.status === 'queued' || run.status === 'running';

	const actions: Action< AiRun >[] = [
		{
			id: 'results',
			label: __( 'Show what it made', 'igny8-bridge' ),
			href: ( run ) => {
				const screen = RESULTS_SCREEN[ run.function_name ];
				return run.status === 'succeeded' && screen
					? ( safeUrl( pages[ screen ] ) ?? null )
					: null;
			},
		},
		...( canEdit
			? [
					{
						id: 'cancel',
						label: __( 'Stop run', 'igny8-bridge' ),
						isDestructive: true,
						isEligible: isActive,
						confirm: ( items: AiRun[] ) =>
							sprintf(
								/* translators: %s: what the run does, e.g. “Write drafts”. */
								__(
									'Stop the “%s” run? Nothing it has made so far is kept, and its credits are refunded.',
									'igny8-bridge'
								),
								label( 'aiFunction', items[ 0 ]?.function_name )
							),
						confirmLabel: __( 'Stop run', 'igny8-bridge' ),
						callback: async ( items: AiRun[] ) => {
							const run = items[ 0 ];
							if ( ! run ) {
								return;
							}
							const cancelled = await getClient().post< AiRun >(
								`/system/ai-runs/${ run.id }/cancel/`
							);
							// The jobs store follows live runs: it must see this one end too.
							receiveRuns( [ cancelled ] );
							invalidate( 'runs' );
							announce(
								sprintf(
									/* translators: %s: what the run did, e.g. “Write drafts”. */
									__(
										'The “%s” run was stopped; its credits were refunded.',
										'igny8-bridge'
									),
									label( 'aiFunction', run.function_name )
								)
							);
						},
					},
				]
			: [] ),
	];

	return (
		<DataView< AiRun >
			label={ __( 'AI runs', 'igny8-bridge' ) }
			fields={ [
				{
					id: 'function',
					label: __( 'AI action', 'igny8-bridge' ),
					enableHiding: false,
					render: ( run ) => (
						<strong>
							{ label( 'aiFunction', run.function_name ) }
						</strong>
					),
				},
				{
					id: 'status',
					label: __( 'Status', 'igny8-bridge' ),
					sortField: 'status',
					render: ( run ) => (
						<span
							className="igny8-status"
							data-status={ run.status }
						>
							{ label( 'runStatus', run.status ) }
						</span>
					),
				},
				{
					id: 'started',
					label: __( 'Started', 'igny8-bridge' ),
					sortField: 'created_at',
					render: ( run ) =>
						run.started_at
							? when( run.started_at )
							: __( 'Not started yet', 'igny8-bridge' ),
				},
				{
					id: 'finished',
					label: __( 'Finished', 'igny8-bridge' ),
					render: ( run ) => when( run.finished_at ),
				},
				{
					id: 'credits',
					label: __( 'Credits', 'igny8-bridge' ),
					render: ( run ) =>
						isActive( run )
							? sprintf(
									/* translators: %s: e.g. “3 credits”. */
									__( '%s reserved', 'igny8-bridge' ),
									credits( run.credits_reserved )
								)
							: credits( run.credits_charged ),
				},
				{
					id: 'error',
					label: __( 'Problem', 'igny8-bridge' ),
					render: ( run ) => <ErrorText text={ run.error } />,
				},
			] }
			filters={ [
				{
					id: 'status',
					type: 'select',
					label: __( 'Status', 'igny8-bridge' ),
					anyLabel: __( 'Any status', 'igny8-bridge' ),
					options: labelOptions( 'runStatus' ),
				},
				{
					id: 'function_name',
					type: 'select',
					label: __( 'AI action', 'igny8-bridge' ),
					anyLabel: __( 'Any AI action', 'igny8-bridge' ),
					options: labelOptions( 'aiFunction' ),
				},
				...dayFilters(),
			] }
			view={ view }
			onChangeView={ setView }
			perPageOptions={ PER_PAGE_OPTIONS }
			items={ runs.items }
			count={ runs.count }
			isLoading={ runs.isLoading }
			error={ runs.error }
			actions={ actions }
			itemTitle={ ( run ) => label( 'aiFunction', run.function_name ) }
			countLabel={ runCount }
			empty={ {
				title: __(
					'No AI runs yet — they appear here when you cluster keywords, generate ideas or write drafts.',
					'igny8-bridge'
				),
				body: (
					<p>
						{ __(
							'Each run shows what it cost and, if it failed, why.',
							'igny8-bridge'
						) }
					</p>
				),
			} }
			emptyFiltered={ __(
				'No AI runs match these filters.',
				'igny8-bridge'
			) }
		/>
	);
}

/* ------------------------------------------------------------ Publishing */

const RECORD_VIEW: ViewSpec = {
	filters: {
		status: oneOf( [
			'queued',
			'publishing',
			'published',
			'failed',
			'conflict',
		] ),
		...ADDED_RANGE,
	},
	sortFields: [ 'created_at', 'updated_at', 'status' ],
	defaultSort: '-updated_at',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'status', 'when', 'error' ],
};

/**
 * “12 publications”.
 * @param count How many.
 */
function recordCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of publishing records. */
		_n( '%s publication', '%s publications', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * A record's links: the post it became in this WordPress.
 * @param record The publishing record.
 */
function recordLinks( record: PublishingRecord ) {
	return postLinks( {
		external_id: record.post_id === null ? null : String( record.post_id ),
		sync_status:
			record.status === 'published' && record.wp_status === 'publish'
				? 'published'
				: 'draft',
	} );
}

/**
 * The title of the draft a record published, loaded with the writer store.
 * @param props           Component props.
 * @param props.contentId The content.
 */
function ContentTitle( { contentId }: { contentId: number } ) {
	const content = useSelect(
		( select ) =>
			( select( 'igny8/writer' ) as any ).getContent( contentId ) as
				Content | undefined,
		[ contentId ]
	);
	return (
		<strong>
			{ content?.title ??
				sprintf(
					/* translators: %d: a draft's number in IGNY8. */
					__( 'Draft #%d', 'igny8-bridge' ),
					contentId
				) }
		</strong>
	);
}

function PublishingTab() {
	const [ view, setView ] = useUrlView( RECORD_VIEW );
	const records = useList< PublishingRecord >(
		'igny8/writer',
		'getPublishingRecords',
		'records',
		viewQuery( view )
	);
	const actions: Action< PublishingRecord >[] = [
		{
			id: 'edit-post',
			label: __( 'Open in editor', 'igny8-bridge' ),
			href: ( record ) => recordLinks( record )?.edit ?? null,
		},
		{
			id: 'view-post',
			label: __( 'View post', 'igny8-bridge' ),
			href: ( record ) => {
				const links = recordLinks( record );
				return links && ! links.isPreview ? links.view : null;
			},
		},
		{
			id: 'preview-post',
			label: __( 'Preview post', 'igny8-bridge' ),
			href: ( record ) => {
				const links = recordLinks( record );
				return links && links.isPreview ? links.view : null;
			},
		},
	];
	return (
		<DataView< PublishingRecord >
			label={ __( 'Publishing', 'igny8-bridge' ) }
			fields={ [
				{
					id: 'content',
					label: __( 'Draft', 'igny8-bridge' ),
					enableHiding: false,
					render: ( record ) => (
						<ContentTitle contentId={ record.content_id } />
					),
				},
				{
					id: 'status',
					label: __( 'Status', 'igny8-bridge' ),
					sortField: 'status',
					render: ( record ) => (
						<span
							className="igny8-status"
							data-status={ record.status }
						>
							{ label( 'publishingStatus', record.status ) }
						</span>
					),
				},
				{
					id: 'when',
					label: __( 'When', 'igny8-bridge' ),
					sortField: 'updated_at',
					render: ( record ) =>
						when( record.published_at ?? record.updated_at ),
				},
				{
					id: 'error',
					label: __( 'Problem', 'igny8-bridge' ),
					render: ( record ) => (
						<ErrorText text={ record.last_error } />
					),
				},
			] }
			filters={ [
				{
					id: 'status',
					type: 'select',
					label: __( 'Status', 'igny8-bridge' ),
					anyLabel: __( 'Any status', 'igny8-bridge' ),
					options: labelOptions( 'publishingStatus' ),
				},
				...dayFilters(),
			] }
			view={ view }
			onChangeView={ setView }
			perPageOptions={ PER_PAGE_OPTIONS }
			items={ records.items }
			count={ records.count }
			isLoading={ records.isLoading }
			error={ records.error }
			actions={ actions }
			itemTitle={ ( record ) =>
				sprintf(
					/* translators: %d: a draft's number in IGNY8. */
					__( 'Draft #%d', 'igny8-bridge' ),
					record.content_id
				)
			}
			countLabel={ recordCount }
			empty={ {
				title: __(
					'Nothing published yet — drafts you publish to this site are listed here.',
					'igny8-bridge'
				),
				body: (
					<p>
						{ __(
							'On the Content screen, open a draft and choose “Publish”. Each publication shows when it reached WordPress or why it did not.',
							'igny8-bridge'
						) }
					</p>
				),
			} }
			emptyFiltered={ __(
				'No publications match these filters.',
				'igny8-bridge'
			) }
		/>
	);
}

/* ---------------------------------------------------------------- Outbox */

const OUTBOX_VIEW: ViewSpec = {
	filters: { state: oneOf( [ 'pending', 'failing', 'dead' ] ) },
	sortFields: [],
	defaultSort: '',
	perPageOptions: PER_PAGE_OPTIONS,
	defaultPerPage: 25,
	columns: [ 'about', 'attempts', 'next', 'error' ],
};

/**
 * “12 events”.
 * @param count How many.
 */
function eventCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of outbox events. */
		_n( '%s event', '%s events', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * The outbox route's query for a view (it pages by `page`/`per_page`).
 * @param view The view.
 */
function outboxQuery( view: View ) {
	return {
		...view.filters,
		page: view.page,
		per_page: view.perPage,
	};
}

/**
 * What an event is about: its post (linked when the user may edit it), its
 * category or tag, or the site.
 * @param props       Component props.
 * @param props.event The event.
 */
function EventSubject( { event }: { event: OutboxEvent } ) {
	if ( event.post ) {
		const title =
			event.post.title ||
			sprintf(
				/* translators: %d: a WordPress post ID. */
				__( 'Post #%d (deleted)', 'igny8-bridge' ),
				event.post.id
			);
		const edit = safeUrl( event.post.edit_link );
		return edit ? <a href={ edit }>{ title }</a> : <>{ title }</>;
	}
	if ( event.term ) {
		return <>{ event.term }</>;
	}
	return <>{ __( 'This site', 'igny8-bridge' ) }</>;
}

function OutboxTab() {
	const { settingsUrl } = getBootData();
	const canManage = settingsUrl !== '';
	const [ view, setView ] = useUrlView( OUTBOX_VIEW );
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ confirmSend, setConfirmSend ] = useState( false );
	const [ sending, setSending ] = useState( false );
	const [ sendError, setSendError ] = useState< string | null >( null );
	const { invalidate } = useDispatch( ACTIVITY ) as any;
	const events = useList< OutboxEvent >(
		ACTIVITY,
		'getOutbox',
		'outbox',
		canManage ? outboxQuery( view ) : null
	);
	if ( ! canManage ) {
		return (
			<EmptyState
				title={ __(
					'Only administrators can see the outbox.',
					'igny8-bridge'
				) }
			>
				<p>
					{ __(
						'The outbox holds the changes this site still has to report to IGNY8. Users who can manage the site’s options see it here, and can retry or send its events.',
						'igny8-bridge'
					) }
				</p>
			</EmptyState>
		);
	}

	const isDead = ( event: OutboxEvent ) =>
		event.state === 'dead' || event.state === 'rejected';

	const sendNow = async () => {
		setSending( true );
		setSendError( null );
		try {
			const result = await postSiteAction( 'outbox/send' );
			invalidate( 'outbox' );
			if ( result.result === 'busy' ) {
				announce(
					__(
						'The outbox is already being sent; the list shows what is left.',
						'igny8-bridge'
					)
				);
			} else if ( result.result === 'failed' ) {
				setSendError(
					sprintf(
						/* translators: %s: why sending failed. */
						__(
							'IGNY8 could not be reached: %s The events stay in the outbox and are tried again later; check the connection under Settings.',
							'igny8-bridge'
						),
						result.outbox.last_error ?? ''
					)
				);
			} else {
				announce(
					sprintf(
						/* translators: %s: e.g. “12 events”. */
						__( '%s sent to IGNY8.', 'igny8-bridge' ),
						eventCount( result.sent ?? 0 )
					)
				);
			}
			setConfirmSend( false );
		} catch ( failure ) {
			setSendError(
				errorMessage(
					failure,
					__( 'Sending failed. Try again.', 'igny8-bridge' )
				)
			);
			setConfirmSend( false );
		} finally {
			setSending( false );
		}
	};

	const actions: Action< OutboxEvent >[] = [
		{
			id: 'retry',
			label: __( 'Retry', 'igny8-bridge' ),
			supportsBulk: true,
			isEligible: isDead,
			confirm: ( items ) =>
				sprintf(
					/* translators: %s: e.g. “3 events”. */
					__(
						'Send %s to IGNY8 again? They go back in the queue and are sent now.',
						'igny8-bridge'
					),
					eventCount( items.length )
				),
			callback: async ( items ) => {
				let last = null;
				for ( const item of items ) {
					last = await postSiteAction( 'outbox/retry', {
						event_id: item.event_id,
					} );
				}
				invalidate( 'outbox' );
				const stillWaiting =
					last !== null &&
					last.outbox.pending + last.outbox.failing > 0 &&
					last.outbox.last_error !== null;
				announce(
					stillWaiting
						? sprintf(
								/* translators: %s: e.g. “3 events”. */
								__(
									'%s queued again. IGNY8 could not be reached yet, so they will be tried again later.',
									'igny8-bridge'
								),
								eventCount( items.length )
							)
						: sprintf(
								/* translators: %s: e.g. “3 events”. */
								__(
									'%s queued again and sent to IGNY8.',
									'igny8-bridge'
								),
								eventCount( items.length )
							)
				);
			},
		},
	];

	return (
		<>
			<div className="igny8-toolbar">
				<Button
					variant="secondary"
					onClick={ () => setConfirmSend( true ) }
					// Nothing at all in the outbox (not just in this filter): nothing to send.
					disabled={
						events.count === 0 &&
						Object.keys( view.filters ).length === 0
					}
					accessibleWhenDisabled
				>
					{ __( 'Send now', 'igny8-bridge' ) }
				</Button>
			</div>
			{ sendError && <ErrorNotice message={ sendError } /> }
			<DataView< OutboxEvent >
				label={ __( 'Outbox', 'igny8-bridge' ) }
				fields={ [
					{
						id: 'kind',
						label: __( 'Change', 'igny8-bridge' ),
						enableHiding: false,
						render: ( event ) => (
							<strong>
								{ label( 'outboxEvent', event.kind ) }
							</strong>
						),
					},
					{
						id: 'about',
						label: __( 'About', 'igny8-bridge' ),
						render: ( event ) => <EventSubject event={ event } />,
					},
					{
						id: 'state',
						label: __( 'Status', 'igny8-bridge' ),
						enableHiding: false,
						render: ( event ) => (
							<span
								className="igny8-status"
								data-status={ event.state }
							>
								{ label( 'outboxState', event.state ) }
							</span>
						),
					},
					{
						id: 'attempts',
						label: __( 'Attempts', 'igny8-bridge' ),
						render: ( event ) =>
							sprintf(
								/* translators: 1: attempts so far, 2: the most there will be. */
								__( '%1$d of %2$d', 'igny8-bridge' ),
								event.attempts,
								event.max_attempts
							),
					},
					{
						id: 'next',
						label: __( 'Next try', 'igny8-bridge' ),
						render: ( event ) =>
							isDead( event )
								? __( 'Only when retried', 'igny8-bridge' )
								: when( event.next_try_at ),
					},
					{
						id: 'error',
						label: __( 'Last problem', 'igny8-bridge' ),
						render: ( event ) => (
							<ErrorText text={ event.last_error } />
						),
					},
				] }
				filters={ [
					{
						id: 'state',
						type: 'select',
						label: __( 'Status', 'igny8-bridge' ),
						anyLabel: __( 'Any status', 'igny8-bridge' ),
						options: [
							{
								value: 'pending',
								label: label( 'outboxState', 'pending' ),
							},
							{
								value: 'failing',
								label: label( 'outboxState', 'failing' ),
							},
							{
								value: 'dead',
								label: __(
									'Gave up or refused',
									'igny8-bridge'
								),
							},
						],
					},
				] }
				view={ view }
				onChangeView={ setView }
				perPageOptions={ PER_PAGE_OPTIONS }
				items={ events.items }
				count={ events.count }
				isLoading={ events.isLoading }
				error={ events.error }
				actions={ actions }
				itemTitle={ ( event ) => label( 'outboxEvent', event.kind ) }
				countLabel={ eventCount }
				selection={ selected }
				onChangeSelection={ ( ids ) =>
					setSelected( ids.slice( 0, 20 ) )
				}
				empty={ {
					title: __(
						'The outbox is empty — every change has reached IGNY8.',
						'igny8-bridge'
					),
					body: (
						<p>
							{ __(
								'When you save, trash or delete a post, or change a category, the change waits here until it is sent (within a minute). Events that keep failing are listed here for you to retry.',
								'igny8-bridge'
							) }
						</p>
					),
				} }
				emptyFiltered={ __(
					'No events match this filter.',
					'igny8-bridge'
				) }
			/>
			{ confirmSend && (
				<Modal
					title={ __( 'Send now', 'igny8-bridge' ) }
					size="small"
					className="igny8-confirm"
					onRequestClose={ () =>
						! sending && setConfirmSend( false )
					}
				>
					<p>
						{ __(
							'Send every event that is due to IGNY8 now, instead of waiting for the next scheduled send? Events that gave up need “Retry” first.',
							'igny8-bridge'
						) }
					</p>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							isBusy={ sending }
							disabled={ sending }
							accessibleWhenDisabled
							onClick={ sendNow }
						>
							{ __( 'Send now', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="tertiary"
							disabled={ sending }
							accessibleWhenDisabled
							onClick={ () => setConfirmSend( false ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</>
	);
}

/* ---------------------------------------------------------------- Screen */

/**
 * A cloud tab (runs, publications) on a site that is not connected yet: where
 * to connect it, or who can.
 * @param props          Component props.
 * @param props.children The tab.
 */
function CloudTab( { children }: { children: React.ReactNode } ) {
	const { settingsUrl } = getBootData();
	return (
		<WithCloudSession
			notConnected={
				<EmptyState
					title={ __(
						'Connect this site to IGNY8 to see its AI runs and publications.',
						'igny8-bridge'
					) }
					action={
						settingsUrl
							? {
									label: __(
										'Connect it in Settings',
										'igny8-bridge'
									),
									href: settingsUrl,
								}
							: undefined
					}
				>
					<p>
						{ settingsUrl
							? __(
									'The Outbox tab works without a connection: it shows the changes waiting to be sent.',
									'igny8-bridge'
								)
							: __(
									'An administrator of this site can connect it under IGNY8 → Settings.',
									'igny8-bridge'
								) }
					</p>
				</EmptyState>
			}
		>
			{ children }
		</WithCloudSession>
	);
}

function activityTabs(): { name: TabName; title: string }[] {
	return [
		{ name: 'runs', title: __( 'AI runs', 'igny8-bridge' ) },
		{ name: 'publishing', title: __( 'Publishing', 'igny8-bridge' ) },
		{ name: 'outbox', title: __( 'Outbox', 'igny8-bridge' ) },
	];
}

/**
 * IGNY8 → Activity: what IGNY8 did for this site (AI runs, publications)
 * and what the site still has to tell IGNY8 (the outbox). The tab and each
 * tab's view live in the URL, so reload and back/forward keep them.
 */
export function ActivityScreen( {}: ScreenProps ) {
	const { tab, panelKey, onSelect } = useUrlTab( TAB_NAMES );

	return (
		<div className="igny8-screen igny8-activity">
			<TabPanel
				key={ panelKey }
				className="igny8-activity__tabs"
				tabs={ activityTabs() }
				initialTabName={ tab }
				onSelect={ onSelect }
			>
				{ ( current ) => (
					<div className="igny8-activity__panel">
						{ current.name === 'runs' && (
							<CloudTab>
								<RunsTab />
							</CloudTab>
						) }
						{ current.name === 'publishing' && (
							<CloudTab>
								<PublishingTab />
							</CloudTab>
						) }
						{ current.name === 'outbox' && <OutboxTab /> }
					</div>
				) }
			</TabPanel>
		</div>
	);
}

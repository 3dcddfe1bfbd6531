/**
 * External dependencies
 */
import type {
	AiFunctionName,
	AiRunStatus,
	AutomationActionType,
	AutomationEvent,
	AutomationRun,
	AutomationRunStatus,
	AutomationStepStatus,
	ClusterMethod,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * The words people read for the cloud's status and kind values. Screens never
 * print a raw value (`in_progress`, `auto_cluster`): they go through `label`,
 * which falls back to a readable form of a value this table does not know yet
 * (a newer cloud) instead of showing the slug.
 *
 * Each table is a function so the strings are translated when read, after the
 * script's translations are loaded, not when the module is first evaluated.
 */
export type LabelKind =
	| 'keywordStatus'
	| 'keywordSource'
	| 'intent'
	| 'clusterStatus'
	| 'ideaStatus'
	| 'taskStatus'
	| 'syncStatus'
	| 'contentType'
	| 'runStatus'
	| 'aiFunction'
	| 'clusterMethod'
	| 'importStatus'
	| 'publishingStatus'
	| 'postStatus'
	| 'integrationSyncState'
	| 'role'
	| 'creditTransaction'
	| 'outboxState'
	| 'outboxEvent'
	| 'linkState'
	| 'linkStrength'
	| 'linkerFilter'
	| 'linkerRebuild'
	| 'suggestionStatus'
	| 'optimizerRating'
	| 'optimizerCheck'
	| 'revisionStatus'
	| 'automationRunStatus'
	| 'automationStepStatus'
	| 'automationAction'
	| 'automationEvent'
	| 'automationRunTrigger'
	| 'automationRuleState'
	| 'automationApproveMode';

const TABLES: Record< LabelKind, () => Record< string, string > > = {
	keywordStatus: () => ( {
		active: __( 'Active', 'igny8-bridge' ),
		inactive: __( 'Inactive', 'igny8-bridge' ),
		used: __( 'Used', 'igny8-bridge' ),
	} ),
	keywordSource: () => ( {
		manual: __( 'Added by hand', 'igny8-bridge' ),
		csv_import: __( 'CSV import', 'igny8-bridge' ),
		api_import: __( 'API import', 'igny8-bridge' ),
	} ),
	intent: () => ( {
		informational: __( 'Informational', 'igny8-bridge' ),
		commercial: __( 'Commercial', 'igny8-bridge' ),
		transactional: __( 'Transactional', 'igny8-bridge' ),
		navigational: __( 'Navigational', 'igny8-bridge' ),
	} ),
	clusterStatus: () => ( {
		active: __( 'Active', 'igny8-bridge' ),
		archived: __( 'Archived', 'igny8-bridge' ),
	} ),
	ideaStatus: () => ( {
		draft: __( 'New', 'igny8-bridge' ),
		approved: __( 'Approved', 'igny8-bridge' ),
		in_progress: __( 'Being written', 'igny8-bridge' ),
		completed: __( 'Written', 'igny8-bridge' ),
	} ),
	taskStatus: () => ( {
		pending: __( 'To write', 'igny8-bridge' ),
		in_progress: __( 'Writing', 'igny8-bridge' ),
		completed: __( 'Draft ready', 'igny8-bridge' ),
		published: __( 'Published', 'igny8-bridge' ),
	} ),
	syncStatus: () => ( {
		draft: __( 'Draft', 'igny8-bridge' ),
		imported: __( 'Imported from WordPress', 'igny8-bridge' ),
		synced: __( 'In WordPress', 'igny8-bridge' ),
		published: __( 'Published', 'igny8-bridge' ),
		scheduled: __( 'Scheduled', 'igny8-bridge' ),
		trashed: __( 'In the trash', 'igny8-bridge' ),
		deleted: __( 'Deleted in WordPress', 'igny8-bridge' ),
	} ),
	contentType: () => ( {
		post: __( 'Post', 'igny8-bridge' ),
		page: __( 'Page', 'igny8-bridge' ),
		product: __( 'Product', 'igny8-bridge' ),
		service: __( 'Service', 'igny8-bridge' ),
	} ),
	runStatus: () =>
		( {
			queued: __( 'Waiting to start', 'igny8-bridge' ),
			running: __( 'Running', 'igny8-bridge' ),
			succeeded: __( 'Finished', 'igny8-bridge' ),
			failed: __( 'Failed', 'igny8-bridge' ),
			cancelled: __( 'Cancelled', 'igny8-bridge' ),
		} ) satisfies Record< AiRunStatus, string >,
	aiFunction: () =>
		( {
			auto_cluster: __( 'Cluster keywords', 'igny8-bridge' ),
			generate_ideas: __( 'Generate ideas', 'igny8-bridge' ),
			generate_content: __( 'Write drafts', 'igny8-bridge' ),
			generate_image_prompts: __( 'Plan images', 'igny8-bridge' ),
			generate_images: __( 'Generate images', 'igny8-bridge' ),
			regenerate_section: __( 'Rewrite a section', 'igny8-bridge' ),
			optimize_content: __( 'Optimize with AI', 'igny8-bridge' ),
			generate_site_structure: __(
				'Generate site structure',
				'igny8-bridge'
			),
			write_page_copy: __( 'Write a page’s copy', 'igny8-bridge' ),
		} ) satisfies Record< AiFunctionName, string >,
	clusterMethod: () =>
		( {
			lexical: __( 'By shared words (no AI, free)', 'igny8-bridge' ),
			embeddings: __( 'By meaning (AI embeddings)', 'igny8-bridge' ),
			llm: __( 'By topic (AI model)', 'igny8-bridge' ),
		} ) satisfies Record< ClusterMethod, string >,
	importStatus: () => ( {
		queued: __( 'Waiting to start', 'igny8-bridge' ),
		running: __( 'Importing', 'igny8-bridge' ),
		succeeded: __( 'Imported', 'igny8-bridge' ),
		failed: __( 'Failed', 'igny8-bridge' ),
	} ),
	publishingStatus: () => ( {
		queued: __( 'Waiting to publish', 'igny8-bridge' ),
		publishing: __( 'Publishing', 'igny8-bridge' ),
		published: __( 'Published', 'igny8-bridge' ),
		failed: __( 'Failed', 'igny8-bridge' ),
		conflict: __( 'Changed in WordPress', 'igny8-bridge' ),
	} ),
	/** WordPress's own post statuses, in WordPress's words. */
	postStatus: () => ( {
		draft: __( 'Draft', 'igny8-bridge' ),
		pending: __( 'Pending review', 'igny8-bridge' ),
		publish: __( 'Published', 'igny8-bridge' ),
		future: __( 'Scheduled', 'igny8-bridge' ),
		private: __( 'Private', 'igny8-bridge' ),
		trash: __( 'In the trash', 'igny8-bridge' ),
	} ),
	integrationSyncState: () => ( {
		idle: __( 'Not synced yet', 'igny8-bridge' ),
		queued: __( 'Waiting to sync', 'igny8-bridge' ),
		running: __( 'Syncing', 'igny8-bridge' ),
		succeeded: __( 'Synced', 'igny8-bridge' ),
		failed: __( 'Sync failed', 'igny8-bridge' ),
	} ),
	role: () => ( {
		developer: __( 'Developer', 'igny8-bridge' ),
		owner: __( 'Owner', 'igny8-bridge' ),
		admin: __( 'Administrator', 'igny8-bridge' ),
		editor: __( 'Editor', 'igny8-bridge' ),
		viewer: __( 'Viewer', 'igny8-bridge' ),
		system_bot: __( 'Automation', 'igny8-bridge' ),
	} ),
	creditTransaction: () => ( {
		grant: __( 'Monthly credits', 'igny8-bridge' ),
		topup: __( 'Top-up', 'igny8-bridge' ),
		reserve: __( 'Reserved for a run', 'igny8-bridge' ),
		settle: __( 'Used', 'igny8-bridge' ),
		refund: __( 'Refunded', 'igny8-bridge' ),
		adjustment: __( 'Adjustment', 'igny8-bridge' ),
	} ),
	/** Where an event in the plugin's outbox stands (igny8/v1/outbox). */
	outboxState: () => ( {
		pending: __( 'Waiting to send', 'igny8-bridge' ),
		failing: __( 'Failing, will retry', 'igny8-bridge' ),
		dead: __( 'Gave up', 'igny8-bridge' ),
		rejected: __( 'Refused by IGNY8', 'igny8-bridge' ),
	} ),
	/** What an outbox event reports to the cloud. */
	outboxEvent: () => ( {
		'post.saved': __( 'Post saved', 'igny8-bridge' ),
		'post.status_changed': __( 'Post status changed', 'igny8-bridge' ),
		'post.trashed': __( 'Post moved to the trash', 'igny8-bridge' ),
		'post.deleted': __( 'Post deleted', 'igny8-bridge' ),
		'term.changed': __( 'Category or tag changed', 'igny8-bridge' ),
		'structure.changed': __( 'Site structure changed', 'igny8-bridge' ),
	} ),
	/** Where an internal link points, as the Linker's report sees it. */
	linkState: () => ( {
		ok: __( 'Works', 'igny8-bridge' ),
		missing: __( 'Post does not exist', 'igny8-bridge' ),
		unpublished: __( 'Post not published', 'igny8-bridge' ),
		redirect: __( 'Old address (redirects)', 'igny8-bridge' ),
	} ),
	/** How well a suggested link fits (see screens/linker/format.ts). */
	linkStrength: () => ( {
		strong: __( 'Strong', 'igny8-bridge' ),
		good: __( 'Good', 'igny8-bridge' ),
		fair: __( 'Possible', 'igny8-bridge' ),
	} ),
	linkerFilter: () => ( {
		orphans: __( 'Orphans', 'igny8-bridge' ),
		with_suggestions: __( 'With suggestions', 'igny8-bridge' ),
	} ),
	linkerRebuild: () => ( {
		queued: __( 'Waiting to start', 'igny8-bridge' ),
		running: __( 'Indexing', 'igny8-bridge' ),
		finished: __( 'Indexed', 'igny8-bridge' ),
		failed: __( 'Failed', 'igny8-bridge' ),
	} ),
	suggestionStatus: () => ( {
		open: __( 'Suggested', 'igny8-bridge' ),
		applied: __( 'Added', 'igny8-bridge' ),
		rejected: __( 'Rejected', 'igny8-bridge' ),
	} ),
	optimizerRating: () => ( {
		good: __( 'Good', 'igny8-bridge' ),
		ok: __( 'Needs improvement', 'igny8-bridge' ),
		bad: __( 'Poor', 'igny8-bridge' ),
	} ),
	optimizerCheck: () => ( {
		keyphrase_length: __( 'Keyphrase length', 'igny8-bridge' ),
		keyphrase_in_title: __( 'Keyphrase in title', 'igny8-bridge' ),
		keyphrase_in_introduction: __(
			'Keyphrase in introduction',
			'igny8-bridge'
		),
		keyphrase_in_meta_description: __(
			'Keyphrase in meta description',
			'igny8-bridge'
		),
		keyphrase_in_slug: __( 'Keyphrase in slug', 'igny8-bridge' ),
		keyphrase_in_subheadings: __(
			'Keyphrase in subheadings',
			'igny8-bridge'
		),
		keyphrase_density: __( 'Keyphrase density', 'igny8-bridge' ),
		keyphrase_distribution: __( 'Keyphrase distribution', 'igny8-bridge' ),
		text_length: __( 'Text length', 'igny8-bridge' ),
		title_width: __( 'SEO title width', 'igny8-bridge' ),
		meta_description_length: __(
			'Meta description length',
			'igny8-bridge'
		),
		internal_links: __( 'Internal links', 'igny8-bridge' ),
		outbound_links: __( 'Outbound links', 'igny8-bridge' ),
		competing_links: __( 'Competing links', 'igny8-bridge' ),
		images: __( 'Images', 'igny8-bridge' ),
		image_keyphrase: __( 'Image keyphrase', 'igny8-bridge' ),
		single_title: __( 'Single title', 'igny8-bridge' ),
		previously_used_keyphrase: __(
			'Previously used keyphrase',
			'igny8-bridge'
		),
		flesch_reading_ease: __( 'Flesch reading ease', 'igny8-bridge' ),
		sentence_length: __( 'Sentence length', 'igny8-bridge' ),
		paragraph_length: __( 'Paragraph length', 'igny8-bridge' ),
		subheading_distribution: __(
			'Subheading distribution',
			'igny8-bridge'
		),
		passive_voice: __( 'Passive voice', 'igny8-bridge' ),
		transition_words: __( 'Transition words', 'igny8-bridge' ),
		consecutive_sentences: __( 'Consecutive sentences', 'igny8-bridge' ),
		text_presence: __( 'Text presence', 'igny8-bridge' ),
	} ),
	revisionStatus: () => ( {
		proposed: __( 'Waiting for review', 'igny8-bridge' ),
		accepted: __( 'Accepted', 'igny8-bridge' ),
		rejected: __( 'Rejected', 'igny8-bridge' ),
		superseded: __( 'Replaced by a newer one', 'igny8-bridge' ),
	} ),
	/** Where an automation run stands (the cloud's `automation/tasks/`). */
	automationRunStatus: () =>
		( {
			queued: __( 'Waiting to start', 'igny8-bridge' ),
			running: __( 'Running', 'igny8-bridge' ),
			waiting: __( 'Waiting', 'igny8-bridge' ),
			succeeded: __( 'Finished', 'igny8-bridge' ),
			failed: __( 'Failed', 'igny8-bridge' ),
			capped: __( 'Stopped at a credit cap', 'igny8-bridge' ),
			cancelled: __( 'Cancelled', 'igny8-bridge' ),
		} ) satisfies Record< AutomationRunStatus, string >,
	/** Where one step of an automation run stands. */
	automationStepStatus: () =>
		( {
			pending: __( 'Not started', 'igny8-bridge' ),
			running: __( 'Running', 'igny8-bridge' ),
			waiting: __( 'Waiting', 'igny8-bridge' ),
			succeeded: __( 'Done', 'igny8-bridge' ),
			failed: __( 'Failed', 'igny8-bridge' ),
			capped: __( 'Not started: over a credit cap', 'igny8-bridge' ),
			skipped: __( 'Skipped', 'igny8-bridge' ),
		} ) satisfies Record< AutomationStepStatus, string >,
	/** The steps a rule can chain, in pipeline order. */
	automationAction: () =>
		( {
			cluster_keywords: __( 'Cluster keywords', 'igny8-bridge' ),
			generate_ideas: __( 'Generate ideas', 'igny8-bridge' ),
			approve_ideas: __( 'Approve ideas', 'igny8-bridge' ),
			create_tasks: __( 'Create writing tasks', 'igny8-bridge' ),
			generate_content: __( 'Write drafts', 'igny8-bridge' ),
			generate_images: __( 'Generate images', 'igny8-bridge' ),
			optimize: __( 'Optimize drafts', 'igny8-bridge' ),
			insert_links: __( 'Add internal links', 'igny8-bridge' ),
			publish: __( 'Publish', 'igny8-bridge' ),
		} ) satisfies Record< AutomationActionType, string >,
	/** What happened that starts an event rule, as its trigger reads. */
	automationEvent: () =>
		( {
			'keywords.imported': __(
				'When keywords are imported',
				'igny8-bridge'
			),
			'cluster.created': __(
				'When a cluster is created',
				'igny8-bridge'
			),
			'idea.approved': __( 'When an idea is approved', 'igny8-bridge' ),
			'content.generated': __(
				'When a draft is written',
				'igny8-bridge'
			),
			'content.published': __(
				'When a post is published',
				'igny8-bridge'
			),
		} ) satisfies Record< AutomationEvent, string >,
	/** What started an automation run. */
	automationRunTrigger: () =>
		( {
			schedule: __( 'Schedule', 'igny8-bridge' ),
			event: __( 'Event', 'igny8-bridge' ),
			manual: __( 'Run now', 'igny8-bridge' ),
		} ) satisfies Record< AutomationRun[ 'trigger' ], string >,
	/** Whether a rule runs (the cloud's `enabled`, as the filter's values). */
	automationRuleState: () => ( {
		true: __( 'On', 'igny8-bridge' ),
		false: __( 'Paused', 'igny8-bridge' ),
	} ),
	/** Which ideas the “Approve ideas” step approves. */
	automationApproveMode: () => ( {
		all: __( 'All new ideas', 'igny8-bridge' ),
		top: __( 'The top ideas by search volume', 'igny8-bridge' ),
	} ),
};

/**
 * `in_progress` → `In progress`: for a value the tables do not know.
 * @param value A raw value from the cloud.
 */
function readable( value: string ): string {
	const words = value.replace( /[_-]+/g, ' ' ).trim();
	return words.charAt( 0 ).toUpperCase() + words.slice( 1 );
}

/**
 * The translated label of a status or kind value.
 * @param kind  Which table, e.g. `taskStatus`.
 * @param value The raw value, e.g. `in_progress`.
 */
export function label( kind: LabelKind, value: string | null | undefined ) {
	if ( ! value ) {
		return '';
	}
	return TABLES[ kind ]()[ value ] ?? readable( value );
}

/**
 * Every value of a table with its label, in the table's order: for filters
 * and selects.
 * @param kind Which table.
 */
export function labelOptions(
	kind: LabelKind
): { value: string; label: string }[] {
	return Object.entries( TABLES[ kind ]() ).map( ( [ value, text ] ) => ( {
		value,
		label: text,
	} ) );
}

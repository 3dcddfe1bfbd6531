/**
 * External dependencies
 */
import type {
	AutomationAction,
	AutomationActionType,
	AutomationEvent,
	AutomationRule,
	AutomationRuleCreate,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { labelOptions } from '../../labels';
import {
	cronFromSchedule,
	DEFAULT_SCHEDULE,
	isTimeZone,
	looksLikeCron,
	scheduleFromCron,
	type Schedule,
} from './schedule';

/**
 * The rule builder's form: what a person edits (numbers as the text they
 * typed, so a field can be empty or wrong while they type), and the rule
 * the cloud takes, both ways. Errors are keyed by the cloud's field paths
 * (`trigger.cron`, `actions.2.top_n`, `caps.per_day`), so the cloud's own
 * answers land under the same fields as the builder's checks.
 */

/** Every action a rule can chain, in the pipeline's order. */
export const ACTION_TYPES: AutomationActionType[] = [
	'cluster_keywords',
	'generate_ideas',
	'approve_ideas',
	'create_tasks',
	'generate_content',
	'generate_images',
	'optimize',
	'insert_links',
	'publish',
];

/** The cloud's limit on a rule's actions. */
export const MAX_ACTIONS = 12;

export type OptionSpec =
	| {
			name: string;
			kind: 'number';
			label: () => string;
			min: number;
			max?: number;
			/** Empty means “not set” (the cloud's default or no limit). */
			optional?: boolean;
			help?: () => string;
			/** Shown (and sent) only when the action's other values say so. */
			shownIf?: ( values: Record< string, string > ) => boolean;
	  }
	| {
			name: string;
			kind: 'select';
			label: () => string;
			options: () => { value: string; label: string }[];
	  }
	| { name: string; kind: 'time'; label: () => string; help?: () => string }
	/** An author profile or a strategy of the account; empty: the default. */
	| { name: string; kind: 'profile' | 'strategy'; label: () => string };

/** What each action lets a person choose, with the cloud's defaults. */
export const ACTION_OPTIONS: Record< AutomationActionType, OptionSpec[] > = {
	cluster_keywords: [
		{
			name: 'method',
			kind: 'select',
			label: () => __( 'Method', 'igny8-bridge' ),
			options: () => labelOptions( 'clusterMethod' ),
		},
		{
			name: 'min_cluster_size',
			kind: 'number',
			label: () => __( 'Keywords per cluster, at least', 'igny8-bridge' ),
			min: 1,
			max: 100,
		},
	],
	generate_ideas: [
		{
			name: 'ideas_per_cluster',
			kind: 'number',
			label: () => __( 'Ideas per cluster', 'igny8-bridge' ),
			min: 1,
			max: 10,
		},
	],
	approve_ideas: [
		{
			name: 'mode',
			kind: 'select',
			label: () => __( 'Which ideas', 'igny8-bridge' ),
			options: () => labelOptions( 'automationApproveMode' ),
		},
		{
			name: 'top_n',
			kind: 'number',
			label: () => __( 'How many', 'igny8-bridge' ),
			min: 1,
			max: 500,
			shownIf: ( values ) => values.mode === 'top',
		},
	],
	create_tasks: [],
	generate_content: [
		{
			name: 'author_profile_id',
			kind: 'profile',
			label: () => __( 'Author profile', 'igny8-bridge' ),
		},
		{
			name: 'strategy_id',
			kind: 'strategy',
			label: () => __( 'Strategy', 'igny8-bridge' ),
		},
	],
	generate_images: [
		{
			name: 'in_article_images',
			kind: 'number',
			label: () =>
				__(
					'Images in the text (besides the featured one)',
					'igny8-bridge'
				),
			min: 0,
			max: 5,
		},
	],
	optimize: [
		{
			name: 'min_score',
			kind: 'number',
			label: () => __( 'Leave alone at or above score', 'igny8-bridge' ),
			min: 0,
			max: 100,
			help: () =>
				__(
					'Drafts scoring less are rewritten with AI; a rewrite that reaches this score is accepted.',
					'igny8-bridge'
				),
		},
	],
	insert_links: [
		{
			name: 'max_links',
			kind: 'number',
			label: () => __( 'Links per post, at most', 'igny8-bridge' ),
			min: 1,
			max: 20,
		},
	],
	publish: [
		{
			name: 'status',
			kind: 'select',
			label: () => __( 'Post status', 'igny8-bridge' ),
			options: () => [
				{ value: 'publish', label: __( 'Published', 'igny8-bridge' ) },
				{
					value: 'pending',
					label: __( 'Pending review', 'igny8-bridge' ),
				},
				{ value: 'draft', label: __( 'Draft', 'igny8-bridge' ) },
			],
		},
		{
			name: 'per_day',
			kind: 'number',
			label: () => __( 'Posts per day, at most', 'igny8-bridge' ),
			min: 1,
			max: 100,
			optional: true,
			help: () =>
				__(
					'Empty: all at once. Otherwise the rest are scheduled for the next days.',
					'igny8-bridge'
				),
		},
		{
			name: 'window_start',
			kind: 'time',
			label: () => __( 'Scheduled posts go out from', 'igny8-bridge' ),
		},
		{
			name: 'window_end',
			kind: 'time',
			label: () => __( 'Until', 'igny8-bridge' ),
			help: () => __( 'In the rule’s time zone.', 'igny8-bridge' ),
		},
	],
};

/** A new action's values: the cloud's defaults. */
const ACTION_DEFAULTS: Record<
	AutomationActionType,
	Record< string, string >
> = {
	cluster_keywords: { method: 'lexical', min_cluster_size: '2' },
	generate_ideas: { ideas_per_cluster: '3' },
	approve_ideas: { mode: 'all', top_n: '10' },
	create_tasks: {},
	generate_content: { author_profile_id: '', strategy_id: '' },
	generate_images: { in_article_images: '1' },
	optimize: { min_score: '70' },
	insert_links: { max_links: '3' },
	publish: {
		status: 'publish',
		per_day: '',
		window_start: '09:00',
		window_end: '17:00',
	},
};

export interface ActionDraft {
	/** Stable while the steps move (React's key). */
	key: number;
	type: AutomationActionType;
	values: Record< string, string >;
}

export type CapName = 'per_run' | 'per_day' | 'per_month';
export const CAP_NAMES: CapName[] = [ 'per_run', 'per_day', 'per_month' ];

/** The WordPress statuses a `content.published` rule may be narrowed to. */
export const POST_STATUSES = [ 'publish', 'future', 'private' ] as const;
export type PostStatus = ( typeof POST_STATUSES )[ number ];

export interface RuleForm {
	name: string;
	sectorId: number | null;
	trigger: 'schedule' | 'event';
	schedule: Schedule;
	timezone: string;
	event: AutomationEvent;
	minClusterKeywords: string;
	minVolume: string;
	/** `content.published` rules: the WordPress statuses that start them (none ticked: any). */
	postStatuses: PostStatus[];
	actions: ActionDraft[];
	caps: Record< CapName, string >;
	enabled: boolean;
}

/** Field path → what is wrong with it, in words. */
export type FormErrors = Record< string, string >;

let nextKey = 1;

/**
 * A new step with the cloud's defaults.
 * @param type What it does.
 */
export function newAction( type: AutomationActionType ): ActionDraft {
	return { key: nextKey++, type, values: { ...ACTION_DEFAULTS[ type ] } };
}

/**
 * A new rule: every day at 06:00 in the given time zone, no steps yet, on.
 * @param sectorId The sector chosen in the header.
 * @param timezone The site's time zone.
 */
export function blankForm(
	sectorId: number | null,
	timezone: string
): RuleForm {
	return {
		name: '',
		sectorId,
		trigger: 'schedule',
		schedule: { ...DEFAULT_SCHEDULE },
		timezone,
		event: 'keywords.imported',
		minClusterKeywords: '',
		minVolume: '',
		postStatuses: [],
		actions: [],
		caps: { per_run: '', per_day: '', per_month: '' },
		enabled: true,
	};
}

const text = ( value: number | null | undefined ) =>
	value === null || value === undefined ? '' : String( value );

/**
 * The form of a saved rule.
 * @param rule The rule as the cloud keeps it.
 */
export function formFromRule( rule: AutomationRule ): RuleForm {
	const base = blankForm( rule.sector_id, 'UTC' );
	return {
		...base,
		name: rule.name,
		trigger: rule.trigger.kind,
		...( rule.trigger.kind === 'schedule'
			? {
					schedule: scheduleFromCron( rule.trigger.cron ),
					timezone: rule.trigger.timezone,
				}
			: { event: rule.trigger.event } ),
		minClusterKeywords: text( rule.conditions.min_cluster_keywords ),
		minVolume: text( rule.conditions.min_volume ),
		postStatuses: rule.conditions.post_statuses ?? [],
		actions: rule.actions.map( ( action ) => {
			const { type, ...options } = action;
			const values = { ...ACTION_DEFAULTS[ type ] };
			Object.entries( options ).forEach( ( [ name, value ] ) => {
				values[ name ] =
					value === null || value === undefined
						? ''
						: String( value );
			} );
			return { key: nextKey++, type, values };
		} ),
		caps: {
			per_run: text( rule.caps.per_run ),
			per_day: text( rule.caps.per_day ),
			per_month: text( rule.caps.per_month ),
		},
		enabled: rule.enabled,
	};
}

/**
 * A whole number typed into a field, checked against its bounds.
 * @param value What was typed.
 * @param min   The least it may be.
 * @param max   The most, if any.
 * @return The number, or the words saying what is wrong.
 */
export function wholeNumber(
	value: string,
	min: number,
	max?: number
): { value: number } | { error: string } {
	const trimmed = value.trim();
	const number = /^\d{1,9}$/.test( trimmed ) ? Number( trimmed ) : NaN;
	if (
		Number.isNaN( number ) ||
		number < min ||
		( max !== undefined && number > max )
	) {
		return {
			error:
				max === undefined
					? sprintf(
							/* translators: %d: the least number allowed. */
							__(
								'Enter a whole number, %d or more.',
								'igny8-bridge'
							),
							min
						)
					: sprintf(
							/* translators: 1: the least number allowed, 2: the most. */
							__(
								'Enter a whole number from %1$d to %2$d.',
								'igny8-bridge'
							),
							min,
							max
						),
		};
	}
	return { value: number };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * One step as the cloud takes it, or what is wrong with its fields.
 * @param draft The step in the form.
 */
export function actionFromDraft( draft: ActionDraft ): {
	action: AutomationAction;
	errors: Record< string, string >;
} {
	const action: Record< string, unknown > = { type: draft.type };
	const errors: Record< string, string > = {};
	for ( const option of ACTION_OPTIONS[ draft.type ] ) {
		const value = draft.values[ option.name ] ?? '';
		switch ( option.kind ) {
			case 'number': {
				if ( option.shownIf && ! option.shownIf( draft.values ) ) {
					break;
				}
				if ( option.optional && value.trim() === '' ) {
					break;
				}
				const parsed = wholeNumber( value, option.min, option.max );
				if ( 'error' in parsed ) {
					errors[ option.name ] = parsed.error;
				} else {
					action[ option.name ] = parsed.value;
				}
				break;
			}
			case 'time':
				if ( TIME.test( value ) ) {
					action[ option.name ] = value;
				} else {
					errors[ option.name ] = __(
						'Enter a time as HH:MM, e.g. 09:00.',
						'igny8-bridge'
					);
				}
				break;
			case 'profile':
			case 'strategy':
				action[ option.name ] = value === '' ? null : Number( value );
				break;
			default:
				action[ option.name ] = value;
		}
	}
	if (
		draft.type === 'publish' &&
		! errors.window_start &&
		! errors.window_end &&
		String( action.window_start ) >= String( action.window_end )
	) {
		errors.window_end = __(
			'End the time window after it starts.',
			'igny8-bridge'
		);
	}
	return { action: action as AutomationAction, errors };
}

/**
 * The rule the cloud takes (for saving or a dry run), or what is wrong.
 * @param form   The builder's form.
 * @param siteId The site the rule belongs to.
 */
export function ruleFromForm(
	form: RuleForm,
	siteId: number
): { rule: AutomationRuleCreate | null; errors: FormErrors } {
	const errors: FormErrors = {};
	const name = form.name.trim();
	if ( ! name ) {
		errors.name = __( 'Give the rule a name.', 'igny8-bridge' );
	}
	if ( form.sectorId === null ) {
		errors.sector_id = __( 'Choose a sector.', 'igny8-bridge' );
	}

	let trigger: AutomationRuleCreate[ 'trigger' ];
	if ( form.trigger === 'event' ) {
		trigger = { kind: 'event', event: form.event };
	} else {
		const cron = cronFromSchedule( form.schedule );
		if ( ! looksLikeCron( cron ) ) {
			errors[ 'trigger.cron' ] = __(
				'Write five fields separated by spaces — minute, hour, day of the month, month, day of the week — e.g. “0 6 * * 1–5” for 06:00 on weekdays.',
				'igny8-bridge'
			);
		}
		if ( ! isTimeZone( form.timezone ) ) {
			errors[ 'trigger.timezone' ] = __(
				'Choose a time zone from the list.',
				'igny8-bridge'
			);
		}
		trigger = { kind: 'schedule', cron, timezone: form.timezone };
	}

	const conditions: AutomationRuleCreate[ 'conditions' ] = {};
	if ( form.minClusterKeywords.trim() !== '' ) {
		const parsed = wholeNumber( form.minClusterKeywords, 1, 10_000 );
		if ( 'error' in parsed ) {
			errors[ 'conditions.min_cluster_keywords' ] = parsed.error;
		} else {
			conditions.min_cluster_keywords = parsed.value;
		}
	}
	if ( form.minVolume.trim() !== '' ) {
		const parsed = wholeNumber( form.minVolume, 0 );
		if ( 'error' in parsed ) {
			errors[ 'conditions.min_volume' ] = parsed.error;
		} else {
			conditions.min_volume = parsed.value;
		}
	}

	if (
		form.trigger === 'event' &&
		form.event === 'content.published' &&
		form.postStatuses.length > 0
	) {
		conditions.post_statuses = form.postStatuses;
	}

	if ( form.actions.length === 0 ) {
		errors.actions = __(
			'Add at least one step: what the rule does when it runs.',
			'igny8-bridge'
		);
	}
	const actions = form.actions.map( ( draft, index ) => {
		const made = actionFromDraft( draft );
		Object.entries( made.errors ).forEach( ( [ field, message ] ) => {
			errors[ `actions.${ index }.${ field }` ] = message;
		} );
		return made.action;
	} );

	const caps: AutomationRuleCreate[ 'caps' ] = {
		per_run: null,
		per_day: null,
		per_month: null,
	};
	CAP_NAMES.forEach( ( cap ) => {
		const value = form.caps[ cap ];
		if ( value.trim() === '' ) {
			return;
		}
		const parsed = wholeNumber( value, 0 );
		if ( 'error' in parsed ) {
			errors[ `caps.${ cap }` ] = parsed.error;
		} else {
			caps[ cap ] = parsed.value;
		}
	} );

	return {
		rule:
			Object.keys( errors ).length > 0
				? null
				: {
						name,
						site_id: siteId,
						sector_id: form.sectorId!,
						trigger,
						conditions,
						actions,
						caps,
						enabled: form.enabled,
					},
		errors,
	};
}

/**
 * Moves a step up or down the chain.
 * @param actions The steps.
 * @param index   The step to move.
 * @param by      -1 (up) or 1 (down).
 */
export function moveAction(
	actions: ActionDraft[],
	index: number,
	by: -1 | 1
): ActionDraft[] {
	const to = index + by;
	if ( to < 0 || to >= actions.length ) {
		return actions;
	}
	const next = [ ...actions ];
	[ next[ index ], next[ to ] ] = [ next[ to ]!, next[ index ]! ];
	return next;
}

import { z } from 'zod';
import { clusterMethodSchema } from './ai';
import {
	idParam,
	idSchema,
	listQuerySchema,
	nameSchema,
	timestampSchema,
} from './common';

/**
 * The Automation module (the seed's `/api/v1/automation/`): rules that run
 * the pipeline unattended — a trigger (a cron schedule in a time zone, or a
 * domain event), conditions on it, an ordered chain of actions and credit
 * caps checked before every step — and the durable runs they make
 * ("scheduled tasks" in the seed), one row per step.
 */

/** Domain events a rule may start on. */
export const AUTOMATION_EVENTS = [
	'keywords.imported',
	'cluster.created',
	'idea.approved',
	'content.generated',
	'content.published',
] as const;
export const automationEventSchema = z.enum( AUTOMATION_EVENTS );
export type AutomationEvent = z.infer< typeof automationEventSchema >;

/** Five fields (minute hour day-of-month month day-of-week), as cron has them. */
const cronSchema = z
	.string()
	.trim()
	.min( 9, 'a cron expression has five fields, e.g. "0 6 * * *"' )
	.max( 120 )
	.refine(
		( value ) => value.split( /\s+/ ).length === 5,
		'a cron expression has five fields, e.g. "0 6 * * *" (06:00 every day)'
	);

const timezoneSchema = z
	.string()
	.trim()
	.min( 1 )
	.max( 64 )
	.refine( ( zone ) => {
		try {
			new Intl.DateTimeFormat( 'en', { timeZone: zone } );
			return true;
		} catch {
			return false;
		}
	}, 'is not a time zone this server knows (use an IANA name such as "Europe/Berlin")' );

export const automationTriggerSchema = z.discriminatedUnion( 'kind', [
	z.strictObject( {
		kind: z.literal( 'schedule' ),
		cron: cronSchema,
		timezone: timezoneSchema.default( 'UTC' ),
	} ),
	z.strictObject( {
		kind: z.literal( 'event' ),
		event: automationEventSchema,
	} ),
] );
export type AutomationTrigger = z.infer< typeof automationTriggerSchema >;

/** Narrowing a trigger: an event outside them starts nothing. */
export const automationConditionsSchema = z.strictObject( {
	/** Clusters with fewer keywords are left out of later steps. */
	min_cluster_keywords: z.number().int().min( 1 ).max( 10_000 ).optional(),
	/** Keywords below this monthly volume are not clustered. */
	min_volume: z.number().int().min( 0 ).optional(),
	/** `content.published` rules: only posts WordPress reports in one of these statuses. */
	post_statuses: z
		.array( z.enum( [ 'publish', 'future', 'private' ] ) )
		.min( 1, 'tick at least one status, or leave the condition out' )
		.optional(),
} );
export type AutomationConditions = z.infer< typeof automationConditionsSchema >;

const hhmm = z
	.string()
	.regex( /^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM, e.g. "09:00"' );

export const AUTOMATION_ACTIONS = [
	'cluster_keywords',
	'generate_ideas',
	'approve_ideas',
	'create_tasks',
	'generate_content',
	'generate_images',
	'optimize',
	'insert_links',
	'publish',
] as const;
export type AutomationActionType = ( typeof AUTOMATION_ACTIONS )[ number ];

export const automationActionSchema = z.discriminatedUnion( 'type', [
	z.strictObject( {
		type: z.literal( 'cluster_keywords' ),
		method: clusterMethodSchema.default( 'lexical' ),
		min_cluster_size: z.number().int().min( 1 ).max( 100 ).default( 2 ),
	} ),
	z.strictObject( {
		type: z.literal( 'generate_ideas' ),
		ideas_per_cluster: z.number().int().min( 1 ).max( 10 ).default( 3 ),
	} ),
	z.strictObject( {
		type: z.literal( 'approve_ideas' ),
		/** `top`: the `top_n` ideas with the most search volume. */
		mode: z.enum( [ 'all', 'top' ] ).default( 'all' ),
		top_n: z.number().int().min( 1 ).max( 500 ).optional(),
	} ),
	z.strictObject( { type: z.literal( 'create_tasks' ) } ),
	z.strictObject( {
		type: z.literal( 'generate_content' ),
		author_profile_id: idSchema.nullable().default( null ),
		strategy_id: idSchema.nullable().default( null ),
	} ),
	z.strictObject( {
		type: z.literal( 'generate_images' ),
		in_article_images: z.number().int().min( 0 ).max( 5 ).default( 1 ),
	} ),
	z.strictObject( {
		type: z.literal( 'optimize' ),
		/** Drafts scoring this or more are left alone; revisions that reach it are accepted. */
		min_score: z.number().int().min( 0 ).max( 100 ).default( 70 ),
	} ),
	z.strictObject( {
		type: z.literal( 'insert_links' ),
		max_links: z.number().int().min( 1 ).max( 20 ).default( 3 ),
	} ),
	z.strictObject( {
		type: z.literal( 'publish' ),
		status: z
			.enum( [ 'draft', 'pending', 'publish' ] )
			.default( 'publish' ),
		/** Spread over days: at most this many posts a day (the rest are scheduled). */
		per_day: z.number().int().min( 1 ).max( 100 ).optional(),
		/** Scheduled posts go out between these times, in the rule's time zone. */
		window_start: hhmm.default( '09:00' ),
		window_end: hhmm.default( '17:00' ),
	} ),
] );
export type AutomationAction = z.infer< typeof automationActionSchema >;

/** Per-rule credit caps, each checked before a step starts; null: no cap. */
export const automationCapsSchema = z.strictObject( {
	per_run: z.number().int().min( 0 ).nullable().default( null ),
	per_day: z.number().int().min( 0 ).nullable().default( null ),
	per_month: z.number().int().min( 0 ).nullable().default( null ),
} );
export type AutomationCaps = z.infer< typeof automationCapsSchema >;

const ruleFields = {
	name: nameSchema,
	site_id: idSchema,
	sector_id: idSchema,
	trigger: automationTriggerSchema,
	conditions: automationConditionsSchema.default( {} ),
	actions: z
		.array( automationActionSchema )
		.min( 1, 'add at least one action' )
		.max( 12, 'at most 12 actions' ),
	caps: automationCapsSchema.default( {
		per_run: null,
		per_day: null,
		per_month: null,
	} ),
	enabled: z.boolean().default( true ),
};

export const automationRuleCreateSchema = z.strictObject( ruleFields );
export type AutomationRuleCreate = z.infer< typeof automationRuleCreateSchema >;
/** site_id stays: a rule belongs to one site for its life. */
export const automationRuleUpdateSchema = z
	.strictObject( {
		name: ruleFields.name,
		sector_id: ruleFields.sector_id,
		trigger: ruleFields.trigger,
		conditions: automationConditionsSchema,
		actions: ruleFields.actions,
		caps: automationCapsSchema,
		enabled: z.boolean(),
	} )
	.partial();

export const automationRuleSchema = z.object( {
	id: idSchema,
	site_id: idSchema,
	sector_id: idSchema,
	name: z.string(),
	enabled: z.boolean(),
	trigger: automationTriggerSchema,
	conditions: automationConditionsSchema,
	actions: z.array( automationActionSchema ),
	caps: automationCapsSchema,
	/** When the schedule fires next; null for event rules and paused ones. */
	next_fire_at: timestampSchema.nullable(),
	last_run_at: timestampSchema.nullable(),
	/** Credits this rule's runs used this calendar month (UTC). */
	credits_this_month: z.number().int(),
	created_at: timestampSchema,
	updated_at: timestampSchema,
} );
export type AutomationRule = z.infer< typeof automationRuleSchema >;

export const automationRuleListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	enabled: z.enum( [ 'true', 'false' ] ).optional(),
} );

export const AUTOMATION_RUN_STATUSES = [
	'queued',
	'running',
	'waiting',
	'succeeded',
	'failed',
	'capped',
	'cancelled',
] as const;
export const automationRunStatusSchema = z.enum( AUTOMATION_RUN_STATUSES );
export type AutomationRunStatus = z.infer< typeof automationRunStatusSchema >;

export const AUTOMATION_STEP_STATUSES = [
	'pending',
	'running',
	'waiting',
	'succeeded',
	'failed',
	'capped',
	'skipped',
] as const;
export const automationStepStatusSchema = z.enum( AUTOMATION_STEP_STATUSES );
export type AutomationStepStatus = z.infer< typeof automationStepStatusSchema >;

/** What a step made or touched, by kind, so the screen can link to it. */
export const AUTOMATION_OUTPUT_KINDS = [
	'keywords',
	'clusters',
	'ideas',
	'tasks',
	'content',
	'images',
	'revisions',
	'links',
	'publishing_records',
] as const;
export const automationOutputKindSchema = z.enum( AUTOMATION_OUTPUT_KINDS );
export type AutomationOutputKind = z.infer< typeof automationOutputKindSchema >;

export const automationStepSchema = z.object( {
	position: z.number().int().min( 0 ),
	action: automationActionSchema,
	status: automationStepStatusSchema,
	attempts: z.number().int(),
	/** What the step was quoted just before it started (what the caps were checked against). */
	credits_estimated: z.number().int().nullable(),
	credits_used: z.number().int(),
	/** What it handed to the next step. */
	output: z.object( {
		kind: automationOutputKindSchema,
		ids: z.array( idSchema ),
	} ),
	ai_run_ids: z.array( idSchema ),
	message: z.string().nullable(),
	error: z.string().nullable(),
	next_attempt_at: timestampSchema.nullable(),
	started_at: timestampSchema.nullable(),
	finished_at: timestampSchema.nullable(),
} );
export type AutomationStep = z.infer< typeof automationStepSchema >;

export const automationRunSchema = z.object( {
	id: idSchema,
	rule_id: idSchema.nullable(),
	rule_name: z.string(),
	site_id: idSchema,
	trigger: z.enum( [ 'schedule', 'event', 'manual' ] ),
	status: automationRunStatusSchema,
	credits_used: z.number().int(),
	error: z.string().nullable(),
	steps: z.array( automationStepSchema ),
	created_at: timestampSchema,
	started_at: timestampSchema.nullable(),
	finished_at: timestampSchema.nullable(),
} );
export type AutomationRun = z.infer< typeof automationRunSchema >;

export const automationRunListQuerySchema = listQuerySchema.extend( {
	site_id: idParam.optional(),
	rule_id: idParam.optional(),
	status: automationRunStatusSchema.optional(),
} );

/** A dry run: what each step would do and cost now, changing and charging nothing. */
export const automationDryRunSchema = z.object( {
	steps: z.array(
		z.object( {
			position: z.number().int().min( 0 ),
			action: automationActionSchema,
			/** What it would work on ("14 keywords in no cluster"). */
			description: z.string(),
			items: z.number().int().nullable(),
			/** Null when it depends on what an earlier step makes. */
			credits: z.number().int().nullable(),
			/** Why the estimate is a projection, or which cap it would hit. */
			note: z.string().nullable(),
		} )
	),
	/** The credits known now (steps with a null estimate are not counted). */
	credits_known: z.number().int(),
	/** The first cap the known credits would pass, in words; null when none. */
	cap_problem: z.string().nullable(),
} );
export type AutomationDryRun = z.infer< typeof automationDryRunSchema >;

export const automationSpendQuerySchema = z.object( {
	site_id: idParam.optional(),
} );
export const automationSpendSchema = z.object( {
	/** The calendar month (UTC), "2026-12". */
	month: z.string(),
	credits: z.number().int(),
	runs: z.number().int(),
	by_rule: z.array(
		z.object( {
			rule_id: idSchema.nullable(),
			name: z.string(),
			credits: z.number().int(),
			runs: z.number().int(),
		} )
	),
} );
export type AutomationSpend = z.infer< typeof automationSpendSchema >;

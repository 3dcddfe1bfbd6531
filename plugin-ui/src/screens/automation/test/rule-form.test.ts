/**
 * External dependencies
 */
import type { AutomationRule } from '@igny8/shared-types';

/**
 * Internal dependencies
 */
import {
	blankForm,
	formFromRule,
	moveAction,
	newAction,
	ruleFromForm,
	type RuleForm,
} from '../rule-form';

const SAVED: AutomationRule = {
	id: 7,
	site_id: 3,
	sector_id: 4,
	name: 'Weekday pipeline',
	enabled: false,
	trigger: {
		kind: 'schedule',
		cron: '0 6 * * 1-5',
		timezone: 'Europe/Berlin',
	},
	conditions: { min_volume: 100 },
	actions: [
		{ type: 'cluster_keywords', method: 'llm', min_cluster_size: 3 },
		{ type: 'approve_ideas', mode: 'top', top_n: 5 },
		{
			type: 'generate_content',
			author_profile_id: 9,
			strategy_id: null,
		},
		{
			type: 'publish',
			status: 'draft',
			window_start: '08:00',
			window_end: '12:00',
		},
	],
	caps: { per_run: 50, per_day: null, per_month: 400 },
	next_fire_at: null,
	last_run_at: null,
	credits_this_month: 0,
	created_at: '2026-12-01T00:00:00.000Z',
	updated_at: '2026-12-01T00:00:00.000Z',
};

describe( 'the rule builder’s form', () => {
	it( 'gives back a saved rule exactly as the cloud keeps it', () => {
		const { rule, errors } = ruleFromForm( formFromRule( SAVED ), 3 );
		expect( errors ).toEqual( {} );
		expect( rule ).toEqual( {
			name: SAVED.name,
			site_id: 3,
			sector_id: 4,
			trigger: SAVED.trigger,
			conditions: SAVED.conditions,
			actions: SAVED.actions,
			caps: SAVED.caps,
			enabled: false,
		} );
	} );

	it( 'makes a new rule with the actions’ defaults', () => {
		const form: RuleForm = {
			...blankForm( 4, 'UTC' ),
			name: '  Daily  ',
			actions: [
				newAction( 'cluster_keywords' ),
				newAction( 'generate_ideas' ),
				newAction( 'approve_ideas' ),
				newAction( 'publish' ),
			],
		};
		expect( ruleFromForm( form, 3 ).rule ).toEqual( {
			name: 'Daily',
			site_id: 3,
			sector_id: 4,
			trigger: { kind: 'schedule', cron: '0 6 * * *', timezone: 'UTC' },
			conditions: {},
			actions: [
				{
					type: 'cluster_keywords',
					method: 'lexical',
					min_cluster_size: 2,
				},
				{ type: 'generate_ideas', ideas_per_cluster: 3 },
				// `top_n` only counts for the top ideas.
				{ type: 'approve_ideas', mode: 'all' },
				// An empty `per_day` publishes everything at once.
				{
					type: 'publish',
					status: 'publish',
					window_start: '09:00',
					window_end: '17:00',
				},
			],
			caps: { per_run: null, per_day: null, per_month: null },
			enabled: true,
		} );
	} );

	it( 'says what is wrong under the cloud’s own field paths', () => {
		const publish = newAction( 'publish' );
		publish.values.window_start = '18:00';
		const ideas = newAction( 'generate_ideas' );
		ideas.values.ideas_per_cluster = '11';
		const form: RuleForm = {
			...blankForm( null, 'Nowhere/Land' ),
			schedule: {
				...blankForm( null, 'UTC' ).schedule,
				repeat: 'custom',
				cron: '0 6 * *',
			},
			minVolume: '-3',
			actions: [ ideas, publish ],
			caps: { per_run: 'ten', per_day: '', per_month: '' },
		};
		const { rule, errors } = ruleFromForm( form, 3 );
		expect( rule ).toBeNull();
		expect( Object.keys( errors ).sort() ).toEqual( [
			'actions.0.ideas_per_cluster',
			'actions.1.window_end',
			'caps.per_run',
			'conditions.min_volume',
			'name',
			'sector_id',
			'trigger.cron',
			'trigger.timezone',
		] );
		expect( errors[ 'actions.0.ideas_per_cluster' ] ).toBe(
			'Enter a whole number from 1 to 10.'
		);
		expect( errors[ 'actions.1.window_end' ] ).toBe(
			'End the time window after it starts.'
		);
	} );

	it( 'asks for a step when there is none', () => {
		const { errors } = ruleFromForm(
			{ ...blankForm( 4, 'UTC' ), name: 'Empty' },
			3
		);
		expect( errors ).toEqual( {
			actions: 'Add at least one step: what the rule does when it runs.',
		} );
	} );

	it( 'moves a step up and down, and not past either end', () => {
		const steps = [
			newAction( 'cluster_keywords' ),
			newAction( 'generate_ideas' ),
			newAction( 'publish' ),
		];
		const types = ( list: typeof steps ) => list.map( ( s ) => s.type );
		expect( types( moveAction( steps, 2, -1 ) ) ).toEqual( [
			'cluster_keywords',
			'publish',
			'generate_ideas',
		] );
		expect( types( moveAction( steps, 0, 1 ) ) ).toEqual( [
			'generate_ideas',
			'cluster_keywords',
			'publish',
		] );
		expect( moveAction( steps, 0, -1 ) ).toBe( steps );
		expect( moveAction( steps, 2, 1 ) ).toBe( steps );
	} );

	it( 'narrows a content.published rule to the post statuses ticked, and only that trigger', () => {
		const form: RuleForm = {
			...blankForm( 4, 'UTC' ),
			name: 'Link new posts',
			trigger: 'event',
			event: 'content.published',
			postStatuses: [ 'publish', 'private' ],
			actions: [ newAction( 'insert_links' ) ],
		};
		expect( ruleFromForm( form, 3 ).rule?.conditions ).toEqual( {
			post_statuses: [ 'publish', 'private' ],
		} );
		expect(
			ruleFromForm( { ...form, event: 'keywords.imported' }, 3 ).rule
				?.conditions
		).toEqual( {} );
		expect(
			formFromRule( {
				...SAVED,
				trigger: { kind: 'event', event: 'content.published' },
				conditions: { post_statuses: [ 'future' ] },
			} ).postStatuses
		).toEqual( [ 'future' ] );
	} );
} );

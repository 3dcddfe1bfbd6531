/**
 * External dependencies
 */
import type {
	AutomationDryRun,
	AutomationRule,
	AutomationRun,
	AutomationSpend,
} from '@igny8/shared-types';
import { act } from 'react';

/**
 * WordPress dependencies
 */
import { createRegistry, RegistryProvider, select } from '@wordpress/data';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { reactRoot } from '../../../test-support/react-root';
import { setClient } from '../../../api';
import type { CloudClient } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import type { CloudRole } from '../../../api/session';
import { store as automationStore } from '../../../store/automation';
import { store as settingsStore } from '../../../store/settings';
import { AutomationScreen } from '../index';

const STAMP = '2026-12-07T06:00:00.000Z';

function rule( fields: Partial< AutomationRule > ): AutomationRule {
	return {
		id: 1,
		site_id: 3,
		sector_id: 4,
		name: 'Daily pipeline',
		enabled: true,
		trigger: {
			kind: 'schedule',
			cron: '0 6 * * *',
			timezone: 'Europe/Berlin',
		},
		conditions: {},
		actions: [
			{
				type: 'cluster_keywords',
				method: 'lexical',
				min_cluster_size: 2,
			},
			{ type: 'generate_ideas', ideas_per_cluster: 3 },
		],
		caps: { per_run: null, per_day: null, per_month: null },
		next_fire_at: STAMP,
		last_run_at: null,
		credits_this_month: 12,
		created_at: STAMP,
		updated_at: STAMP,
		...fields,
	};
}

const RULES = [
	rule( {} ),
	rule( {
		id: 2,
		name: 'After an import',
		enabled: false,
		trigger: { kind: 'event', event: 'keywords.imported' },
		actions: [ { type: 'create_tasks' } ],
		next_fire_at: null,
		credits_this_month: 0,
	} ),
];

const SPEND: AutomationSpend = {
	month: '2026-12',
	credits: 17,
	runs: 4,
	by_rule: [
		{ rule_id: 2, name: 'After an import', credits: 5, runs: 1 },
		{ rule_id: 1, name: 'Daily pipeline', credits: 12, runs: 3 },
	],
};

const step = (
	position: number,
	fields: Partial< AutomationRun[ 'steps' ][ number ] >
): AutomationRun[ 'steps' ][ number ] => ( {
	position,
	action: {
		type: 'cluster_keywords',
		method: 'lexical',
		min_cluster_size: 2,
	},
	status: 'pending',
	attempts: 0,
	credits_estimated: null,
	credits_used: 0,
	output: { kind: 'clusters', ids: [] },
	ai_run_ids: [],
	message: null,
	error: null,
	next_attempt_at: null,
	started_at: null,
	finished_at: null,
	...fields,
} );

const FAILED_RUN: AutomationRun = {
	id: 5,
	rule_id: 1,
	rule_name: 'Daily pipeline',
	site_id: 3,
	trigger: 'schedule',
	status: 'failed',
	credits_used: 6,
	error: 'Generating ideas failed: the AI provider timed out.',
	steps: [
		step( 0, {
			status: 'succeeded',
			attempts: 1,
			credits_estimated: 0,
			output: { kind: 'clusters', ids: [ 11, 12, 13 ] },
			started_at: STAMP,
			finished_at: STAMP,
		} ),
		step( 1, {
			action: { type: 'generate_ideas', ideas_per_cluster: 3 },
			status: 'failed',
			attempts: 3,
			credits_estimated: 8,
			credits_used: 6,
			output: { kind: 'ideas', ids: [] },
			error: 'The AI provider timed out.',
			started_at: STAMP,
		} ),
		step( 2, {
			action: { type: 'create_tasks' },
			output: { kind: 'tasks', ids: [] },
		} ),
	],
	created_at: STAMP,
	started_at: STAMP,
	finished_at: STAMP,
};

const CAPPED_RUN: AutomationRun = {
	...FAILED_RUN,
	id: 6,
	status: 'capped',
	credits_used: 0,
	error: 'Step 2 (generate ideas) would use 6 credits; 4 are left under the per-day cap of 10.',
	steps: [
		FAILED_RUN.steps[ 0 ]!,
		{
			...FAILED_RUN.steps[ 1 ]!,
			status: 'capped',
			attempts: 0,
			credits_used: 0,
			error: null,
		},
		FAILED_RUN.steps[ 2 ]!,
	],
};

const dom = reactRoot();
let client: {
	get: jest.Mock;
	list: jest.Mock;
	post: jest.Mock;
	patch: jest.Mock;
	delete: jest.Mock;
};

/**
 * A cloud that answers the screen's reads; each test adds its writes.
 * @param runs What the runs list holds.
 */
function fakeCloud( runs: AutomationRun[] = [ FAILED_RUN ] ) {
	client = {
		get: jest.fn( async ( path: string ) => {
			if ( path === '/automation/spend/' ) {
				return SPEND;
			}
			if ( path === '/automation/tasks/5/' ) {
				return FAILED_RUN;
			}
			if ( path === '/automation/tasks/6/' ) {
				return CAPPED_RUN;
			}
			if ( path === '/automation/rules/1/' ) {
				return RULES[ 0 ];
			}
			return { count: 0, results: [] };
		} ),
		list: jest.fn( async ( path: string ) =>
			path === '/automation/rules/'
				? { count: RULES.length, results: RULES }
				: { count: runs.length, results: runs }
		),
		post: jest.fn(),
		patch: jest.fn(),
		delete: jest.fn( async () => undefined ),
	};
	setClient( client as unknown as CloudClient );
}

/**
 * The screen at a URL, as a person with a cloud role sees it.
 * @param query The page URL's query, after `page=igny8-automation`.
 * @param role  The session's role.
 */
async function render( query = '', role: CloudRole = 'admin' ) {
	window.history.replaceState(
		null,
		'',
		`/wp-admin/admin.php?page=igny8-automation${ query }`
	);
	window.igny8Bridge = {
		pages: { keywords: '/wp-admin/admin.php?page=igny8-keywords' },
		timezone: 'Europe/Berlin',
	};
	const registry = createRegistry();
	registry.register( settingsStore );
	registry.register( automationStore );
	const settings = registry.dispatch( settingsStore ) as any;
	settings.receiveSession( { siteId: 3, role, cloudUrl: 'http://cloud' } );
	settings.receiveSectors( [ { id: 4, name: 'Garden' } ] );
	settings.finishResolution( 'getSession', [] );
	settings.finishResolution( 'getSectors', [] );
	await act( async () => {
		dom.root.render(
			<RegistryProvider value={ registry }>
				<AutomationScreen sectorId={ 4 } />
			</RegistryProvider>
		);
	} );
	return registry;
}

const text = () => document.body.textContent ?? '';

function byText< T extends HTMLElement >( tag: string, words: string ): T {
	const found = [ ...document.querySelectorAll< T >( tag ) ].find(
		( element ) => element.textContent === words
	);
	if ( ! found ) {
		throw new Error( `No <${ tag }> “${ words }”` );
	}
	return found;
}

async function click( element: HTMLElement ) {
	await act( async () => {
		element.click();
	} );
}

/**
 * A field by its label's words.
 * @param words The label.
 */
function field< T extends HTMLInputElement | HTMLSelectElement >(
	words: string
): T {
	const labelled = byText< HTMLLabelElement >( 'label', words );
	return document.getElementById( labelled.htmlFor ) as T;
}

/**
 * Types into a field or picks an option, as React hears it.
 * @param words The field's label.
 * @param value The new value.
 */
async function fill( words: string, value: string ) {
	const element = field( words );
	const prototype =
		element instanceof HTMLSelectElement
			? HTMLSelectElement.prototype
			: HTMLInputElement.prototype;
	await act( async () => {
		Object.getOwnPropertyDescriptor( prototype, 'value' )!.set!.call(
			element,
			value
		);
		element.dispatchEvent(
			new Event(
				element instanceof HTMLSelectElement ? 'change' : 'input',
				{
					bubbles: true,
				}
			)
		);
	} );
}

/**
 * Chooses an action in a row's menu.
 * @param row    The row's name.
 * @param action The action.
 */
async function rowAction( row: string, action: string ) {
	await click(
		document.querySelector< HTMLElement >(
			`button[aria-label="Actions for “${ row }”"]`
		)!
	);
	await click( byText( '[role="menuitem"]', action ) );
}

beforeAll( () => {
	// jsdom has no scrolling; going to another place scrolls to the top.
	window.scrollTo = jest.fn();
} );
beforeEach( () => fakeCloud() );
afterEach( () => {
	setClient( null );
	delete window.igny8Bridge;
} );

describe( 'IGNY8 → Automation: rules', () => {
	it( 'lists each rule’s trigger in words, steps, state, next run and credits, under the month’s spend', async () => {
		await render();
		expect( client.list ).toHaveBeenCalledWith(
			'/automation/rules/',
			expect.objectContaining( { site_id: 3, page: 1, page_size: 25 } )
		);
		const rows = [ ...document.querySelectorAll( 'tbody tr' ) ].map(
			( row ) => row.textContent
		);
		expect( rows[ 0 ] ).toContain( 'Daily pipeline' );
		expect( rows[ 0 ] ).toContain( 'Every day at 06:00 (Europe/Berlin)' );
		expect( rows[ 0 ] ).toContain( 'Cluster keywords → Generate ideas' );
		expect( rows[ 0 ] ).toContain( 'Garden' );
		expect( rows[ 0 ] ).toContain( 'On' );
		// The next run on the schedule's own clock.
		expect( rows[ 0 ] ).toContain(
			`${ new Date( STAMP ).toLocaleString( undefined, {
				timeZone: 'Europe/Berlin',
				dateStyle: 'medium',
				timeStyle: 'short',
			} ) } (Europe/Berlin)`
		);
		expect( rows[ 0 ] ).toContain( '12 credits' );
		expect( rows[ 1 ] ).toContain( 'When keywords are imported' );
		expect( rows[ 1 ] ).toContain( 'Paused' );
		expect( rows[ 1 ] ).toContain( '0 credits' );

		const spend = document.querySelector(
			'[data-testid="igny8-automation-spend"]'
		)!;
		expect( spend.textContent ).toContain(
			'Automation spend in December 2026'
		);
		expect(
			[ ...spend.querySelectorAll( 'dd' ) ].map(
				( dd ) => dd.textContent
			)
		).toEqual( [ '17', '4' ] );
		// Per rule, the one that used the most first.
		expect(
			[ ...spend.querySelectorAll( 'li' ) ].map(
				( li ) => li.textContent
			)
		).toEqual( [
			'Daily pipeline12 credits in 3 runs',
			'After an import5 credits in 1 run',
		] );
	} );

	it( 'pauses a rule that is on, and resumes one that is paused', async () => {
		client.post.mockImplementation( async ( path: string ) =>
			path.endsWith( '/pause/' )
				? { ...RULES[ 0 ], enabled: false }
				: { ...RULES[ 1 ], enabled: true }
		);
		await render();
		await rowAction( 'Daily pipeline', 'Pause' );
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/rules/1/pause/',
			{}
		);
		// A paused rule offers Resume, not Pause.
		await click(
			document.querySelector< HTMLElement >(
				'button[aria-label="Actions for “After an import”"]'
			)!
		);
		const offered = [
			...document.querySelectorAll( '[role="menuitem"]' ),
		].map( ( item ) => item.textContent );
		expect( offered ).toContain( 'Resume' );
		expect( offered ).not.toContain( 'Pause' );
		await click( byText( '[role="menuitem"]', 'Resume' ) );
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/rules/2/resume/',
			{}
		);
		expect(
			select( noticesStore )
				.getNotices()
				.map( ( notice ) => notice.content )
		).toEqual(
			expect.arrayContaining( [
				'“Daily pipeline” is paused: it starts no run until you resume it.',
				'“After an import” is on again.',
			] )
		);
	} );

	it( 'deletes a rule only once the question is answered', async () => {
		await render();
		await rowAction( 'Daily pipeline', 'Delete' );
		const dialog = document.querySelector( '[role="dialog"]' )!;
		expect( dialog.textContent ).toContain(
			'Delete “Daily pipeline”? It will start no more runs. Its past runs stay in the history.'
		);
		expect( client.delete ).not.toHaveBeenCalled();
		await click(
			[ ...dialog.querySelectorAll< HTMLElement >( 'button' ) ].find(
				( button ) => button.textContent === 'Delete'
			)!
		);
		expect( client.delete ).toHaveBeenCalledWith( '/automation/rules/1/' );
	} );

	it( 'runs a rule now after asking', async () => {
		client.post.mockResolvedValue( { ...FAILED_RUN, status: 'queued' } );
		await render();
		await rowAction( 'Daily pipeline', 'Run now' );
		await click(
			[
				...document.querySelectorAll< HTMLElement >(
					'[role="dialog"] button'
				),
			].find( ( button ) => button.textContent === 'Run now' )!
		);
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/rules/1/run/',
			{}
		);
	} );

	it( 'offers editors no change to rules, and viewers nothing but reading', async () => {
		await render( '', 'editor' );
		expect( text() ).not.toContain( 'New rule' );
		await click(
			document.querySelector< HTMLElement >(
				'button[aria-label="Actions for “Daily pipeline”"]'
			)!
		);
		expect(
			[ ...document.querySelectorAll( '[role="menuitem"]' ) ].map(
				( item ) => item.textContent
			)
		).toEqual( [ 'Open', 'Show its runs' ] );
	} );
} );

const DRY_RUN_OF_SAVED: AutomationDryRun = {
	steps: [],
	credits_known: 0,
	cap_problem: null,
};

describe( 'IGNY8 → Automation: the rule builder', () => {
	const DRY_RUN: AutomationDryRun = {
		steps: [
			{
				position: 0,
				action: {
					type: 'cluster_keywords',
					method: 'llm',
					min_cluster_size: 2,
				},
				description: '14 keywords in no cluster',
				items: 14,
				credits: 4,
				note: 'Step 1 needs 4 credits; the per-run cap is 1.',
			},
			{
				position: 1,
				action: { type: 'generate_ideas', ideas_per_cluster: 3 },
				description:
					'Generate ideas works on what Cluster keywords makes',
				items: null,
				credits: null,
				note: 'Priced when the run gets there.',
			},
		],
		credits_known: 4,
		cap_problem:
			'Cluster keywords would use 4 credits; the per-run cap is 1.',
	};

	async function buildRule() {
		await render( '&rule=new' );
		await fill( 'Name', 'Nightly clusters' );
		await fill( 'Step to add', 'cluster_keywords' );
		await click( byText( 'button', 'Add step' ) );
		await fill( 'Method', 'llm' );
		// The next step of the pipeline is offered next.
		expect( field< HTMLSelectElement >( 'Step to add' ).value ).toBe(
			'generate_ideas'
		);
		await click( byText( 'button', 'Add step' ) );
		await fill( 'Per run', '1' );
	}

	const BUILT = {
		name: 'Nightly clusters',
		site_id: 3,
		sector_id: 4,
		trigger: {
			kind: 'schedule',
			cron: '0 6 * * *',
			timezone: 'Europe/Berlin',
		},
		conditions: {},
		actions: [
			{ type: 'cluster_keywords', method: 'llm', min_cluster_size: 2 },
			{ type: 'generate_ideas', ideas_per_cluster: 3 },
		],
		caps: { per_run: 1, per_day: null, per_month: null },
		enabled: true,
	};

	it( 'previews a dry run of the unsaved rule: each step, its credits and the cap it would pass', async () => {
		client.post.mockResolvedValue( DRY_RUN );
		await buildRule();
		expect(
			document.querySelector(
				'[data-testid="igny8-automation-schedule"]'
			)?.textContent
		).toBe( 'Runs: Every day at 06:00 (Europe/Berlin)' );
		await click( byText( 'button', 'Preview (dry run)' ) );
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/rules/dry_run/',
			BUILT
		);
		const steps = [
			...document.querySelectorAll(
				'[data-testid="igny8-automation-preview-step"]'
			),
		].map( ( item ) => item.textContent );
		expect( steps ).toEqual( [
			'1. Cluster keywordsAbout 4 credits14 keywords in no clusterStep 1 needs 4 credits; the per-run cap is 1.',
			'2. Generate ideasCredits not known yetGenerate ideas works on what Cluster keywords makesPriced when the run gets there.',
		] );
		expect( text() ).toContain(
			'Cluster keywords would use 4 credits; the per-run cap is 1.'
		);
		expect(
			document.querySelector(
				'[data-testid="igny8-automation-preview-total"]'
			)?.textContent
		).toBe(
			'Known now: 4 credits, plus what the later steps use. A dry run changes nothing and charges nothing.'
		);
		// Nothing was saved.
		expect( client.post ).toHaveBeenCalledTimes( 1 );
		// A change after the preview says the preview is old.
		expect( text() ).not.toContain(
			'You changed the rule after this preview'
		);
		await fill( 'Per run', '10' );
		expect( text() ).toContain( 'You changed the rule after this preview' );
	} );

	it( 'saves the rule and goes back to the list', async () => {
		client.post.mockImplementation(
			async ( path: string, body: unknown ) =>
				path === '/automation/rules/'
					? rule( { id: 9, ...( body as object ) } )
					: DRY_RUN
		);
		await buildRule();
		await click( byText( 'button', 'Save rule' ) );
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/rules/',
			BUILT
		);
		expect( window.location.search ).toBe( '?page=igny8-automation' );
		expect(
			document.querySelector( '.igny8-automation__builder' )
		).toBeNull();
		expect(
			select( noticesStore )
				.getNotices()
				.map( ( notice ) => notice.content )
		).toContain( 'Saved “Nightly clusters”.' );
	} );

	it( 'says what is wrong before asking the cloud, and shows the cloud’s own field errors in place', async () => {
		await render( '&rule=new' );
		await click( byText( 'button', 'Preview (dry run)' ) );
		expect( client.post ).not.toHaveBeenCalled();
		expect( text() ).toContain( 'Give the rule a name.' );
		expect( text() ).toContain(
			'Add at least one step: what the rule does when it runs.'
		);

		client.post.mockRejectedValue(
			new ApiError( 'validation', 'Invalid body.', {
				status: 400,
				fieldErrors: {
					'actions.0.top_n': [ 'must be 500 or less' ],
					'trigger.event': [ 'is not an event this server knows' ],
				},
			} )
		);
		await fill( 'Name', 'Approvals' );
		await fill( 'Step to add', 'approve_ideas' );
		await click( byText( 'button', 'Add step' ) );
		await fill( 'Which ideas', 'top' );
		await click( byText( 'button', 'Save rule' ) );
		// Under its field…
		const howMany = field( 'How many' );
		expect(
			document.getElementById(
				howMany.getAttribute( 'aria-describedby' )!
			)?.textContent
		).toBe( 'must be 500 or less' );
		// …and what has no field of its own, in the notice.
		expect( text() ).toContain(
			'Not saved: see the fields marked above. trigger.event: is not an event this server knows'
		);
	} );

	it( 'loads a saved rule into the form and saves only what may change', async () => {
		client.patch.mockImplementation(
			async ( _path: string, body: object ) => rule( body )
		);
		await render( '&rule=1' );
		expect( field< HTMLInputElement >( 'Name' ).value ).toBe(
			'Daily pipeline'
		);
		expect( field< HTMLSelectElement >( 'Repeats' ).value ).toBe( 'daily' );
		expect( field< HTMLInputElement >( 'At' ).value ).toBe( '06:00' );
		expect(
			[
				...document.querySelectorAll(
					'[data-testid="igny8-automation-action"] h4'
				),
			].map( ( heading ) => heading.textContent )
		).toEqual( [ '1. Cluster keywords', '2. Generate ideas' ] );
		// As saved, the saved rule's own dry run (which counts its caps' use today).
		client.post.mockResolvedValue( { ...DRY_RUN_OF_SAVED } );
		await click( byText( 'button', 'Preview (dry run)' ) );
		expect( client.post ).toHaveBeenLastCalledWith(
			'/automation/rules/1/dry_run/',
			{}
		);
		await click(
			document.querySelector< HTMLElement >(
				'button[aria-label="Move step 2, Generate ideas up"]'
			)!
		);
		// Changed, the form as it is now.
		await click( byText( 'button', 'Preview (dry run)' ) );
		expect( client.post ).toHaveBeenLastCalledWith(
			'/automation/rules/dry_run/',
			expect.objectContaining( { name: 'Daily pipeline', site_id: 3 } )
		);
		await click( byText( 'button', 'Save changes' ) );
		const [ path, body ] = client.patch.mock.calls[ 0 ]!;
		expect( path ).toBe( '/automation/rules/1/' );
		expect( body ).not.toHaveProperty( 'site_id' );
		expect( body.actions.map( ( action: any ) => action.type ) ).toEqual( [
			'generate_ideas',
			'cluster_keywords',
		] );
	} );

	it( 'lets an editor preview a rule but not save it', async () => {
		await render( '&rule=new', 'editor' );
		expect( text() ).toContain( 'Preview (dry run)' );
		expect( text() ).not.toContain( 'Save rule' );
		expect( text() ).toContain(
			'saving a rule takes an administrator of this site'
		);
	} );
} );

describe( 'IGNY8 → Automation: runs', () => {
	it( 'lists runs with their status in words', async () => {
		fakeCloud( [
			FAILED_RUN,
			{ ...FAILED_RUN, id: 6, status: 'capped', error: null },
		] );
		await render( '&tab=runs&rule_id=1' );
		expect( client.list ).toHaveBeenCalledWith(
			'/automation/tasks/',
			expect.objectContaining( { site_id: 3, rule_id: '1' } )
		);
		const rows = [ ...document.querySelectorAll( 'tbody tr' ) ].map(
			( row ) => row.textContent
		);
		expect( rows[ 0 ] ).toContain( 'Failed' );
		expect( rows[ 0 ] ).toContain( '6 credits' );
		expect( rows[ 0 ] ).toContain( 'Schedule' );
		expect( rows[ 1 ] ).toContain( 'Stopped at a credit cap' );
	} );

	it( 'shows a run’s steps with what they made, and resumes it from the failed step', async () => {
		client.post.mockResolvedValue( {
			...FAILED_RUN,
			status: 'succeeded',
			error: null,
		} );
		await render( '&run=5' );
		const steps = [
			...document.querySelectorAll(
				'[data-testid="igny8-automation-step"]'
			),
		];
		expect(
			steps.map( ( item ) => item.getAttribute( 'data-status' ) )
		).toEqual( [ 'succeeded', 'failed', 'pending' ] );
		expect( steps[ 0 ]!.textContent ).toContain(
			'1. Cluster keywordsDone'
		);
		expect( steps[ 0 ]!.textContent ).toContain( '3 clusters' );
		expect( steps[ 1 ]!.textContent ).toContain(
			'2. Generate ideasFailed'
		);
		expect( steps[ 1 ]!.textContent ).toContain(
			'6 credits (estimated 8 credits)'
		);
		expect( steps[ 1 ]!.textContent ).toContain(
			'Problem: The AI provider timed out.'
		);
		expect( steps[ 1 ]!.textContent ).toContain( 'Tries3' );
		expect( steps[ 2 ]!.textContent ).toContain( 'Not started' );
		expect( text() ).toContain(
			'Generating ideas failed: the AI provider timed out.'
		);
		// No cancel for a run that ended.
		expect( text() ).not.toContain( 'Cancel run' );
		await click( byText( 'button', 'Resume' ) );
		expect( client.post ).toHaveBeenCalledWith(
			'/automation/tasks/5/resume/',
			{}
		);
		expect(
			document.querySelector( '.igny8-automation__head .igny8-status' )
				?.textContent
		).toBe( 'Finished' );
	} );

	it( 'says a capped run charged nothing for the step it did not start, and offers to resume it', async () => {
		await render( '&run=6' );
		expect( text() ).toContain( 'Stopped at a credit cap' );
		expect( text() ).toContain(
			'Step 2 (generate ideas) would use 6 credits; 4 are left under the per-day cap of 10.'
		);
		expect( text() ).toContain(
			'so it was not started and charged nothing'
		);
		expect(
			document.querySelectorAll(
				'[data-testid="igny8-automation-step"]'
			)[ 1 ]!.textContent
		).toContain( 'Not started: over a credit cap' );
		expect( byText( 'button', 'Resume' ) ).toBeTruthy();
		// The rule, to raise its cap.
		await click( byText( 'a', 'Open the rule “Daily pipeline”' ) );
		expect( window.location.search ).toBe(
			'?page=igny8-automation&rule=1'
		);
	} );
} );

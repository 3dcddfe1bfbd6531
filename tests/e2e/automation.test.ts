/**
 * IGNY8 → Automation, in Chromium against real WordPress, the real cloud and
 * the fake AI provider: a rule built in the builder (a daily schedule in a
 * time zone, three ordered steps with their options, a credit cap) is
 * previewed with a dry run — each step with what it would work on and its
 * credit estimate, and the cap it would pass — before anything is saved;
 * the preview is what the cloud's dry run of the same rule says; saved, the
 * rule is in the list with its trigger in words. “Run now” on a free rule
 * starts a run whose steps show in the run history. Every screen at 1280
 * and 375 px, with no serious axe finding.
 */
import request from 'supertest';
import type {
	AutomationDryRun,
	AutomationRule,
	AutomationRuleCreate,
	AutomationRun,
} from '@igny8/shared-types';
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type ConsoleErrors,
	type FakeOpenAI,
	type WordPressSite,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant, bearer, type Tenant } from '../../cloud/test/fixtures';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';
import { screenshotsAtBothWidths, seriousViolations } from './support/screens';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;

const KEYWORDS = [
	{ keyword: 'tomato seeds', search_volume: 900 },
	{ keyword: 'tomato seedlings', search_volume: 500 },
	{ keyword: 'growing tomato seeds', search_volume: 300 },
	{ keyword: 'rose pruning', search_volume: 800 },
	{ keyword: 'pruning roses', search_volume: 400 },
	{ keyword: 'rose pruning shears', search_volume: 200 },
];

/** The steps the builder makes, in the words the screen gives them. */
const STEPS = [ 'Cluster keywords', 'Generate ideas', 'Approve ideas' ];

const auth = () => bearer( tenant.owner );

/**
 * The rule the test builds, as the cloud takes it.
 * @param perRun The per-run credit cap.
 */
const built = ( perRun: number | null ): AutomationRuleCreate => ( {
	name: 'Nightly ideas',
	site_id: tenant.siteId,
	sector_id: tenant.sectorId,
	trigger: { kind: 'schedule', cron: '0 6 * * *', timezone: 'Europe/Berlin' },
	conditions: {},
	actions: [
		{ type: 'cluster_keywords', method: 'llm', min_cluster_size: 2 },
		{ type: 'generate_ideas', ideas_per_cluster: 2 },
		{ type: 'approve_ideas', mode: 'top', top_n: 3 },
	],
	caps: { per_run: perRun, per_day: null, per_month: null },
	enabled: true,
} );

/**
 * What the cloud's dry run says of a rule, asked directly.
 * @param rule The rule.
 */
async function dryRun(
	rule: AutomationRuleCreate
): Promise< AutomationDryRun > {
	const answer = await request( cloud.app )
		.post( '/api/v1/automation/rules/dry_run/' )
		.set( auth() )
		.send( rule );
	expect( { status: answer.status, body: answer.body } ).toMatchObject( {
		status: 200,
	} );
	return answer.body.data as AutomationDryRun;
}

/**
 * The site's rules, as the cloud lists them.
 */
async function rules(): Promise< AutomationRule[] > {
	const answer = await request( cloud.app )
		.get( '/api/v1/automation/rules/' )
		.query( { site_id: tenant.siteId } )
		.set( auth() )
		.expect( 200 );
	return answer.body.results as AutomationRule[];
}

/**
 * “3 credits”, as the screen counts them.
 * @param n How many.
 */
const credits = ( n: number ) => `${ n } credit${ n === 1 ? '' : 's' }`;

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	const port = await freePort();
	let wpPort = await freePort();
	while ( wpPort === port ) {
		wpPort = await freePort();
	}
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			...AI_ENV( openai ),
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			CORS_ORIGINS: `http://127.0.0.1:${ wpPort }`,
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Automation Screens' );
	await grant( cloud, tenant, 500 );
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );
	await request( cloud.app )
		.post( '/api/v1/planner/keywords/bulk_create/' )
		.set( auth() )
		.send( { sector_id: tenant.sectorId, keywords: KEYWORDS } )
		.expect( ( answer ) => {
			expect( answer.status ).toBeLessThan( 300 );
		} );
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, site.admin ) );
	errors = collectConsoleErrors( page );
}, 240_000 );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

/** axe-core on the Automation screen. */
const violations = () =>
	seriousViolations( page, { include: [ '.igny8-automation' ] } );

const row = ( name: string ) =>
	page.locator( '.igny8-table tbody tr', { hasText: name } );

describe( 'IGNY8 → Automation', () => {
	it( 'says what to do while there is no rule, under the month’s spend', async () => {
		await page.goto( '/wp-admin/admin.php?page=igny8-automation' );
		await page
			.getByText( 'No rules yet — choose “New rule”', { exact: false } )
			.waitFor( { timeout: 30_000 } );
		const spend = page.getByTestId( 'igny8-automation-spend' );
		await spend
			.getByText( 'Automation spend in', { exact: false } )
			.waitFor();
		await spend
			.getByText( 'No rule has run this month yet.', { exact: false } )
			.waitFor();
		expect( await violations() ).toEqual( [] );
		await screenshotsAtBothWidths( page, 'automation-empty' );
	} );

	it( 'builds a rule, previews each step and its credits with a dry run, and saves it into the list', async () => {
		const priced = await dryRun( built( null ) );
		expect( priced.steps ).toHaveLength( STEPS.length );
		const firstCredits = priced.steps[ 0 ]!.credits;
		expect( firstCredits ).toEqual( expect.any( Number ) );
		// A per-run cap just under the first step's estimate (when it costs anything).
		const cap = Math.max( 0, firstCredits! - 1 );

		await page.goto( '/wp-admin/admin.php?page=igny8-automation' );
		await page
			.getByRole( 'link', { name: 'New rule' } )
			.click( { timeout: 30_000 } );
		const builder = page.locator( '.igny8-automation__builder' );
		await builder.waitFor();
		expect( page.url() ).toContain( 'rule=new' );

		await builder
			.getByLabel( 'Name', { exact: true } )
			.fill( 'Nightly ideas' );
		await builder.getByLabel( 'Repeats' ).selectOption( 'daily' );
		await builder.getByLabel( 'At', { exact: true } ).fill( '06:00' );
		await builder.getByLabel( 'Time zone' ).selectOption( 'Europe/Berlin' );
		await builder
			.getByTestId( 'igny8-automation-schedule' )
			.getByText( 'Runs: Every day at 06:00 (Europe/Berlin)' )
			.waitFor();

		// Three steps, in order, each with its options.
		const add = async ( type: string ) => {
			await builder.getByLabel( 'Step to add' ).selectOption( type );
			await builder.getByRole( 'button', { name: 'Add step' } ).click();
		};
		await add( 'approve_ideas' );
		await add( 'cluster_keywords' );
		await add( 'generate_ideas' );
		// Approve ideas went first: move it to the end.
		await builder
			.getByRole( 'button', { name: 'Move step 1, Approve ideas down' } )
			.click();
		await builder
			.getByRole( 'button', { name: 'Move step 2, Approve ideas down' } )
			.click();
		const cards = builder.getByTestId( 'igny8-automation-action' );
		await expect(
			cards.locator( 'h4' ).allTextContents()
		).resolves.toEqual(
			STEPS.map( ( name, i ) => `${ i + 1 }. ${ name }` )
		);
		await cards.nth( 0 ).getByLabel( 'Method' ).selectOption( 'llm' );
		await cards.nth( 1 ).getByLabel( 'Ideas per cluster' ).fill( '2' );
		await cards.nth( 2 ).getByLabel( 'Which ideas' ).selectOption( 'top' );
		await cards.nth( 2 ).getByLabel( 'How many' ).fill( '3' );
		await builder.getByLabel( 'Per run' ).fill( String( cap ) );

		// The dry run: each step, its estimate, and the cap it would pass.
		const capped = await dryRun( built( cap ) );
		await builder
			.getByRole( 'button', { name: 'Preview (dry run)' } )
			.click();
		const preview = builder.getByTestId( 'igny8-automation-preview' );
		await preview.waitFor( { timeout: 30_000 } );
		const steps = preview.getByTestId( 'igny8-automation-preview-step' );
		await expect( steps.count() ).resolves.toBe( STEPS.length );
		for ( const [ index, expected ] of capped.steps.entries() ) {
			const item = steps.nth( index );
			await expect( item.locator( 'h4' ).textContent() ).resolves.toBe(
				`${ index + 1 }. ${ STEPS[ index ] }`
			);
			await expect( item.textContent() ).resolves.toContain(
				expected.description
			);
			await expect(
				item
					.getByTestId( 'igny8-automation-preview-credits' )
					.textContent()
			).resolves.toBe(
				expected.credits === null
					? 'Credits not known yet'
					: `About ${ credits( expected.credits ) }`
			);
		}
		await expect(
			preview
				.getByTestId( 'igny8-automation-preview-total' )
				.textContent()
		).resolves.toContain( credits( capped.credits_known ) );
		if ( capped.cap_problem ) {
			await preview
				.locator( '.igny8-automation__cap-problem' )
				.getByText( capped.cap_problem )
				.waitFor();
		}
		// Nothing was saved by the preview.
		await expect( rules() ).resolves.toEqual( [] );
		expect( await violations() ).toEqual( [] );
		await screenshotsAtBothWidths( page, 'automation-dry-run' );

		// No cap: the preview says it is out of date until asked again.
		await builder.getByLabel( 'Per run' ).fill( '' );
		await preview
			.getByText( 'You changed the rule after this preview.', {
				exact: false,
			} )
			.waitFor();
		await builder
			.getByRole( 'button', { name: 'Preview (dry run)' } )
			.click();
		await preview
			.locator( '.igny8-automation__cap-problem' )
			.waitFor( { state: 'detached', timeout: 30_000 } );
		await expect(
			preview
				.getByTestId( 'igny8-automation-preview-credits' )
				.first()
				.textContent()
		).resolves.toBe(
			priced.steps[ 0 ]!.credits === null
				? 'Credits not known yet'
				: `About ${ credits( priced.steps[ 0 ]!.credits! ) }`
		);

		await builder.getByRole( 'button', { name: 'Save rule' } ).click();
		await row( 'Nightly ideas' ).waitFor( { timeout: 30_000 } );
		expect( page.url() ).not.toContain( 'rule=' );
		await page
			.locator( '.components-snackbar', {
				hasText: 'Saved “Nightly ideas”.',
			} )
			.waitFor();
		const saved = await rules();
		expect( saved ).toHaveLength( 1 );
		expect( saved[ 0 ] ).toMatchObject( {
			name: 'Nightly ideas',
			enabled: true,
			trigger: built( null ).trigger,
			actions: built( null ).actions,
			caps: { per_run: null, per_day: null, per_month: null },
		} );
		const text = await row( 'Nightly ideas' ).textContent();
		expect( text ).toContain( 'Every day at 06:00 (Europe/Berlin)' );
		expect( text ).toContain( STEPS.join( ' → ' ) );
		expect( text ).toContain( 'On' );
		expect( text ).toContain( '0 credits' );
		// The next run, on the schedule's clock, as this browser writes it.
		const next = await page.evaluate(
			( at ) =>
				new Date( at ).toLocaleString( undefined, {
					timeZone: 'Europe/Berlin',
					dateStyle: 'medium',
					timeStyle: 'short',
				} ),
			saved[ 0 ]!.next_fire_at!
		);
		expect( text ).toContain( `${ next } (Europe/Berlin)` );
		expect( await violations() ).toEqual( [] );
		await screenshotsAtBothWidths( page, 'automation-rules' );

		// Opening it again shows what was saved.
		await page
			.getByRole( 'link', { name: 'Nightly ideas', exact: true } )
			.click();
		await builder.waitFor();
		await expect(
			builder.getByLabel( 'Name', { exact: true } ).inputValue()
		).resolves.toBe( 'Nightly ideas' );
		await expect(
			builder
				.getByTestId( 'igny8-automation-action' )
				.locator( 'h4' )
				.allTextContents()
		).resolves.toEqual(
			STEPS.map( ( name, i ) => `${ i + 1 }. ${ name }` )
		);
		await builder.getByRole( 'link', { name: 'Cancel' } ).click();
		await row( 'Nightly ideas' ).waitFor();
	} );

	it( 'runs a rule now and shows the run’s steps in the history', async () => {
		const made = await request( cloud.app )
			.post( '/api/v1/automation/rules/' )
			.set( auth() )
			.send( {
				...built( null ),
				name: 'Free clustering',
				trigger: { kind: 'event', event: 'keywords.imported' },
				actions: [
					{
						type: 'cluster_keywords',
						method: 'lexical',
						min_cluster_size: 2,
					},
				],
			} )
			.expect( 201 );
		const ruleId = made.body.data.id as number;

		await page.goto( '/wp-admin/admin.php?page=igny8-automation' );
		await row( 'Free clustering' ).waitFor( { timeout: 30_000 } );
		await expect(
			row( 'Free clustering' ).textContent()
		).resolves.toContain( 'When keywords are imported' );
		await row( 'Free clustering' )
			.getByRole( 'button', { name: 'Actions for “Free clustering”' } )
			.click();
		await page.getByRole( 'menuitem', { name: 'Run now' } ).click();
		const confirm = page.getByRole( 'dialog', { name: 'Run now' } );
		await confirm.getByRole( 'button', { name: 'Run now' } ).click();
		await page
			.locator( '.components-snackbar', {
				hasText: '“Free clustering” is running.',
			} )
			.waitFor( { timeout: 30_000 } );

		// The run goes on by itself (the inline queue); its step waits for
		// the AI run's end, which reaches it as a domain event: the test
		// cloud has no scheduler to deliver them, so the test does.
		const run = await waitFor( async () => {
			await deliverEvents( cloud );
			const answer = await request( cloud.app )
				.get( '/api/v1/automation/tasks/' )
				.query( { rule_id: ruleId } )
				.set( auth() )
				.expect( 200 );
			const found = ( answer.body.results as AutomationRun[] )[ 0 ];
			if (
				found &&
				! [ 'queued', 'running', 'waiting' ].includes( found.status )
			) {
				return found;
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 250 ) );
			return undefined;
		}, 60_000 );
		expect( run.status ).toBe( 'succeeded' );

		await row( 'Free clustering' )
			.getByRole( 'button', { name: 'Actions for “Free clustering”' } )
			.click();
		await page.getByRole( 'menuitem', { name: 'Show its runs' } ).click();
		expect( page.url() ).toContain( `rule_id=${ ruleId }` );
		const runRow = row( 'Free clustering' );
		await runRow
			.getByText( 'Finished', { exact: true } )
			.waitFor( { timeout: 30_000 } );
		await expect( runRow.textContent() ).resolves.toContain( 'Run now' );
		expect( await violations() ).toEqual( [] );
		await screenshotsAtBothWidths( page, 'automation-runs' );

		await runRow.getByRole( 'link', { name: 'Free clustering' } ).click();
		const detail = page.getByTestId( 'igny8-automation-run' );
		await detail.waitFor( { timeout: 30_000 } );
		expect( page.url() ).toContain( `run=${ run.id }` );
		const step = detail.getByTestId( 'igny8-automation-step' );
		await expect( step.count() ).resolves.toBe( 1 );
		await expect(
			step.first().getAttribute( 'data-status' )
		).resolves.toBe( 'succeeded' );
		const stepText = await step.first().textContent();
		expect( stepText ).toContain( '1. Cluster keywordsDone' );
		const output = run.steps[ 0 ]!.output;
		if ( output.ids.length > 0 ) {
			expect( stepText ).toContain(
				`${ output.ids.length } cluster${ output.ids.length === 1 ? '' : 's' }`
			);
			await expect(
				step
					.first()
					.getByRole( 'link', { name: 'Show them' } )
					.getAttribute( 'href' )
			).resolves.toContain( 'page=igny8-clusters' );
		}
		expect( await violations() ).toEqual( [] );
		await screenshotsAtBothWidths( page, 'automation-run' );
		expect( errors.errors ).toEqual( [] );
	} );
} );

/**
 * Per-site monthly credit caps in the agency console, in Chromium against a
 * real cloud on PostgreSQL: an owner sets a site's cap on Credits & usage,
 * an AI job that would pass it is refused through the API with words that
 * say the cap, what the site used and what to do, and the console shows
 * used / cap (the site's page too); the per-site usage chart adds up to the
 * ledger; an admin may change caps, an editor and a viewer see the values
 * without controls and the API refuses their PUT. Each page: no console
 * errors, no serious axe findings, screenshots at 1280 and 375 px.
 */
import type { Browser, Page } from 'playwright-core';
import {
	launchBrowser,
	startFakeOpenAI,
	type ConsoleErrors,
	type FakeOpenAI,
} from '@igny8/test-harness';
import {
	addContent,
	addTenant,
	addUser,
	type Actor,
	type ContentFixtures,
	type Tenant,
} from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import { listen, type ListeningCloud } from '../../cloud/test/wordpress-bridge';
import {
	assertConsoleBuilt,
	checkConsolePage,
	consoleApi,
	signInToConsole,
	spend,
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let openai: FakeOpenAI;
let tenant: Tenant;
let browser: Browser;
let bakeryId: number;
let content: ContentFixtures;
const actors: Record< 'owner' | 'admin' | 'editor' | 'viewer', Actor > =
	{} as never;

const api = ( actor: Actor, method: string, apiPath: string, body?: unknown ) =>
	consoleApi( served.url, actor, method, apiPath, body );

/** What a job of this test spent (see `spend` in support/console). */
const spent = (
	job: string,
	fn: string,
	siteId: number,
	reserve: number,
	outcome: { settle: number } | 'refund'
) => spend( cloud, tenant.accountId, { job, fn, siteId, reserve, outcome } );

beforeAll( async () => {
	assertConsoleBuilt();
	// A configured provider (the fake): a refusal below is the cap's, not "AI is not configured".
	openai = await startFakeOpenAI();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url },
		{ workers: false }
	);
	served = await listen( cloud );
	tenant = await addTenant( cloud, 'Caps Agency' );
	actors.owner = tenant.owner;
	actors.admin = await addUser( cloud, tenant.accountId, 'admin' );
	actors.editor = await addUser( cloud, tenant.accountId, 'editor' );
	actors.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	await cloud.context.models.Site.update(
		{ name: 'Alpha Garden Blog' },
		{ where: { id: tenant.siteId } }
	);
	const bakery = await api( actors.owner, 'POST', '/auth/sites/', {
		name: 'Beta Bakery',
		wordpress_url: 'https://beta.example.test',
	} );
	expect( bakery.status ).toBe( 201 );
	bakeryId = bakery.json.data.id;
	content = await addContent( cloud, tenant );

	await cloud.context.services.credits.add(
		tenant.accountId,
		1000,
		'grant',
		'Monthly grant',
		'caps-grant'
	);
	// This month: Alpha 10 + 6 (a refund gives its 9 back), Beta 12.
	await spent( 'caps-a1', 'generate_content', tenant.siteId, 12, {
		settle: 10,
	} );
	await spent( 'caps-a2', 'generate_images', tenant.siteId, 9, 'refund' );
	await spent( 'caps-a3', 'auto_cluster', tenant.siteId, 6, { settle: 6 } );
	await spent( 'caps-b1', 'generate_content', bakeryId, 15, { settle: 12 } );

	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

async function openCredits( actor: Actor ) {
	const tab = await signInToConsole(
		browser,
		served.url,
		actor,
		'/console/credits'
	);
	await tab.page
		.getByRole( 'heading', { name: 'Monthly caps per site' } )
		.waitFor();
	await capRow( tab.page, tenant.siteId ).waitFor();
	return tab;
}

const capRow = ( page: Page, siteId: number ) =>
	page.locator( `.igny8c-caps tr[data-row="${ siteId }"]` );

const usedText = async ( page: Page, siteId: number ) =>
	(
		await capRow( page, siteId )
			.locator( '[data-column="used"] .igny8c-meter__text' )
			.innerText()
	).trim();

const checkPage = ( page: Page, errors: ConsoleErrors, name: string ) =>
	checkConsolePage( page, errors, `console-caps-${ name }` );

describe( 'monthly caps per site in the console', () => {
	it( 'an owner sets a cap; an AI job over it is refused through the API with the cap, the use and what to do; the console shows used / cap', async () => {
		const { context, page, errors } = await openCredits( actors.owner );
		expect( await usedText( page, tenant.siteId ) ).toBe(
			'16 credits, no cap'
		);
		expect( await usedText( page, bakeryId ) ).toBe( '12 credits, no cap' );
		await page
			.getByText( 'Months are calendar months in UTC', { exact: false } )
			.waitFor();

		// A typing slip is caught before anything is sent.
		const input = page.getByLabel(
			'Monthly cap for Alpha Garden Blog, in credits'
		);
		await input.fill( '0' );
		await page
			.getByRole( 'button', {
				name: 'Save the cap for Alpha Garden Blog',
			} )
			.click();
		await capRow( page, tenant.siteId )
			.getByText( 'Enter a whole number of credits, 1 or more.' )
			.waitFor();
		expect(
			( await api( actors.owner, 'GET', '/billing/site-caps/' ) ).json
				.data.sites[ 0 ].monthly_cap
		).toBeNull();

		// What the job will need, then a cap one credit short of it.
		const estimate = await api(
			actors.editor,
			'POST',
			'/billing/estimate/',
			{
				function: 'generate_ideas',
				input: {
					cluster_ids: [ content.clusterId ],
					ideas_per_cluster: 1,
				},
			}
		);
		expect( estimate.status ).toBe( 200 );
		const needs = estimate.json.data.credits as number;
		const cap = 16 + needs - 1;
		await input.fill( String( cap ) );
		await page
			.getByRole( 'button', {
				name: 'Save the cap for Alpha Garden Blog',
			} )
			.click();
		await page
			.locator( '.components-notice', {
				hasText: `Alpha Garden Blog may now spend ${ cap } credits a month.`,
			} )
			.waitFor();
		await page.waitForFunction(
			( text ) =>
				document
					.querySelector(
						'.igny8c-caps tr[data-row] [data-column="used"] .igny8c-meter__text'
					)
					?.textContent?.includes( text ),
			`16 of ${ cap } credits`
		);
		const meter = capRow( page, tenant.siteId ).getByRole( 'meter' );
		expect( await meter.getAttribute( 'aria-valuenow' ) ).toBe( '16' );
		expect( await meter.getAttribute( 'aria-valuemax' ) ).toBe(
			String( cap )
		);
		await capRow( page, tenant.siteId )
			.getByText( `${ needs - 1 } left` )
			.waitFor();
		const listed = await api( actors.viewer, 'GET', '/billing/site-caps/' );
		expect(
			listed.json.data.sites.find(
				( s: { site_id: number } ) => s.site_id === tenant.siteId
			)
		).toMatchObject( {
			monthly_cap: cap,
			used: 16,
			set_by: actors.owner.id,
		} );

		// The job over the cap: refused, in words, charging nothing.
		const balance = await cloud.context.services.credits.balance(
			tenant.accountId
		);
		const refused = await api(
			actors.editor,
			'POST',
			'/planner/clusters/generate_ideas/',
			{ ids: [ content.clusterId ], ideas_per_cluster: 1 }
		);
		expect( {
			status: refused.status,
			success: refused.json.success,
			code: refused.json.code,
		} ).toEqual( {
			status: 402,
			success: false,
			code: 'site_credit_cap_reached',
		} );
		expect( refused.json.error ).toBe(
			`“Alpha Garden Blog” has reached its monthly credit cap: the cap is ${ cap } credits, the site has used 16 this month (UTC calendar month, ${ needs - 1 } left) and this needs ${ needs }. Nothing was charged. An owner or admin can raise the site's cap in the IGNY8 console (Credits & usage), or wait until the 1st (00:00 UTC), when the month starts over.`
		);
		expect(
			await cloud.context.services.credits.balance( tenant.accountId )
		).toBe( balance );
		expect( openai.requests ).toHaveLength( 0 );

		// After a reload the console still says 16 of the cap: nothing moved.
		await page.reload( { waitUntil: 'domcontentloaded' } );
		await capRow( page, tenant.siteId ).waitFor();
		expect( await usedText( page, tenant.siteId ) ).toBe(
			`16 of ${ cap } credits`
		);
		await checkPage( page, errors, 'owner' );

		// The site's own page shows the same figures.
		await page
			.locator( '.igny8c-caps' )
			.getByRole( 'link', { name: 'Alpha Garden Blog' } )
			.click();
		const fact = page.getByTestId( 'site-cap' );
		await fact.getByText( `16 of ${ cap } credits` ).waitFor();
		await checkPage( page, errors, 'site-page' );

		// Raising it by one credit makes room for the same job.
		await page.goBack();
		await capRow( page, tenant.siteId ).waitFor();
		await page
			.getByLabel( 'Monthly cap for Alpha Garden Blog, in credits' )
			.fill( String( cap + 1 ) );
		await page
			.getByRole( 'button', {
				name: 'Save the cap for Alpha Garden Blog',
			} )
			.click();
		await page
			.locator( '.components-notice', {
				hasText: `Alpha Garden Blog may now spend ${ cap + 1 } credits a month.`,
			} )
			.waitFor();
		const started = await api(
			actors.editor,
			'POST',
			'/planner/clusters/generate_ideas/',
			{ ids: [ content.clusterId ], ideas_per_cluster: 1 }
		);
		expect( started.status ).toBe( 202 );
		await context.close();
	} );

	it( 'draws the range’s credits per site with the ledger’s numbers', async () => {
		const { context, page, errors } = await openCredits( actors.viewer );
		await page
			.locator( '.igny8c-sitechart .recharts-bar-rectangle' )
			.first()
			.waitFor();
		const ledger = await api(
			actors.viewer,
			'GET',
			'/billing/transactions/?page_size=100'
		);
		const expected: Record< string, number > = {};
		for ( const row of ledger.json.results as Array< {
			site_id: number | null;
			type: string;
			amount: number;
			job_id: string | null;
		} > ) {
			if (
				row.job_id &&
				[ 'reserve', 'settle', 'refund' ].includes( row.type )
			) {
				const key = String( row.site_id ?? 'none' );
				expected[ key ] = ( expected[ key ] ?? 0 ) - row.amount;
			}
		}
		for ( const key of Object.keys( expected ) ) {
			if ( expected[ key ] === 0 ) {
				delete expected[ key ];
			}
		}
		// The first test's job holds its whole reservation while it waits (no workers here).
		expect( expected[ String( bakeryId ) ] ).toBe( 12 );
		expect( expected[ String( tenant.siteId ) ] ).toBeGreaterThan( 16 );
		const drawn = Object.fromEntries(
			await page
				.locator( '.igny8c-sitechart tr[data-site]' )
				.evaluateAll( ( trs ) =>
					trs.map( ( tr ) => [
						tr.getAttribute( 'data-site' ),
						Number( tr.getAttribute( 'data-credits' ) ),
					] )
				)
		);
		expect( drawn ).toEqual( expected );
		// The bars are labelled with the sites' names, most spent first.
		const names = await page
			.locator( '.igny8c-sitechart tr[data-site] td:first-child' )
			.allTextContents();
		expect( names ).toEqual( [ 'Alpha Garden Blog', 'Beta Bakery' ] );
		// The bars' labels (a long name wraps over lines).
		expect(
			await page
				.locator( '.igny8c-sitechart .recharts-yAxis-tick-labels text' )
				.evaluateAll( ( texts ) =>
					texts.map( ( text ) =>
						[ ...text.querySelectorAll( 'tspan' ) ]
							.map( ( line ) => line.textContent )
							.join( ' ' )
					)
				)
		).toEqual( [ 'Alpha Garden Blog', 'Beta Bakery' ] );
		await page.getByText( 'Show the totals per site as a table' ).click();
		await checkPage( page, errors, 'chart-viewer' );
		await context.close();
	} );

	it( 'lets an admin change a cap and remove it', async () => {
		const { context, page, errors } = await openCredits( actors.admin );
		await page
			.getByLabel( 'Monthly cap for Beta Bakery, in credits' )
			.fill( '12' );
		await page
			.getByRole( 'button', { name: 'Save the cap for Beta Bakery' } )
			.click();
		// Capped at what it used already: said plainly.
		await page
			.locator( '.components-notice', {
				hasText:
					'Beta Bakery may now spend 12 credits a month, and it has used 12 this month already',
			} )
			.waitFor();
		await capRow( page, bakeryId )
			.getByText( 'Cap reached: new AI work is refused' )
			.waitFor();
		// The form shows the saved cap, with nothing left to save.
		expect(
			await page
				.getByLabel( 'Monthly cap for Beta Bakery, in credits' )
				.inputValue()
		).toBe( '12' );
		expect(
			await page
				.getByRole( 'button', { name: 'Save the cap for Beta Bakery' } )
				.isDisabled()
		).toBe( true );
		await checkPage( page, errors, 'admin-reached' );
		await page
			.getByRole( 'button', { name: 'Remove cap for Beta Bakery' } )
			.click();
		await page
			.locator( '.components-notice', {
				hasText: 'Beta Bakery has no monthly cap now',
			} )
			.waitFor();
		await page.waitForFunction(
			() =>
				document.querySelectorAll( '.igny8c-caps [role="meter"]' )
					.length === 1
		);
		expect(
			(
				await api( actors.admin, 'GET', '/billing/site-caps/' )
			).json.data.sites.find(
				( s: { site_id: number } ) => s.site_id === bakeryId
			).monthly_cap
		).toBeNull();
		await context.close();
	} );

	it.each( [ 'editor', 'viewer' ] as const )(
		'shows %s the caps without controls, and the API refuses their change',
		async ( role ) => {
			const { context, page, errors } = await openCredits(
				actors[ role ]
			);
			await page.getByTestId( 'caps-readonly' ).waitFor();
			expect(
				await page.getByTestId( 'caps-readonly' ).innerText()
			).toBe( 'Only owners and admins can change caps.' );
			const caps = page.locator( '.igny8c-caps' );
			expect( await caps.locator( 'input' ).count() ).toBe( 0 );
			expect( await caps.getByRole( 'button' ).count() ).toBe( 0 );
			const alpha = await api(
				actors.owner,
				'GET',
				'/billing/site-caps/'
			);
			const cap = alpha.json.data.sites.find(
				( s: { site_id: number } ) => s.site_id === tenant.siteId
			).monthly_cap as number;
			expect(
				await capRow( page, tenant.siteId )
					.locator( '[data-column="cap"]' )
					.innerText()
			).toContain( `${ cap } credits` );
			expect(
				await capRow( page, bakeryId )
					.locator( '[data-column="cap"]' )
					.innerText()
			).toContain( 'No cap' );
			const refused = await api(
				actors[ role ],
				'PUT',
				`/billing/site-caps/${ tenant.siteId }/`,
				{ monthly_cap: 1 }
			);
			expect( {
				status: refused.status,
				code: refused.json.code,
			} ).toEqual( { status: 403, code: 'permission_denied' } );
			const after = await api(
				actors.owner,
				'GET',
				'/billing/site-caps/'
			);
			expect(
				after.json.data.sites.find(
					( s: { site_id: number } ) => s.site_id === tenant.siteId
				).monthly_cap
			).toBe( cap );
			await checkPage( page, errors, `readonly-${ role }` );
			await context.close();
		}
	);
} );

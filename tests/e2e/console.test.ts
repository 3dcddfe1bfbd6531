/**
 * The agency console at /console/, in Chromium against a real cloud on
 * PostgreSQL: an owner, an admin, an editor and a viewer sign in with their
 * accounts; each page (sites, a site, users, credits & usage) renders the
 * account's data with no console errors and no serious axe findings, at
 * 1280 and 375 px; what a role may not do is not offered, and the API
 * refuses it anyway; the usage chart adds up to the ledger it is drawn from;
 * an expired access token is renewed; signing out ends the session.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type ConsoleErrors } from '@igny8/test-harness';
import {
	addUser,
	addTenant,
	pairedCredentials,
	type Actor,
	type Tenant,
} from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import { listen, type ListeningCloud } from '../../cloud/test/wordpress-bridge';
import {
	assertConsoleBuilt,
	checkConsolePage,
	consoleApi,
	signInToConsole,
	spend as spendCredits,
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let tenant: Tenant;
let browser: Browser;
let secondSiteId: number;
let integrationId: number;
const actors: Record< 'owner' | 'admin' | 'editor' | 'viewer', Actor > =
	{} as never;
/** Someone the owner and admin act on through the console. */
let extra: Actor;

const DAY_MS = 86_400_000;
const daysAgo = ( n: number ) =>
	new Date( Date.now() - n * DAY_MS ).toISOString().slice( 0, 10 );

const api = ( actor: Actor, method: string, apiPath: string, body?: unknown ) =>
	consoleApi( served.url, actor, method, apiPath, body );

/** Credits spent and ledger rows for one job, `days` days ago. */
async function spend(
	job: string,
	fn: string,
	siteId: number,
	reserve: number,
	outcome: { settle: number } | 'refund',
	days: number
): Promise< void > {
	await spendCredits( cloud, tenant.accountId, {
		job,
		fn,
		siteId,
		reserve,
		outcome,
	} );
	// The ledger is append-only (a trigger refuses updates); only this test's
	// database lifts it, for a moment, to place the job days in the past.
	await cloud.context.db.sequelize.transaction( async ( transaction ) => {
		for ( const sql of [
			'ALTER TABLE credit_transactions DISABLE TRIGGER credit_transactions_no_update',
			`UPDATE credit_transactions SET created_at = created_at - make_interval(days => ${ Number( days ) }) WHERE job_id = :job`,
			'ALTER TABLE credit_transactions ENABLE TRIGGER credit_transactions_no_update',
		] ) {
			await cloud.context.db.sequelize.query( sql, {
				replacements: { job },
				transaction,
			} );
		}
	} );
}

beforeAll( async () => {
	assertConsoleBuilt();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{},
		{ workers: false }
	);
	served = await listen( cloud );
	tenant = await addTenant( cloud, 'Console Agency' );
	actors.owner = tenant.owner;
	actors.admin = await addUser( cloud, tenant.accountId, 'admin' );
	actors.editor = await addUser( cloud, tenant.accountId, 'editor' );
	actors.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	extra = await addUser( cloud, tenant.accountId, 'viewer', 'extra' );
	const { models, services } = cloud.context;

	await models.Site.update(
		{
			name: 'Alpha Garden Blog',
			wordpress_url: 'https://alpha.example.test',
		},
		{ where: { id: tenant.siteId } }
	);
	const second = await api( actors.owner, 'POST', '/auth/sites/', {
		name: 'Beta Bakery',
		wordpress_url: 'https://beta.example.test',
	} );
	expect( second.status ).toBe( 201 );
	secondSiteId = second.json.data.id;
	// Alpha has paired and synced (as the plugin's test-connection and a sync leave it); Beta never connected.
	const integration = await api(
		actors.owner,
		'POST',
		'/integration/integrations/',
		{
			site_id: tenant.siteId,
		}
	);
	expect( integration.status ).toBe( 201 );
	integrationId = integration.json.data.id;
	await models.SiteIntegration.update(
		{
			credentials_json: pairedCredentials(
				cloud,
				tenant.apiKey,
				tenant.keyId
			),
			sync_state: 'succeeded',
			last_sync_at: new Date( Date.now() - 3_600_000 ),
		} as never,
		{ where: { id: integrationId } }
	);
	await models.AiTaskRun.create( {
		account_id: tenant.accountId,
		site_id: tenant.siteId,
		sector_id: tenant.sectorId,
		function_name: 'generate_content',
		status: 'succeeded',
		input: {},
		output_summary: null,
		error: null,
		credits_reserved: 30,
		credits_charged: 20,
		created_by: tenant.owner.id,
		started_at: new Date(),
		finished_at: new Date(),
	} as never );

	await services.credits.add(
		tenant.accountId,
		1000,
		'grant',
		'Monthly grant',
		'console-grant'
	);
	await spend(
		'job-a',
		'generate_content',
		tenant.siteId,
		30,
		{ settle: 20 },
		0
	);
	await spend( 'job-b', 'generate_images', tenant.siteId, 10, 'refund', 2 );
	await spend( 'job-c', 'auto_cluster', tenant.siteId, 8, { settle: 8 }, 2 );
	await spend(
		'job-d',
		'generate_content',
		secondSiteId,
		15,
		{ settle: 12 },
		5
	);

	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await cloud?.stop();
} );

const signIn = ( actor: Actor ) =>
	signInToConsole( browser, served.url, actor );

const checkPage = ( page: Page, errors: ConsoleErrors, name: string ) =>
	checkConsolePage( page, errors, `console-${ name }` );

describe.each( [ 'owner', 'admin', 'editor', 'viewer' ] as const )(
	'the console as %s',
	( role ) => {
		let context: BrowserContext;
		let page: Page;
		let errors: ConsoleErrors;
		const manages = role === 'owner' || role === 'admin';

		beforeAll( async () => {
			( { context, page, errors } = await signIn( actors[ role ] ) );
		} );
		afterAll( async () => {
			await context?.close();
		} );

		it( 'lists every site with its connection and last sync, filtered and sorted', async () => {
			const rows = page.locator( '.igny8c-table tbody tr' );
			await rows.first().waitFor();
			expect(
				await rows.evaluateAll( ( trs ) =>
					trs.map( ( tr ) => tr.getAttribute( 'data-row' ) )
				)
			).toEqual( [ 'Alpha Garden Blog', 'Beta Bakery' ] );
			const alpha = page.locator( 'tr[data-row="Alpha Garden Blog"]' );
			await expect(
				alpha
					.locator( '[data-connection]' )
					.getAttribute( 'data-connection' )
			).resolves.toBe( 'connected' );
			expect(
				await alpha.locator( '[data-column="last_sync"]' ).innerText()
			).not.toBe( 'Never' );
			expect(
				await page
					.locator( 'tr[data-row="Beta Bakery"] [data-connection]' )
					.getAttribute( 'data-connection' )
			).toBe( 'not_connected' );
			await page
				.getByLabel( 'Connection' )
				.selectOption( 'not_connected' );
			await expect( rows.count() ).resolves.toBe( 1 );
			await page.getByLabel( 'Connection' ).selectOption( '' );
			await page.getByLabel( 'Sort by' ).selectOption( '-created' );
			expect( await rows.first().getAttribute( 'data-row' ) ).toBe(
				'Beta Bakery'
			);
			await page.getByLabel( 'Sort by' ).selectOption( 'name' );
			await page
				.getByRole( 'searchbox', { name: 'Search sites' } )
				.fill( 'zzz' );
			await page.getByText( 'No site matches these filters.' ).waitFor();
			await page
				.getByRole( 'button', { name: 'Clear the filters' } )
				.click();
			await expect( rows.count() ).resolves.toBe( 2 );
			await checkPage( page, errors, `sites-${ role }` );
		} );

		it( 'opens a site with its recent runs; only owners and admins may pause its sync', async () => {
			await page
				.getByRole( 'link', { name: 'Alpha Garden Blog' } )
				.click();
			await page
				.getByRole( 'heading', { name: 'Alpha Garden Blog' } )
				.waitFor();
			await page
				.getByRole( 'heading', { name: 'Recent AI runs' } )
				.waitFor();
			expect(
				await page
					.locator( 'td[data-column="function"]' )
					.allInnerTexts()
			).toEqual( [ 'Write drafts' ] );
			await page
				.getByText( 'Nothing published to this site yet.' )
				.waitFor();
			const pause = page.getByRole( 'button', { name: 'Pause sync' } );
			expect( await pause.count() ).toBe( manages ? 1 : 0 );
			const refused = await api(
				actors[ role ],
				'PATCH',
				`/integration/integrations/${ integrationId }/`,
				{
					sync_enabled: false,
				}
			);
			if ( manages ) {
				expect( refused.status ).toBe( 200 );
				await api(
					actors[ role ],
					'PATCH',
					`/integration/integrations/${ integrationId }/`,
					{ sync_enabled: true }
				);
			} else {
				expect( refused.status ).toBe( 403 );
			}
			await checkPage( page, errors, `site-${ role }` );
		} );

		it( 'lists the people; only owners and admins get the role changer and Remove', async () => {
			await page
				.getByRole( 'link', { name: 'Users', exact: true } )
				.click();
			await page
				.locator( `tr[data-row="${ actors.viewer.email }"]` )
				.waitFor();
			const emails = await page
				.locator( '.igny8c-table tbody tr' )
				.evaluateAll( ( trs ) =>
					trs.map( ( tr ) => tr.getAttribute( 'data-row' ) )
				);
			for ( const actor of [ ...Object.values( actors ), extra ] ) {
				expect( emails ).toContain( actor.email );
			}
			const ownerRow = page.locator(
				`tr[data-row="${ actors.owner.email }"]`
			);
			const viewerRow = page.locator(
				`tr[data-row="${ actors.viewer.email }"]`
			);
			const myRow = page.locator(
				`tr[data-row="${ actors[ role ].email }"]`
			);
			expect( await myRow.locator( 'select' ).count() ).toBe( 0 );
			if ( role === 'owner' ) {
				expect( await viewerRow.locator( 'select' ).count() ).toBe( 1 );
				expect(
					await viewerRow
						.getByRole( 'button', { name: 'Remove' } )
						.count()
				).toBe( 1 );
			} else if ( role === 'admin' ) {
				// An admin manages up to admin, never the owner.
				expect( await ownerRow.locator( 'select' ).count() ).toBe( 0 );
				expect(
					await ownerRow
						.getByRole( 'button', { name: 'Remove' } )
						.count()
				).toBe( 0 );
				expect( await viewerRow.locator( 'select' ).count() ).toBe( 1 );
				const owner = await api(
					actors.admin,
					'PATCH',
					`/auth/users/${ actors.owner.id }/`,
					{ role: 'viewer' }
				);
				expect( owner.status ).toBe( 403 );
			} else {
				expect(
					await page.locator( '.igny8c-table select' ).count()
				).toBe( 0 );
				expect(
					await page.getByRole( 'button', { name: 'Remove' } ).count()
				).toBe( 0 );
				await page
					.getByText(
						'Only owners and admins can change roles or remove people.'
					)
					.waitFor();
				const change = await api(
					actors[ role ],
					'PATCH',
					`/auth/users/${ actors.viewer.id }/`,
					{ role: 'editor' }
				);
				expect( change.status ).toBe( 403 );
				const remove = await api(
					actors[ role ],
					'DELETE',
					`/auth/users/${ actors.viewer.id }/`
				);
				expect( remove.status ).toBe( 403 );
			}
			await checkPage( page, errors, `users-${ role }` );
		} );

		it( 'shows the balance, the usage chart as the ledger adds it up, and the ledger', async () => {
			await page.getByRole( 'link', { name: 'Credits & usage' } ).click();
			await page.getByTestId( 'balance' ).waitFor();
			expect( await page.getByTestId( 'balance' ).innerText() ).toContain(
				`${ 1000 - 20 - 8 - 12 } credits`
			);
			await page.locator( '.recharts-bar-rectangle' ).first().waitFor();

			// The chart's days, as drawn, against the ledger rows read from the API.
			const ledger = await api(
				actors[ role ],
				'GET',
				'/billing/transactions/?page_size=100'
			);
			const jobs = new Map< string, { day: string; credits: number } >();
			for ( const row of ledger.json.results as Array< {
				job_id: string | null;
				type: string;
				amount: number;
				created_at: string;
			} > ) {
				if (
					! row.job_id ||
					! [ 'reserve', 'settle', 'refund' ].includes( row.type )
				) {
					continue;
				}
				const job = jobs.get( row.job_id ) ?? {
					day: row.created_at.slice( 0, 10 ),
					credits: 0,
				};
				job.day =
					row.created_at.slice( 0, 10 ) < job.day
						? row.created_at.slice( 0, 10 )
						: job.day;
				job.credits -= row.amount;
				jobs.set( row.job_id, job );
			}
			const expected: Record< string, number > = {};
			for ( const job of jobs.values() ) {
				expected[ job.day ] =
					( expected[ job.day ] ?? 0 ) + job.credits;
			}
			for ( const day of Object.keys( expected ) ) {
				if ( expected[ day ] === 0 ) {
					delete expected[ day ];
				}
			}
			expect( expected ).toEqual( {
				[ daysAgo( 0 ) ]: 20,
				[ daysAgo( 2 ) ]: 8,
				[ daysAgo( 5 ) ]: 12,
			} );
			const drawn = Object.fromEntries(
				await page
					.locator( '.igny8c-chart tr[data-day]' )
					.evaluateAll( ( trs ) =>
						trs.map( ( tr ) => [
							tr.getAttribute( 'data-day' ),
							Number( tr.getAttribute( 'data-credits' ) ),
						] )
					)
			);
			expect( drawn ).toEqual( expected );
			expect(
				Number(
					await page
						.locator( '.igny8c-chart' )
						.getAttribute( 'data-total' )
				)
			).toBe( 40 );

			// The ledger, filtered by type, and its CSV export of the same rows.
			const amounts = page.locator(
				'.igny8c-table td[data-column="amount"]'
			);
			await amounts.first().waitFor();
			expect( await amounts.count() ).toBe( ledger.json.count );
			await page.getByLabel( 'Type' ).selectOption( 'refund' );
			await page.waitForFunction(
				() =>
					document.querySelectorAll(
						'.igny8c-table td[data-column="amount"]'
					).length === 1
			);
			expect( await amounts.allInnerTexts() ).toEqual( [ '+10' ] );
			const [ download ] = await Promise.all( [
				page.waitForEvent( 'download' ),
				page.getByRole( 'button', { name: 'Export CSV' } ).click(),
			] );
			const csv = fs
				.readFileSync( ( await download.path() )!, 'utf8' )
				.trim()
				.split( '\r\n' );
			expect( csv ).toHaveLength( 2 );
			expect( csv[ 1 ] ).toContain( '"refund","10"' );
			await page.getByLabel( 'Type' ).selectOption( '' );
			await page.waitForFunction(
				( count ) =>
					document.querySelectorAll(
						'.igny8c-table td[data-column="amount"]'
					).length === count,
				ledger.json.count
			);
			await checkPage( page, errors, `credits-${ role }` );
		} );
	}
);

describe( 'acting and signing in and out', () => {
	it( 'an owner changes a role and an admin removes someone, through the console', async () => {
		const owner = await signIn( actors.owner );
		await owner.page
			.getByRole( 'link', { name: 'Users', exact: true } )
			.click();
		const row = owner.page.locator( `tr[data-row="${ extra.email }"]` );
		await row.locator( 'select' ).selectOption( 'editor' );
		await owner.page
			.locator( '.components-notice', {
				hasText: `${ extra.email } is now Editor.`,
			} )
			.waitFor();
		expect(
			( await api( actors.owner, 'GET', `/auth/users/${ extra.id }/` ) )
				.json.data.role
		).toBe( 'editor' );
		expect( owner.errors.errors ).toEqual( [] );
		await owner.context.close();

		const admin = await signIn( actors.admin );
		await admin.page
			.getByRole( 'link', { name: 'Users', exact: true } )
			.click();
		await admin.page
			.locator( `tr[data-row="${ extra.email }"]` )
			.getByRole( 'button', { name: 'Remove' } )
			.click();
		await admin.page
			.getByRole( 'dialog' )
			.getByRole( 'button', { name: 'Remove' } )
			.click();
		await admin.page
			.locator( '.components-notice', {
				hasText: `${ extra.email } was removed.`,
			} )
			.waitFor();
		// Removed people leave the default (active) list.
		await admin.page
			.locator( `tr[data-row="${ extra.email }"]` )
			.waitFor( { state: 'detached' } );
		expect(
			( await api( actors.owner, 'GET', `/auth/users/${ extra.id }/` ) )
				.json.data.is_active
		).toBe( false );
		expect( admin.errors.errors ).toEqual( [] );
		await admin.context.close();
	} );

	it( 'says a wrong password is wrong, in words', async () => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto( `${ served.url }/console/users`, {
			waitUntil: 'domcontentloaded',
		} );
		await page.getByLabel( 'Email' ).fill( actors.viewer.email );
		await page.getByLabel( 'Password' ).fill( 'not the password' );
		await page.getByRole( 'button', { name: 'Sign in' } ).click();
		const notice = page.locator( '.components-notice.is-error' );
		await notice.waitFor();
		expect( ( await notice.innerText() ).length ).toBeGreaterThan( 10 );
		await context.close();
	} );

	it( 'renews a refused access token once, keeps a reload signed in, and signs out for good', async () => {
		const { context, page, errors } = await signIn( actors.viewer );
		await page.locator( 'tr[data-row="Alpha Garden Blog"]' ).waitFor();
		// The next API call is answered 401, as an expired access token is.
		let refused = false;
		await page.route( '**/api/v1/auth/users/**', async ( route ) => {
			if ( ! refused ) {
				refused = true;
				await route.fulfill( {
					status: 401,
					contentType: 'application/json',
					body: JSON.stringify( {
						success: false,
						error: 'Token expired.',
					} ),
				} );
				return;
			}
			await route.continue();
		} );
		const refresh = page.waitForResponse( ( r ) =>
			r.url().endsWith( '/api/v1/auth/refresh/' )
		);
		await page.getByRole( 'link', { name: 'Users', exact: true } ).click();
		expect( ( await refresh ).status() ).toBe( 200 );
		await page
			.locator( `tr[data-row="${ actors.viewer.email }"]` )
			.waitFor();
		expect( refused ).toBe( true );

		await page.reload( { waitUntil: 'domcontentloaded' } );
		await page
			.locator( `tr[data-row="${ actors.viewer.email }"]` )
			.waitFor();
		// The access token is never stored; only this tab's single-use refresh token.
		const stored = await page.evaluate( () =>
			JSON.stringify( { ...sessionStorage, ...localStorage } )
		);
		expect( stored ).not.toContain( actors.viewer.token );

		await page.getByRole( 'button', { name: 'Sign out' } ).click();
		await page
			.locator( '.components-notice', { hasText: 'You are signed out.' } )
			.waitFor();
		await page.reload( { waitUntil: 'domcontentloaded' } );
		await page.getByRole( 'button', { name: 'Sign in' } ).waitFor();
		expect(
			errors.errors.filter( ( e ) => ! e.includes( '401' ) )
		).toEqual( [] );
		await context.close();
	} );
} );

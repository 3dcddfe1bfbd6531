/**
 * The audit log in the agency console, in Chromium against a real cloud on
 * PostgreSQL: changes made through the API (a role change, a site added and
 * deleted, an API key made and revoked, the AI settings, an invite) show to
 * an owner and an admin, newest first, in words ("Editor → Admin"), and
 * filter by kind, person and days, a page at a time; a new account's log
 * says what will appear. An editor and a viewer get no menu item, the page
 * says who can see it, and the API refuses them anyway. Each page: no
 * console errors, no serious axe findings, usable at 375 px.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, type ConsoleErrors } from '@igny8/test-harness';
import {
	addTenant,
	addUser,
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
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let tenant: Tenant;
let browser: Browser;
const actors: Record< 'owner' | 'admin' | 'editor' | 'viewer', Actor > =
	{} as never;
/** Someone whose role the owner changes. */
let promoted: Actor;
let deletedSiteId: number;

const api = ( actor: Actor, method: string, apiPath: string, body?: unknown ) =>
	consoleApi( served.url, actor, method, apiPath, body );

async function expectStatus(
	call: Promise< { status: number; json: any } >,
	status: number
) {
	const response = await call;
	expect( { status: response.status, body: response.json } ).toMatchObject( {
		status,
	} );
	return response.json;
}

beforeAll( async () => {
	assertConsoleBuilt();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{},
		{ workers: false }
	);
	served = await listen( cloud );
	tenant = await addTenant( cloud, 'Audit Agency' );
	actors.owner = tenant.owner;
	actors.admin = await addUser( cloud, tenant.accountId, 'admin' );
	actors.editor = await addUser( cloud, tenant.accountId, 'editor' );
	actors.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	const flipper = await addUser( cloud, tenant.accountId, 'viewer', 'flip' );
	promoted = await addUser( cloud, tenant.accountId, 'editor', 'promoted' );
	const { owner, admin } = actors;

	// Older history first: enough role changes for a second page.
	for ( let i = 0; i < 13; i++ ) {
		for ( const role of [ 'editor', 'viewer' ] ) {
			await expectStatus(
				api( admin, 'PATCH', `/auth/users/${ flipper.id }/`, { role } ),
				200
			);
		}
	}
	const site = await expectStatus(
		api( admin, 'POST', '/auth/sites/', {
			name: 'Gamma Garden',
			wordpress_url: 'https://gamma.example.test',
		} ),
		201
	);
	deletedSiteId = site.data.id;
	await expectStatus(
		api( admin, 'DELETE', `/auth/sites/${ deletedSiteId }/` ),
		204
	);
	const key = await expectStatus(
		api( admin, 'POST', `/auth/sites/${ tenant.siteId }/api-keys/`, {
			name: 'Staging',
		} ),
		201
	);
	await expectStatus(
		api(
			owner,
			'DELETE',
			`/auth/sites/${ tenant.siteId }/api-keys/${ key.data.id }/`
		),
		204
	);
	await expectStatus(
		api( owner, 'PUT', '/system/settings/ai/', { temperature: 0.4 } ),
		200
	);
	await expectStatus(
		api( admin, 'POST', '/auth/invites/', {
			email: 'newcomer@example.test',
			role: 'viewer',
		} ),
		201
	);
	// The newest: the owner makes an editor an admin.
	await expectStatus(
		api( owner, 'PATCH', `/auth/users/${ promoted.id }/`, {
			role: 'admin',
		} ),
		200
	);
	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await cloud?.stop();
} );

const checkPage = ( page: Page, errors: ConsoleErrors, name: string ) =>
	checkConsolePage( page, errors, `console-audit-${ name }` );

const signIn = ( actor: Actor, consolePath: string ) =>
	signInToConsole( browser, served.url, actor, consolePath );

const nav = ( page: Page ) =>
	page.getByRole( 'navigation', { name: 'Console' } );

/** The actions of the rows shown, top to bottom. */
const shownActions = ( page: Page ) =>
	page
		.locator( '.igny8c-table tbody tr' )
		.evaluateAll( ( rows ) =>
			rows.map( ( row ) => ( row as HTMLElement ).dataset.row ?? '' )
		);

/** Asks `probe` again until it answers true; fails with `what` after 15 s. */
async function until(
	probe: () => Promise< boolean >,
	what: string
): Promise< void > {
	const deadline = Date.now() + 15_000;
	while ( ! ( await probe() ) ) {
		if ( Date.now() > deadline ) {
			throw new Error( `Timed out waiting for ${ what }` );
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
	}
}

/** Waits until every row shown passes `test`, and there is at least one. */
async function rowsBecome(
	page: Page,
	test: ( action: string, text: string ) => boolean
): Promise< void > {
	await until( async () => {
		const rows = await page
			.locator( '.igny8c-table tbody tr' )
			.evaluateAll( ( all ) =>
				all.map( ( row ) => [
					( row as HTMLElement ).dataset.row ?? '',
					( row as HTMLElement ).innerText,
				] )
			);
		return (
			rows.length > 0 &&
			rows.every( ( [ action, text ] ) => test( action!, text! ) )
		);
	}, 'the rows to match the filters' );
}

describe( 'the audit log in the console', () => {
	it( 'shows an owner the changes made through the API, in words, and filters them', async () => {
		const { context, page, errors } = await signIn(
			actors.owner,
			'/console/audit'
		);
		await page.getByRole( 'heading', { name: 'Audit log' } ).waitFor();
		const newest = page.locator( '.igny8c-table tbody tr' ).first();
		await newest.waitFor();
		expect( await newest.getAttribute( 'data-row' ) ).toBe(
			'user.role_changed'
		);
		const text = await newest.innerText();
		for ( const part of [
			actors.owner.email,
			'Changed a role',
			promoted.email,
			'Editor → Admin',
		] ) {
			expect( text ).toContain( part );
		}
		expect( ( await shownActions( page ) ).slice( 0, 7 ) ).toEqual( [
			'user.role_changed',
			'invite.created',
			'settings.ai_updated',
			'api_key.revoked',
			'api_key.created',
			'site.deleted',
			'site.created',
		] );
		const deleted = page.locator( 'tr[data-row="site.deleted"]' );
		await expect( deleted.innerText() ).resolves.toContain(
			`Gamma Garden`
		);
		await expect(
			deleted.locator( '[data-column="site"]' ).innerText()
		).resolves.toBe( 'Gamma Garden (deleted)' );
		await expect(
			page
				.locator( 'tr[data-row="settings.ai_updated"]' )
				.locator( '[data-column="target"]' )
				.innerText()
		).resolves.toBe( 'AI settings' );
		await expect(
			page
				.locator( 'tr[data-row="settings.ai_updated"]' )
				.locator( '[data-column="details"]' )
				.innerText()
		).resolves.toBe( 'Changed: temperature' );
		await expect(
			page.locator( '.igny8c-pager' ).innerText()
		).resolves.toContain( 'Page 1 of 2' );
		await checkPage( page, errors, 'owner' );

		// A page at a time, newest first.
		await page.getByRole( 'button', { name: 'Older' } ).click();
		await page.getByText( 'Page 2 of 2' ).waitFor();
		// The oldest: the rest of the role flips, then the key and site the account began with.
		await until(
			async () =>
				JSON.stringify( await shownActions( page ) ) ===
				JSON.stringify( [
					...Array( 8 ).fill( 'user.role_changed' ),
					'api_key.created',
					'site.created',
				] ),
			'the second page'
		);

		// Kind: people and roles only.
		await page
			.getByLabel( 'What', { exact: true } )
			.selectOption( 'user.' );
		await page.getByText( 'Page 1 of 2' ).waitFor();
		await rowsBecome( page, ( action ) => action.startsWith( 'user.' ) );
		// Person: what the admin did (the role flips), never the owner's promotion.
		await page
			.getByLabel( 'Who', { exact: true } )
			.selectOption( { label: actors.admin.email } );
		await rowsBecome(
			page,
			( action, row ) =>
				action === 'user.role_changed' &&
				row.includes( actors.admin.email ) &&
				! row.includes( promoted.email )
		);
		// Site and words: the key made and revoked on the tenant's site.
		await page
			.getByLabel( 'What', { exact: true } )
			.selectOption( 'api_key.' );
		await page.getByLabel( 'Who', { exact: true } ).selectOption( '' );
		await page
			.getByLabel( 'Site', { exact: true } )
			.selectOption( { label: 'Audit Agency site' } );
		await page.getByLabel( 'Search the log' ).fill( 'Staging' );
		await until(
			async () =>
				JSON.stringify( await shownActions( page ) ) ===
				JSON.stringify( [ 'api_key.revoked', 'api_key.created' ] ),
			'the Staging key’s two entries'
		);

		// Days: nothing yet tomorrow, and the way back is one button.
		const tomorrow = new Date( Date.now() + 86_400_000 )
			.toISOString()
			.slice( 0, 10 );
		await page.getByLabel( 'From', { exact: true } ).fill( tomorrow );
		await page.getByText( 'No changes match these filters.' ).waitFor();
		await checkPage( page, errors, 'owner-filtered-empty' );
		await page.getByRole( 'button', { name: 'Clear the filters' } ).click();
		await page.getByText( 'Page 1 of 2' ).waitFor();
		expect( ( await shownActions( page ) )[ 0 ] ).toBe(
			'user.role_changed'
		);
		expect( errors.errors ).toEqual( [] );
		await context.close();
	} );

	it( 'shows an admin the log from the menu', async () => {
		const { context, page, errors } = await signIn(
			actors.admin,
			'/console/sites'
		);
		await nav( page ).getByRole( 'link', { name: 'Audit log' } ).click();
		await page.getByRole( 'heading', { name: 'Audit log' } ).waitFor();
		const newest = page.locator( '.igny8c-table tbody tr' ).first();
		await newest.waitFor();
		await expect( newest.innerText() ).resolves.toContain(
			'Editor → Admin'
		);
		await expect( page.title() ).resolves.toBe( 'Audit log ‹ IGNY8' );
		await checkPage( page, errors, 'admin' );
		await context.close();
	} );

	it.each( [ 'editor', 'viewer' ] as const )(
		'gives %s no menu item, a page that says who can see it, and a refusal from the API',
		async ( role ) => {
			const actor = actors[ role ];
			const { context, page, errors } = await signIn(
				actor,
				'/console/sites'
			);
			await nav( page ).getByRole( 'link', { name: 'Sites' } ).waitFor();
			await expect(
				nav( page ).getByRole( 'link', { name: 'Audit log' } ).count()
			).resolves.toBe( 0 );
			await page.goto( `${ served.url }/console/audit`, {
				waitUntil: 'domcontentloaded',
			} );
			await page
				.getByText( 'Only owners and admins can see the audit log.' )
				.waitFor();
			await expect(
				page.locator( '#igny8c-main' ).innerText()
			).resolves.toContain(
				`Your role is ${ role === 'editor' ? 'Editor' : 'Viewer' }.`
			);
			await expect(
				page.locator( '.igny8c-table' ).count()
			).resolves.toBe( 0 );
			await checkPage( page, errors, role );
			await context.close();

			const refused = await api( actor, 'GET', '/system/audit-log/' );
			expect( refused ).toMatchObject( {
				status: 403,
				json: {
					success: false,
					code: 'permission_denied',
					error: `Your role (${ role }) does not allow this action.`,
				},
			} );
		}
	);

	it( 'tells a new account what will appear', async () => {
		const { models } = cloud.context;
		const plan = await models.Plan.findOne( { where: { slug: 'agency' } } );
		const account = await models.Account.create( {
			name: 'Fresh Agency',
			slug: 'fresh-agency',
			owner_id: null,
			plan_id: plan!.id,
			credits: 0,
			status: 'active',
		} );
		const owner = await addUser( cloud, account.id, 'owner' );
		const { context, page, errors } = await signIn(
			owner,
			'/console/audit'
		);
		await page.getByText( 'Nothing has been changed yet.' ).waitFor();
		await expect(
			page.locator( '#igny8c-main' ).innerText()
		).resolves.toContain( 'it appears here with who did it and when' );
		// Another account's changes are not among them.
		await expect( page.locator( '.igny8c-table' ).count() ).resolves.toBe(
			0
		);
		await checkPage( page, errors, 'empty' );
		await context.close();
	} );
} );

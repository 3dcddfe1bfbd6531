/**
 * Invites in the agency console, in Chromium against a real cloud on
 * PostgreSQL: an owner invites someone from the Users page and sees the link
 * once (with its expiry); the invited person opens it in a fresh browser,
 * picks a username and password and lands in the console signed in with the
 * invited role; the same link opened again says it was used; a revoked
 * invite's link says it was withdrawn. Each page: no console errors, no
 * serious axe findings, usable at 375 px.
 */
import type { Browser, Page } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	type ConsoleErrors,
} from '@igny8/test-harness';
import { addTenant, type Tenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import {
	assertConsoleBuilt,
	checkConsolePage,
	signInToConsole,
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let tenant: Tenant;
let browser: Browser;

beforeAll( async () => {
	assertConsoleBuilt();
	// The invite link names the cloud's public address: serve it there.
	const port = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{ PUBLIC_URL: `http://127.0.0.1:${ port }` },
		{ workers: false }
	);
	served = await listen( cloud, port );
	tenant = await addTenant( cloud, 'Invite Agency' );
	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await cloud?.stop();
} );

/**
 * Chromium logs every 4xx answer to fetch as a console error; a refused
 * invite's lookup is one the page expects (it says why, in words).
 */
const REFUSED_LOOKUP =
	/Failed to load resource: the server responded with a status of 400/;

const checkPage = (
	page: Page,
	errors: ConsoleErrors,
	name: string,
	expected?: RegExp
) => checkConsolePage( page, errors, `console-invites-${ name }`, expected );

/** The owner on the Users page, signed in through the console's own form. */
async function ownerOnUsers() {
	const tab = await signInToConsole(
		browser,
		served.url,
		tenant.owner,
		'/console/users'
	);
	await tab.page.getByRole( 'heading', { name: 'Invites' } ).waitFor();
	return tab;
}

async function invite( page: Page, email: string, role: string ) {
	await page.getByRole( 'button', { name: 'Invite someone' } ).click();
	const form = page.locator( '.igny8c-invites__form' );
	await form.getByLabel( 'Email' ).fill( email );
	await form.getByLabel( 'Role' ).selectOption( role );
	await page.getByRole( 'button', { name: 'Create invite link' } ).click();
	const shown = page.getByTestId( 'invite-link' );
	await shown.waitFor();
	return {
		link: await shown.getByLabel( 'Invite link' ).inputValue(),
		text: await shown.innerText(),
	};
}

/** A fresh browser (nobody signed in) at 375 px, opening a link. */
async function openLink( link: string ) {
	const context = await browser.newContext( {
		viewport: { width: 375, height: 812 },
	} );
	const page = await context.newPage();
	const errors = collectConsoleErrors( page );
	await page.goto( link, { waitUntil: 'domcontentloaded' } );
	return { context, page, errors };
}

describe( 'invites in the console', () => {
	let link: string;

	it( 'an owner invites someone and sees the link once, with its expiry', async () => {
		const { context, page, errors } = await ownerOnUsers();
		await page
			.getByText( 'No invites are waiting to be accepted.' )
			.waitFor();
		const created = await invite(
			page,
			'new.editor@example.test',
			'editor'
		);
		link = created.link;
		expect( link ).toMatch(
			new RegExp(
				`^${ served.url.replace( /\./g, '\\.' ) }/console/accept/#token=[\\w-]{43}$`
			)
		);
		expect( created.text ).toContain(
			'Copy this link now: it will not be shown again.'
		);
		expect( created.text ).toMatch(
			/Send it to new\.editor@example\.test\. It makes them Editor, works once, and expires /
		);
		// Pending, without its link.
		const row = page
			.locator( '.igny8c-invites tbody tr' )
			.filter( { hasText: 'new.editor@example.test' } );
		await row.waitFor();
		await checkPage( page, errors, 'created' );

		await page
			.getByRole( 'button', { name: 'I have copied the link' } )
			.click();
		await expect( page.getByTestId( 'invite-link' ).count() ).resolves.toBe(
			0
		);
		await page.reload( { waitUntil: 'domcontentloaded' } );
		await page.getByRole( 'heading', { name: 'Invites' } ).waitFor();
		await row.waitFor();
		expect( await page.content() ).not.toContain(
			link.split( '#token=' )[ 1 ]
		);
		await context.close();
	}, 120_000 );

	it( 'the invited person accepts in a fresh browser and lands in the console as an editor', async () => {
		const { context, page, errors } = await openLink( link );
		await page
			.getByText(
				'You are invited to Invite Agency as Editor, with the email new.editor@example.test.'
			)
			.waitFor();
		await checkPage( page, errors, 'accept' );
		await page.getByLabel( 'Username' ).fill( 'new-editor' );
		await page.getByLabel( 'Password' ).fill( 'a long enough password' );
		await page.getByRole( 'button', { name: 'Join and sign in' } ).click();
		await page.locator( '.igny8c-role[data-role="editor"]' ).waitFor();
		await page.getByRole( 'heading', { name: 'Sites' } ).waitFor();
		expect( new URL( page.url() ).pathname ).toBe( '/console/sites' );
		await expect(
			page.locator( '.igny8c-header__email' ).innerText()
		).resolves.toBe( 'new.editor@example.test' );
		expect( errors.errors ).toEqual( [] );
		await context.close();

		const user = await cloud.context.models.User.findOne( {
			where: { email: 'new.editor@example.test' },
		} );
		expect( user ).toMatchObject( {
			role: 'editor',
			account_id: tenant.accountId,
		} );
	}, 120_000 );

	it( 'the same link opened again says it was used', async () => {
		const { context, page, errors } = await openLink( link );
		const refused = page.getByTestId( 'invite-refused' );
		await refused.waitFor();
		await expect( refused.innerText() ).resolves.toContain(
			'This invite was already used. Sign in, or ask for a new invite.'
		);
		await checkPage( page, errors, 'used', REFUSED_LOOKUP );
		await context.close();
	}, 120_000 );

	it( 'a revoked invite’s link says it was withdrawn', async () => {
		const { context, page } = await ownerOnUsers();
		const created = await invite( page, 'second@example.test', 'viewer' );
		await page
			.getByRole( 'button', { name: 'I have copied the link' } )
			.click();
		await page
			.getByRole( 'button', {
				name: 'Revoke the invite to second@example.test',
			} )
			.click();
		await page
			.locator( '#igny8c-main' )
			.getByText(
				'The invite to second@example.test was withdrawn: its link no longer works.'
			)
			.waitFor();
		await context.close();

		const opened = await openLink( created.link );
		await opened.page.getByTestId( 'invite-refused' ).waitFor();
		await expect(
			opened.page.getByTestId( 'invite-refused' ).innerText()
		).resolves.toContain(
			'This invite was withdrawn. Ask for a new invite.'
		);
		// The failed lookup is the page's answer, not a console error of the app's own.
		await opened.context.close();
	}, 120_000 );
} );

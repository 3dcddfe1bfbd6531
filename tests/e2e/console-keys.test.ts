/**
 * A site's API keys in the agency console, in Chromium against a real cloud
 * on PostgreSQL: an owner creates a key and sees it once (a reload shows only
 * its prefix), the key works until the owner revokes it and then the cloud
 * answers 401; revoking the key the site is connected with says it
 * disconnects the site; an admin manages keys too; an editor and a viewer
 * are offered nothing and the API refuses them (403). Each page: no console
 * errors, no serious axe findings, screenshots at 1280 and 375 px.
 */
import type { Browser, Page } from 'playwright-core';
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
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let tenant: Tenant;
let browser: Browser;
/** A site that has never connected: a new key of it is accepted in plain. */
let bakeryId: number;
const actors: Record< 'owner' | 'admin' | 'editor' | 'viewer', Actor > =
	{} as never;

const api = ( actor: Actor, method: string, apiPath: string, body?: unknown ) =>
	consoleApi( served.url, actor, method, apiPath, body );

/** A call as the site itself, with its key in plain (as an integrator's script sends it). */
async function asSite( key: string ): Promise< number > {
	const response = await fetch( `${ served.url }/api/v1/auth/sectors/`, {
		headers: { 'X-IGNY8-API-Key': key },
	} );
	return response.status;
}

beforeAll( async () => {
	assertConsoleBuilt();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{},
		{ workers: false }
	);
	served = await listen( cloud );
	tenant = await addTenant( cloud, 'Keys Agency' );
	actors.owner = tenant.owner;
	actors.admin = await addUser( cloud, tenant.accountId, 'admin' );
	actors.editor = await addUser( cloud, tenant.accountId, 'editor' );
	actors.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	const { models } = cloud.context;

	await models.Site.update(
		{ name: 'Alpha Garden Blog' },
		{ where: { id: tenant.siteId } }
	);
	const bakery = await api( actors.owner, 'POST', '/auth/sites/', {
		name: 'Beta Bakery',
		wordpress_url: 'https://beta.example.test',
	} );
	expect( bakery.status ).toBe( 201 );
	bakeryId = bakery.json.data.id;
	// Alpha has paired its first key (tenant.keyId), as the plugin's test-connection leaves it.
	const integration = await api(
		actors.owner,
		'POST',
		'/integration/integrations/',
		{ site_id: tenant.siteId }
	);
	expect( integration.status ).toBe( 201 );
	await models.SiteIntegration.update(
		{
			credentials_json: pairedCredentials(
				cloud,
				tenant.apiKey,
				tenant.keyId
			),
			sync_state: 'succeeded',
			last_sync_at: new Date(),
		} as never,
		{ where: { id: integration.json.data.id } }
	);

	browser = await launchBrowser();
}, 180_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await cloud?.stop();
} );

async function openSite( actor: Actor, siteId: number ) {
	const tab = await signInToConsole(
		browser,
		served.url,
		actor,
		`/console/sites/${ siteId }`
	);
	await tab.page.getByRole( 'heading', { name: 'API keys' } ).waitFor();
	return tab;
}

const checkPage = ( page: Page, errors: ConsoleErrors, name: string ) =>
	checkConsolePage( page, errors, `console-keys-${ name }` );

const keyRows = ( page: Page ) => page.locator( '.igny8c-keys tbody tr' );

describe( 'a site’s API keys in the console', () => {
	it( 'an owner creates a key, sees it once, and revokes it: the cloud refuses it from then on', async () => {
		const { context, page, errors } = await openSite(
			actors.owner,
			bakeryId
		);
		await page.getByText( 'This site has no active API key.' ).waitFor();

		await page.getByLabel( 'Key name' ).fill( 'Bakery WordPress' );
		await page.getByRole( 'button', { name: 'Create key' } ).click();
		const created = page.getByTestId( 'created-key' );
		await created
			.getByText( 'Copy this key now: it will not be shown again.' )
			.waitFor();
		await created
			.getByText(
				'Paste it into IGNY8 → Settings on the WordPress site and press Test connection.'
			)
			.first()
			.waitFor();
		const key = await page
			.getByLabel( 'New API key “Bakery WordPress”' )
			.inputValue();
		expect( key ).toMatch( /^ig8_[A-Za-z0-9_-]{20,}$/ );
		await expect( keyRows( page ).count() ).resolves.toBe( 1 );
		const row = keyRows( page ).first();
		expect( await row.locator( '[data-column="name"]' ).innerText() ).toBe(
			'Bakery WordPress'
		);
		// The list shows the prefix, never the key.
		expect( await row.innerText() ).not.toContain( key );
		expect(
			key.startsWith(
				( await row.locator( 'code' ).innerText() ).replace( '…', '' )
			)
		).toBe( true );
		expect( await asSite( key ) ).toBe( 200 );

		// Copy puts exactly the key on the clipboard.
		await context.grantPermissions( [
			'clipboard-read',
			'clipboard-write',
		] );
		await created.getByRole( 'button', { name: 'Copy key' } ).click();
		await created
			.getByRole( 'button', { name: 'Copied', exact: true } )
			.waitFor();
		expect(
			await page.evaluate( () => navigator.clipboard.readText() )
		).toBe( key );
		await checkPage( page, errors, 'created-owner' );

		// Shown once: after a reload only the prefix is left.
		await page.reload( { waitUntil: 'domcontentloaded' } );
		await keyRows( page ).first().waitFor();
		expect( await page.getByTestId( 'created-key' ).count() ).toBe( 0 );
		expect( await page.content() ).not.toContain( key );

		await keyRows( page )
			.first()
			.getByRole( 'button', {
				name: 'Revoke the key “Bakery WordPress”',
			} )
			.click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText(
				'Revoking “Bakery WordPress” stops it at once: whatever still uses it is refused. This cannot be undone.'
			)
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Revoke key' } ).click();
		await page
			.locator( '.components-notice', {
				hasText: 'The key “Bakery WordPress” was revoked.',
			} )
			.waitFor();
		await page.getByText( 'This site has no active API key.' ).waitFor();
		await page.getByText( '1 revoked key is not shown.' ).waitFor();
		expect( await asSite( key ) ).toBe( 401 );
		const listed = await api(
			actors.owner,
			'GET',
			`/auth/sites/${ bakeryId }/api-keys/`
		);
		expect( listed.json.results[ 0 ].revoked_at ).not.toBeNull();
		expect( errors.errors ).toEqual( [] );
		await context.close();
	} );

	it( 'marks the key the site is connected with, and says revoking it disconnects the site', async () => {
		const { context, page, errors } = await openSite(
			actors.owner,
			tenant.siteId
		);
		const inUse = page.locator(
			`.igny8c-keys tr[data-row="${ tenant.keyId }"]`
		);
		await inUse.waitFor();
		expect(
			await inUse.locator( '[data-state]' ).getAttribute( 'data-state' )
		).toBe( 'in_use' );
		await page.getByRole( 'heading', { name: 'Rotating a key' } ).waitFor();
		await checkPage( page, errors, 'site-owner' );

		await inUse.getByRole( 'button', { name: /^Revoke/ } ).click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText( /is the key this site is connected with/ )
			.waitFor();
		expect( await dialog.innerText() ).toContain(
			'the site is disconnected'
		);
		await dialog.getByRole( 'button', { name: 'Cancel' } ).click();
		await dialog.waitFor( { state: 'detached' } );
		// Nothing was revoked.
		const listed = await api(
			actors.owner,
			'GET',
			`/auth/sites/${ tenant.siteId }/api-keys/`
		);
		expect( listed.json.results[ 0 ].revoked_at ).toBeNull();
		expect( errors.errors ).toEqual( [] );
		await context.close();
	} );

	it( 'an admin manages keys too', async () => {
		const { context, page, errors } = await openSite(
			actors.admin,
			tenant.siteId
		);
		await keyRows( page ).first().waitFor();
		expect(
			await page.getByRole( 'button', { name: 'Create key' } ).count()
		).toBe( 1 );
		expect(
			await page.getByRole( 'button', { name: /^Revoke/ } ).count()
		).toBe( 1 );
		const created = await api(
			actors.admin,
			'POST',
			`/auth/sites/${ bakeryId }/api-keys/`,
			{ name: 'Admin key' }
		);
		expect( created.status ).toBe( 201 );
		const revoked = await api(
			actors.admin,
			'DELETE',
			`/auth/sites/${ bakeryId }/api-keys/${ created.json.data.id }/`
		);
		expect( revoked.status ).toBe( 204 );
		await checkPage( page, errors, 'site-admin' );
		await context.close();
	} );

	it.each( [ 'editor', 'viewer' ] as const )(
		'%s is offered no key and the API refuses them',
		async ( role ) => {
			const { context, page, errors } = await openSite(
				actors[ role ],
				tenant.siteId
			);
			await page
				.getByText(
					'Only owners and admins can see, create and revoke the API keys of a site.'
				)
				.waitFor();
			expect(
				await page.getByRole( 'button', { name: 'Create key' } ).count()
			).toBe( 0 );
			expect(
				await page.getByRole( 'button', { name: /^Revoke/ } ).count()
			).toBe( 0 );
			expect( await page.locator( '.igny8c-keys table' ).count() ).toBe(
				0
			);
			const base = `/auth/sites/${ tenant.siteId }/api-keys/`;
			expect( ( await api( actors[ role ], 'GET', base ) ).status ).toBe(
				403
			);
			expect(
				( await api( actors[ role ], 'POST', base, { name: 'Mine' } ) )
					.status
			).toBe( 403 );
			expect(
				(
					await api(
						actors[ role ],
						'DELETE',
						`${ base }${ tenant.keyId }/`
					)
				).status
			).toBe( 403 );
			await checkPage( page, errors, `site-${ role }` );
			await context.close();
		}
	);
} );

/**
 * The IGNY8 screen in Chromium, in real WordPress, as an editor.
 */
import type { Browser } from 'playwright-core';
import {
	collectConsoleErrors,
	launchBrowser,
	loginToWpAdmin,
	screenshot,
	startWordPress,
	type WordPressSite,
	type WpUser,
} from '@igny8/test-harness';
import { assertPluginUiBuilt } from './build-check';

let site: WordPressSite;
let browser: Browser;
let editor: WpUser;

beforeAll( async () => {
	assertPluginUiBuilt();
	[ site, browser ] = await Promise.all( [
		startWordPress(),
		launchBrowser(),
	] );
	editor = await site.createUser( { role: 'editor' } );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
} );

describe( 'IGNY8 Settings screen in wp-admin', () => {
	it( 'mounts the Cloud connection card, not connected yet, with no console errors', async () => {
		const { context, page } = await loginToWpAdmin(
			browser,
			site.url,
			editor
		);
		try {
			const consoleErrors = collectConsoleErrors( page );
			const connection = page.waitForResponse( ( response ) =>
				response.url().includes( 'igny8/v1/connection' )
			);

			await page.goto(
				'/wp-admin/admin.php?page=igny8-workspace-settings'
			);

			// api-fetch's nonce middleware authenticated the screen's REST call.
			expect( ( await connection ).status() ).toBe( 200 );
			const card = page.locator( '#igny8-root .igny8-connection' );
			await card.getByText( 'IGNY8 is not configured yet.' ).waitFor();
			expect( await card.locator( 'h2' ).textContent() ).toBe(
				'Cloud connection'
			);
			expect(
				await card
					.getByRole( 'button', { name: 'Check again' } )
					.isEnabled()
			).toBe( true );
			// The IGNY8 menu item is current.
			expect(
				await page
					.locator( '#toplevel_page_igny8' )
					.getAttribute( 'class' )
			).toContain( 'current' );

			const file = await screenshot(
				page,
				'igny8-cloud-connection-not-configured'
			);
			expect( file ).toMatch(
				/screenshots\/igny8-cloud-connection-not-configured\.png$/
			);

			// "Check again" asks the plugin again.
			const again = page.waitForResponse( ( response ) =>
				response.url().includes( 'igny8/v1/connection' )
			);
			await card.getByRole( 'button', { name: 'Check again' } ).click();
			expect( ( await again ).status() ).toBe( 200 );
			await card.getByText( 'IGNY8 is not configured yet.' ).waitFor();

			expect( consoleErrors.errors ).toEqual( [] );
			expect( site.phpErrors() ).toEqual( [] );
		} finally {
			await context.close();
		}
	} );
} );

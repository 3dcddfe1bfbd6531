/**
 * A site's actions in the console, in Chromium against the real cloud and
 * a real WordPress with the plugin connected: an admin checks the
 * connection (the cloud asks the site, which answers with its versions),
 * pulls every post again, pauses and resumes sync, and disconnects the
 * site (its key is revoked: the plugin is refused from then on). An editor
 * is offered none of these, and the API refuses them anyway.
 */
import type { Browser } from 'playwright-core';
import {
	launchBrowser,
	outboundAllow,
	startWordPress,
	type WordPressSite,
} from '@igny8/test-harness';
import {
	addTenant,
	addUser,
	type Actor,
	type Tenant,
} from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	phpJson,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import {
	assertConsoleBuilt,
	checkConsolePage,
	consoleApi,
	signInToConsole,
} from './support/console';

let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let browser: Browser;
let admin: Actor;
let editor: Actor;
let integrationId: number;

beforeAll( async () => {
	assertConsoleBuilt();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	tenant = await addTenant( cloud, 'Site Actions' );
	admin = await addUser( cloud, tenant.accountId, 'admin' );
	editor = await addUser( cloud, tenant.accountId, 'editor' );
	await cloud.context.models.Site.update(
		{ name: 'Gamma Garden', wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	integrationId = ( await connectSite( site, served.url, tenant ) ).id;
	browser = await launchBrowser();
}, 240_000 );

afterAll( async () => {
	await browser?.close();
	await served?.close();
	await site?.stop();
	await cloud?.stop();
} );

const sitePath = () => `/console/sites/${ tenant.siteId }`;

describe( 'a site’s actions in the console', () => {
	it( 'an editor is offered no action, and the API refuses each one', async () => {
		const { context, page, errors } = await signInToConsole(
			browser,
			served.url,
			editor,
			sitePath()
		);
		await page.getByRole( 'heading', { name: 'Gamma Garden' } ).waitFor();
		await page.getByRole( 'heading', { name: 'Recent AI runs' } ).waitFor();
		for ( const name of [
			'Check connection',
			'Full sync',
			'Pause sync',
			'Disconnect',
		] ) {
			expect( await page.getByRole( 'button', { name } ).count() ).toBe(
				0
			);
		}
		const base = `/integration/integrations/${ integrationId }/`;
		for ( const [ method, apiPath, body ] of [
			[ 'POST', `${ base }update-structure/`, {} ],
			[ 'POST', `${ base }sync/`, { mode: 'full' } ],
			[ 'DELETE', base, undefined ],
		] as const ) {
			const refused = await consoleApi(
				served.url,
				editor,
				method,
				apiPath,
				body
			);
			expect( refused.status ).toBe( 403 );
		}
		await checkConsolePage( page, errors, 'console-site-actions-editor' );
		await context.close();
	} );

	it( 'an admin checks the connection, runs a full sync, pauses and resumes it, then disconnects', async () => {
		const { context, page, errors } = await signInToConsole(
			browser,
			served.url,
			admin,
			sitePath()
		);
		await page.getByRole( 'heading', { name: 'Gamma Garden' } ).waitFor();
		// Notices are spoken too (a live region repeats their words): look in the page.
		const main = page.locator( '#igny8c-main' );

		// The cloud asks the site itself: the answer names the versions WordPress reports.
		const versions = await phpJson< { wp: string; plugin: string } >(
			site,
			'global $wp_version; echo wp_json_encode( array( "wp" => $wp_version, "plugin" => IGNY8_BRIDGE_VERSION ) );'
		);
		await page.getByRole( 'button', { name: 'Check connection' } ).click();
		await main
			.getByText(
				`The site answered: WordPress ${ versions.wp }, IGNY8 Bridge ${ versions.plugin }.`
			)
			.waitFor();

		// A post the cloud has not heard of reaches it through the full sync.
		const postId = Number(
			await site.php(
				"echo wp_insert_post( array( 'post_title' => 'Written in WordPress', 'post_status' => 'publish', 'post_content' => '<p>Hello</p>' ) );"
			)
		);
		const stored = () =>
			cloud.context.models.SitePost.count( {
				where: { site_id: tenant.siteId, wp_post_id: postId },
			} );
		expect( await stored() ).toBe( 0 );
		await page.getByRole( 'button', { name: 'Full sync' } ).click();
		await main.getByText( 'A full sync is queued' ).waitFor();
		for ( let i = 0; i < 120 && ( await stored() ) === 0; i++ ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 250 ) );
		}
		expect( await stored() ).toBe( 1 );

		await page.getByRole( 'button', { name: 'Pause sync' } ).click();
		await main.getByText( 'Sync is paused' ).waitFor();
		await page.getByRole( 'button', { name: 'Resume sync' } ).waitFor();
		expect(
			await page.getByRole( 'button', { name: 'Full sync' } ).isDisabled()
		).toBe( true );
		await page.getByRole( 'button', { name: 'Resume sync' } ).click();
		await main.getByText( 'Sync is on again.' ).waitFor();
		await checkConsolePage( page, errors, 'console-site-actions-admin' );

		await page.getByRole( 'button', { name: 'Disconnect' } ).click();
		const dialog = page.getByRole( 'dialog', {
			name: 'Disconnect this site?',
		} );
		await dialog.getByText( 'Nothing is deleted' ).waitFor();
		await checkConsolePage(
			page,
			errors,
			'console-site-actions-disconnect'
		);
		await dialog.getByRole( 'button', { name: 'Disconnect' } ).click();
		await main.getByText( 'The site is disconnected.' ).waitFor();
		await main.getByText( 'This site has not connected yet.' ).waitFor();
		// The keys list reloads: the revoked key is gone from it.
		await main.getByText( '1 revoked key is not shown.' ).waitFor();

		const left = await consoleApi(
			served.url,
			admin,
			'GET',
			`/integration/integrations/?site_id=${ tenant.siteId }`
		);
		expect( left.json.count ).toBe( 0 );
		const key = await cloud.context.models.SiteApiKey.findByPk(
			tenant.keyId
		);
		expect( key!.revoked_at ).not.toBeNull();
		// The plugin, still holding the revoked key, is refused.
		await expect( connectSite( site, served.url, tenant ) ).rejects.toThrow(
			/Test connection failed/
		);
		await checkConsolePage(
			page,
			errors,
			'console-site-actions-disconnected'
		);
		await context.close();
	} );
} );

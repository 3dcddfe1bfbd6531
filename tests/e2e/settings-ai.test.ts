/**
 * IGNY8 → Settings, the cloud-backed tabs, in Chromium against real
 * WordPress and a real cloud whose AI provider is the fake OpenAI server:
 * a WordPress administrator saves their own API key and a model for a
 * function, the next AI run sends exactly that key and model, and the key
 * never comes back from any route; a wrong key is said to be refused; an
 * editor reads the settings and is told who may change them; a prompt is
 * edited (an unknown variable is refused), previewed and reset; author
 * profiles and strategies are created, edited and deleted.
 */
import type { Browser, Page, Response } from 'playwright-core';
import {
	collectConsoleErrors,
	freePort,
	launchBrowser,
	loginToWpAdmin,
	outboundAllow,
	screenshot,
	startFakeOpenAI,
	startWordPress,
	type ConsoleErrors,
	type FakeOpenAI,
	type WordPressSite,
	type WpUser,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addContent, addTenant, type Tenant } from '../../cloud/test/fixtures';
import {
	startTestCloud,
	waitFor,
	type TestCloud,
} from '../../cloud/test/support';
import {
	connectSite,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import { assertPluginUiBuilt } from './build-check';

const OWN_KEY = 'sk-e2e-own-provider-key-7Qp2Xw9d';
const WRONG_KEY = 'sk-e2e-wrong-provider-key-0000';
/** Offered by the operator beside the default (IGNY8_AI_ALLOWED_MODELS). */
const CHOSEN_MODEL = 'gpt-4.1-mini';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;
let tenant: Tenant;
let clusterId: number;
let admin: WpUser;
let browser: Browser;
let page: Page;
let errors: ConsoleErrors;
/** Every response body the screens received from the cloud or WordPress. */
const bodies: { url: string; text: string }[] = [];

const settingsUrl = ( tab: string ) =>
	`/wp-admin/admin.php?page=igny8-workspace-settings&tab=${ tab }`;

/** The cloud API with the same WordPress user's site session the screens use. */
async function asScreens< T >(
	method: string,
	path: string,
	body?: unknown
): Promise< { status: number; text: string; json: T } > {
	return page.evaluate(
		async ( [ m, p, b ] ) => {
			const wp = ( window as any ).wp;
			const session = await wp.apiFetch( {
				path: '/igny8/v1/session',
				method: 'POST',
			} );
			const response = await fetch(
				`${ session.cloud_url }/api/v1${ p }`,
				{
					method: m as string,
					headers: {
						Authorization: `Bearer ${ session.token }`,
						'Content-Type': 'application/json',
					},
					body: b === undefined ? undefined : JSON.stringify( b ),
				}
			);
			const text = await response.text();
			return {
				status: response.status,
				text,
				json: text ? JSON.parse( text ) : null,
			};
		},
		[ method, path, body ] as const
	);
}

async function snackbar( text: string | RegExp ): Promise< void > {
	await page
		.locator( '.components-snackbar', { hasText: text } )
		.first()
		.waitFor( { timeout: 15_000 } );
}

/**
 * At 375 px nothing in the tab reaches past the screen's edge (the page
 * around it, tab bar included, is the Settings shell's to check), with a
 * screenshot at both widths.
 */
async function fitsOnAPhone( name: string ): Promise< void > {
	await page.setViewportSize( { width: 375, height: 812 } );
	await page.waitForTimeout( 200 );
	const overflowing = await page.evaluate( () =>
		Array.from( document.querySelectorAll( '.igny8-settings__panel *' ) )
			.filter(
				( element ) =>
					element.getBoundingClientRect().right >
					document.documentElement.clientWidth + 1
			)
			.map(
				( element ) =>
					`${ element.tagName.toLowerCase() }.${ element.className }`
			)
	);
	await screenshot( page, `igny8-cloud-settings-${ name }-375` );
	expect( { tab: name, overflowing } ).toEqual( {
		tab: name,
		overflowing: [],
	} );
	await page.setViewportSize( { width: 1280, height: 900 } );
	await screenshot( page, `igny8-cloud-settings-${ name }-1280` );
}

beforeAll( async () => {
	assertPluginUiBuilt();
	openai = await startFakeOpenAI();
	openai.fallback( 'chat', ( request ) => {
		const auth = request.headers.authorization;
		if ( auth === `Bearer ${ WRONG_KEY }` ) {
			return { status: 401, message: 'Incorrect API key provided.' };
		}
		if ( request.body?.response_format?.json_schema?.name ) {
			return {
				content: {
					ideas: [
						{
							title: 'The complete guide to running shoes',
							description: 'What to look for.',
							content_type: 'post',
							target_word_count: 1200,
							suggested_keywords: [ 'running shoes' ],
						},
					],
				},
			};
		}
		return { content: 'OK' };
	} );
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{
			...AI_ENV( openai ),
			AI_MODEL: 'gpt-4o-mini',
			IGNY8_AI_ALLOWED_MODELS: CHOSEN_MODEL,
			// WordPress, and the fake provider as an account's own endpoint.
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`,
				openai.url
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud ),
		startWordPress( { port: wpPort } ),
	] );
	// One account, this one site: the plugin-first install, where the
	// WordPress administrator is the account's operator.
	tenant = await addTenant( cloud, 'Settings e2e' );
	await grant( cloud, tenant, 200 );
	clusterId = ( await addContent( cloud, tenant ) ).clusterId;
	await cloud.context.models.Site.update(
		{ wordpress_url: site.url },
		{ where: { id: tenant.siteId } }
	);
	await connectSite( site, served.url, tenant );
	admin = await site.createUser( { role: 'administrator' } );
	browser = await launchBrowser();
	( { page } = await loginToWpAdmin( browser, site.url, admin ) );
	errors = collectConsoleErrors( page );
	page.on( 'response', async ( response: Response ) => {
		const url = response.url();
		if ( ! url.startsWith( served.url ) && ! url.includes( '/wp-json/' ) ) {
			return;
		}
		try {
			bodies.push( { url, text: await response.text() } );
		} catch {
			// A preflight or a redirect has no body to read.
		}
	} );
} );

afterAll( async () => {
	await browser?.close();
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

describe( 'IGNY8 → Settings → AI', () => {
	it( 'saves an own API key and a model; the next AI run sends exactly them', async () => {
		await page.goto( settingsUrl( 'ai' ) );
		await page.getByLabel( 'Provider base URL' ).waitFor();
		await page.getByLabel( 'Provider base URL' ).fill( openai.url );
		await page.getByLabel( 'API key', { exact: true } ).fill( OWN_KEY );
		await page.getByLabel( 'Ideas' ).selectOption( CHOSEN_MODEL );
		await page.getByRole( 'button', { name: 'Save AI settings' } ).click();
		await snackbar( 'AI settings saved' );
		await page
			.getByText( `A key ending in …${ OWN_KEY.slice( -4 ) } is saved.` )
			.waitFor();
		// The field is empty again: the key is not kept in the page either.
		expect(
			await page.getByLabel( 'Replace the API key' ).inputValue()
		).toBe( '' );

		await page.getByRole( 'button', { name: 'Test', exact: true } ).click();
		await page
			.locator( '.igny8-settings__test-result', { hasText: 'It works' } )
			.waitFor();
		const ping = openai.received( 'chat' ).at( -1 )!;
		expect( ping.headers.authorization ).toBe( `Bearer ${ OWN_KEY }` );
		await fitsOnAPhone( 'ai' );

		// An AI action with the same WordPress user's session.
		openai.requests.length = 0;
		const started = await asScreens< { data: { run_id: number } } >(
			'POST',
			'/planner/clusters/generate_ideas/',
			{ ids: [ clusterId ], ideas_per_cluster: 1 }
		);
		expect( started.status ).toBe( 202 );
		const run = await waitFor( async () => {
			const row = await cloud.context.models.AiTaskRun.findByPk(
				started.json.data.run_id
			);
			return row && [ 'succeeded', 'failed' ].includes( row.status )
				? row
				: undefined;
		}, 30_000 );
		expect( { status: run.status, error: run.error } ).toEqual( {
			status: 'succeeded',
			error: null,
		} );
		const sent = openai.received( 'chat' );
		expect( sent.length ).toBeGreaterThan( 0 );
		for ( const request of sent ) {
			expect( request.headers.authorization ).toBe(
				`Bearer ${ OWN_KEY }`
			);
			expect( request.body.model ).toBe( CHOSEN_MODEL );
		}
	} );

	it( 'never returns the key: not from the AI settings, nor any route the screens call', async () => {
		// Every tab once, so every route they call is in the record.
		for ( const tab of [
			'connection',
			'ai',
			'prompts',
			'profiles',
			'strategies',
			'publishing',
			'data',
			'usage',
		] ) {
			await page.goto( settingsUrl( tab ) );
			await page.waitForLoadState( 'networkidle' );
		}
		for ( const path of [
			'/system/settings/ai/',
			'/system/prompts/',
			'/system/prompts/generate_ideas/',
			'/system/author-profiles/',
			'/system/strategies/',
			'/auth/sectors/',
			'/billing/balance/',
			'/system/ai-runs/',
		] ) {
			const shown = await asScreens( 'GET', path );
			bodies.push( { url: path, text: shown.text } );
			expect( { path, status: shown.status } ).toEqual( {
				path,
				status: 200,
			} );
		}
		const settings = await asScreens< {
			data: { has_api_key: boolean; api_key_last4: string };
		} >( 'GET', '/system/settings/ai/' );
		expect( settings.json.data ).toMatchObject( {
			has_api_key: true,
			api_key_last4: OWN_KEY.slice( -4 ),
		} );
		expect( bodies.length ).toBeGreaterThan( 10 );
		const leaks = bodies
			.filter( ( body ) => body.text.includes( OWN_KEY ) )
			.map( ( body ) => body.url );
		expect( leaks ).toEqual( [] );
	} );

	it( 'says in plain words when the provider refuses the key', async () => {
		await page.goto( settingsUrl( 'ai' ) );
		await page.getByLabel( 'Replace the API key' ).fill( WRONG_KEY );
		await page.getByRole( 'button', { name: 'Save AI settings' } ).click();
		await snackbar( 'AI settings saved' );
		await page.getByRole( 'button', { name: 'Test', exact: true } ).click();
		await page
			.locator( '.igny8-settings__test-result', {
				hasText:
					'The provider refused the key (401). Check the key and try again.',
			} )
			.waitFor();
		await screenshot( page, 'igny8-cloud-settings-ai-refused-key' );

		// Removing the key puts the account back on the server's key.
		await page.getByRole( 'button', { name: 'Remove key' } ).click();
		await snackbar( 'API key removed' );
		await page.getByLabel( 'API key', { exact: true } ).waitFor();
		const settings = await asScreens< {
			data: { has_api_key: boolean; base_url: string | null };
		} >( 'GET', '/system/settings/ai/' );
		expect( settings.json.data ).toMatchObject( {
			has_api_key: false,
			base_url: null,
		} );
	} );

	it( 'shows an editor the settings read-only, saying who can change them', async () => {
		const editor = await site.createUser( { role: 'editor' } );
		const { page: editorPage, context } = await loginToWpAdmin(
			browser,
			site.url,
			editor
		);
		const editorErrors = collectConsoleErrors( editorPage );
		await editorPage.goto( settingsUrl( 'ai' ) );
		await editorPage
			.locator( '.components-notice', {
				hasText: 'Only a WordPress administrator',
			} )
			.waitFor();
		expect(
			await editorPage.getByLabel( 'Provider base URL' ).isDisabled()
		).toBe( true );
		expect(
			await editorPage
				.getByRole( 'button', { name: 'Save AI settings' } )
				.count()
		).toBe( 0 );
		await editorPage.goto( settingsUrl( 'profiles' ) );
		await editorPage
			.locator( '.components-notice', {
				hasText: 'Only a WordPress administrator',
			} )
			.waitFor();
		expect(
			await editorPage
				.getByRole( 'button', { name: 'Add author profile' } )
				.count()
		).toBe( 0 );
		expect( editorErrors.errors ).toEqual( [] );
		await context.close();
	} );
} );

describe( 'IGNY8 → Settings → Prompts', () => {
	it( 'edits a prompt with its variables, previews it, refuses an unknown variable, and resets it after a confirmation', async () => {
		await page.goto( settingsUrl( 'prompts' ) );
		await page.getByLabel( 'Prompt', { exact: true } ).waitFor();
		await page
			.getByLabel( 'Prompt', { exact: true } )
			.selectOption( 'generate_ideas' );
		await page.getByText( '{{cluster_name}}' ).first().waitFor();
		const request = page.getByLabel( 'Request (user message)' );
		await page.waitForFunction( () =>
			Boolean(
				document.querySelector< HTMLTextAreaElement >(
					'textarea:not([disabled])'
				)
			)
		);
		const original = await request.inputValue();

		await request.fill( 'Ideas for {{cluster_name}} with {{nope}}' );
		await page
			.locator( '.components-notice', {
				hasText: 'This prompt has no variable {{nope}}',
			} )
			.waitFor();
		await page.getByRole( 'button', { name: 'Save prompt' } ).click();
		await page
			.locator( '.igny8-field-error', { hasText: '{{nope}}' } )
			.waitFor();
		const refused = await asScreens< {
			data: { is_customized: boolean };
		} >( 'GET', '/system/prompts/generate_ideas/' );
		expect( refused.json.data.is_customized ).toBe( false );

		await request.fill( 'Write {{count}} ideas for {{cluster_name}}.' );
		const preview = page.locator( 'pre[data-part="user"]' );
		await expect( preview.textContent() ).resolves.toBe(
			'Write 3 ideas for Growing tomatoes.'
		);
		await page.getByRole( 'button', { name: 'Save prompt' } ).click();
		await snackbar( 'Prompt “Generate ideas” saved' );
		const saved = await asScreens< {
			data: { is_customized: boolean; override: { user: string } };
		} >( 'GET', '/system/prompts/generate_ideas/' );
		expect( saved.json.data ).toMatchObject( {
			is_customized: true,
			override: { user: 'Write {{count}} ideas for {{cluster_name}}.' },
		} );
		await fitsOnAPhone( 'prompts' );

		await page.getByRole( 'button', { name: 'Reset to default' } ).click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText( 'Reset “Generate ideas” to the default text?' )
			.waitFor();
		await dialog
			.getByRole( 'button', { name: 'Reset to default' } )
			.click();
		await snackbar( 'Prompt “Generate ideas” reset to its default' );
		expect( await request.inputValue() ).toBe( original );
		const reset = await asScreens< {
			data: { is_customized: boolean };
		} >( 'GET', '/system/prompts/generate_ideas/' );
		expect( reset.json.data.is_customized ).toBe( false );
	} );
} );

describe( 'IGNY8 → Settings → Author profiles and Strategies', () => {
	it( 'creates, edits and deletes an author profile, with field errors beside their field', async () => {
		await page.goto( settingsUrl( 'profiles' ) );
		await page.getByText( 'No author profiles yet.' ).waitFor();
		await page
			.getByRole( 'button', { name: 'Add author profile' } )
			.click();
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await page
			.locator( '.igny8-field-error', { hasText: 'Give it a name.' } )
			.waitFor();
		await page.getByLabel( 'Name', { exact: true } ).fill( 'House voice' );
		await page.getByLabel( 'Tone' ).fill( 'Warm' );
		await page.getByLabel( 'Language' ).fill( 'not a language' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await page
			.locator( '.igny8-field-error', {
				hasText: 'Use a language code like en or pt-BR.',
			} )
			.waitFor();
		await page.getByLabel( 'Language' ).fill( 'en' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await snackbar( 'Author profile “House voice” added' );
		await page.getByText( 'Warm · en' ).waitFor();

		await page
			.getByRole( 'button', { name: 'Edit “House voice”' } )
			.click();
		await page.getByLabel( 'Tone' ).fill( 'Dry' );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await snackbar( 'Author profile “House voice” saved' );
		await page.getByText( 'Dry · en' ).waitFor();
		await fitsOnAPhone( 'profiles' );

		await page
			.getByRole( 'button', { name: 'Delete “House voice”' } )
			.click();
		const dialog = page.getByRole( 'dialog' );
		await dialog
			.getByText( 'Delete the author profile “House voice”?' )
			.waitFor();
		await dialog.getByRole( 'button', { name: 'Delete' } ).click();
		await snackbar( 'Author profile “House voice” deleted' );
		await page.getByText( 'No author profiles yet.' ).waitFor();
		expect(
			await cloud.context.models.AuthorProfile.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 0 );
	} );

	it( 'creates a strategy for a sector and refuses a second one by the same name', async () => {
		await page.goto( settingsUrl( 'strategies' ) );
		await page.getByText( 'No strategies yet.' ).waitFor();
		for ( const attempt of [ 1, 2 ] ) {
			await page.getByRole( 'button', { name: 'Add strategy' } ).click();
			await page
				.getByLabel( 'Name', { exact: true } )
				.fill( 'How-to guides' );
			await page
				.getByLabel( 'Instructions for the writer' )
				.fill( 'Answer the question in the first paragraph.' );
			await page
				.getByRole( 'button', { name: 'Save', exact: true } )
				.click();
			if ( attempt === 1 ) {
				await snackbar( 'Strategy “How-to guides” added' );
			}
		}
		await page
			.locator( '.igny8-field-error', {
				hasText: 'Another one already has this name',
			} )
			.waitFor();
		await page.getByRole( 'button', { name: 'Cancel' } ).click();
		await fitsOnAPhone( 'strategies' );
		expect(
			await cloud.context.models.ContentStrategy.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 1 );
		// Chromium logs the 400s these tests asked for (unknown variable,
		// bad language, duplicate name); nothing else may reach the console.
		const asked =
			/status of 400 .*\/api\/v1\/system\/(prompts\/generate_ideas|author-profiles|strategies)\//;
		expect(
			errors.errors.filter( ( error ) => ! asked.test( error ) )
		).toEqual( [] );
		expect(
			errors.errors.filter( ( error ) => asked.test( error ) )
		).toHaveLength( 3 );
	} );
} );

import fs from 'node:fs';
import path from 'node:path';
import {
	chromium,
	type Browser,
	type BrowserContext,
	type ConsoleMessage,
	type Page,
} from 'playwright-core';
import { TEST_OUTPUT_DIR } from './paths';

/** The machine's Chromium; never downloaded by a test tool (`IGNY8_CHROMIUM` overrides). */
export const CHROMIUM_PATH = process.env.IGNY8_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags Chromium needs on this toolchain. Playwright's `launch()` adds a fresh
 * temporary `--user-data-dir` itself (and refuses one passed here).
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export function launchBrowser(): Promise< Browser > {
	if ( ! fs.existsSync( CHROMIUM_PATH ) ) {
		throw new Error(
			`Chromium not found at ${ CHROMIUM_PATH } (set IGNY8_CHROMIUM).`
		);
	}
	return chromium.launch( {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_ARGS,
	} );
}

export interface WpLogin {
	login: string;
	password: string;
}

export interface AdminSession {
	context: BrowserContext;
	page: Page;
}

/**
 * Logs into wp-admin through the real login form in a new browser context
 * and returns its page, left on the screen WordPress redirected to.
 */
export async function loginToWpAdmin(
	browser: Browser,
	siteUrl: string,
	user: WpLogin
): Promise< AdminSession > {
	const context = await browser.newContext( {
		baseURL: siteUrl,
		viewport: { width: 1280, height: 900 },
	} );
	// In CI a rare login never got its answer (the form's POST, or the page it
	// redirects to, hung past 30 s while later requests went through); one more
	// attempt on a fresh page, with what was seen in the error if that fails too.
	let lastError: Error | undefined;
	for ( let attempt = 1; attempt <= 2; attempt++ ) {
		const page = await context.newPage();
		try {
			await submitLogin( page, siteUrl, user );
			return { context, page };
		} catch ( error ) {
			lastError = new Error(
				`Login as ${ user.login } (attempt ${ attempt }) stopped at ${ page.url() }: ${ ( error as Error ).message }`
			);
			await page.close();
		}
	}
	throw lastError;
}

async function submitLogin(
	page: Page,
	siteUrl: string,
	user: WpLogin
): Promise< void > {
	await page.goto( '/wp-login.php' );
	await page.fill( '#user_login', user.login );
	await page.fill( '#user_pass', user.password );
	// The login is the form's answer: a redirect that sets the auth cookies.
	const [ answer ] = await Promise.all( [
		page.waitForResponse(
			( response ) =>
				response.url().includes( '/wp-login.php' ) &&
				response.request().method() === 'POST',
			{ timeout: 30_000 }
		),
		page.click( '#wp-submit' ),
	] );
	if ( answer.status() !== 302 ) {
		throw new Error(
			`wp-login.php answered ${ answer.status() } instead of a redirect`
		);
	}
	const target = new URL(
		answer.headers().location ?? '/wp-admin/',
		siteUrl
	).toString();
	await page.goto( target, {
		timeout: 30_000,
		waitUntil: 'domcontentloaded',
	} );
}

export interface ConsoleErrors {
	/** Console messages of type `error` and uncaught page errors, as they arrive. */
	readonly errors: string[];
	stop(): void;
}

/** Collects console errors and page errors from `page`; tests assert the list is empty. */
export function collectConsoleErrors( page: Page ): ConsoleErrors {
	const errors: string[] = [];
	const onConsole = ( message: ConsoleMessage ): void => {
		if ( message.type() === 'error' ) {
			const location = message.location();
			errors.push(
				`console.error: ${ message.text() }${ location.url ? ` (${ location.url }:${ location.lineNumber })` : '' }`
			);
		}
	};
	const onPageError = ( error: Error ): void => {
		errors.push( `pageerror: ${ error.message }` );
	};
	page.on( 'console', onConsole );
	page.on( 'pageerror', onPageError );
	return {
		errors,
		stop(): void {
			page.off( 'console', onConsole );
			page.off( 'pageerror', onPageError );
		},
	};
}

/** Saves a full-page PNG as `TEST_OUTPUT_DIR/screenshots/<name>.png` and returns its path. */
export async function screenshot(
	page: Page,
	name: string
): Promise< string > {
	const dir = path.join( TEST_OUTPUT_DIR, 'screenshots' );
	fs.mkdirSync( dir, { recursive: true } );
	const file = path.join(
		dir,
		`${ name.replace( /[^A-Za-z0-9._-]+/g, '-' ) }.png`
	);
	await page.screenshot( { path: file, fullPage: true } );
	return file;
}

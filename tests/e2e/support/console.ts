/**
 * What every console test does: call the cloud's API as someone, sign in
 * through the console's own form, and check a page as a person would meet
 * it (no serious axe findings, screenshots at 1280 and 375 px, no console
 * errors).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectConsoleErrors, type ConsoleErrors } from '@igny8/test-harness';
import { PASSWORD, type Actor } from '../../../cloud/test/fixtures';
import type { TestCloud } from '../../../cloud/test/support';
import { screenshotsAtBothWidths, seriousViolations } from './screens';

const CONSOLE_BUILD = path.resolve(
	__dirname,
	'../../../console/build/index.html'
);

export function assertConsoleBuilt(): void {
	if ( ! fs.existsSync( CONSOLE_BUILD ) ) {
		throw new Error(
			'console/build is missing: build the console first with `npm run build -w console`.'
		);
	}
}

/** The cloud's answer to one API call as `actor`: status and parsed body. */
export async function consoleApi(
	baseUrl: string,
	actor: Actor,
	method: string,
	apiPath: string,
	body?: unknown
): Promise< { status: number; json: any } > {
	const response = await fetch( `${ baseUrl }/api/v1${ apiPath }`, {
		method,
		headers: {
			Authorization: `Bearer ${ actor.token }`,
			'Content-Type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify( body ),
	} );
	const text = await response.text();
	return { status: response.status, json: text ? JSON.parse( text ) : null };
}

export type ConsoleTab = {
	context: BrowserContext;
	page: Page;
	errors: ConsoleErrors;
};

/** A fresh browser context at 1280 px, signed in as `actor` on `consolePath`. */
export async function signInToConsole(
	browser: Browser,
	baseUrl: string,
	actor: Actor,
	consolePath = '/console/'
): Promise< ConsoleTab > {
	const context = await browser.newContext( {
		viewport: { width: 1280, height: 900 },
	} );
	const page = await context.newPage();
	const errors = collectConsoleErrors( page );
	await page.goto( `${ baseUrl }${ consolePath }`, {
		waitUntil: 'domcontentloaded',
	} );
	await page.getByLabel( 'Email' ).fill( actor.email );
	await page.getByLabel( 'Password' ).fill( PASSWORD );
	await page.getByRole( 'button', { name: 'Sign in' } ).click();
	await page.locator( `.igny8c-role[data-role="${ actor.role }"]` ).waitFor();
	return { context, page, errors };
}

const AXE_SOURCE = fs.readFileSync( require.resolve( 'axe-core' ), 'utf8' );

/**
 * No serious or critical axe finding, screenshots at both widths under
 * `name`, and no console error but those `expected` (Chromium logs every
 * 4xx answer a page asked for, even one it expects and explains).
 */
export async function checkConsolePage(
	page: Page,
	errors: ConsoleErrors,
	name: string,
	expected?: RegExp
): Promise< void > {
	// A modal fades in: axe would measure the contrast of half-transparent
	// text. Endless animations (a busy button's stripes) never finish.
	await page.waitForFunction( () =>
		document
			.getAnimations()
			.every(
				( animation ) =>
					animation.playState !== 'running' ||
					animation.effect?.getTiming().iterations === Infinity
			)
	);
	// The console's CSP refuses inline scripts (the helper's script tag
	// included): axe comes in through the DevTools protocol instead.
	if ( ! ( await page.evaluate( () => 'axe' in window ) ) ) {
		await page.evaluate( AXE_SOURCE );
	}
	expect( await seriousViolations( page, { include: [ 'body' ] } ) ).toEqual(
		[]
	);
	await screenshotsAtBothWidths( page, name );
	expect(
		errors.errors.filter( ( error ) => ! expected?.test( error ) )
	).toEqual( [] );
}

/**
 * Credits an AI job spent, through the one path every job takes: reserved,
 * then settled (for what it used) or refunded.
 * @param cloud     The test cloud.
 * @param accountId The paying account.
 * @param spent     The job: its id, AI function, site, reservation and outcome.
 */
export async function spend(
	cloud: TestCloud,
	accountId: number,
	spent: {
		job: string;
		fn: string;
		siteId: number;
		reserve: number;
		outcome: { settle: number } | 'refund';
	}
): Promise< void > {
	const { credits } = cloud.context.services;
	await credits.reserve( {
		accountId,
		jobId: spent.job,
		amount: spent.reserve,
		siteId: spent.siteId,
		functionName: spent.fn,
		description: `${ spent.fn } for a console test`,
	} );
	if ( spent.outcome === 'refund' ) {
		await credits.refund( spent.job );
	} else {
		await credits.settle( spent.job, spent.outcome.settle );
	}
}

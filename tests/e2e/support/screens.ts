import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot } from '@igny8/test-harness';

/**
 * What every screen test checks the same way: axe-core's serious and
 * critical findings, and screenshots at both widths the screens must work
 * at with no sideways scroll at 375 px.
 */

const AXE_SOURCE = fs.readFileSync( require.resolve( 'axe-core' ), 'utf8' );

type AxeViolation = {
	id: string;
	impact: string | null;
	help: string;
	nodes: Array< { target: string[] } >;
};

/**
 * axe-core's serious and critical findings in a part of the page, each as
 * "rule (impact): help — the first nodes".
 * @param page  The page.
 * @param scope What to look at: CSS selectors to include, and to leave out.
 */
export async function seriousViolations(
	page: Page,
	scope: { include: string[]; exclude?: string[] }
): Promise< string[] > {
	if ( ! ( await page.evaluate( () => 'axe' in window ) ) ) {
		await page.addScriptTag( { content: AXE_SOURCE } );
	}
	const violations = await page.evaluate( async ( context ) => {
		const result = await ( window as any ).axe.run( context, {
			resultTypes: [ 'violations' ],
		} );
		return result.violations as AxeViolation[];
	}, scope );
	return violations
		.filter( ( v ) => v.impact === 'serious' || v.impact === 'critical' )
		.map(
			( v ) =>
				`${ v.id } (${ v.impact }): ${ v.help } — ${ v.nodes
					.slice( 0, 3 )
					.map( ( node ) => node.target.join( ' ' ) )
					.join( ', ' ) }`
		);
}

/**
 * Screenshots at 1280 and 375 px (`name-1280`, `name-375`); fails when the
 * page scrolls sideways at 375 px. The page ends at 1280 px again.
 * @param page The page.
 * @param name The screenshots' base name.
 */
export async function screenshotsAtBothWidths(
	page: Page,
	name: string
): Promise< void > {
	await screenshot( page, `${ name }-1280` );
	await page.setViewportSize( { width: 375, height: 812 } );
	await page.waitForTimeout( 300 );
	await screenshot( page, `${ name }-375` );
	const overflow = await page.evaluate(
		() =>
			document.documentElement.scrollWidth >
			document.documentElement.clientWidth
	);
	await page.setViewportSize( { width: 1280, height: 900 } );
	await page.waitForTimeout( 300 );
	if ( overflow ) {
		throw new Error( `${ name } scrolls sideways at 375 px` );
	}
}

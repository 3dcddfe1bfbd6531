import type { Page } from 'playwright-core';
import { launchBrowser, loginToWpAdmin } from '@igny8/test-harness';
import {
	report,
	runBench,
	startBenchCloud,
} from '../../../cloud/bench/support';
import { startBenchBridge } from '../../../cloud/bench/wordpress';

/**
 * Time until the Keywords screen is interactive, in Chromium against real
 * WordPress and a real cloud (PostgreSQL, Redis), with 10,000 keywords in
 * the sector: from navigation to the first page of rows rendered with their
 * checkboxes usable and no loading indicator left. The screen pages on the
 * server (25 rows), so the baseline is the same screen on a sector of 10
 * keywords, measured in alternating rounds in the same browser; the median
 * of each is reported.
 */
const BIG = Number( process.env.BENCH_KEYWORDS ?? 10_000 );
const SMALL = 10;
const ROUNDS = Number( process.env.BENCH_ROUNDS ?? 7 );
const SECTOR_STORAGE_KEY = 'igny8.sector';
const PAGE_SIZE = 25;

const median = ( values: number[] ) =>
	[ ...values ].sort( ( a, b ) => a - b )[ Math.floor( values.length / 2 ) ]!;

async function timeToInteractive(
	page: Page,
	sectorId: number,
	total: number
): Promise< number > {
	const rows = Math.min( total, PAGE_SIZE );
	// The workspace opens the sector the user last chose.
	await page.evaluate(
		( [ key, id ] ) => window.localStorage.setItem( key, id ),
		[ SECTOR_STORAGE_KEY, String( sectorId ) ] as const
	);
	const started = Date.now();
	await page.goto( '/wp-admin/admin.php?page=igny8-keywords' );
	await page
		.locator( 'table tbody tr' )
		.nth( rows - 1 )
		.getByRole( 'checkbox' )
		.waitFor( { state: 'visible', timeout: 30_000 } );
	await page
		.locator( '.igny8-app__main .igny8-loading' )
		.first()
		.waitFor( { state: 'detached', timeout: 30_000 } );
	const elapsed = Date.now() - started;
	const table = await page.locator( '.igny8-table' ).textContent();
	if ( ! table?.includes( `${ total } items` ) ) {
		throw new Error(
			`the table does not show the sector's ${ total } keywords`
		);
	}
	return elapsed;
}

runBench( async () => {
	const cloud = await startBenchCloud();
	const bridge = await startBenchBridge( cloud );
	const browser = await launchBrowser();
	try {
		const { context, models } = {
			context: cloud.context,
			models: cloud.context.models,
		};
		// The browser calls the cloud from the site's origin (CORS).
		await models.Site.update(
			{ wordpress_url: bridge.site.url },
			{ where: { id: bridge.owner.siteId } }
		);
		const sector = ( name: string ) =>
			models.Sector.create( {
				account_id: bridge.owner.accountId,
				site_id: bridge.owner.siteId,
				name,
				industry_sector_id: null,
			} );
		const big = await sector( 'Big' );
		const small = await sector( 'Small' );
		for ( const [ row, n ] of [
			[ big, BIG ],
			[ small, SMALL ],
		] as const ) {
			await context.db.sequelize.query(
				`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, source)
				 SELECT :account, :site, :sector, 'bench keyword ' || i, 'bench keyword ' || i, (i * 7919) % 100000, i % 101,
					(ARRAY['informational', 'commercial', 'transactional', 'navigational'])[1 + i % 4], 'csv_import'
				 FROM generate_series(1, :n) AS i`,
				{
					replacements: {
						account: bridge.owner.accountId,
						site: bridge.owner.siteId,
						sector: row.id,
						n,
					},
				}
			);
		}
		await context.db.sequelize.query( 'VACUUM ANALYZE keywords' );

		const editor = await bridge.site.createUser( { role: 'editor' } );
		const { page } = await loginToWpAdmin(
			browser,
			bridge.site.url,
			editor
		);
		// One warm-up each: PHP's opcache, the browser's script cache, the session.
		await timeToInteractive( page, big.id, BIG );
		await timeToInteractive( page, small.id, SMALL );
		const bigTimes: number[] = [];
		const smallTimes: number[] = [];
		for ( let round = 0; round < ROUNDS; round++ ) {
			bigTimes.push( await timeToInteractive( page, big.id, BIG ) );
			smallTimes.push( await timeToInteractive( page, small.id, SMALL ) );
		}
		report( {
			name: 'plugin_ui.keywords_screen_10k.time_to_interactive_ms',
			value: median( bigTimes ),
			unit: 'ms',
			baseline: 'the same screen on a sector of 10 keywords',
			baseline_value: median( smallTimes ),
		} );
	} finally {
		await browser.close();
		await bridge.site.stop();
		await cloud.stop();
	}
} );

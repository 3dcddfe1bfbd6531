import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '@igny8/test-harness';
import { hashPassword } from '../../../cloud/src/modules/auth/passwords';
import {
	report,
	runBench,
	startBenchCloud,
	type BenchCloud,
} from '../../../cloud/bench/support';

/**
 * The agency console's Sites page for an account of BENCH_SITES sites (1,000
 * by default), each with its WordPress integration and reported health,
 * content, publications (some failed or in conflict), optimizer scores and a
 * linker graph, seeded through SQL; a real cloud on PostgreSQL and Redis:
 * - the page's API call, `GET /api/v1/integration/site-health/`: p95 of
 *   BENCH_REQUESTS sequential requests, timed at the client on loopback
 *   (target ≤ 200 ms), against `GET /api/v1/health/` on the same server;
 * - the table's first paint in Chromium: from navigation to the frame after
 *   the first rows are in the page (the session resumed, the health loaded
 *   and drawn), against the same page for an account of 10 sites, in
 *   alternating rounds in the same browser; the median of each.
 */
const BIG = Number( process.env.BENCH_SITES ?? 1_000 );
const SMALL = 10;
const REQUESTS = Number( process.env.BENCH_REQUESTS ?? 100 );
const ROUNDS = Number( process.env.BENCH_ROUNDS ?? 7 );
/** Per site: contents (half of them published, some failed or in conflict), linker posts. */
const CONTENTS_PER_SITE = 10;
const POSTS_PER_SITE = 10;
const PASSWORD = 'bench password 123';

const scale = ( n: number ) =>
	n >= 1000 && n % 1000 === 0 ? `${ n / 1000 }k` : String( n );
const median = ( values: number[] ) =>
	[ ...values ].sort( ( a, b ) => a - b )[ Math.floor( values.length / 2 ) ]!;
const percentile = ( values: number[], p: number ) =>
	[ ...values ].sort( ( a, b ) => a - b )[
		Math.max( 0, Math.ceil( ( p / 100 ) * values.length ) - 1 )
	]!;

/**
 * An agency account and its owner, signed in through the API.
 * @param cloud The cloud.
 * @param name  The account's name.
 */
async function agency(
	cloud: BenchCloud,
	name: string
): Promise< {
	accountId: number;
	email: string;
	auth: Record< string, string >;
} > {
	const { models } = cloud.context;
	const plan = await models.Plan.findOne( { where: { slug: 'agency' } } );
	const slug = name.toLowerCase().replace( /\W+/g, '-' );
	const account = await models.Account.create( {
		name,
		slug,
		owner_id: null,
		plan_id: plan!.id,
	} );
	const email = `${ slug }@example.test`;
	await models.User.create( {
		email,
		username: slug,
		password_hash: await hashPassword( PASSWORD ),
		account_id: account.id,
		role: 'owner',
		last_login: null,
	} );
	const login = ( await fetch( `${ cloud.url }/api/v1/auth/login/`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify( { email, password: PASSWORD } ),
	} ).then( ( r ) => r.json() ) ) as { data: { access: string } };
	return {
		accountId: account.id,
		email,
		auth: { authorization: `Bearer ${ login.data.access }` },
	};
}

/**
 * Gives an account `total` sites, each with what the Sites page reads, in
 * a few set-based statements.
 * @param cloud     The cloud.
 * @param accountId The account.
 * @param total     How many sites it gets.
 */
async function seed(
	cloud: BenchCloud,
	accountId: number,
	total: number
): Promise< void > {
	const query = ( sql: string ) =>
		cloud.context.db.sequelize.query( sql, {
			bind: [ accountId ],
		} );
	await query(
		`WITH made AS (
		   INSERT INTO sites (account_id, name, slug, wordpress_url)
		   SELECT $1, 'Client site ' || i, 'client-site-' || i, 'https://client' || i || '.example'
		   FROM generate_series(1, ${ total }) AS i RETURNING id
		 )
		 INSERT INTO sectors (account_id, site_id, name) SELECT $1, id, 'Main' FROM made`
	);
	// Every site connected: most report their health, some run an old
	// plugin, some syncs failed, some hold dead letters.
	await query(
		`INSERT INTO site_integrations (account_id, site_id, platform, platform_type, config_json, credentials_json,
		   sync_state, sync_error, last_sync_at, health, health_reported_at)
		 SELECT s.account_id, s.id, 'wordpress', 'cms',
		   jsonb_build_object('site_url', s.wordpress_url, 'rest_url', s.wordpress_url || '/wp-json/',
		     'structure', jsonb_build_object('wordpress_version', '6.6.2', 'php_version', '8.2.1',
		       'plugin_version', CASE WHEN s.id % 10 = 0 THEN '0.0.9' ELSE '0.1.0' END)),
		   jsonb_build_object('signing_secret', 'sealed', 'key_id', s.id),
		   CASE WHEN s.id % 25 = 0 THEN 'failed' ELSE 'succeeded' END,
		   CASE WHEN s.id % 25 = 0 THEN 'The site did not answer.' END,
		   NOW() - (s.id % 100) * INTERVAL '1 hour',
		   CASE WHEN s.id % 10 = 0 THEN NULL ELSE jsonb_build_object(
		     'outbox', jsonb_build_object('pending', s.id % 13, 'failing', s.id % 3,
		       'dead', CASE WHEN s.id % 11 = 0 THEN 2 ELSE 0 END, 'rejected', CASE WHEN s.id % 17 = 0 THEN 1 ELSE 0 END),
		     'wordpress_version', '6.6.2', 'plugin_version', '0.1.0', 'php_version', '8.2.1') END,
		   NOW() - (s.id % 60) * INTERVAL '1 minute'
		 FROM sites s WHERE s.account_id = $1`
	);
	await query(
		`INSERT INTO content (account_id, site_id, sector_id, title, content_html)
		 SELECT se.account_id, se.site_id, se.id, 'Post ' || g, '<p>Text</p>'
		 FROM sectors se, generate_series(1, ${ CONTENTS_PER_SITE }) AS g WHERE se.account_id = $1`
	);
	await query(
		`INSERT INTO publishing_records (account_id, site_id, sector_id, content_id, status)
		 SELECT account_id, site_id, sector_id, id,
		   (ARRAY['published', 'published', 'failed', 'conflict', 'queued'])[1 + id % 5]
		 FROM content WHERE account_id = $1 AND id % 2 = 0`
	);
	await query(
		`INSERT INTO optimizer_analyses (account_id, site_id, content_id, revision, score, seo_score, readability_score, word_count, locale, checks)
		 SELECT account_id, site_id, id, r, (id * 7 + r * 13) % 101, 50, 50, 500, 'en', '[]'
		 FROM content, generate_series(1, 2) AS r WHERE account_id = $1`
	);
	// Each post links to the next two; posts 11 and 12 do not exist (broken), every fifth is a draft.
	await query(
		`INSERT INTO linker_documents (account_id, site_id, wp_post_id, status, title, url, path, html_hash, linkable)
		 SELECT s.account_id, s.id, g, CASE WHEN g % 5 = 0 THEN 'draft' ELSE 'publish' END, 'Post ' || g,
		   s.wordpress_url || '/post-' || g || '/', '/post-' || g || '/', 'h', g % 5 <> 0
		 FROM sites s, generate_series(1, ${ POSTS_PER_SITE }) AS g WHERE s.account_id = $1`
	);
	await query(
		`INSERT INTO linker_links (site_id, source_id, path, href, anchor)
		 SELECT d.site_id, d.id, '/post-' || ((d.wp_post_id + k) % 12 + 1) || '/',
		   'https://example/post-' || ((d.wp_post_id + k) % 12 + 1) || '/', 'anchor'
		 FROM linker_documents d, generate_series(1, 2) AS k WHERE d.account_id = $1`
	);
}

/**
 * p95 of sequential GETs, each read to its last byte; fails on any non-2xx.
 * @param url     The address.
 * @param headers The request's headers.
 */
async function p95( url: string, headers: Record< string, string > ) {
	const get = async () => {
		const response = await fetch( url, { headers } );
		const body = await response.arrayBuffer();
		if ( ! response.ok ) {
			throw new Error( `${ url }: ${ response.status }` );
		}
		return body.byteLength;
	};
	for ( let i = 0; i < 5; i++ ) {
		await get();
	}
	const times: number[] = [];
	for ( let i = 0; i < REQUESTS; i++ ) {
		const started = performance.now();
		await get();
		times.push( performance.now() - started );
	}
	return Math.round( percentile( times, 95 ) * 10 ) / 10;
}

/** Notes, in the page, the frame after the Sites table's first row appears (a string: tsx's helpers do not exist there). */
const PAINT_PROBE = `( () => {
	const observer = new MutationObserver( () => {
		if ( document.querySelector( '.igny8c-table tbody tr' ) ) {
			observer.disconnect();
			requestAnimationFrame( () => {
				window.__igny8TablePaint = performance.now();
			} );
		}
	} );
	observer.observe( document, { childList: true, subtree: true } );
} )();`;

async function signIn(
	browser: Browser,
	url: string,
	email: string
): Promise< Page > {
	const context = await browser.newContext( {
		viewport: { width: 1280, height: 900 },
	} );
	const page = await context.newPage();
	await page.addInitScript( PAINT_PROBE );
	await page.goto( `${ url }/console/` );
	await page.getByLabel( 'Email' ).fill( email );
	await page.getByLabel( 'Password' ).fill( PASSWORD );
	await page.getByRole( 'button', { name: 'Sign in' } ).click();
	await page.locator( '.igny8c-role' ).waitFor();
	return page;
}

/**
 * Opens the console (the Sites page) afresh: the session resumes from the
 * tab's refresh token, as on a reload.
 * @param page  A signed-in page.
 * @param url   The cloud.
 * @param sites How many sites the account has.
 */
async function firstPaint(
	page: Page,
	url: string,
	sites: number
): Promise< number > {
	await page.goto( `${ url }/console/`, { waitUntil: 'commit' } );
	// Polled in the page by a string, not waitForFunction: the console's CSP forbids the eval that one uses.
	const painted =
		await page.evaluate< number >( `new Promise( ( resolve, reject ) => {
		const timeout = setTimeout( () => reject( new Error( 'the Sites table never painted' ) ), 60000 );
		const check = () => {
			if ( window.__igny8TablePaint !== undefined ) {
				clearTimeout( timeout );
				resolve( window.__igny8TablePaint );
			} else {
				setTimeout( check, 20 );
			}
		};
		check();
	} )` );
	const count = await page.locator( '.igny8c-count' ).textContent();
	if ( count !== `${ sites } of ${ sites } sites` ) {
		throw new Error( `the table shows “${ count }”, not ${ sites } sites` );
	}
	return painted;
}

runBench( async () => {
	const cloud = await startBenchCloud();
	let browser: Browser | undefined;
	try {
		const big = await agency( cloud, 'Bench Agency Big' );
		const small = await agency( cloud, 'Bench Agency Small' );
		await seed( cloud, big.accountId, BIG );
		await seed( cloud, small.accountId, SMALL );
		for ( const table of [
			'sites',
			'site_integrations',
			'content',
			'publishing_records',
			'optimizer_analyses',
			'linker_documents',
			'linker_links',
		] ) {
			await cloud.context.db.sequelize.query(
				`VACUUM ANALYZE ${ table }`
			);
		}
		const answer = ( await fetch(
			`${ cloud.url }/api/v1/integration/site-health/`,
			{ headers: big.auth }
		).then( ( r ) => r.json() ) ) as {
			data: { sites: { attention: string[] }[] };
		};
		if ( answer.data.sites.length !== BIG ) {
			throw new Error(
				`the endpoint answered ${ answer.data.sites.length } sites, not ${ BIG }`
			);
		}

		const baseline = await p95( `${ cloud.url }/api/v1/health/`, {} );
		const value = await p95(
			`${ cloud.url }/api/v1/integration/site-health/`,
			big.auth
		);
		report( {
			name: `console.sites_${ scale( BIG ) }.site_health_api_p95_ms`,
			value,
			unit: 'ms',
			baseline: `GET /api/v1/health/ p95 on the same server, ${ REQUESTS } sequential requests each (target ≤ 200 ms)`,
			baseline_value: baseline,
		} );

		browser = await launchBrowser();
		const bigPage = await signIn( browser, cloud.url, big.email );
		const smallPage = await signIn( browser, cloud.url, small.email );
		// One warm-up each: the browser's script cache, the session.
		await firstPaint( bigPage, cloud.url, BIG );
		await firstPaint( smallPage, cloud.url, SMALL );
		const bigTimes: number[] = [];
		const smallTimes: number[] = [];
		for ( let round = 0; round < ROUNDS; round++ ) {
			bigTimes.push( await firstPaint( bigPage, cloud.url, BIG ) );
			smallTimes.push( await firstPaint( smallPage, cloud.url, SMALL ) );
		}
		report( {
			name: `console.sites_${ scale( BIG ) }.table_first_paint_ms`,
			value: Math.round( median( bigTimes ) ),
			unit: 'ms',
			baseline: `the same page for an account of ${ SMALL } sites (median of ${ ROUNDS } alternating rounds)`,
			baseline_value: Math.round( median( smallTimes ) ),
		} );
	} finally {
		await browser?.close();
		await cloud.stop();
	}
} );

/**
 * The product's pipeline on the production shape: WordPress on native PHP
 * with MariaDB, the cloud on PostgreSQL with bee-queue workers on Redis, the
 * AI provider a fake OpenAI-compatible server. The same driver runs against
 * `npm start` (Playground on SQLite) in start.test.ts.
 */
import {
	loginRestClient,
	outboundAllow,
	startFakeOpenAI,
	startWordPress,
	type FakeOpenAI,
	type WordPressSite,
} from '@igny8/test-harness';
import { AI_ENV, grant } from '../../cloud/test/ai-support';
import { addTenant } from '../../cloud/test/fixtures';
import { startTestCloud, type TestCloud } from '../../cloud/test/support';
import {
	connectSite,
	freePort,
	listen,
	type ListeningCloud,
} from '../../cloud/test/wordpress-bridge';
import {
	expectPipelineOutcome,
	runPipeline,
	scriptPipelineProvider,
	type PipelineResult,
} from './support/pipeline';

let openai: FakeOpenAI;
let cloud: TestCloud;
let served: ListeningCloud;
let site: WordPressSite;

beforeAll( async () => {
	openai = await startFakeOpenAI();
	scriptPipelineProvider( openai );
	// WordPress sideloads the images from the address the cloud says it has.
	const port = await freePort();
	const wpPort = await freePort();
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'bee' },
		{
			...AI_ENV( openai ),
			DATABASE_POOL_MAX: '5',
			PUBLIC_URL: `http://127.0.0.1:${ port }`,
			// The cloud may call back this WordPress (and only it) on loopback.
			IGNY8_OUTBOUND_ALLOW: outboundAllow(
				`http://127.0.0.1:${ wpPort }`
			),
		}
	);
	[ served, site ] = await Promise.all( [
		listen( cloud, port ),
		startWordPress( { db: 'mariadb', port: wpPort } ),
	] );
	const tenant = await addTenant( cloud, 'Pipeline on MariaDB' );
	await grant( cloud, tenant, 500 );
	await connectSite( site, served.url, tenant );
} );

afterAll( async () => {
	await site?.stop();
	await served?.close();
	await cloud?.stop();
	await openai?.close();
} );

describe( 'keyword to published post, on MariaDB', () => {
	let result: PipelineResult;

	it( 'runs every step and publishes one post', async () => {
		result = await runPipeline( {
			cloudUrl: served.url,
			wordpress: await loginRestClient( site.url, site.admin ),
			// php -S sites run without WP-cron on page loads; a host's cron hits wp-cron.php.
			runCron: async () => {
				await ( await fetch( `${ site.url }/wp-cron.php` ) ).text();
			},
			stepTimeoutMs: 90_000,
		} );
		expect( result.postId ).toBeGreaterThan( 0 );
	} );

	it( 'the post carries its HTML, terms and featured image; only model calls were charged', () => {
		expectPipelineOutcome( result );
	} );

	it( 'logged no PHP error', () => {
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

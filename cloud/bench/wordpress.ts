import { SYSTEM_ACTOR } from '../src/audit';
import { startWordPress, type WordPressSite } from '@igny8/test-harness';
import type { SiteIntegrationRow } from '../src/db/integration-models';
import { benchOwner, type BenchCloud } from './support';

export type BenchBridge = {
	site: WordPressSite;
	owner: Awaited< ReturnType< typeof benchOwner > >;
	integration: SiteIntegrationRow;
};

/**
 * A real WordPress (native PHP, MariaDB, IGNY8 Bridge) connected to the bench
 * cloud the way a site owner connects it: key in the settings, then the
 * plugin's own "Test connection".
 */
export async function startBenchBridge(
	cloud: BenchCloud,
	/** The site's port, when the cloud was started allowing it (IGNY8_OUTBOUND_ALLOW). */
	options: { port?: number } = {}
): Promise< BenchBridge > {
	const site = await startWordPress( { port: options.port } );
	const owner = await benchOwner( cloud, 'Bench Bridge' );
	const { models, services } = cloud.context;
	const siteRow = await models.Site.findByPk( owner.siteId );
	const { key } = await services.apiKeys.create(
		siteRow!,
		'WordPress',
		null,
		SYSTEM_ACTOR
	);
	const output = await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( cloud.url ) } );
update_option( 'igny8_api_key', ${ JSON.stringify( key ) }, false );
$plugin = \\IGNY8\\Bridge\\Plugin::instance();
$answer = $plugin->cloud()->post(
	\\IGNY8\\Bridge\\CloudClient::TEST_PATH,
	array( 'site_url' => home_url(), 'rest_url' => rest_url(), 'metadata' => $plugin->metadata()->collect() )
);
echo is_wp_error( $answer ) ? $answer->get_error_message() : 'ok';` );
	if ( output.trim() !== 'ok' ) {
		await site.stop();
		throw new Error( `The bench site could not connect: ${ output }` );
	}
	const integration = await models.SiteIntegration.findOne( {
		where: { site_id: owner.siteId },
	} );
	return { site, owner, integration: integration! };
}

export function percentile( values: number[], p: number ): number {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	return sorted[
		Math.min(
			sorted.length - 1,
			Math.ceil( ( p / 100 ) * sorted.length ) - 1
		)
	]!;
}

export async function until(
	probe: () => Promise< boolean >,
	timeoutMs: number
): Promise< void > {
	const deadline = Date.now() + timeoutMs;
	while ( ! ( await probe() ) ) {
		if ( Date.now() > deadline ) {
			throw new Error( `not done within ${ timeoutMs } ms` );
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
	}
}

import { report, runBench, startBenchCloud } from './support';
import { startBenchBridge, until } from './wordpress';

const POSTS = Number( process.env.BENCH_SYNC_POSTS ?? 10_000 );

/**
 * A full pull of a 10,000-post WordPress site into `site_posts`: the queued
 * sync job (signed page requests, upserts, progress) against the same pages
 * fetched raw with the same signed client and thrown away. The gap is what
 * storing and bookkeeping cost.
 */
runBench( async () => {
	const cloud = await startBenchCloud( { workers: true } );
	const bridge = await startBenchBridge( cloud ).catch( async ( error ) => {
		await cloud.stop();
		throw error;
	} );
	try {
		// Inserted in bulk: what is measured is the pull, not wp_insert_post.
		await bridge.site.php( `
global $wpdb;
$body = str_repeat( '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor.</p>', 20 );
for ( $start = 0; $start < ${ POSTS }; $start += 500 ) {
	$rows = array();
	for ( $i = $start; $i < min( ${ POSTS }, $start + 500 ); $i++ ) {
		$date = gmdate( 'Y-m-d H:i:s', 1700000000 + $i * 37 );
		$rows[] = $wpdb->prepare( "(1, %s, %s, %s, %s, '', 'publish', 'open', 'open', %s, '', '', %s, %s, '', 'post', '')", $date, $date, $body, "Bench post $i", "bench-post-$i", $date, $date );
	}
	$wpdb->query( "INSERT INTO {$wpdb->posts} (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type, guid) VALUES " . implode( ',', $rows ) );
}` );
		const { integrations } = cloud.context.services;
		const client = integrations.clientFor( bridge.integration, 120_000 );

		let fetched = 0;
		const rawStarted = performance.now();
		let cursor = null;
		do {
			const page = await client.exportPosts( {
				postTypes: [ 'post' ],
				cursor,
				perPage: 200,
			} );
			fetched += page.items.length;
			cursor = page.next_cursor;
		} while ( cursor );
		const rawSeconds = ( performance.now() - rawStarted ) / 1000;

		await bridge.integration.update( {
			config_json: {
				...bridge.integration.config_json,
				sync_settings: {
					post_types: [ 'post' ],
					include_content: true,
				},
			},
		} );
		const started = performance.now();
		await integrations.startSync( bridge.integration, 'full' );
		await until( async () => {
			await bridge.integration.reload();
			if ( bridge.integration.sync_state === 'failed' ) {
				throw new Error(
					bridge.integration.sync_error ?? 'sync failed'
				);
			}
			return bridge.integration.sync_state === 'succeeded';
		}, 30 * 60_000 );
		const seconds = ( performance.now() - started ) / 1000;
		const stored = await cloud.context.models.SitePost.count( {
			where: { site_id: bridge.owner.siteId },
		} );
		if ( stored < POSTS || fetched < POSTS ) {
			throw new Error(
				`expected ${ POSTS } posts, stored ${ stored }, fetched ${ fetched }`
			);
		}
		report( {
			name: 'cloud.wp_sync.full_pull_posts_per_second',
			value: Math.round( stored / seconds ),
			unit: 'posts/s',
			baseline: `the same ${ POSTS } posts fetched raw (signed pages of 200, not stored)`,
			baseline_value: Math.round( fetched / rawSeconds ),
		} );
		report( {
			name: 'cloud.wp_sync.full_pull_seconds',
			value: Number( seconds.toFixed( 2 ) ),
			unit: 's',
			baseline: `the same ${ POSTS } posts fetched raw (signed pages of 200, not stored)`,
			baseline_value: Number( rawSeconds.toFixed( 2 ) ),
		} );
	} finally {
		await bridge.site.stop();
		await cloud.stop();
	}
} );

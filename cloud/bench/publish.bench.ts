import { report, runBench, startBenchCloud } from './support';
import { percentile, startBenchBridge, until } from './wordpress';

const POSTS = Number( process.env.BENCH_PUBLISH_POSTS ?? 500 );
const BASELINE_POSTS = 50;

/**
 * Publishing 500 content records to one WordPress site through
 * `POST /publisher/publish/`: total time until every record is published,
 * and the p95 time per post. A site is pushed one post at a time, so the
 * gaps between consecutive `published_at` are each push's cost including
 * the queue and the bookkeeping. Baseline: the same signed push sent straight
 * to the plugin, with no queue, records or status mapping. Images are left
 * out: sideloading would measure the image host.
 */
runBench( async () => {
	const cloud = await startBenchCloud( { workers: true } );
	const bridge = await startBenchBridge( cloud ).catch( async ( error ) => {
		await cloud.stop();
		throw error;
	} );
	try {
		const { models, services } = cloud.context;
		const sector = await models.Sector.create( {
			account_id: bridge.owner.accountId,
			site_id: bridge.owner.siteId,
			name: 'Bench',
			industry_sector_id: null,
		} );
		const scope = {
			account_id: bridge.owner.accountId,
			site_id: bridge.owner.siteId,
			sector_id: sector.id,
		};
		const body =
			'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(
				30
			);
		const contents = await models.Content.bulkCreate(
			Array.from( { length: POSTS + BASELINE_POSTS }, ( _, i ) => ( {
				...scope,
				task_id: null,
				title: `Bench article ${ i }`,
				content_html: body,
				meta_description: `Bench article ${ i }`,
				taxonomies: {
					category: [ 'Bench' ],
					post_tag: [ 'bench', `tag-${ i % 10 }` ],
				},
				external_id: null,
				external_type: null,
			} ) )
		);
		const measured = contents.slice( 0, POSTS );

		const client = services.integrations.clientFor(
			bridge.integration,
			60_000
		);
		const direct: number[] = [];
		for ( const content of contents.slice( POSTS ) ) {
			const started = performance.now();
			await client.upsertPost( {
				content_id: content.id,
				revision: 1,
				task_id: null,
				title: content.title,
				content_html: content.content_html,
				excerpt: '',
				status: 'publish',
				categories: [ 'Bench' ],
				tags: [ 'bench' ],
				images: [],
				meta_description: content.meta_description,
				expected_hash: null,
				force: false,
			} );
			direct.push( performance.now() - started );
		}

		const started = performance.now();
		const response = await fetch(
			`${ cloud.url }/api/v1/publisher/publish/`,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					...bridge.owner.auth,
				},
				body: JSON.stringify( {
					content_ids: measured.map( ( c ) => c.id ),
				} ),
			}
		);
		if ( response.status !== 202 ) {
			throw new Error(
				`publish answered ${ response.status }: ${ await response.text() }`
			);
		}
		const ids = measured.map( ( c ) => c.id );
		await until( async () => {
			const pending = await models.PublishingRecord.count( {
				where: { content_id: ids, status: [ 'queued', 'publishing' ] },
			} );
			return pending === 0;
		}, 30 * 60_000 );
		const totalSeconds = ( performance.now() - started ) / 1000;
		const records = await models.PublishingRecord.findAll( {
			where: { content_id: ids },
			order: [ [ 'published_at', 'ASC' ] ],
		} );
		const failed = records.filter( ( r ) => r.status !== 'published' );
		if ( failed.length ) {
			throw new Error(
				`${ failed.length } records not published: ${ failed[ 0 ]!.last_error }`
			);
		}
		const perPost = records
			.slice( 1 )
			.map(
				( r, i ) =>
					r.published_at!.getTime() -
					records[ i ]!.published_at!.getTime()
			);

		report( {
			name: 'cloud.publish.total_seconds',
			value: Number( totalSeconds.toFixed( 2 ) ),
			unit: 's',
			baseline: `${ POSTS } × the mean direct signed push (no queue, no records)`,
			baseline_value: Number(
				(
					( POSTS * direct.reduce( ( a, b ) => a + b, 0 ) ) /
					direct.length /
					1000
				).toFixed( 2 )
			),
		} );
		report( {
			name: 'cloud.publish.p95_ms_per_post',
			value: Math.round( percentile( perPost, 95 ) ),
			unit: 'ms',
			baseline: `p95 of ${ BASELINE_POSTS } direct signed pushes to the plugin`,
			baseline_value: Math.round( percentile( direct, 95 ) ),
		} );
	} finally {
		await bridge.site.stop();
		await cloud.stop();
	}
} );

/**
 * The plugin's locks on both databases WordPress runs on here: MariaDB (a
 * production host) and SQLite through the SQLite Database Integration
 * (WordPress Playground, what `npm start` runs). Real WordPress on native
 * `php -S` with several workers, called exactly as the cloud calls it (signed),
 * images from a local HTTP server standing in for the cloud's media.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
	callBridge,
	pairSitePhp,
	startWordPress,
	WP_DATABASES,
	type WordPressSite,
	type WpDatabase,
} from '@igny8/test-harness';

const KEY = 'ig8_e2e_locks_0123456789abcdefghijklmnopq';
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64'
);
// Seconds a publish waits for the content's lock on these sites (the default is 30).
const LOCK_WAIT = 5;

interface PostAnswer {
	success: boolean;
	data: { post_id: number };
	code?: string;
	message?: string;
}

let images: http.Server;
let imageBase: string;
const imageHits: string[] = [];

beforeAll( async () => {
	images = http.createServer( ( request, response ) => {
		imageHits.push( request.url ?? '' );
		// A slow download keeps a publish inside its lock long enough for a racing one to meet it.
		setTimeout( () => {
			response.writeHead( 200, { 'Content-Type': 'image/png' } );
			response.end( PNG );
		}, 300 );
	} );
	await new Promise< void >( ( resolve ) =>
		images.listen( 0, '127.0.0.1', resolve )
	);
	imageBase = `http://127.0.0.1:${ ( images.address() as AddressInfo ).port }`;
} );

afterAll( async () => {
	await new Promise( ( resolve ) => images?.close( resolve ) );
} );

describe.each( WP_DATABASES )( 'on %s', ( db: WpDatabase ) => {
	let site: WordPressSite;

	beforeAll( async () => {
		site = await startWordPress( {
			db,
			workers: 4,
			constants: { IGNY8_PUBLISH_LOCK_WAIT: LOCK_WAIT },
		} );
		// The images are served by "the cloud": the plugin trusts the cloud's own host.
		await site.php( `
update_option( 'igny8_cloud_url', ${ JSON.stringify( imageBase ) } );
${ pairSitePhp( KEY ) }` );
	} );

	afterAll( async () => {
		await site?.stop();
	} );

	const body = (
		contentId: number,
		extra: Record< string, unknown > = {}
	) => ( {
		content_id: contentId,
		revision: 1,
		title: `Lock post ${ contentId }`,
		content_html: '<p>Locked in.</p>',
		status: 'publish',
		...extra,
	} );

	const publish = ( payload: unknown ) =>
		callBridge< PostAnswer >( site.url, KEY, 'POST', '/igny8/v1/posts', {
			body: payload,
		} );

	const postsFor = async ( contentId: number ): Promise< number[] > =>
		JSON.parse(
			await site.php( `
global $wpdb;
echo json_encode( array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT p.ID FROM {$wpdb->posts} p JOIN {$wpdb->postmeta} m ON m.post_id = p.ID WHERE m.meta_key = '_igny8_content_id' AND m.meta_value = %s AND p.post_type = 'post'", '${ contentId }' ) ) ) );` )
		) as number[];

	/** Leaves a lock row as a request killed while holding it would (no shutdown function ran). */
	const plantLock = ( name: string, expiresIn: number ) =>
		site.php( `
global $wpdb;
$wpdb->query( $wpdb->prepare( 'DELETE FROM ' . \\IGNY8\\Bridge\\Schema::locks_table() . ' WHERE name = %s', ${ JSON.stringify( name ) } ) );
$wpdb->insert( \\IGNY8\\Bridge\\Schema::locks_table(), array( 'name' => ${ JSON.stringify( name ) }, 'owner' => str_repeat( 'k', 32 ), 'expires_at' => time() + ${ expiresIn } ), array( '%s', '%s', '%d' ) );` );

	const lockOwner = async ( name: string ): Promise< string | null > =>
		JSON.parse(
			await site.php( `
global $wpdb;
echo json_encode( $wpdb->get_var( $wpdb->prepare( 'SELECT owner FROM ' . \\IGNY8\\Bridge\\Schema::locks_table() . ' WHERE name = %s', ${ JSON.stringify( name ) } ) ) );` )
		) as string | null;

	it( `runs WordPress on ${ db }`, async () => {
		expect( site.db ).toBe( db );
		expect(
			( await site.php( 'echo get_class( $GLOBALS["wpdb"] );' ) ).trim()
		).toBe( db === 'sqlite' ? 'WP_SQLite_DB' : 'wpdb' );
	} );

	it( 'publishing the same content 5 times, 2 of them concurrently, makes exactly one post', async () => {
		const cover = ( revision: number ) => ( {
			featured_image: {
				url: `${ imageBase }/media/${ db }-21-cover-${ revision }.png`,
				alt: 'Cover',
			},
		} );
		const first = await publish( body( 21, cover( 1 ) ) );
		expect( first.status ).toBe( 201 );
		const answers = [
			await publish( body( 21, { revision: 2, ...cover( 2 ) } ) ),
			...( await Promise.all( [
				publish( body( 21, { revision: 3, ...cover( 3 ) } ) ),
				publish( body( 21, { revision: 3, ...cover( 3 ) } ) ),
			] ) ),
			await publish(
				body( 21, { revision: 4, title: 'Final', ...cover( 4 ) } )
			),
		];
		for ( const answer of answers ) {
			expect( answer.status ).toBe( 200 );
			expect( answer.body.data.post_id ).toBe( first.body.data.post_id );
		}
		expect( await postsFor( 21 ) ).toEqual( [ first.body.data.post_id ] );
		// The racing pair ran one after the other: the second reused the image the first imported.
		expect(
			imageHits.filter(
				( hit ) => hit === `/media/${ db }-21-cover-3.png`
			)
		).toHaveLength( 1 );
		expect( await lockOwner( 'publish:21' ) ).toBeNull();
	} );

	it( 'three concurrent first publications of new content make one post', async () => {
		const answers = await Promise.all( [
			publish( body( 22 ) ),
			publish( body( 22 ) ),
			publish( body( 22 ) ),
		] );
		expect( answers.map( ( answer ) => answer.status ).sort() ).toEqual( [
			200, 200, 201,
		] );
		expect( await postsFor( 22 ) ).toHaveLength( 1 );
	} );

	it( 'a lock left by a killed request is taken over once expired, also by racing requests, and publishing succeeds', async () => {
		await plantLock( 'publish:23', -1 );
		const answers = await Promise.all( [
			publish( body( 23 ) ),
			publish( body( 23 ) ),
			publish( body( 23 ) ),
		] );
		expect( answers.map( ( answer ) => answer.status ).sort() ).toEqual( [
			200, 200, 201,
		] );
		expect( await postsFor( 23 ) ).toHaveLength( 1 );
		expect( await lockOwner( 'publish:23' ) ).toBeNull();
	} );

	it( 'a lock a live request holds makes a publish wait, then answer 503 and write nothing', async () => {
		await plantLock( 'publish:24', 120 );
		const busy = await publish( body( 24 ) );
		expect( busy.status ).toBe( 503 );
		expect( busy.body.code ).toBe( 'igny8_busy' );
		expect( busy.body.message ).toBe(
			'Another request is publishing this content right now; try again in a minute.'
		);
		expect( await postsFor( 24 ) ).toEqual( [] );
		expect( await lockOwner( 'publish:24' ) ).toBe( 'k'.repeat( 32 ) );

		// It held the lock until it expired; then the next publish goes through.
		await plantLock( 'publish:24', -1 );
		expect( ( await publish( body( 24 ) ) ).status ).toBe( 201 );
		expect( await postsFor( 24 ) ).toHaveLength( 1 );
	} );

	it( 'of four processes racing for an expired lock at the same moment, exactly one takes it over', async () => {
		await plantLock( 'e2e:race', -5 );
		// A barrier in files, not a clock: each process loads WordPress, says it is
		// ready, waits for all four, tries once, then holds what it got until all
		// four have tried (so the winner still holds the lock while the others try).
		const barrier = path.join( site.dir, `race-${ Date.now() }` );
		fs.mkdirSync( barrier );
		const phpBarrier = JSON.stringify( barrier );
		const outcomes = await Promise.all(
			[ 1, 2, 3, 4 ].map(
				async ( racer ) =>
					JSON.parse(
						await site.php( `
$dir  = ${ phpBarrier };
$wait = static function ( $stage ) use ( $dir ) {
	touch( $dir . '/' . $stage . '-${ racer }' );
	$deadline = microtime( true ) + 60;
	while ( count( glob( $dir . '/' . $stage . '-*' ) ) < 4 && microtime( true ) < $deadline ) {
		usleep( 2000 );
	}
};
$wait( 'ready' );
$lock = new \\IGNY8\\Bridge\\Lock( 'e2e:race', 60 );
$won  = $lock->acquire();
$wait( 'tried' );
echo json_encode( array( 'won' => $won ) );` )
					) as { won: boolean }
			)
		);
		expect( outcomes.filter( ( outcome ) => outcome.won ) ).toHaveLength(
			1
		);
		// The winner released it on exit.
		expect( await lockOwner( 'e2e:race' ) ).toBeNull();
	} );

	it( '"Send now" says another request is sending while the drain lock is held, and sends once a killed drainer’s lock expired', async () => {
		const admin = await site.login( site.admin );
		// What the Connection tab's "Send now" calls (IGNY8 → Settings).
		const sendNow = async () => {
			const answer = await admin.post< { result: string } >(
				'igny8/v1/outbox/send'
			);
			expect( answer.status ).toBe( 200 );
			return answer.body.result;
		};
		// Nothing due: a drain that runs succeeds without needing a cloud.
		await site.php(
			`global $wpdb; $wpdb->query( "DELETE FROM {$wpdb->prefix}igny8_outbox" );`
		);

		await plantLock( 'outbox-drain', 120 );
		expect( await sendNow() ).toBe( 'busy' );

		await plantLock( 'outbox-drain', -1 );
		expect( await sendNow() ).toBe( 'sent' );
		expect( await lockOwner( 'outbox-drain' ) ).toBeNull();
	} );

	it( 'logged no PHP notice, warning, deprecation or database error', () => {
		expect( site.phpErrors() ).toEqual( [] );
	} );
} );

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import {
	startFakeOpenAI,
	TINY_PNG_BASE64,
	type FakeOpenAI,
} from '@igny8/test-harness';
import type { JobEvent } from '../src/queue';
import {
	AI_ENV,
	balance,
	closedLedger,
	expectOrderedStream,
	finished,
	grant,
	promptOf,
	readEvents,
} from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * generate_image_prompts and generate_images end to end: from the writer
 * endpoints to the image rows, the stored files and the URL the cloud serves
 * them at (fetched without credentials, as WordPress sideloads). OpenAI's
 * images API is the fake server's; Runware is a small fake of its task API
 * below. Default prices: 1 credit per prompt, 2 per image.
 */

const TINY_PNG = Buffer.from( TINY_PNG_BASE64, 'base64' );
const FILE_URL =
	/^http:\/\/127\.0\.0\.1:8000\/api\/v1\/writer\/images\/files\/[0-9a-f-]{36}\.png$/;

const promptsAnswer = ( label: string ) => ( {
	featured: {
		prompt: `${ label }: a runner on a misty mountain trail at dawn`,
		alt_text: `${ label } featured`,
	},
	in_article: [ 1, 2, 3 ].map( ( n ) => ( {
		prompt: `${ label }: close-up of trail shoe number ${ n } on wet rock`,
		alt_text: `${ label } shoe ${ n }`,
	} ) ),
} );

/** Files the cloud has stored for generated images. */
/** Complete generated-image files in the cloud's file storage (the database by default). */
async function storedFiles( cloud: TestCloud ): Promise< string[] > {
	const files = cloud.context.services.ai.files;
	const keys: string[] = [];
	for await ( const file of files.list() ) {
		if ( await stored( cloud, file.key ) ) {
			keys.push( file.key );
		}
	}
	return keys;
}

/** Whether a key holds a complete, readable file. */
function stored( cloud: TestCloud, key: string ): Promise< boolean > {
	return cloud.context.services.ai.files.size( key ).then(
		() => true,
		() => false
	);
}

/** Changes a stored file's row as time, or a crash mid-write, would (database storage). */
async function alterStored(
	cloud: TestCloud,
	key: string,
	change: { modifiedAt?: Date; complete?: boolean }
): Promise< void > {
	await cloud.context.db.sequelize.query(
		`UPDATE stored_files SET modified_at = COALESCE(:at, modified_at), complete = COALESCE(:complete, complete) WHERE key = :key`,
		{
			replacements: {
				key: `files:${ key }`,
				at: change.modifiedAt ?? null,
				complete: change.complete ?? null,
			},
		}
	);
}

async function imagesOf( cloud: TestCloud, contentId: number ) {
	return cloud.context.models.Image.findAll( {
		where: { content_id: contentId },
		order: [ [ 'id', 'ASC' ] ],
	} );
}

/** A served image URL as a request path (supertest talks to the app, not the public host). */
const pathOf = ( url: string ) => new URL( url ).pathname;

describe.each( [
	{ db: 'postgres', queue: 'bee' },
	{ db: 'postgres', queue: 'inline' },
	// The embedded default: PGlite, the inline queue, files in the data folder.
	{ db: 'pglite', queue: 'inline' },
] as const )( 'AI images on $db with the $queue queue', ( modes ) => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud( modes, AI_ENV( openai ) );
		tenant = await addTenant( cloud, `Images ${ modes.queue }` );
		await grant( cloud, tenant, 100 );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'writes prompts, replaces those not drawn, draws them and serves the files without credentials', async () => {
		const { taskId, contentId, imageId } = await addWriterContent(
			cloud,
			tenant,
			`Trail ${ modes.queue }`
		);
		await request( cloud.app )
			.patch( `/api/v1/writer/content/${ contentId }/` )
			.set( bearer( tenant.owner ) )
			.send( {
				content_html:
					'<h2>Grip</h2><p>Lugs bite into mud.</p><h2>Fit</h2><p>Leave a thumb of room.</p>',
			} )
			.expect( 200 );
		openai.fallback( 'chat', {
			latencyMs: 200,
			content: promptsAnswer( 'First' ),
		} );
		const before = await balance( cloud, tenant );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_image_prompts/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ], in_article_images: 2 } )
			.expect( 202 );
		const promptRun: number = started.body.data.run_id;
		expectOrderedStream(
			await readEvents( cloud, tenant, promptRun ),
			'describing'
		);
		const asked = promptOf( openai.received( 'chat' )[ 0 ]!.body );
		expect( asked ).toContain( `Article: Trail ${ modes.queue } content` );
		expect( asked ).toContain( '- Grip\n- Fit' );
		expect( asked ).toContain( 'Lugs bite into mud.' );
		expect( asked ).toContain( 'and 2 in-article images' );

		// One featured + two in-article prompts (the third proposal is cut), in order.
		let images = await imagesOf( cloud, contentId );
		const manual = images.find( ( i ) => i.id === imageId )!;
		expect( manual ).toMatchObject( {
			image_url: 'https://cdn.example.test/a.png',
			is_featured: false,
		} );
		let prompts = images.filter( ( i ) => i.id !== imageId );
		expect(
			prompts.map( ( i ) => [
				i.position,
				i.is_featured,
				i.alt_text,
				i.image_url,
				i.task_id,
			] )
		).toEqual( [
			[ 0, true, 'First featured', null, taskId ],
			[ 1, false, 'First shoe 1', null, taskId ],
			[ 2, false, 'First shoe 2', null, taskId ],
		] );
		const promptRunRow = await finished( cloud, tenant, promptRun );
		expect( promptRunRow ).toMatchObject( {
			credits_charged: 3,
			output_summary: { prompts_created: 3 },
		} );

		// Again: the undrawn prompts are replaced, the hand-added image stays.
		openai.fallback( 'chat', { content: promptsAnswer( 'Second' ) } );
		const again = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_image_prompts/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ], in_article_images: 2 } )
			.expect( 202 );
		await finished( cloud, tenant, again.body.data.run_id );
		images = await imagesOf( cloud, contentId );
		prompts = images.filter( ( i ) => i.id !== imageId );
		expect( images.map( ( i ) => i.id ) ).toContain( imageId );
		expect( prompts.map( ( i ) => i.alt_text ) ).toEqual( [
			'Second featured',
			'Second shoe 1',
			'Second shoe 2',
		] );

		// Draw them.
		const filesBefore = ( await storedFiles( cloud ) ).length;
		openai.fallback( 'images', { latencyMs: 150 } );
		const draw = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const drawRun: number = draw.body.data.run_id;
		const stages = expectOrderedStream(
			await readEvents( cloud, tenant, drawRun ),
			'drawing'
		);
		expect( stages.filter( ( s ) => s === 'drawing' ).length ).toBe( 3 );
		const calls = openai.received( 'images' );
		expect( calls.map( ( c ) => c.body.prompt ) ).toEqual(
			prompts.map( ( i ) => i.prompt )
		);
		expect( calls[ 0 ]!.body ).toMatchObject( {
			model: 'dall-e-3',
			n: 1,
			size: '1024x1024',
			response_format: 'b64_json',
		} );
		const drawn = await imagesOf( cloud, contentId );
		const generated = drawn.filter( ( i ) => i.id !== imageId );
		for ( const image of generated ) {
			expect( image.image_url ).toMatch( FILE_URL );
			expect( image.storage_path ).toBe(
				`generated/${ path.posix.basename( image.image_url! ) }`
			);
		}
		expect( new Set( generated.map( ( i ) => i.image_url ) ).size ).toBe(
			3
		);
		expect( ( await storedFiles( cloud ) ).length ).toBe( filesBefore + 3 );
		const run = await finished( cloud, tenant, drawRun );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			function_name: 'generate_images',
			credits_reserved: 6,
			credits_charged: 6,
			output_summary: { images_generated: 3 },
		} );
		// dall-e-3 at $0.04 an image, on top of nothing else.
		expect( run.cost ).toBeCloseTo( 0.12, 6 );
		expect( await balance( cloud, tenant ) ).toBe( before - 3 - 3 - 6 );

		// The served file is the PNG the provider answered, fetched with no token.
		const served = await request( cloud.app )
			.get( pathOf( generated[ 0 ]!.image_url! ) )
			.buffer( true )
			.parse( ( res, callback ) => {
				const chunks: Buffer[] = [];
				res.on( 'data', ( c: Buffer ) => chunks.push( c ) );
				res.on( 'end', () =>
					callback( null, Buffer.concat( chunks ) )
				);
			} )
			.expect( 200 );
		expect( served.headers[ 'content-type' ] ).toBe( 'image/png' );
		expect( served.headers[ 'cache-control' ] ).toContain( 'immutable' );
		expect( ( served.body as Buffer ).equals( TINY_PNG ) ).toBe( true );
		// The image API exposes the same URL to the screens.
		const listed = await request( cloud.app )
			.get( `/api/v1/writer/images/${ generated[ 0 ]!.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( listed.body.data.image_url ).toBe( generated[ 0 ]!.image_url );

		// Names that are not a stored file: 404 in the envelope, nothing read.
		for ( const name of [
			'00000000-0000-4000-8000-000000000000.png',
			'..%2F..%2Fpackage.json',
			'not-a-key.png',
		] ) {
			const missing = await request( cloud.app )
				.get( `/api/v1/writer/images/files/${ name }` )
				.expect( 404 );
			expect( missing.body ).toMatchObject( {
				success: false,
				error: 'Image not found.',
			} );
		}

		// Nothing left to draw: refused before any charge.
		const nothing = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 400 );
		expect( nothing.body.errors ).toEqual( {
			ids: [
				`task ${ taskId } has no image prompts waiting: generate image prompts first`,
			],
		} );
	} );

	it( 'cancels mid-draw: no row changes, no file left behind, the credits back', async () => {
		const { taskId, contentId } = await addWriterContent(
			cloud,
			tenant,
			`Cancelled ${ modes.queue }`
		);
		const scope = {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			task_id: taskId,
			content_id: contentId,
			image_url: null,
			storage_path: null,
		};
		await cloud.context.models.Image.bulkCreate( [
			{ ...scope, prompt: 'A quick one', position: 1 },
			{ ...scope, prompt: 'A slow one', position: 2 },
		] );
		openai.script( 'images', { latencyMs: 50 } );
		openai.fallback( 'images', { latencyMs: 10_000 } );
		const filesBefore = ( await storedFiles( cloud ) ).length;
		const before = await balance( cloud, tenant );
		const outcomes: JobEvent[] = [];
		const off = cloud.context.queue.onEvent( ( e ) => outcomes.push( e ) );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const runId: number = started.body.data.run_id;
		// The first picture is stored, the second is being drawn.
		await waitFor( () =>
			openai.received( 'images' ).length === 2 ? true : undefined
		);
		expect( ( await storedFiles( cloud ) ).length ).toBe( filesBefore + 1 );
		await request( cloud.app )
			.post( `/api/v1/system/ai-runs/${ runId }/cancel/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		await waitFor(
			() =>
				outcomes.some(
					( e ) =>
						e.id === `ai-run-${ runId }` && e.kind !== 'progress'
				)
					? true
					: undefined,
			5_000
		);
		off();
		expect( openai.received( 'images' )[ 1 ]!.abandonedAt ).toBeDefined();
		const rows = await imagesOf( cloud, contentId );
		expect(
			rows
				.filter( ( i ) => i.prompt )
				.map( ( i ) => [ i.image_url, i.storage_path ] )
		).toEqual( [
			[ null, null ],
			[ null, null ],
		] );
		expect( ( await storedFiles( cloud ) ).length ).toBe( filesBefore );
		expect( await closedLedger( cloud, runId ) ).toEqual( [
			[ 'reserve', -4 ],
			[ 'refund', 4 ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );
	} );
} );

type RunwareCall = { headers: http.IncomingHttpHeaders; body: any; at: number };

/** A local stand-in for Runware's task API: scripted statuses, then a base64 PNG per task. */
async function startFakeRunware( picture: Buffer ) {
	const calls: RunwareCall[] = [];
	const script: { status: number; headers?: Record< string, string > }[] = [];
	const server = http.createServer( ( req, res ) => {
		let text = '';
		req.on( 'data', ( chunk ) => ( text += chunk ) );
		req.on( 'end', () => {
			const body = JSON.parse( text );
			calls.push( { headers: req.headers, body, at: Date.now() } );
			const next = script.shift();
			if ( req.headers.authorization !== 'Bearer rw-test' ) {
				res.writeHead( 401, { 'content-type': 'application/json' } );
				return res.end(
					JSON.stringify( {
						errors: [
							{ code: 'invalidApiKey', message: 'Bad key' },
						],
					} )
				);
			}
			if ( next ) {
				res.writeHead( next.status, {
					'content-type': 'application/json',
					...next.headers,
				} );
				return res.end(
					JSON.stringify( {
						errors: [ { code: 'rateLimit', message: 'Slow down' } ],
					} )
				);
			}
			res.writeHead( 200, { 'content-type': 'application/json' } );
			res.end(
				JSON.stringify( {
					data: ( body as { taskUUID: string }[] ).map(
						( task ) => ( {
							taskType: 'imageInference',
							taskUUID: task.taskUUID,
							imageUUID: '5e3a0c2e-0000-4000-8000-000000000001',
							imageBase64Data: picture.toString( 'base64' ),
							cost: 0.0013,
						} )
					),
				} )
			);
		} );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${ port }/v1`,
		calls,
		script,
		close: () =>
			new Promise< void >( ( resolve ) =>
				server.close( () => resolve() )
			),
	};
}

describe( 'AI images from other providers and failures (bee queue)', () => {
	let openai: FakeOpenAI;
	let runware: Awaited< ReturnType< typeof startFakeRunware > >;
	/** Its own bytes, so the served file provably came from Runware. */
	const RUNWARE_PNG = Buffer.concat( [ TINY_PNG, Buffer.from( 'runware' ) ] );
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		runware = await startFakeRunware( RUNWARE_PNG );
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{
				...AI_ENV( openai ),
				RUNWARE_API_KEY: 'rw-test',
				RUNWARE_BASE_URL: runware.url,
			}
		);
		tenant = await addTenant( cloud, 'Runware user' );
		await grant( cloud, tenant, 100 );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await runware?.close();
		await openai?.close();
	} );

	async function withPrompts( label: string, count: number ) {
		const { taskId, contentId } = await addWriterContent(
			cloud,
			tenant,
			label
		);
		await cloud.context.models.Image.bulkCreate(
			Array.from( { length: count }, ( _, n ) => ( {
				account_id: tenant.accountId,
				site_id: tenant.siteId,
				sector_id: tenant.sectorId,
				task_id: taskId,
				content_id: contentId,
				prompt: `${ label } picture ${ n + 1 }`,
				position: n + 1,
				image_url: null,
				storage_path: null,
			} ) )
		);
		return { taskId, contentId };
	}

	it( 'draws through Runware when asked, riding out its 429, and serves its bytes', async () => {
		const { taskId, contentId } = await withPrompts( 'Runware', 1 );
		runware.script.push( { status: 429, headers: { 'retry-after': '1' } } );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ], provider: 'runware', size: '1792x1024' } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_charged: 2,
		} );
		expect( run.cost ).toBeCloseTo( 0.0013, 6 );
		expect( openai.received( 'images' ) ).toHaveLength( 0 );
		expect( runware.calls ).toHaveLength( 2 );
		expect(
			runware.calls[ 1 ]!.at - runware.calls[ 0 ]!.at
		).toBeGreaterThanOrEqual( 950 );
		const [ task ] = runware.calls[ 1 ]!.body;
		expect( task ).toMatchObject( {
			taskType: 'imageInference',
			positivePrompt: 'Runware picture 1',
			model: 'runware:101@1',
			width: 1792,
			height: 1024,
			numberResults: 1,
			outputType: 'base64Data',
			includeCost: true,
		} );
		expect( task.taskUUID ).toMatch( /^[0-9a-f-]{36}$/ );
		const [ image ] = await imagesOf( cloud, contentId ).then( ( rows ) =>
			rows.filter( ( r ) => r.prompt )
		);
		const served = await request( cloud.app )
			.get( pathOf( image!.image_url! ) )
			.buffer( true )
			.parse( ( res, callback ) => {
				const chunks: Buffer[] = [];
				res.on( 'data', ( c: Buffer ) => chunks.push( c ) );
				res.on( 'end', () =>
					callback( null, Buffer.concat( chunks ) )
				);
			} )
			.expect( 200 );
		expect( ( served.body as Buffer ).equals( RUNWARE_PNG ) ).toBe( true );
	} );

	it( 'deletes the picture file once the image row is deleted through the API', async () => {
		const { taskId, contentId } = await withPrompts( 'Deleted', 1 );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const [ image ] = ( await imagesOf( cloud, contentId ) ).filter(
			( r ) => r.storage_path
		);
		expect( await stored( cloud, image!.storage_path! ) ).toBe( true );
		await request( cloud.app )
			.delete( `/api/v1/writer/images/${ image!.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		await waitFor(
			async () =>
				( await stored( cloud, image!.storage_path! ) )
					? undefined
					: true,
			5_000
		);
		await request( cloud.app )
			.get( pathOf( image!.image_url! ) )
			.expect( 404 );
	} );

	it( 'removes the drawn files when a cancel wins the race with the final save', async () => {
		const { taskId, contentId } = await withPrompts( 'Late cancel', 2 );
		const filesBefore = ( await storedFiles( cloud ) ).length;
		const before = await balance( cloud, tenant );
		const puts = jest.spyOn( cloud.context.services.ai.files, 'put' );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const runId = started.body.data.run_id;
		let drawnFiles = 0;
		// The moment the run reports saving, every picture is stored and the
		// save's transaction has not begun: cancel it there, as another
		// process would, by the row (the pool's one connection takes this first).
		const unwatch = cloud.context.services.ai.watch( runId, ( run ) => {
			if ( ( run.progress as { stage: string } ).stage === 'saving' ) {
				drawnFiles = puts.mock.calls.length;
				void cloud.context.db.sequelize.query(
					"UPDATE ai_task_runs SET status = 'cancelled', finished_at = NOW() WHERE id = :id AND status = 'running'",
					{ replacements: { id: runId } }
				);
			}
		} );
		const run = await finished( cloud, tenant, runId );
		unwatch();
		puts.mockRestore();
		expect( drawnFiles ).toBe( 2 );
		expect( run.status ).toBe( 'cancelled' );
		const rows = ( await imagesOf( cloud, contentId ) ).filter(
			( r ) => r.prompt
		);
		expect( rows.every( ( r ) => r.storage_path === null ) ).toBe( true );
		await waitFor(
			async () =>
				( await storedFiles( cloud ) ).length === filesBefore
					? true
					: undefined,
			5_000
		);
		// The worker refunds after it removes the files (the run already reads cancelled).
		await waitFor(
			async () =>
				( await balance( cloud, tenant ) ) === before
					? true
					: undefined,
			5_000
		);
		expect( await balance( cloud, tenant ) ).toBe( before );
	} );

	it( 'sweeps files older than a day that no image row points at', async () => {
		const { taskId, contentId } = await withPrompts( 'Swept', 1 );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		expect(
			( await finished( cloud, tenant, started.body.data.run_id ) ).status
		).toBe( 'succeeded' );
		const [ kept ] = ( await imagesOf( cloud, contentId ) ).filter(
			( r ) => r.storage_path
		);
		const files = cloud.context.services.ai.files;
		const oldOrphan = ( await files.put( TINY_PNG, 'image/png' ) ).key;
		const newOrphan = ( await files.put( TINY_PNG, 'image/png' ) ).key;
		// A write that crashed before its last chunk: never complete, never readable.
		const oldPartial = ( await files.put( TINY_PNG, 'image/png' ) ).key;
		await alterStored( cloud, oldPartial, { complete: false } );
		const twoDaysAgo = new Date( Date.now() - 2 * 24 * 3600 * 1000 );
		for ( const key of [ oldOrphan, oldPartial, kept!.storage_path! ] ) {
			await alterStored( cloud, key, { modifiedAt: twoDaysAgo } );
		}
		const listed = async () => {
			const keys: string[] = [];
			for await ( const file of files.list() ) {
				keys.push( file.key );
			}
			return keys;
		};
		expect( await listed() ).toEqual(
			expect.arrayContaining( [ oldOrphan, oldPartial, newOrphan ] )
		);
		expect(
			await cloud.context.services.ai.sweepOrphanedFiles()
		).toBeGreaterThanOrEqual( 2 );
		const left = await listed();
		expect( left ).not.toContain( oldOrphan );
		expect( left ).not.toContain( oldPartial );
		expect( await stored( cloud, newOrphan ) ).toBe( true );
		expect( await stored( cloud, kept!.storage_path! ) ).toBe( true );
		await files.remove( newOrphan );
	} );

	it( 'fails after repeated 500s from the images API and refunds; the rows stay as they were', async () => {
		const { taskId, contentId } = await withPrompts( 'Broken', 2 );
		openai.fallback( 'images', { status: 500, message: 'Upstream broke' } );
		const filesBefore = ( await storedFiles( cloud ) ).length;
		const before = await balance( cloud, tenant );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'failed' );
		expect( run.error ).toMatch( /answered 500.*after 3 attempts/ );
		// Each of the two pictures was tried three times.
		expect( openai.received( 'images' ) ).toHaveLength( 6 );
		expect( await closedLedger( cloud, run.id ) ).toEqual( [
			[ 'reserve', -4 ],
			[ 'refund', 4 ],
		] );
		expect( await balance( cloud, tenant ) ).toBe( before );
		expect( ( await storedFiles( cloud ) ).length ).toBe( filesBefore );
		const rows = ( await imagesOf( cloud, contentId ) ).filter(
			( r ) => r.prompt
		);
		expect( rows.every( ( r ) => r.storage_path === null ) ).toBe( true );
	} );

	it( 'charges only the pictures drawn when one fails for good', async () => {
		const { taskId } = await withPrompts( 'Half', 2 );
		openai.script(
			'images',
			{},
			{ status: 400, message: 'Unsafe prompt' }
		);
		const before = await balance( cloud, tenant );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			credits_reserved: 4,
			credits_charged: 2,
			output_summary: {
				images_generated: 1,
				failed: [
					{
						error: expect.stringMatching(
							/answered 400.*Unsafe prompt/
						),
					},
				],
			},
		} );
		expect( await balance( cloud, tenant ) ).toBe( before - 2 );
	} );

	it( "refuses tasks without prompts and other accounts' tasks before any charge", async () => {
		const other = await addTenant( cloud, 'Not yours' );
		const theirs = await addWriterContent( cloud, other, 'Theirs' );
		const bare = await addWriterContent( cloud, tenant, 'Bare' );
		const response = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_image_prompts/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ theirs.taskId ] } )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			ids: [ `task ${ theirs.taskId } does not exist` ],
		} );
		const none = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ bare.taskId ], provider: 'midjourney' } )
			.expect( 400 );
		expect( Object.keys( none.body.errors ) ).toEqual( [ 'provider' ] );
		expect( openai.requests ).toHaveLength( 0 );
	} );
} );

describe( 'Runware as the image provider on a server without an OpenAI key', () => {
	let runware: Awaited< ReturnType< typeof startFakeRunware > >;
	const RUNWARE_PNG = Buffer.concat( [ TINY_PNG, Buffer.from( 'keyless' ) ] );
	let cloud: TestCloud;

	beforeAll( async () => {
		runware = await startFakeRunware( RUNWARE_PNG );
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{
				OPENAI_API_KEY: '',
				IMAGE_PROVIDER: 'runware',
				RUNWARE_API_KEY: 'rw-test',
				RUNWARE_BASE_URL: runware.url,
			}
		);
	} );
	afterAll( async () => {
		await cloud?.stop();
		await runware?.close();
	} );

	async function tenantWithPrompt( name: string ) {
		const tenant = await addTenant( cloud, name );
		await grant( cloud, tenant, 10 );
		const { taskId, contentId } = await addWriterContent(
			cloud,
			tenant,
			name
		);
		await cloud.context.models.Image.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			task_id: taskId,
			content_id: contentId,
			prompt: `${ name } picture`,
			position: 1,
			image_url: null,
			storage_path: null,
		} );
		return { tenant, taskId };
	}

	it( "draws by the server's setting without the request naming a provider", async () => {
		const { tenant, taskId } = await tenantWithPrompt( 'Server Runware' );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run ).toMatchObject( {
			status: 'succeeded',
			output_summary: { images_generated: 1 },
		} );
		expect( runware.calls.at( -1 )!.body[ 0 ].positivePrompt ).toBe(
			'Server Runware picture'
		);
	} );

	it( "follows the account's setting: an account whose images go to OpenAI still needs the key", async () => {
		const { tenant, taskId } = await tenantWithPrompt( 'OpenAI account' );
		await cloud.context.models.AiSettings.create( {
			account_id: tenant.accountId,
			text_model: null,
			image_model: null,
			image_provider: 'openai',
			temperature: null,
			max_tokens: null,
			api_key_encrypted: null,
			api_key_last4: null,
			base_url: null,
			updated_by: null,
		} );
		const calls = runware.calls.length;
		const refused = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 503 );
		expect( refused.body.error ).toMatch( /AI is not configured/ );
		// Naming Runware in the request still goes through.
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ], provider: 'runware' } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		expect( runware.calls.length ).toBe( calls + 1 );
		expect(
			await cloud.context.models.AiTaskRun.count( {
				where: { account_id: tenant.accountId },
			} )
		).toBe( 1 );
	} );
} );

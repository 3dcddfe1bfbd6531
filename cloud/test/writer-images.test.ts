import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { AI_ENV, balance, closedLedger, finished, grant } from './ai-support';
import { addTenant, addUser, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * The images of one draft as the wp-admin screens work on them: redraw one
 * picture (`POST /writer/images/{id}/regenerate/`), choose the featured one
 * and edit alt text (`PATCH /writer/images/{id}/`). Default price: 2 credits
 * an image.
 */

const FILE_URL =
	/^http:\/\/127\.0\.0\.1:8000\/api\/v1\/writer\/images\/files\/[0-9a-f-]{36}\.png$/;

const pathOf = ( url: string ) => new URL( url ).pathname;

describe.each( [
	{ db: 'postgres', queue: 'bee' },
	// The embedded default: the live-run lookup reads JSONB on PGlite too.
	{ db: 'pglite', queue: 'inline' },
] as const )(
	'one image of a draft on $db with the $queue queue',
	( modes ) => {
		let openai: FakeOpenAI;
		let cloud: TestCloud;
		let tenant: Tenant;

		beforeAll( async () => {
			openai = await startFakeOpenAI();
			cloud = await startTestCloud( modes, AI_ENV( openai ) );
			tenant = await addTenant( cloud, `Redraw ${ modes.db }` );
			await grant( cloud, tenant, 200 );
		} );
		beforeEach( () => openai.reset() );
		afterAll( async () => {
			await cloud?.stop();
			await openai?.close();
		} );

		/** Whether the cloud's file storage holds a complete file under `key`. */
		const stored = ( key: string ) =>
			cloud.context.services.ai.files.size( key ).then(
				() => true,
				() => false
			);

		const imagesOf = ( contentId: number ) =>
			cloud.context.models.Image.findAll( {
				where: { content_id: contentId },
				order: [ [ 'position', 'ASC' ] ],
			} );

		/** A draft with a hand-added featured image and two prompts, drawn through the API. */
		async function drawnDraft( label: string ) {
			const { taskId, contentId, imageId } = await addWriterContent(
				cloud,
				tenant,
				label
			);
			await cloud.context.models.Image.bulkCreate(
				[ 1, 2 ].map( ( position ) => ( {
					account_id: tenant.accountId,
					site_id: tenant.siteId,
					sector_id: tenant.sectorId,
					task_id: taskId,
					content_id: contentId,
					prompt: `${ label } picture ${ position }`,
					alt_text: `${ label } alt ${ position }`,
					position,
					image_url: null,
					storage_path: null,
				} ) )
			);
			const started = await request( cloud.app )
				.post( '/api/v1/writer/tasks/generate_images/' )
				.set( bearer( tenant.owner ) )
				.send( { ids: [ taskId ] } )
				.expect( 202 );
			expect(
				( await finished( cloud, tenant, started.body.data.run_id ) )
					.status
			).toBe( 'succeeded' );
			const [ manual, first, second ] = await imagesOf( contentId );
			expect( manual!.id ).toBe( imageId );
			expect( first!.storage_path ).not.toBeNull();
			expect( second!.storage_path ).not.toBeNull();
			openai.reset();
			return {
				taskId,
				contentId,
				manual: manual!,
				first: first!,
				second: second!,
			};
		}

		it( 'redraws one image: the new file replaces the old one, the others stay, charged as one picture', async () => {
			const { contentId, first, second } = await drawnDraft( 'Redrawn' );
			const before = await balance( cloud, tenant );
			openai.fallback( 'images', { latencyMs: 100 } );
			const started = await request( cloud.app )
				.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 202 );
			expect( started.body ).toMatchObject( {
				success: true,
				message: 'Redrawing the image.',
			} );
			const runId: number = started.body.data.run_id;
			const run = await finished( cloud, tenant, runId );
			expect( run ).toMatchObject( {
				status: 'succeeded',
				function_name: 'generate_images',
				input: { image_ids: [ first.id ] },
				credits_reserved: 2,
				credits_charged: 2,
				output_summary: {
					images_generated: 1,
					image_ids: [ first.id ],
				},
			} );
			expect( await closedLedger( cloud, runId ) ).toEqual( [
				[ 'reserve', -2 ],
				[ 'settle', 0 ],
			] );
			expect( await balance( cloud, tenant ) ).toBe( before - 2 );
			// Exactly one picture was asked for, from that image's own prompt.
			expect(
				openai.received( 'images' ).map( ( c ) => c.body.prompt )
			).toEqual( [ first.prompt ] );

			const [ , redrawn, untouched ] = await imagesOf( contentId );
			expect( redrawn!.image_url ).toMatch( FILE_URL );
			expect( redrawn!.image_url ).not.toBe( first.image_url );
			expect( redrawn!.storage_path ).not.toBe( first.storage_path );
			expect( redrawn ).toMatchObject( {
				prompt: first.prompt,
				alt_text: first.alt_text,
				is_featured: first.is_featured,
				position: first.position,
			} );
			expect( untouched!.get( { plain: true } ) ).toEqual(
				second.get( { plain: true } )
			);
			// The old file goes once the new picture is committed; only the new one is served.
			expect( await stored( redrawn!.storage_path! ) ).toBe( true );
			await waitFor(
				async () =>
					( await stored( first.storage_path! ) ) ? undefined : true,
				5_000
			);
			await request( cloud.app )
				.get( pathOf( first.image_url! ) )
				.expect( 404 );
			await request( cloud.app )
				.get( pathOf( redrawn!.image_url! ) )
				.expect( 200 );
		} );

		it( 'answers a repeated request with the run already drawing the image, and charges once', async () => {
			const { contentId, second } = await drawnDraft( 'Twice' );
			const before = await balance( cloud, tenant );
			openai.fallback( 'images', { latencyMs: 1500 } );
			const first = await request( cloud.app )
				.post( `/api/v1/writer/images/${ second.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( { size: '1792x1024' } )
				.expect( 202 );
			const again = await request( cloud.app )
				.post( `/api/v1/writer/images/${ second.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( { size: '1792x1024' } )
				.expect( 202 );
			expect( again.body ).toMatchObject( {
				data: { run_id: first.body.data.run_id },
				message: 'This image is already being drawn.',
			} );
			const run = await finished( cloud, tenant, first.body.data.run_id );
			expect( run.status ).toBe( 'succeeded' );
			const calls = openai.received( 'images' );
			expect( calls ).toHaveLength( 1 );
			expect( calls[ 0 ]!.body.size ).toBe( '1792x1024' );
			expect(
				await cloud.context.models.AiTaskRun.count( {
					where: {
						account_id: tenant.accountId,
						function_name: 'generate_images',
						status: [ 'queued', 'running' ],
					},
				} )
			).toBe( 0 );
			expect( await balance( cloud, tenant ) ).toBe( before - 2 );
			// Once that run is over, asking again draws again.
			openai.fallback( 'images', {} );
			const later = await request( cloud.app )
				.post( `/api/v1/writer/images/${ second.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 202 );
			expect( later.body.data.run_id ).not.toBe( first.body.data.run_id );
			await finished( cloud, tenant, later.body.data.run_id );
			const [ , , drawn ] = await imagesOf( contentId );
			expect( drawn!.image_url ).not.toBe( second.image_url );
		} );

		it( 'refunds a redraw the provider fails, and keeps the old picture and its file', async () => {
			const { contentId, first } = await drawnDraft( 'Broken' );
			const before = await balance( cloud, tenant );
			openai.fallback( 'images', {
				status: 500,
				message: 'Upstream broke',
			} );
			const started = await request( cloud.app )
				.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 202 );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			expect( run.status ).toBe( 'failed' );
			expect( run.error ).toMatch( /answered 500/ );
			expect( await closedLedger( cloud, run.id ) ).toEqual( [
				[ 'reserve', -2 ],
				[ 'refund', 2 ],
			] );
			expect( await balance( cloud, tenant ) ).toBe( before );
			const [ , kept ] = await imagesOf( contentId );
			expect( kept!.image_url ).toBe( first.image_url );
			expect( kept!.storage_path ).toBe( first.storage_path );
			expect( await stored( first.storage_path! ) ).toBe( true );
		} );

		it( "refuses another account's image (404), an image without a prompt and bad bodies (400): nothing started, nothing charged", async () => {
			const other = await addTenant( cloud, `Other ${ modes.db }` );
			await grant( cloud, other, 50 );
			const theirs = await addWriterContent( cloud, other, 'Theirs' );
			await cloud.context.models.Image.update(
				{ prompt: 'Their secret picture' },
				{ where: { id: theirs.imageId } }
			);
			const { manual, first } = await drawnDraft( 'Refused' );
			const runsBefore = await cloud.context.models.AiTaskRun.count();
			const before = await balance( cloud, tenant );

			const missing = await request( cloud.app )
				.post( `/api/v1/writer/images/${ theirs.imageId }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 404 );
			expect( missing.body ).toEqual( {
				success: false,
				error: 'Image not found.',
				code: 'not_found',
				request_id: expect.any( String ),
			} );

			const noPrompt = await request( cloud.app )
				.post( `/api/v1/writer/images/${ manual.id }/regenerate/` )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 400 );
			expect( noPrompt.body ).toMatchObject( {
				success: false,
				error: 'This image has no prompt to draw from.',
				errors: {
					prompt: [
						`image ${ manual.id } has no prompt: write one (or generate image prompts) first`,
					],
				},
			} );

			for ( const [ body, field ] of [
				[ { size: '4096x4096' }, 'size' ],
				[ { provider: 'midjourney' }, 'provider' ],
				[ { image_ids: [ first.id ] }, 'image_ids' ],
			] as const ) {
				const bad = await request( cloud.app )
					.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
					.set( bearer( tenant.owner ) )
					.send( body )
					.expect( 400 );
				expect( bad.body ).toMatchObject( {
					success: false,
					error: 'Invalid body.',
					request_id: expect.any( String ),
				} );
				expect( Object.keys( bad.body.errors ) ).toEqual( [ field ] );
			}
			const badId = await request( cloud.app )
				.post( '/api/v1/writer/images/not-a-number/regenerate/' )
				.set( bearer( tenant.owner ) )
				.send( {} )
				.expect( 400 );
			expect( Object.keys( badId.body.errors ) ).toEqual( [ 'id' ] );

			expect( await cloud.context.models.AiTaskRun.count() ).toBe(
				runsBefore
			);
			expect( await balance( cloud, tenant ) ).toBe( before );
			expect( openai.requests ).toHaveLength( 0 );
			const [ , unchanged ] = await imagesOf( first.content_id! );
			expect( unchanged!.image_url ).toBe( first.image_url );
		} );

		it( 'lets writers redraw but not a viewer (403), and a site session only its own site’s images', async () => {
			const { first } = await drawnDraft( 'Roles' );
			const viewer = await addUser( cloud, tenant.accountId, 'viewer' );
			const runsBefore = await cloud.context.models.AiTaskRun.count();
			const refused = await request( cloud.app )
				.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
				.set( bearer( viewer ) )
				.send( {} )
				.expect( 403 );
			expect( refused.body ).toMatchObject( {
				success: false,
				code: 'permission_denied',
			} );
			expect( await cloud.context.models.AiTaskRun.count() ).toBe(
				runsBefore
			);

			// A second site of the same account, and a WordPress editor's session on it.
			const auth = bearer( tenant.owner );
			const site = await request( cloud.app )
				.post( '/api/v1/auth/sites/' )
				.set( auth )
				.send( {
					name: 'Second site',
					wordpress_url: 'https://two.test',
				} )
				.expect( 201 );
			const key = await request( cloud.app )
				.post( `/api/v1/auth/sites/${ site.body.data.id }/api-keys/` )
				.set( auth )
				.send( { name: 'WordPress' } )
				.expect( 201 );
			const session = async ( apiKey: string ) =>
				(
					await request( cloud.app )
						.post( '/api/v1/auth/site-session/' )
						.set( 'X-IGNY8-API-Key', apiKey )
						.send( {
							wp_user: {
								id: 3,
								login: 'ed',
								email: 'ed@example.test',
								display_name: 'Ed',
							},
							role: 'editor',
						} )
						.expect( 200 )
				).body.data.access as string;
			const elsewhere = await session( key.body.data.key );
			await request( cloud.app )
				.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
				.set( { Authorization: `Bearer ${ elsewhere }` } )
				.send( {} )
				.expect( 404 );
			expect( await cloud.context.models.AiTaskRun.count() ).toBe(
				runsBefore
			);

			const own = await session( tenant.apiKey );
			const started = await request( cloud.app )
				.post( `/api/v1/writer/images/${ first.id }/regenerate/` )
				.set( { Authorization: `Bearer ${ own }` } )
				.send( {} )
				.expect( 202 );
			expect(
				( await finished( cloud, tenant, started.body.data.run_id ) )
					.status
			).toBe( 'succeeded' );
		} );

		it( 'keeps one featured image per draft when the featured one is chosen, even when two are chosen at once', async () => {
			const { contentId, manual, first, second } =
				await drawnDraft( 'Featured' );
			expect( manual.is_featured ).toBe( true );
			const featuredOf = async () =>
				( await imagesOf( contentId ) )
					.filter( ( i ) => i.is_featured )
					.map( ( i ) => i.id );

			const chosen = await request( cloud.app )
				.patch( `/api/v1/writer/images/${ first.id }/` )
				.set( bearer( tenant.owner ) )
				.send( { is_featured: true } )
				.expect( 200 );
			expect( chosen.body.data ).toMatchObject( {
				id: first.id,
				is_featured: true,
			} );
			expect( await featuredOf() ).toEqual( [ first.id ] );

			// Two editors choose different pictures at the same moment: one wins, never both.
			await Promise.all(
				[ manual.id, second.id ].map( ( id ) =>
					request( cloud.app )
						.patch( `/api/v1/writer/images/${ id }/` )
						.set( bearer( tenant.owner ) )
						.send( { is_featured: true } )
						.expect( 200 )
				)
			);
			const after = await featuredOf();
			expect( after ).toHaveLength( 1 );
			expect( [ manual.id, second.id ] ).toContain( after[ 0 ] );
		} );

		it( 'edits alt text; refuses a bad change in the envelope and changes nothing', async () => {
			const { contentId, first } = await drawnDraft( 'Alt' );
			const changed = await request( cloud.app )
				.patch( `/api/v1/writer/images/${ first.id }/` )
				.set( bearer( tenant.owner ) )
				.send( { alt_text: 'A runner crossing a stream' } )
				.expect( 200 );
			expect( changed.body.data.alt_text ).toBe(
				'A runner crossing a stream'
			);
			for ( const body of [
				{ alt_text: 'x'.repeat( 501 ) },
				{ is_featured: 'yes' },
				{ alt_text: 'ok', storage_path: 'generated/elsewhere.png' },
			] ) {
				const refused = await request( cloud.app )
					.patch( `/api/v1/writer/images/${ first.id }/` )
					.set( bearer( tenant.owner ) )
					.send( body )
					.expect( 400 );
				expect( refused.body ).toMatchObject( {
					success: false,
					request_id: expect.any( String ),
				} );
				expect(
					Object.keys( refused.body.errors ).length
				).toBeGreaterThan( 0 );
			}
			const [ , stored ] = await imagesOf( contentId );
			expect( stored ).toMatchObject( {
				alt_text: 'A runner crossing a stream',
				is_featured: false,
				storage_path: first.storage_path,
			} );
			const other = await addTenant( cloud, `Alt other ${ modes.db }` );
			await request( cloud.app )
				.patch( `/api/v1/writer/images/${ first.id }/` )
				.set( bearer( other.owner ) )
				.send( { alt_text: 'Not yours' } )
				.expect( 404 );
			expect( ( await imagesOf( contentId ) )[ 1 ]!.alt_text ).toBe(
				'A runner crossing a stream'
			);
		} );

		it( 'lists the OpenAPI operation with its body and 202 answer', async () => {
			const schema = await request( cloud.app )
				.get( '/api/v1/schema/' )
				.expect( 200 );
			const operation =
				schema.body.paths[ '/api/v1/writer/images/{id}/regenerate/' ]
					?.post;
			expect( operation ).toBeDefined();
			expect( Object.keys( operation.responses ) ).toContain( '202' );
			expect( JSON.stringify( operation.requestBody ?? {} ) ).toContain(
				'1792x1024'
			);
		} );
	}
);

import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
	startFakeOpenAI,
	TINY_PNG_BASE64,
	type FakeOpenAI,
} from '@igny8/test-harness';
import { AI_ENV, finished, grant } from './ai-support';
import { startFakeS3, type FakeS3 } from './fake-s3';
import { addTenant, bearer, type Tenant } from './fixtures';
import { s3Env, useFakeS3Credentials } from './s3-support';
import { startTestCloud, waitFor, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * The cloud with IGNY8_FILE_STORAGE=s3, through its API: a keyword upload
 * goes to the bucket and the import job reads it back from there; generated
 * images are stored there and served by the cloud from there. S3 is the fake
 * (fake-s3.ts) behind the real client, OpenAI the fake images API.
 */

const TINY_PNG = Buffer.from( TINY_PNG_BASE64, 'base64' );
const SEMRUSH = fs.readFileSync(
	path.join( __dirname, 'fixtures', 'imports', 'semrush.csv' )
);

describe( 'the cloud with files in S3 (PostgreSQL, bee-queue)', () => {
	let s3: FakeS3;
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let restoreCredentials: () => void;

	beforeAll( async () => {
		restoreCredentials = useFakeS3Credentials();
		s3 = await startFakeS3();
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{ ...AI_ENV( openai ), ...s3Env( s3, 'igny8/test' ) }
		);
		tenant = await addTenant( cloud, 'S3 Co' );
		await grant( cloud, tenant, 100 );
	} );
	beforeEach( () => {
		s3.reset();
		openai.reset();
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
		await s3?.close();
		restoreCredentials?.();
	} );

	const upload = ( file: Buffer ) =>
		request( cloud.app )
			.post( '/api/v1/planner/keywords/import/' )
			.set( bearer( tenant.owner ) )
			.field( 'sector_id', String( tenant.sectorId ) )
			.attach( 'file', file, {
				filename: 'semrush.csv',
				contentType: 'text/csv',
			} );

	it( 'stores an uploaded keyword file in the bucket and imports it from there', async () => {
		const res = await upload( SEMRUSH ).expect( 202 );
		const row = await cloud.context.models.KeywordImport.findByPk(
			res.body.data.id
		);
		const objectKey = `igny8/test/uploads/${ row!.storage_path }`;
		expect( row!.storage_path ).toMatch(
			new RegExp(
				`^keyword-imports/${ tenant.accountId }/[0-9a-f-]{36}\\.csv$`
			)
		);
		expect( s3.received( 'PutObject' ).map( ( r ) => r.key ) ).toEqual( [
			objectKey,
		] );
		const result = await waitFor( async () => {
			const status = await request( cloud.app )
				.get( `/api/v1/planner/keywords/imports/${ row!.id }/` )
				.set( bearer( tenant.owner ) )
				.expect( 200 );
			return [ 'succeeded', 'failed' ].includes( status.body.data.status )
				? status.body.data
				: undefined;
		}, 20_000 );
		expect( result.status ).toBe( 'succeeded' );
		expect( result.imported ).toBeGreaterThan( 0 );
		// The worker read the stored file from the bucket.
		expect(
			s3.received( 'GetObject' ).some( ( r ) => r.key === objectKey )
		).toBe( true );
	} );

	it( 'refuses an upload while S3 fails, recording no import and keeping no file', async () => {
		const before = await cloud.context.models.KeywordImport.count();
		const objects = s3.objects.size;
		s3.fail( 'PutObject', { status: 500 } );
		const res = await upload( SEMRUSH );
		expect( res.status ).toBeGreaterThanOrEqual( 500 );
		expect( res.body.success ).toBe( false );
		// No bucket, key or SDK detail reaches the client.
		expect( JSON.stringify( res.body ) ).not.toMatch(
			/igny8-test|S3|InternalError/
		);
		expect( await cloud.context.models.KeywordImport.count() ).toBe(
			before
		);
		expect( s3.objects.size ).toBe( objects );
	} );

	it( 'draws images into the bucket, serves them from it without credentials, and deletes them with their row', async () => {
		const { taskId, contentId } = await addWriterContent(
			cloud,
			tenant,
			'Bucket'
		);
		await cloud.context.models.Image.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
			task_id: taskId,
			content_id: contentId,
			prompt: 'a trail shoe on wet rock',
			position: 1,
			image_url: null,
			storage_path: null,
		} );
		const started = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_images/' )
			.set( bearer( tenant.owner ) )
			.send( { ids: [ taskId ] } )
			.expect( 202 );
		const run = await finished( cloud, tenant, started.body.data.run_id );
		expect( run.status ).toBe( 'succeeded' );
		const image = await cloud.context.models.Image.findOne( {
			where: {
				content_id: contentId,
				prompt: 'a trail shoe on wet rock',
			},
		} );
		const objectKey = `igny8/test/files/${ image!.storage_path }`;
		expect( image!.storage_path ).toMatch(
			/^generated\/[0-9a-f-]{36}\.png$/
		);
		expect( s3.objects.get( objectKey )?.bytes.equals( TINY_PNG ) ).toBe(
			true
		);

		const served = await request( cloud.app )
			.get( new URL( image!.image_url! ).pathname )
			.buffer( true )
			.parse( ( res, callback ) => {
				const chunks: Buffer[] = [];
				res.on( 'data', ( c: Buffer ) => chunks.push( c ) );
				res.on( 'end', () =>
					callback( null, Buffer.concat( chunks ) )
				);
			} )
			.expect( 200 )
			.expect( 'Content-Type', 'image/png' )
			.expect( 'Content-Length', String( TINY_PNG.length ) );
		expect( ( served.body as Buffer ).equals( TINY_PNG ) ).toBe( true );
		expect( s3.received( 'GetObject' ).map( ( r ) => r.key ) ).toContain(
			objectKey
		);

		await request( cloud.app )
			.delete( `/api/v1/writer/images/${ image!.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		await waitFor(
			() => ( s3.objects.has( objectKey ) ? undefined : true ),
			5_000
		);
		await request( cloud.app )
			.get( new URL( image!.image_url! ).pathname )
			.expect( 404 );
	} );
} );

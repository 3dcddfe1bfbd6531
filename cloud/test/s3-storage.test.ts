import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ConfigError, loadConfig } from '../src/config';
import { s3ClientFor, S3StorageError } from '../src/storage/s3-client';
import { PART_BYTES, S3FileStorage } from '../src/storage/s3-storage';
import { startFakeS3, type FakeS3 } from './fake-s3';
import {
	collect,
	FAKE_S3_KEY_ID,
	s3Env,
	useFakeS3Credentials,
} from './s3-support';

/**
 * The S3 storage through the real `@aws-sdk/client-s3` against a local fake
 * S3 (fake-s3.ts): what the shared contract in file-storage.test.ts does not
 * reach — multipart uploads, the bucket layout, signing, a store that fails
 * or is not there — and the startup checks of its settings.
 */

/** A stream of `bytes` in uneven pieces, as an upload arrives. */
function pieces( bytes: Buffer, size = 300_001 ): Readable {
	const parts: Buffer[] = [];
	for ( let at = 0; at < bytes.length; at += size ) {
		parts.push( bytes.subarray( at, at + size ) );
	}
	return Readable.from( parts );
}

function storageOn( fake: Pick< FakeS3, 'url' | 'bucket' >, area = 'uploads' ) {
	const config = loadConfig( { NODE_ENV: 'test', ...s3Env( fake ) } ).s3!;
	return new S3FileStorage( s3ClientFor( config ), config, area );
}

async function listed( storage: S3FileStorage, prefix: string ) {
	const keys: string[] = [];
	for await ( const file of storage.list( prefix ) ) {
		keys.push( file.key );
	}
	return keys;
}

describe( 'S3 file storage through the real client', () => {
	let fake: FakeS3;
	let storage: S3FileStorage;
	let restoreCredentials: () => void;

	beforeAll( async () => {
		restoreCredentials = useFakeS3Credentials();
		fake = await startFakeS3( { pageSize: 2 } );
		storage = storageOn( fake );
	} );
	beforeEach( () => fake.reset() );
	afterAll( async () => {
		await fake?.close();
		restoreCredentials?.();
	} );

	it( 'streams a 12 MiB file up in 5 MiB parts and reads it back whole and by range', async () => {
		const bytes = randomBytes( 12 * 1024 * 1024 + 7 );
		const { key, size } = await storage.write(
			'keyword-imports/3',
			pieces( bytes ),
			'.csv'
		);
		expect( key ).toMatch( /^keyword-imports\/3\/[0-9a-f-]{36}\.csv$/ );
		expect( size ).toBe( bytes.length );
		expect( fake.received( 'PutObject' ) ).toHaveLength( 0 );
		expect( fake.received( 'CreateMultipartUpload' ) ).toHaveLength( 1 );
		expect( fake.received( 'UploadPart' ).map( ( r ) => r.bytes ) ).toEqual(
			[ PART_BYTES, PART_BYTES, bytes.length - 2 * PART_BYTES ]
		);
		expect( fake.received( 'CompleteMultipartUpload' ) ).toHaveLength( 1 );
		expect( fake.uploads.size ).toBe( 0 );
		// Under the operator's prefix, then the area.
		expect( [ ...fake.objects.keys() ] ).toEqual( [
			`igny8/test/uploads/${ key }`,
		] );

		expect( await storage.size( key ) ).toBe( bytes.length );
		expect( ( await collect( storage.read( key ) ) ).equals( bytes ) ).toBe(
			true
		);
		for ( const [ start, end ] of [
			[ PART_BYTES - 10, PART_BYTES + 10 ],
			[ 0, 0 ],
			[ bytes.length - 3, bytes.length + 100 ],
		] as const ) {
			const part = await collect( storage.read( key, { start, end } ) );
			expect(
				part.equals(
					bytes.subarray(
						start,
						Math.min( end, bytes.length - 1 ) + 1
					)
				)
			).toBe( true );
		}
		expect( fake.received( 'GetObject' ).at( -1 )!.headers.range ).toBe(
			`bytes=${ bytes.length - 3 }-${ bytes.length + 100 }`
		);
		// Past the end, or an empty range: nothing, as the other storages read.
		expect(
			(
				await collect(
					storage.read( key, { start: bytes.length + 5 } )
				)
			).length
		).toBe( 0 );
		expect(
			( await collect( storage.read( key, { start: 10, end: 9 } ) ) )
				.length
		).toBe( 0 );
		await storage.remove( key );
		expect( fake.objects.size ).toBe( 0 );
	} );

	it( 'sends one PutObject for a file smaller than a part', async () => {
		const bytes = randomBytes( 1000 );
		const { key } = await storage.write( 'small', pieces( bytes, 100 ) );
		expect( fake.received( 'PutObject' ) ).toHaveLength( 1 );
		expect( fake.received( 'CreateMultipartUpload' ) ).toHaveLength( 0 );
		expect(
			fake.objects.get( `igny8/test/uploads/${ key }` )!.bytes
		).toEqual( bytes );
		await storage.remove( key );
	} );

	it( 'signs every request with the credentials from the SDK’s environment chain', async () => {
		const { key } = await storage.write(
			'signed',
			Readable.from( [ Buffer.from( 'x' ) ] )
		);
		await storage.size( key );
		await collect( storage.read( key ) );
		await listed( storage, 'signed' );
		await storage.remove( key );
		expect( fake.requests.length ).toBeGreaterThanOrEqual( 5 );
		for ( const sent of fake.requests ) {
			expect( sent.headers.authorization ).toMatch(
				new RegExp(
					`^AWS4-HMAC-SHA256 Credential=${ FAKE_S3_KEY_ID }/\\d{8}/us-east-1/s3/aws4_request, SignedHeaders=[^ ]+, Signature=[0-9a-f]{64}$`
				)
			);
		}
	} );

	it( 'answers a missing key with the same ENOENT as the database storage, and deletes it quietly', async () => {
		const missing = 'nowhere/00000000-0000-4000-8000-000000000000.csv';
		await expect( storage.size( missing ) ).rejects.toMatchObject( {
			code: 'ENOENT',
			message: `No stored file under ${ missing }`,
		} );
		for ( const range of [
			undefined,
			{ start: 5, end: 10 },
			{ start: 3, end: 1 },
		] ) {
			await expect(
				collect( storage.read( missing, range ) )
			).rejects.toMatchObject( { code: 'ENOENT' } );
		}
		await expect( storage.remove( missing ) ).resolves.toBeUndefined();
	} );

	it( 'lists every page of a prefix, and nothing of the areas or prefixes beside it', async () => {
		const written: string[] = [];
		for ( let n = 0; n < 5; n++ ) {
			written.push(
				(
					await storage.write(
						'paged',
						Readable.from( [ Buffer.from( `${ n }` ) ] )
					)
				).key
			);
		}
		await storage.write(
			'paged-not',
			Readable.from( [ Buffer.from( 'x' ) ] )
		);
		await storageOn( fake, 'files' ).write(
			'paged',
			Readable.from( [ Buffer.from( 'x' ) ] )
		);
		const files: { key: string; modifiedAt: Date }[] = [];
		for await ( const file of storage.list( 'paged' ) ) {
			files.push( file );
		}
		expect( files.map( ( f ) => f.key ).sort() ).toEqual( written.sort() );
		expect( fake.received( 'ListObjectsV2' ) ).toHaveLength( 3 );
		for ( const file of files ) {
			expect( Date.now() - file.modifiedAt.getTime() ).toBeLessThan(
				60_000
			);
		}
	} );

	describe( 'when S3 fails', () => {
		it( 'reports a refused PutObject with the bucket, the object and what S3 said, leaving nothing', async () => {
			fake.fail( 'PutObject', { status: 500 } );
			const failure = storage.write(
				'refused',
				Readable.from( [ Buffer.from( 'keyword\n' ) ] ),
				'.csv'
			);
			await expect( failure ).rejects.toBeInstanceOf( S3StorageError );
			await expect( failure ).rejects.toThrow(
				/^S3 storage could not store igny8\/test\/uploads\/refused\/[0-9a-f-]{36}\.csv in bucket igny8-test: InternalError, HTTP 500: We encountered an internal error/
			);
			await expect( failure ).rejects.toMatchObject( { status: 500 } );
			// The SDK retried before giving up.
			expect( fake.received( 'PutObject' ).length ).toBeGreaterThan( 1 );
			fake.reset();
			expect( await listed( storage, 'refused' ) ).toEqual( [] );
		} );

		it( 'aborts the multipart upload when a part is refused', async () => {
			fake.fail( 'UploadPart', {
				status: 503,
				code: 'SlowDown',
				message: 'Reduce your request rate.',
			} );
			await expect(
				storage.write(
					'parts',
					pieces( randomBytes( PART_BYTES * 2 ) )
				)
			).rejects.toThrow(
				/could not upload part 1 of .* SlowDown, HTTP 503/
			);
			expect( fake.received( 'AbortMultipartUpload' ) ).toHaveLength( 1 );
			expect( fake.uploads.size ).toBe( 0 );
			fake.reset();
			expect( await listed( storage, 'parts' ) ).toEqual( [] );
		} );

		it( 'aborts and deletes when completing the upload fails', async () => {
			fake.fail( 'CompleteMultipartUpload', { status: 500 } );
			await expect(
				storage.write(
					'complete',
					pieces( randomBytes( PART_BYTES + 1 ) )
				)
			).rejects.toThrow( /could not finish uploading/ );
			expect( fake.received( 'AbortMultipartUpload' ) ).toHaveLength( 1 );
			expect( fake.received( 'DeleteObject' ) ).toHaveLength( 1 );
			expect( fake.uploads.size ).toBe( 0 );
			expect(
				[ ...fake.objects.keys() ].filter( ( k ) =>
					k.includes( '/complete/' )
				)
			).toEqual( [] );
		} );

		it( 'aborts the upload when the source fails after a part went up', async () => {
			async function* cut() {
				yield randomBytes( PART_BYTES + 100 );
				throw new Error( 'the upload was cut' );
			}
			await expect(
				storage.write( 'cut', Readable.from( cut() ) )
			).rejects.toThrow( 'the upload was cut' );
			expect( fake.received( 'UploadPart' ) ).toHaveLength( 1 );
			expect( fake.received( 'AbortMultipartUpload' ) ).toHaveLength( 1 );
			expect( fake.uploads.size ).toBe( 0 );
			expect( await listed( storage, 'cut' ) ).toEqual( [] );
		} );

		it( 'tells a failing store from a missing file on size and read', async () => {
			const { key } = await storage.write(
				'flaky',
				Readable.from( [ Buffer.from( 'x'.repeat( 200_000 ) ) ] )
			);
			fake.fail( 'HeadObject', { status: 500 } );
			const size = storage.size( key );
			await expect( size ).rejects.toBeInstanceOf( S3StorageError );
			await expect( size ).rejects.not.toMatchObject( {
				code: 'ENOENT',
			} );
			fake.reset();
			fake.fail( 'GetObject', { cutAfterBytes: 1000 } );
			await expect( collect( storage.read( key ) ) ).rejects.toThrow(
				/^S3 storage could not read igny8\/test\/uploads\/flaky\/.* in bucket igny8-test/
			);
		} );

		it( 'reports a store that refuses connections, for every operation', async () => {
			const closed = http.createServer();
			await new Promise< void >( ( resolve ) =>
				closed.listen( 0, '127.0.0.1', resolve )
			);
			const { port } = closed.address() as AddressInfo;
			await new Promise( ( resolve ) => closed.close( resolve ) );
			const gone = storageOn( {
				url: `http://127.0.0.1:${ port }`,
				bucket: 'igny8-test',
			} );
			// Jest's sandbox hides the error's code from the SDK (another realm's Error), so match the message.
			const refused =
				/^S3 storage could not .* in bucket igny8-test: .*connect ECONNREFUSED 127\.0\.0\.1/;
			await expect(
				gone.write( 'gone', Readable.from( [ Buffer.from( 'x' ) ] ) )
			).rejects.toThrow( refused );
			await expect( gone.size( 'gone/a.csv' ) ).rejects.toThrow(
				refused
			);
			await expect(
				collect( gone.read( 'gone/a.csv' ) )
			).rejects.toThrow( refused );
			await expect( listed( gone, 'gone' ) ).rejects.toThrow( refused );
		} );

		it( 'refuses to go on with a bucket that does not exist', async () => {
			const elsewhere = new S3FileStorage(
				s3ClientFor( {
					bucket: 'no-such-bucket',
					region: 'us-east-1',
					endpoint: fake.url,
					forcePathStyle: true,
					prefix: '',
				} ),
				{
					bucket: 'no-such-bucket',
					region: 'us-east-1',
					endpoint: fake.url,
					forcePathStyle: true,
					prefix: '',
				},
				'uploads'
			);
			await expect(
				elsewhere.write( 'x', Readable.from( [ Buffer.from( 'x' ) ] ) )
			).rejects.toThrow( /NoSuchBucket, HTTP 404/ );
			await expect(
				collect( elsewhere.read( 'x/y.csv' ) )
			).rejects.toThrow( /NoSuchBucket, HTTP 404/ );
		} );
	} );
} );

describe( 'S3 storage settings, checked at startup', () => {
	const base = {
		NODE_ENV: 'test',
		IGNY8_FILE_STORAGE: 's3',
		IGNY8_S3_BUCKET: 'igny8-files',
		IGNY8_S3_REGION: 'eu-central-1',
	};

	it( 'reads a complete setting, tidying the prefix into folders', () => {
		expect(
			loadConfig( {
				...base,
				IGNY8_S3_ENDPOINT: 'https://minio.internal:9000',
				IGNY8_S3_FORCE_PATH_STYLE: '1',
				IGNY8_S3_PREFIX: '/igny8//production/',
			} ).s3
		).toEqual( {
			bucket: 'igny8-files',
			region: 'eu-central-1',
			endpoint: 'https://minio.internal:9000',
			forcePathStyle: true,
			prefix: 'igny8/production/',
		} );
		expect( loadConfig( base ).s3 ).toEqual( {
			bucket: 'igny8-files',
			region: 'eu-central-1',
			endpoint: undefined,
			forcePathStyle: false,
			prefix: '',
		} );
	} );

	it( 'takes the region from AWS_REGION when IGNY8_S3_REGION is unset', () => {
		expect(
			loadConfig( {
				...base,
				IGNY8_S3_REGION: '',
				AWS_REGION: 'us-west-2',
			} ).s3?.region
		).toBe( 'us-west-2' );
	} );

	it( 'keeps files in the database, with no bucket, by default', () => {
		const config = loadConfig( { NODE_ENV: 'test' } );
		expect( config.fileStorage ).toBe( 'database' );
		expect( config.s3 ).toBeUndefined();
	} );

	it.each( [
		[
			'no bucket',
			{ IGNY8_S3_BUCKET: '' },
			'IGNY8_FILE_STORAGE s3 needs IGNY8_S3_BUCKET (the bucket name)',
		],
		[
			'a bucket URL',
			{ IGNY8_S3_BUCKET: 's3://igny8-files' },
			'IGNY8_S3_BUCKET must be a bucket name (letters, digits, . _ -), not a URL or a path: a folder goes in IGNY8_S3_PREFIX',
		],
		[
			'a bucket with a path',
			{ IGNY8_S3_BUCKET: 'igny8-files/uploads' },
			'IGNY8_S3_BUCKET must be a bucket name (letters, digits, . _ -), not a URL or a path: a folder goes in IGNY8_S3_PREFIX',
		],
		[
			'no region',
			{ IGNY8_S3_REGION: undefined },
			'IGNY8_FILE_STORAGE s3 needs IGNY8_S3_REGION (or AWS_REGION); S3-compatible services mostly take us-east-1, R2 takes auto',
		],
		[
			'an endpoint that is not a URL',
			{ IGNY8_S3_ENDPOINT: 'minio.internal:9000' },
			'IGNY8_S3_ENDPOINT must be an http(s) URL such as https://minio.internal:9000',
		],
		[
			'a path style that is not a boolean',
			{ IGNY8_S3_FORCE_PATH_STYLE: 'yes please' },
			'IGNY8_S3_FORCE_PATH_STYLE must be true or false',
		],
		[
			'an unknown storage',
			{ IGNY8_FILE_STORAGE: 'gcs' },
			'IGNY8_FILE_STORAGE must be database, local or s3',
		],
		[
			'a bucket while files stay in the database',
			{ IGNY8_FILE_STORAGE: undefined },
			'IGNY8_S3_BUCKET is set but IGNY8_FILE_STORAGE is database: set IGNY8_FILE_STORAGE=s3 to keep files in the bucket, or unset IGNY8_S3_BUCKET',
		],
	] )(
		'stops on %s with one line naming the variable',
		( _, change, message ) => {
			const env: NodeJS.ProcessEnv = { ...base, ...change };
			const load = () => loadConfig( env );
			expect( load ).toThrow( ConfigError );
			expect( load ).toThrow( message );
		}
	);
} );

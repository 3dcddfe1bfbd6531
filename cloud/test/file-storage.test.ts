import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CHUNK_BYTES } from '../src/storage/database-storage';
import {
	createFileStorage,
	type FileStorage,
} from '../src/storage/file-storage';
import { startFakeS3, type FakeS3 } from './fake-s3';
import { s3Env, useFakeS3Credentials } from './s3-support';
import { startTestCloud, type TestCloud } from './support';

/**
 * One contract, every storage: what the keyword import and the image store
 * rely on, on the database storage (PostgreSQL and PGlite, the default), the
 * local folder and an S3 bucket (the fake S3, through the real client).
 */

async function collect( stream: Readable ): Promise< Buffer > {
	const parts: Buffer[] = [];
	for await ( const part of stream ) {
		parts.push( Buffer.from( part as Buffer ) );
	}
	return Buffer.concat( parts );
}

/** A stream of `bytes` in uneven pieces, as an upload arrives. */
function pieces( bytes: Buffer, size = 300_001 ): Readable {
	const parts: Buffer[] = [];
	for ( let at = 0; at < bytes.length; at += size ) {
		parts.push( bytes.subarray( at, at + size ) );
	}
	return Readable.from( parts );
}

describe.each( [
	[ 'database', 'postgres' ],
	[ 'database', 'pglite' ],
	[ 'local', 'postgres' ],
	[ 's3', 'postgres' ],
] as const )( '%s file storage (%s)', ( kind, db ) => {
	let cloud: TestCloud;
	let storage: FileStorage;
	let dir: string;
	let s3: FakeS3 | undefined;
	let restoreCredentials: ( () => void ) | undefined;

	beforeAll( async () => {
		if ( kind === 's3' ) {
			restoreCredentials = useFakeS3Credentials();
			s3 = await startFakeS3();
		}
		cloud = await startTestCloud(
			{ db, queue: 'inline' },
			s3 ? s3Env( s3 ) : {},
			{ workers: false }
		);
		dir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-storage-' ) );
		storage = createFileStorage(
			{ ...cloud.context.config, fileStorage: kind, dataDir: dir },
			cloud.context.db.sequelize,
			'contract'
		);
		// Migrating a PGlite database takes seconds, more on a loaded machine.
	}, 90_000 );
	afterAll( async () => {
		await cloud?.stop();
		await s3?.close();
		restoreCredentials?.();
		fs.rmSync( dir, { recursive: true, force: true } );
	} );

	it( 'stores a file of several chunks and reads it back whole and by range', async () => {
		const bytes = randomBytes( Math.round( CHUNK_BYTES * 2.5 ) );
		const { key, size } = await storage.write(
			'batch/7',
			pieces( bytes ),
			'.csv'
		);
		expect( key ).toMatch( /^batch\/7\/[0-9a-f-]{36}\.csv$/ );
		expect( size ).toBe( bytes.length );
		expect( await storage.size( key ) ).toBe( bytes.length );
		expect( ( await collect( storage.read( key ) ) ).equals( bytes ) ).toBe(
			true
		);
		for ( const [ start, end ] of [
			[ 0, 99 ],
			[ CHUNK_BYTES - 10, CHUNK_BYTES + 10 ],
			[ CHUNK_BYTES * 2 + 5, bytes.length - 1 ],
			[ 17, bytes.length + 500 ],
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
		const listed: string[] = [];
		for await ( const file of storage.list( 'batch/7' ) ) {
			listed.push( file.key );
			expect( Number.isFinite( file.modifiedAt.getTime() ) ).toBe( true );
		}
		expect( listed ).toEqual( [ key ] );
		await storage.remove( key );
		await expect( storage.size( key ) ).rejects.toMatchObject( {
			code: 'ENOENT',
		} );
		await expect( collect( storage.read( key ) ) ).rejects.toMatchObject( {
			code: 'ENOENT',
		} );
	} );

	it( 'stores an empty file, and keeps other prefixes out of a listing', async () => {
		const empty = await storage.write( 'empty', Readable.from( [] ) );
		expect( empty.size ).toBe( 0 );
		expect( ( await collect( storage.read( empty.key ) ) ).length ).toBe(
			0
		);
		await storage.write(
			'empty-not',
			Readable.from( [ Buffer.from( 'x' ) ] )
		);
		const listed: string[] = [];
		for await ( const file of storage.list( 'empty' ) ) {
			listed.push( file.key );
		}
		expect( listed ).toEqual( [ empty.key ] );
	} );

	it( 'keeps nothing readable of a write whose source failed', async () => {
		async function* failing() {
			yield randomBytes( CHUNK_BYTES + 10 );
			throw new Error( 'the upload was cut' );
		}
		await expect(
			storage.write( 'cut', Readable.from( failing() ) )
		).rejects.toThrow( 'the upload was cut' );
		const listed: string[] = [];
		for await ( const file of storage.list( 'cut' ) ) {
			listed.push( file.key );
		}
		expect( listed ).toEqual( [] );
	} );
} );

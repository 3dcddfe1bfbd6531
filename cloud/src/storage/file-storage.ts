import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sequelize } from 'sequelize';
import { DatabaseFileStorage } from './database-storage';
import { s3ClientFor, type S3StorageConfig } from './s3-client';
import { S3FileStorage } from './s3-storage';

/**
 * Where uploaded files live. Callers see keys, never paths, so the database,
 * a local folder and an S3 bucket are the same to them. Writes are streamed
 * and land under their key only when complete (a crash leaves no half file).
 */
export interface FileStorage {
	/** Streams `source` to a new key under `prefix`; resolves with the key and size. */
	write(
		prefix: string,
		source: Readable,
		extension?: string
	): Promise< { key: string; size: number } >;
	/** A stream of the stored bytes, optionally a range `[start, end]` (inclusive). */
	read( key: string, range?: { start?: number; end?: number } ): Readable;
	size( key: string ): Promise< number >;
	remove( key: string ): Promise< void >;
	/** Every stored file under `prefix` (unfinished writes included), with its last change. */
	list( prefix: string ): AsyncIterable< { key: string; modifiedAt: Date } >;
}

/** Files in a folder (`<dataDir>/uploads`). */
export class LocalFileStorage implements FileStorage {
	constructor( private readonly root: string ) {}

	async write(
		prefix: string,
		source: Readable,
		extension = ''
	): Promise< { key: string; size: number } > {
		const key = path.posix.join(
			...prefix.split( '/' ).filter( Boolean ),
			`${ randomUUID() }${ extension }`
		);
		const target = this.pathOf( key );
		await fs.promises.mkdir( path.dirname( target ), { recursive: true } );
		const partial = `${ target }.partial`;
		try {
			await pipeline( source, fs.createWriteStream( partial ) );
			await fs.promises.rename( partial, target );
		} catch ( error ) {
			await fs.promises.rm( partial, { force: true } );
			throw error;
		}
		return { key, size: ( await fs.promises.stat( target ) ).size };
	}

	read(
		key: string,
		range: { start?: number; end?: number } = {}
	): Readable {
		return fs.createReadStream( this.pathOf( key ), range );
	}

	async size( key: string ): Promise< number > {
		return ( await fs.promises.stat( this.pathOf( key ) ) ).size;
	}

	async remove( key: string ): Promise< void > {
		await fs.promises.rm( this.pathOf( key ), { force: true } );
	}

	async *list(
		prefix: string
	): AsyncIterable< { key: string; modifiedAt: Date } > {
		const folder = this.pathOf( prefix );
		let names: string[];
		try {
			names = await fs.promises.readdir( folder );
		} catch ( error ) {
			if ( ( error as NodeJS.ErrnoException ).code === 'ENOENT' ) {
				return;
			}
			throw error;
		}
		for ( const name of names ) {
			const stat = await fs.promises
				.stat( path.join( folder, name ) )
				.catch( () => null );
			if ( stat?.isFile() ) {
				yield {
					key: path.posix.join( prefix, name ),
					modifiedAt: stat.mtime,
				};
			}
		}
	}

	private pathOf( key: string ): string {
		const resolved = path.resolve( this.root, key );
		if ( ! resolved.startsWith( path.resolve( this.root ) + path.sep ) ) {
			throw new Error( `Storage key escapes the storage root: ${ key }` );
		}
		return resolved;
	}
}

/** What picks the storage (IGNY8_FILE_STORAGE, IGNY8_DATA_DIR, IGNY8_S3_*); the app's config fits. */
export type FileStorageConfig = {
	fileStorage: 'database' | 'local' | 's3';
	dataDir: string;
	/** Set whenever `fileStorage` is `s3`. */
	s3?: S3StorageConfig;
};

/**
 * The storage of one area (`uploads`, `files`) as configured: in the
 * database by default, in a folder under the data dir, or in an S3 bucket.
 */
export function createFileStorage(
	config: FileStorageConfig,
	sequelize: Sequelize,
	area: string
): FileStorage {
	switch ( config.fileStorage ) {
		case 'database':
			return new DatabaseFileStorage( sequelize, area );
		case 'local':
			return new LocalFileStorage( path.join( config.dataDir, area ) );
		case 's3':
			if ( ! config.s3 ) {
				throw new Error(
					'File storage s3 needs its bucket settings (IGNY8_S3_*)'
				);
			}
			return new S3FileStorage(
				s3ClientFor( config.s3 ),
				config.s3,
				area
			);
	}
}

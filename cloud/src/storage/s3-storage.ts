import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
	AbortMultipartUploadCommand,
	CompleteMultipartUploadCommand,
	CreateMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	PutObjectCommand,
	UploadPartCommand,
	type CompletedPart,
	type S3Client,
} from '@aws-sdk/client-s3';
import type { FileStorage } from './file-storage';
import { isPastEnd, storageFailure, type S3StorageConfig } from './s3-client';

/**
 * Bytes per part of a multipart upload: S3's smallest (every part but the
 * last must reach it), so a write never holds more than this in memory. A
 * file that fits in one part goes up in a single PutObject.
 */
export const PART_BYTES = 5 * 1024 * 1024;

/**
 * Files as objects in an S3-compatible bucket, under
 * `<IGNY8_S3_PREFIX><area>/<key>`: an option for operators who keep blobs out
 * of the database. Every process on every machine reads what any other
 * wrote, as with the database storage.
 *
 * An object appears only once its PutObject or CompleteMultipartUpload
 * succeeds, so a write cut short is never readable; a failed write aborts
 * its multipart upload. Uploads a crashed process left open are invisible
 * to list() (no sweeper sees them): the bucket's lifecycle rule
 * AbortIncompleteMultipartUpload removes them, as the README says.
 */
export class S3FileStorage implements FileStorage {
	/** `<prefix><area>/`: what every object key of this storage starts with. */
	private readonly root: string;

	constructor(
		private readonly client: S3Client,
		private readonly config: S3StorageConfig,
		area: string
	) {
		this.root = `${ config.prefix }${ area }/`;
	}

	async write(
		prefix: string,
		source: Readable,
		extension = ''
	): Promise< { key: string; size: number } > {
		const key = path.posix.join(
			...prefix.split( '/' ).filter( Boolean ),
			`${ randomUUID() }${ extension }`
		);
		let upload: MultipartUpload | null = null;
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		let size = 0;
		/** Once the object may exist: its last request has gone out. */
		let finishing = false;
		try {
			for await ( const piece of source ) {
				const bytes = Buffer.isBuffer( piece )
					? piece
					: Buffer.from( piece as Uint8Array | string );
				pending.push( bytes );
				pendingBytes += bytes.length;
				size += bytes.length;
				while ( pendingBytes >= PART_BYTES ) {
					const buffer = Buffer.concat( pending, pendingBytes );
					upload ??= await this.startUpload( key );
					await upload.add( buffer.subarray( 0, PART_BYTES ) );
					const rest = buffer.subarray( PART_BYTES );
					pending = rest.length ? [ rest ] : [];
					pendingBytes = rest.length;
				}
			}
			const last = Buffer.concat( pending, pendingBytes );
			if ( upload ) {
				if ( last.length ) {
					await upload.add( last );
				}
				finishing = true;
				await upload.complete();
			} else {
				finishing = true;
				await this.call( 'store', key, () =>
					this.client.send(
						new PutObjectCommand( {
							...this.where( key ),
							Body: last,
							ContentLength: last.length,
						} )
					)
				);
			}
		} catch ( error ) {
			await upload?.abort();
			if ( finishing ) {
				// A request whose answer was lost may still have made the object.
				await this.remove( key ).catch( () => undefined );
			}
			throw error;
		}
		return { key, size };
	}

	read(
		key: string,
		range: { start?: number; end?: number } = {}
	): Readable {
		return Readable.from( this.download( key, range ) );
	}

	async size( key: string ): Promise< number > {
		const head = await this.call( 'read the size of', key, () =>
			this.client.send( new HeadObjectCommand( this.where( key ) ) )
		);
		return head.ContentLength ?? 0;
	}

	async remove( key: string ): Promise< void > {
		// S3 answers a delete of a missing key with success, as `rm -f` does.
		await this.call( 'delete', key, () =>
			this.client.send( new DeleteObjectCommand( this.where( key ) ) )
		);
	}

	async *list(
		prefix: string
	): AsyncIterable< { key: string; modifiedAt: Date } > {
		const folder = `${ prefix.split( '/' ).filter( Boolean ).join( '/' ) }/`;
		let token: string | undefined;
		do {
			const page = await this.call( 'list', folder, () =>
				this.client.send(
					new ListObjectsV2Command( {
						Bucket: this.config.bucket,
						Prefix: this.root + folder,
						ContinuationToken: token,
					} )
				)
			);
			for ( const object of page.Contents ?? [] ) {
				if ( object.Key?.startsWith( this.root ) ) {
					yield {
						key: object.Key.slice( this.root.length ),
						modifiedAt: object.LastModified ?? new Date( 0 ),
					};
				}
			}
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while ( token );
	}

	private async *download(
		key: string,
		range: { start?: number; end?: number }
	): AsyncGenerator< Buffer > {
		const start = Math.max( 0, range.start ?? 0 );
		const ranged = range.start !== undefined || range.end !== undefined;
		if ( range.end !== undefined && range.end < start ) {
			// No bytes wanted, but a missing key still says so, as elsewhere.
			await this.size( key );
			return;
		}
		let body: Readable;
		try {
			const object = await this.client.send(
				new GetObjectCommand( {
					...this.where( key ),
					Range: ranged
						? `bytes=${ start }-${ range.end ?? '' }`
						: undefined,
				} )
			);
			body = object.Body as Readable;
		} catch ( error ) {
			if ( isPastEnd( error ) ) {
				return;
			}
			throw this.failure( error, 'read', key );
		}
		try {
			for await ( const piece of body ) {
				yield piece as Buffer;
			}
		} catch ( error ) {
			throw this.failure( error, 'read', key );
		} finally {
			// A reader that stopped early (a client hung up) frees the connection.
			body.destroy();
		}
	}

	private async startUpload( key: string ): Promise< MultipartUpload > {
		const where = this.where( key );
		const created = await this.call( 'start uploading', key, () =>
			this.client.send( new CreateMultipartUploadCommand( where ) )
		);
		const uploadId = created.UploadId!;
		const parts: CompletedPart[] = [];
		return {
			add: async ( bytes ) => {
				const PartNumber = parts.length + 1;
				const uploaded = await this.call(
					`upload part ${ PartNumber } of`,
					key,
					() =>
						this.client.send(
							new UploadPartCommand( {
								...where,
								UploadId: uploadId,
								PartNumber,
								Body: bytes,
								ContentLength: bytes.length,
							} )
						)
				);
				parts.push( { PartNumber, ETag: uploaded.ETag } );
			},
			complete: async () => {
				await this.call( 'finish uploading', key, () =>
					this.client.send(
						new CompleteMultipartUploadCommand( {
							...where,
							UploadId: uploadId,
							MultipartUpload: { Parts: parts },
						} )
					)
				);
			},
			abort: async () => {
				await this.client
					.send(
						new AbortMultipartUploadCommand( {
							...where,
							UploadId: uploadId,
						} )
					)
					.catch( () => undefined );
			},
		};
	}

	private where( key: string ): { Bucket: string; Key: string } {
		return { Bucket: this.config.bucket, Key: this.root + key };
	}

	private async call< T >(
		action: string,
		key: string,
		send: () => Promise< T >
	): Promise< T > {
		try {
			return await send();
		} catch ( error ) {
			throw this.failure( error, action, key );
		}
	}

	private failure( error: unknown, action: string, key: string ): Error {
		return storageFailure( error, action, key, {
			bucket: this.config.bucket,
			objectKey: this.root + key,
		} );
	}
}

/** One multipart upload in progress: parts in order, then complete, or abort (never throws). */
type MultipartUpload = {
	add( bytes: Buffer ): Promise< void >;
	complete(): Promise< void >;
	abort(): Promise< void >;
};

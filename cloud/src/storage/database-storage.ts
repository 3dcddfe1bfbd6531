import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { FileStorage } from './file-storage';
import { notFound } from './not-found';

/** Bytes per stored chunk: large enough to keep rows few, small enough to stream. */
export const CHUNK_BYTES = 1024 * 1024;
/** Bytes per piece a read yields: a local file stream's default. */
const READ_PIECE_BYTES = 64 * 1024;

type FileRow = { size: string | number; complete: boolean };

/**
 * Files in PostgreSQL (`stored_files` and its 1 MiB `stored_file_chunks`),
 * the default: every process of every role, on any machine, reads what any
 * other wrote, with nothing shared but the database. Writes stream chunk by
 * chunk without holding a transaction (an upload's pauses never pin a
 * connection) and the file becomes readable only once its last chunk is in;
 * a write cut short leaves an incomplete row that list() shows, so the
 * sweepers that clean up crashed writes find it as they would a `.partial`
 * file. `namespace` keeps areas (uploads, generated images) apart.
 */
export class DatabaseFileStorage implements FileStorage {
	constructor(
		private readonly sequelize: Sequelize,
		private readonly namespace: string
	) {}

	async write(
		prefix: string,
		source: Readable,
		extension = ''
	): Promise< { key: string; size: number } > {
		const key = path.posix.join(
			...prefix.split( '/' ).filter( Boolean ),
			`${ randomUUID() }${ extension }`
		);
		const id = this.idOf( key );
		await this.sequelize.query(
			'INSERT INTO stored_files (key, size, complete) VALUES ($1, 0, false)',
			{ bind: [ id ] }
		);
		let seq = 0;
		let size = 0;
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		const flush = async ( all: boolean ) => {
			let buffer = Buffer.concat( pending, pendingBytes );
			while ( buffer.length >= CHUNK_BYTES || ( all && buffer.length ) ) {
				const chunk = buffer.subarray( 0, CHUNK_BYTES );
				await this.sequelize.query(
					'INSERT INTO stored_file_chunks (key, seq, bytes) VALUES ($1, $2, $3)',
					{ bind: [ id, seq, chunk ] }
				);
				seq += 1;
				buffer = buffer.subarray( chunk.length );
			}
			pending = buffer.length ? [ buffer ] : [];
			pendingBytes = buffer.length;
		};
		try {
			for await ( const piece of source ) {
				const bytes = Buffer.isBuffer( piece )
					? piece
					: Buffer.from( piece as Uint8Array | string );
				pending.push( bytes );
				pendingBytes += bytes.length;
				size += bytes.length;
				if ( pendingBytes >= CHUNK_BYTES ) {
					await flush( false );
				}
			}
			await flush( true );
			await this.sequelize.query(
				'UPDATE stored_files SET size = $2, complete = true, modified_at = NOW() WHERE key = $1',
				{ bind: [ id, size ] }
			);
		} catch ( error ) {
			await this.remove( key ).catch( () => undefined );
			throw error;
		}
		return { key, size };
	}

	read(
		key: string,
		range: { start?: number; end?: number } = {}
	): Readable {
		return Readable.from( this.chunks( key, range ) );
	}

	async size( key: string ): Promise< number > {
		return Number( ( await this.complete( key ) ).size );
	}

	async remove( key: string ): Promise< void > {
		await this.sequelize.query( 'DELETE FROM stored_files WHERE key = $1', {
			bind: [ this.idOf( key ) ],
		} );
	}

	async *list(
		prefix: string
	): AsyncIterable< { key: string; modifiedAt: Date } > {
		const start = this.idOf(
			`${ prefix.split( '/' ).filter( Boolean ).join( '/' ) }/`
		);
		// starts_with, not LIKE: keys may hold `%` or `_`.
		const rows = await this.sequelize.query< {
			key: string;
			modified_at: Date;
		} >(
			'SELECT key, modified_at FROM stored_files WHERE starts_with(key, $1) ORDER BY key',
			{ bind: [ start ], type: QueryTypes.SELECT }
		);
		for ( const row of rows ) {
			yield {
				key: row.key.slice( this.namespace.length + 1 ),
				modifiedAt: new Date( row.modified_at ),
			};
		}
	}

	private async *chunks(
		key: string,
		range: { start?: number; end?: number }
	): AsyncGenerator< Buffer > {
		const size = Number( ( await this.complete( key ) ).size );
		const start = Math.max( 0, range.start ?? 0 );
		const end = Math.min( size - 1, range.end ?? size - 1 );
		if ( end < start ) {
			return;
		}
		const id = this.idOf( key );
		for (
			let seq = Math.floor( start / CHUNK_BYTES );
			seq <= Math.floor( end / CHUNK_BYTES );
			seq++
		) {
			const [ row ] = await this.sequelize.query< {
				bytes: Buffer | Uint8Array;
			} >(
				'SELECT bytes FROM stored_file_chunks WHERE key = $1 AND seq = $2',
				{ bind: [ id, seq ], type: QueryTypes.SELECT }
			);
			if ( ! row ) {
				throw notFound( key );
			}
			const bytes = Buffer.from( row.bytes );
			const offset = seq * CHUNK_BYTES;
			const wanted = bytes.subarray(
				Math.max( 0, start - offset ),
				Math.min( bytes.length, end - offset + 1 )
			);
			// In pieces the size a file stream reads, so readers report progress as often.
			for ( let at = 0; at < wanted.length; at += READ_PIECE_BYTES ) {
				yield wanted.subarray( at, at + READ_PIECE_BYTES );
			}
		}
	}

	private async complete( key: string ): Promise< FileRow > {
		const [ row ] = await this.sequelize.query< FileRow >(
			'SELECT size, complete FROM stored_files WHERE key = $1',
			{ bind: [ this.idOf( key ) ], type: QueryTypes.SELECT }
		);
		if ( ! row?.complete ) {
			throw notFound( key );
		}
		return row;
	}

	private idOf( key: string ): string {
		return `${ this.namespace }:${ key }`;
	}
}

import path from 'node:path';
import { Readable } from 'node:stream';
import type { FileStorage } from './file-storage';

/**
 * Generated images: stored under a random key and served back by the cloud
 * at a URL without credentials, because WordPress sideloads them from a
 * plain HTTP GET. The key is the secret: a random UUID (122 random bits) per
 * file, never derived from ids, so URLs cannot be guessed or enumerated.
 * Files are immutable (a regenerated image gets a new key), which lets the
 * URL be cached for good.
 */

const EXTENSIONS: Record< string, string > = {
	'image/png': '.png',
	'image/jpeg': '.jpg',
	'image/webp': '.webp',
};
const FILE_NAME =
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(png|jpg|webp)$/;
const PREFIX = 'generated';

/** The path the cloud serves a stored image at, under /api/v1. */
export const IMAGE_FILE_PATH = '/writer/images/files/';

export class ImageStore {
	constructor(
		private readonly files: FileStorage,
		/** The cloud's public base URL, without a trailing slash. */
		private readonly publicUrl: string
	) {}

	async put(
		bytes: Buffer,
		mime: string
	): Promise< { key: string; url: string; size: number } > {
		const extension = EXTENSIONS[ mime ];
		if ( ! extension ) {
			throw new Error( `Not an image type the cloud stores: ${ mime }` );
		}
		const { key, size } = await this.files.write(
			PREFIX,
			Readable.from( [ bytes ] ),
			extension
		);
		return { key, url: this.urlOf( key ), size };
	}

	urlOf( key: string ): string {
		return `${ this.publicUrl }/api/v1${ IMAGE_FILE_PATH }${ path.posix.basename( key ) }`;
	}

	/** The key a served file name stands for; null for anything that is not one of ours. */
	keyOf( fileName: string ): string | null {
		return FILE_NAME.test( fileName ) ? `${ PREFIX }/${ fileName }` : null;
	}

	mimeOf( key: string ): string {
		const extension = path.posix.extname( key );
		return (
			Object.entries( EXTENSIONS ).find(
				( [ , ext ] ) => ext === extension
			)?.[ 0 ] ?? 'application/octet-stream'
		);
	}

	open( key: string ): Readable {
		return this.files.read( key );
	}

	size( key: string ): Promise< number > {
		return this.files.size( key );
	}

	async remove( key: string ): Promise< void > {
		await this.files.remove( key );
	}

	/** Every file under the generated-images prefix, `.partial` leftovers of crashed writes included. */
	list(): AsyncIterable< { key: string; modifiedAt: Date } > {
		return this.files.list( PREFIX );
	}
}

import type { Request } from 'express';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { ApiError, ValidationError } from '../../../http/errors';

/**
 * Reads a multipart/form-data request as it arrives: text fields are
 * collected (small, limited), the one `file` part is handed to `onFile` as a
 * stream, so the upload is never held in memory whole.
 */
export type Upload< T > = {
	fields: Record< string, string >;
	file?: { filename: string; result: T };
};

export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

export async function receiveUpload< T >(
	req: Request,
	onFile: ( stream: Readable, filename: string ) => Promise< T >,
	options: { maxBytes?: number } = {}
): Promise< Upload< T > > {
	if ( ! req.is( 'multipart/form-data' ) ) {
		throw new ApiError(
			'unsupported_media_type',
			'Send the file as multipart/form-data, in a part named "file".'
		);
	}
	const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
	let parser: busboy.Busboy;
	try {
		parser = busboy( {
			headers: req.headers,
			limits: {
				files: 1,
				fileSize: maxBytes,
				fields: 20,
				fieldSize: 64 * 1024,
			},
		} );
	} catch ( error ) {
		throw new ValidationError(
			`Malformed multipart request: ${ ( error as Error ).message }`
		);
	}
	return new Promise( ( resolve, reject ) => {
		const fields: Record< string, string > = {};
		let pending: Promise< { filename: string; result: T } > | undefined;
		let truncated = false;
		parser.on( 'field', ( name, value ) => {
			fields[ name ] = value;
		} );
		parser.on( 'file', ( name, stream, info ) => {
			if ( name !== 'file' || pending ) {
				stream.resume();
				return;
			}
			stream.on( 'limit', () => {
				truncated = true;
			} );
			pending = onFile( stream, info.filename || 'upload.csv' ).then(
				( result ) => ( {
					filename: info.filename || 'upload.csv',
					result,
				} )
			);
			// Settled below; keep an early failure from being reported as unhandled.
			pending.catch( () => undefined );
		} );
		parser.on( 'error', ( error: Error ) =>
			reject(
				new ValidationError(
					`Malformed multipart request: ${ error.message }`
				)
			)
		);
		parser.on( 'close', () => {
			( pending ?? Promise.resolve( undefined ) ).then( ( file ) => {
				if ( truncated ) {
					reject(
						Object.assign(
							new ApiError(
								'payload_too_large',
								`The file is larger than ${ Math.round( maxBytes / 1024 / 1024 ) } MB.`
							),
							{ upload: file }
						)
					);
					return;
				}
				resolve( { fields, file } );
			}, reject );
		} );
		req.pipe( parser );
	} );
}

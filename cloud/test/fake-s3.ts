import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';

/**
 * A local S3-compatible server for tests: the one edge of the S3 storage we
 * do not own. Real HTTP on a free port, path-style (`/<bucket>/<key>`),
 * spoken to by the real `@aws-sdk/client-s3`. It keeps objects and open
 * multipart uploads in memory, enforces what S3 enforces that our code could
 * get wrong (the 5 MiB smallest part, part ETags, checksums, ranges), and
 * refuses a request that is not SigV4-signed with the expected access key
 * (it does not recompute signatures). Failures are scripted per operation.
 */

export type FakeS3Operation =
	| 'PutObject'
	| 'GetObject'
	| 'HeadObject'
	| 'DeleteObject'
	| 'ListObjectsV2'
	| 'CreateMultipartUpload'
	| 'UploadPart'
	| 'CompleteMultipartUpload'
	| 'AbortMultipartUpload';

export type FakeS3Request = {
	operation: FakeS3Operation | 'Unknown';
	method: string;
	key: string | null;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	bytes: number;
};

export type FakeS3Failure =
	/** An S3 error answer (XML body, none for HEAD). */
	| { status: number; code?: string; message?: string }
	/** The connection dropped before any answer. */
	| { reset: true }
	/** GetObject only: the headers and this many bytes, then the connection drops. */
	| { cutAfterBytes: number };

export type FakeS3Object = { bytes: Buffer; modifiedAt: Date; etag: string };

export type FakeS3 = {
	/** The endpoint (IGNY8_S3_ENDPOINT), e.g. `http://127.0.0.1:1234`. */
	url: string;
	bucket: string;
	/** Every request, oldest first. */
	requests: FakeS3Request[];
	/** Stored objects by full key. */
	objects: Map< string, FakeS3Object >;
	/** Multipart uploads begun and neither completed nor aborted, by upload id. */
	uploads: Map< string, { key: string; parts: Map< number, Buffer > } >;
	/** Answers an operation's next `times` requests (default: all) with a failure. */
	fail(
		operation: FakeS3Operation,
		failure: FakeS3Failure,
		times?: number
	): void;
	received( operation: FakeS3Operation ): FakeS3Request[];
	/** Forgets failures and the request log; objects stay. */
	reset(): void;
	close(): Promise< void >;
};

/** S3's smallest part, for every part of an upload but the last. */
const MIN_PART_BYTES = 5 * 1024 * 1024;

export async function startFakeS3(
	options: {
		bucket?: string;
		accessKeyId?: string;
		/** Keys per ListObjectsV2 page (S3: 1000), small to exercise paging. */
		pageSize?: number;
	} = {}
): Promise< FakeS3 > {
	const bucket = options.bucket ?? 'igny8-test';
	const accessKeyId = options.accessKeyId ?? 'AKIAFAKES3TEST';
	const pageSize = options.pageSize ?? 1000;
	const requests: FakeS3Request[] = [];
	const objects = new Map< string, FakeS3Object >();
	const uploads: FakeS3[ 'uploads' ] = new Map();
	let failures: {
		operation: FakeS3Operation;
		failure: FakeS3Failure;
		left: number;
	}[] = [];
	const sockets = new Set< Socket >();

	const server = http.createServer( ( req, res ) => {
		const chunks: Buffer[] = [];
		req.on( 'data', ( chunk: Buffer ) => chunks.push( chunk ) );
		req.on( 'end', () => {
			const body = Buffer.concat( chunks );
			const url = new URL( req.url ?? '/', 'http://fake-s3' );
			const [ , bucketName = '', ...rest ] = url.pathname.split( '/' );
			// The SDK lists at `/<bucket>/`: an empty key is the bucket itself.
			const key = rest.map( decodeURIComponent ).join( '/' ) || null;
			const method = req.method ?? 'GET';
			const operation = operationOf( method, key, url.searchParams );
			requests.push( {
				operation,
				method,
				key,
				query: url.searchParams,
				headers: req.headers,
				bytes: body.length,
			} );
			const head = method === 'HEAD';
			const refuse = ( status: number, code: string, message: string ) =>
				sendError( res, status, code, message, head );

			const unsigned = signingProblem( req.headers, accessKeyId );
			if ( unsigned ) {
				return refuse( 403, 'AccessDenied', unsigned );
			}
			if ( decodeURIComponent( bucketName ) !== bucket ) {
				return refuse(
					404,
					'NoSuchBucket',
					'The specified bucket does not exist'
				);
			}
			if ( operation === 'Unknown' ) {
				return refuse(
					501,
					'NotImplemented',
					`The fake does not serve ${ method } ${ url.pathname }${ url.search }`
				);
			}
			const scripted = failures.find(
				( f ) => f.operation === operation && f.left > 0
			);
			if ( scripted ) {
				scripted.left -= 1;
				const { failure } = scripted;
				if ( 'reset' in failure ) {
					req.socket.destroy();
					return;
				}
				if ( 'status' in failure ) {
					return refuse(
						failure.status,
						failure.code ?? 'InternalError',
						failure.message ??
							'We encountered an internal error. Please try again.'
					);
				}
			}
			const cutAfter =
				scripted && 'cutAfterBytes' in scripted.failure
					? scripted.failure.cutAfterBytes
					: undefined;
			const bodyProblem = checkBody( req.headers, body );
			if ( bodyProblem ) {
				return refuse(
					bodyProblem.status,
					bodyProblem.code,
					bodyProblem.message
				);
			}

			switch ( operation ) {
				case 'PutObject': {
					const object = store( objects, key!, body );
					res.writeHead( 200, { etag: object.etag } );
					return res.end();
				}
				case 'HeadObject':
				case 'GetObject': {
					const object = objects.get( key! );
					if ( ! object ) {
						return refuse(
							404,
							'NoSuchKey',
							'The specified key does not exist.'
						);
					}
					return sendObject( req, res, object, head, cutAfter );
				}
				case 'DeleteObject':
					objects.delete( key! );
					res.writeHead( 204 );
					return res.end();
				case 'ListObjectsV2':
					return sendList(
						res,
						bucket,
						objects,
						url.searchParams,
						pageSize
					);
				case 'CreateMultipartUpload': {
					const uploadId = randomUUID();
					uploads.set( uploadId, { key: key!, parts: new Map() } );
					return sendXml(
						res,
						200,
						`<InitiateMultipartUploadResult><Bucket>${ bucket }</Bucket><Key>${ escapeXml(
							key!
						) }</Key><UploadId>${ uploadId }</UploadId></InitiateMultipartUploadResult>`
					);
				}
				case 'UploadPart': {
					const upload = uploads.get(
						url.searchParams.get( 'uploadId' ) ?? ''
					);
					const partNumber = Number(
						url.searchParams.get( 'partNumber' )
					);
					if ( ! upload || upload.key !== key ) {
						return refuse(
							404,
							'NoSuchUpload',
							'The specified upload does not exist.'
						);
					}
					upload.parts.set( partNumber, body );
					res.writeHead( 200, { etag: etagOf( body ) } );
					return res.end();
				}
				case 'CompleteMultipartUpload':
					return completeUpload(
						res,
						uploads,
						objects,
						url.searchParams.get( 'uploadId' ) ?? '',
						key!,
						body.toString( 'utf8' ),
						bucket
					);
				case 'AbortMultipartUpload':
					uploads.delete( url.searchParams.get( 'uploadId' ) ?? '' );
					res.writeHead( 204 );
					return res.end();
			}
		} );
	} );
	server.on( 'connection', ( socket ) => {
		sockets.add( socket );
		socket.on( 'close', () => sockets.delete( socket ) );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${ port }`,
		bucket,
		requests,
		objects,
		uploads,
		fail( operation, failure, times = Infinity ) {
			failures.push( { operation, failure, left: times } );
		},
		received: ( operation ) =>
			requests.filter( ( r ) => r.operation === operation ),
		reset() {
			failures = [];
			requests.length = 0;
		},
		close: () =>
			new Promise< void >( ( resolve ) => {
				for ( const socket of sockets ) {
					socket.destroy();
				}
				server.close( () => resolve() );
			} ),
	};
}

function operationOf(
	method: string,
	key: string | null,
	query: URLSearchParams
): FakeS3Operation | 'Unknown' {
	if ( key === null ) {
		return method === 'GET' && query.get( 'list-type' ) === '2'
			? 'ListObjectsV2'
			: 'Unknown';
	}
	const uploadId = query.has( 'uploadId' );
	switch ( method ) {
		case 'PUT':
			return uploadId && query.has( 'partNumber' )
				? 'UploadPart'
				: 'PutObject';
		case 'GET':
			return 'GetObject';
		case 'HEAD':
			return 'HeadObject';
		case 'POST':
			if ( query.has( 'uploads' ) ) {
				return 'CreateMultipartUpload';
			}
			return uploadId ? 'CompleteMultipartUpload' : 'Unknown';
		case 'DELETE':
			return uploadId ? 'AbortMultipartUpload' : 'DeleteObject';
		default:
			return 'Unknown';
	}
}

/** What is wrong with a request's SigV4 headers; null when it looks signed by our key. */
function signingProblem(
	headers: http.IncomingHttpHeaders,
	accessKeyId: string
): string | null {
	const authorization = headers.authorization ?? '';
	if (
		! authorization.startsWith(
			`AWS4-HMAC-SHA256 Credential=${ accessKeyId }/`
		) ||
		! /SignedHeaders=[^,]*host/.test( authorization ) ||
		! /Signature=[0-9a-f]{64}$/.test( authorization )
	) {
		return `Not signed with SigV4 by ${ accessKeyId }: ${ authorization || 'no Authorization header' }`;
	}
	if ( ! headers[ 'x-amz-date' ] || ! headers[ 'x-amz-content-sha256' ] ) {
		return 'Signed without x-amz-date or x-amz-content-sha256';
	}
	return null;
}

/** Checks the body against what the client declared about it, as S3 does. */
function checkBody(
	headers: http.IncomingHttpHeaders,
	body: Buffer
): { status: number; code: string; message: string } | null {
	if (
		String( headers[ 'content-encoding' ] ?? '' ).includes( 'aws-chunked' )
	) {
		return {
			status: 501,
			code: 'NotImplemented',
			message: 'The fake does not decode aws-chunked bodies',
		};
	}
	const sha256 = headers[ 'x-amz-content-sha256' ];
	if (
		typeof sha256 === 'string' &&
		/^[0-9a-f]{64}$/.test( sha256 ) &&
		createHash( 'sha256' ).update( body ).digest( 'hex' ) !== sha256
	) {
		return {
			status: 400,
			code: 'XAmzContentSHA256Mismatch',
			message: 'The provided x-amz-content-sha256 does not match',
		};
	}
	const crc32 = headers[ 'x-amz-checksum-crc32' ];
	if ( typeof crc32 === 'string' ) {
		const actual = Buffer.alloc( 4 );
		actual.writeUInt32BE( zlib.crc32( body ) );
		if ( actual.toString( 'base64' ) !== crc32 ) {
			return {
				status: 400,
				code: 'BadDigest',
				message:
					'The CRC32 you specified did not match the calculated checksum.',
			};
		}
	}
	return null;
}

function etagOf( bytes: Buffer ): string {
	return `"${ createHash( 'md5' ).update( bytes ).digest( 'hex' ) }"`;
}

function store(
	objects: Map< string, FakeS3Object >,
	key: string,
	bytes: Buffer,
	etag = etagOf( bytes )
): FakeS3Object {
	const object = { bytes, modifiedAt: new Date(), etag };
	objects.set( key, object );
	return object;
}

function sendObject(
	req: http.IncomingMessage,
	res: http.ServerResponse,
	object: FakeS3Object,
	head: boolean,
	cutAfter: number | undefined
): void {
	const size = object.bytes.length;
	const headers: http.OutgoingHttpHeaders = {
		etag: object.etag,
		'last-modified': object.modifiedAt.toUTCString(),
		'content-type': 'application/octet-stream',
		'accept-ranges': 'bytes',
	};
	let status = 200;
	let bytes = object.bytes;
	const range = head ? undefined : req.headers.range;
	if ( range ) {
		const match = /^bytes=(\d+)-(\d*)$/.exec( range );
		if ( ! match ) {
			return sendError(
				res,
				400,
				'InvalidArgument',
				`Unsupported Range ${ range }`
			);
		}
		const start = Number( match[ 1 ] );
		const end = Math.min(
			size - 1,
			match[ 2 ] ? Number( match[ 2 ] ) : size - 1
		);
		if ( start >= size || end < start ) {
			res.setHeader( 'content-range', `bytes */${ size }` );
			return sendError(
				res,
				416,
				'InvalidRange',
				'The requested range is not satisfiable'
			);
		}
		status = 206;
		bytes = object.bytes.subarray( start, end + 1 );
		headers[ 'content-range' ] = `bytes ${ start }-${ end }/${ size }`;
	}
	headers[ 'content-length' ] = bytes.length;
	res.writeHead( status, headers );
	if ( head ) {
		res.end();
	} else if ( cutAfter !== undefined ) {
		res.write( bytes.subarray( 0, cutAfter ), () =>
			setTimeout( () => req.socket.destroy(), 20 )
		);
	} else {
		res.end( bytes );
	}
}

function sendList(
	res: http.ServerResponse,
	bucket: string,
	objects: Map< string, FakeS3Object >,
	query: URLSearchParams,
	pageSize: number
): void {
	if ( query.has( 'encoding-type' ) ) {
		return sendError(
			res,
			501,
			'NotImplemented',
			'The fake lists keys unencoded only'
		);
	}
	const prefix = query.get( 'prefix' ) ?? '';
	const after = query.has( 'continuation-token' )
		? Buffer.from( query.get( 'continuation-token' )!, 'base64' ).toString()
		: ( query.get( 'start-after' ) ?? '' );
	const max = Math.min( pageSize, Number( query.get( 'max-keys' ) ?? 1000 ) );
	// S3 lists in UTF-8 byte order.
	const keys = [ ...objects.keys() ]
		.filter( ( key ) => key.startsWith( prefix ) )
		.sort( ( a, b ) =>
			Buffer.compare( Buffer.from( a ), Buffer.from( b ) )
		)
		.filter(
			( key ) =>
				Buffer.compare( Buffer.from( key ), Buffer.from( after ) ) > 0
		);
	const page = keys.slice( 0, max );
	const truncated = keys.length > page.length;
	const contents = page
		.map( ( key ) => {
			const object = objects.get( key )!;
			return `<Contents><Key>${ escapeXml( key ) }</Key><LastModified>${ object.modifiedAt.toISOString() }</LastModified><ETag>${ escapeXml(
				object.etag
			) }</ETag><Size>${ object.bytes.length }</Size><StorageClass>STANDARD</StorageClass></Contents>`;
		} )
		.join( '' );
	const next = truncated
		? `<NextContinuationToken>${ Buffer.from( page.at( -1 )! ).toString(
				'base64'
			) }</NextContinuationToken>`
		: '';
	sendXml(
		res,
		200,
		`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${ bucket }</Name><Prefix>${ escapeXml(
			prefix
		) }</Prefix><KeyCount>${ page.length }</KeyCount><MaxKeys>${ max }</MaxKeys><IsTruncated>${ truncated }</IsTruncated>${ contents }${ next }</ListBucketResult>`
	);
}

function completeUpload(
	res: http.ServerResponse,
	uploads: FakeS3[ 'uploads' ],
	objects: Map< string, FakeS3Object >,
	uploadId: string,
	key: string,
	xml: string,
	bucket: string
): void {
	const upload = uploads.get( uploadId );
	if ( ! upload || upload.key !== key ) {
		return sendError(
			res,
			404,
			'NoSuchUpload',
			'The specified upload does not exist.'
		);
	}
	const listed = [
		...xml.matchAll(
			/<Part>\s*(?:<ETag>([^<]*)<\/ETag>\s*)?<PartNumber>(\d+)<\/PartNumber>\s*(?:<ETag>([^<]*)<\/ETag>\s*)?<\/Part>/g
		),
	].map( ( m ) => ( {
		number: Number( m[ 2 ] ),
		etag: unescapeXml( m[ 1 ] ?? m[ 3 ] ?? '' ),
	} ) );
	if ( ! listed.length ) {
		return sendError( res, 400, 'MalformedXML', 'No parts listed' );
	}
	const parts: Buffer[] = [];
	for ( const [ index, { number, etag } ] of listed.entries() ) {
		const bytes = upload.parts.get( number );
		if ( ! bytes || etagOf( bytes ) !== etag ) {
			return sendError(
				res,
				400,
				'InvalidPart',
				`Part ${ number } was not uploaded as listed`
			);
		}
		if ( index > 0 && listed[ index - 1 ]!.number >= number ) {
			return sendError(
				res,
				400,
				'InvalidPartOrder',
				'Parts must be listed in ascending order'
			);
		}
		if ( index < listed.length - 1 && bytes.length < MIN_PART_BYTES ) {
			return sendError(
				res,
				400,
				'EntityTooSmall',
				`Part ${ number } is smaller than 5 MiB`
			);
		}
		parts.push( bytes );
	}
	uploads.delete( uploadId );
	const object = store(
		objects,
		key,
		Buffer.concat( parts ),
		`"${ createHash( 'md5' )
			.update( parts.map( ( p ) => etagOf( p ) ).join( '' ) )
			.digest( 'hex' ) }-${ parts.length }"`
	);
	sendXml(
		res,
		200,
		`<CompleteMultipartUploadResult><Bucket>${ bucket }</Bucket><Key>${ escapeXml(
			key
		) }</Key><ETag>${ escapeXml( object.etag ) }</ETag></CompleteMultipartUploadResult>`
	);
}

function sendXml(
	res: http.ServerResponse,
	status: number,
	xml: string
): void {
	const text = `<?xml version="1.0" encoding="UTF-8"?>\n${ xml }`;
	res.writeHead( status, {
		'content-type': 'application/xml',
		'content-length': Buffer.byteLength( text ),
		'x-amz-request-id': randomUUID(),
	} );
	res.end( text );
}

function sendError(
	res: http.ServerResponse,
	status: number,
	code: string,
	message: string,
	head = false
): void {
	if ( head ) {
		res.writeHead( status, { 'x-amz-request-id': randomUUID() } );
		res.end();
		return;
	}
	sendXml(
		res,
		status,
		`<Error><Code>${ code }</Code><Message>${ escapeXml( message ) }</Message><RequestId>${ randomUUID() }</RequestId></Error>`
	);
}

function escapeXml( text: string ): string {
	return text
		.replace( /&/g, '&amp;' )
		.replace( /</g, '&lt;' )
		.replace( />/g, '&gt;' )
		.replace( /"/g, '&quot;' );
}

function unescapeXml( text: string ): string {
	return text
		.replace( /&quot;/g, '"' )
		.replace( /&gt;/g, '>' )
		.replace( /&lt;/g, '<' )
		.replace( /&amp;/g, '&' );
}

import {
	createCipheriv,
	createDecipheriv,
	createHash,
	randomBytes,
	timingSafeEqual,
} from 'node:crypto';

/** AES-256-GCM for secrets kept in the database: `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function encryptSecret( key: Buffer, plaintext: string ): string {
	const iv = randomBytes( 12 );
	const cipher = createCipheriv( 'aes-256-gcm', key, iv );
	const body = Buffer.concat( [
		cipher.update( plaintext, 'utf8' ),
		cipher.final(),
	] );
	return [ 'v1', iv, cipher.getAuthTag(), body ]
		.map( ( part ) =>
			typeof part === 'string' ? part : part.toString( 'base64url' )
		)
		.join( '.' );
}

export function decryptSecret( key: Buffer, sealed: string ): string {
	const [ version, iv, tag, body ] = sealed.split( '.' );
	if ( version !== 'v1' || ! iv || ! tag || body === undefined ) {
		throw new Error( 'Unrecognised encrypted value.' );
	}
	const decipher = createDecipheriv(
		'aes-256-gcm',
		key,
		Buffer.from( iv, 'base64url' )
	);
	decipher.setAuthTag( Buffer.from( tag, 'base64url' ) );
	return Buffer.concat( [
		decipher.update( Buffer.from( body, 'base64url' ) ),
		decipher.final(),
	] ).toString( 'utf8' );
}

/** For high-entropy tokens (API keys, refresh tokens): a fast hash is enough and lookups stay indexed. */
export function sha256( value: string ): string {
	return createHash( 'sha256' ).update( value ).digest( 'hex' );
}

export function randomToken( bytes = 32 ): string {
	return randomBytes( bytes ).toString( 'base64url' );
}

export function constantTimeEqual( a: string, b: string ): boolean {
	const left = Buffer.from( a );
	const right = Buffer.from( b );
	return left.length === right.length && timingSafeEqual( left, right );
}

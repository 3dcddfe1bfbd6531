import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../../config';

export type Secrets = {
	/** HMAC key for access tokens. */
	jwtSecret: string;
	/** 32-byte key for secrets stored in the database (AES-256-GCM). */
	encryptionKey: Buffer;
};

/**
 * Production passes both secrets in the environment. The embedded default
 * generates them once and keeps them in the data folder (mode 0600) so tokens
 * and encrypted columns survive a restart.
 */
export function loadSecrets( config: Config ): Secrets {
	if ( config.jwtSecret && config.encryptionKey ) {
		return {
			jwtSecret: config.jwtSecret,
			encryptionKey: decodeKey( config.encryptionKey ),
		};
	}
	if ( config.env === 'production' ) {
		throw new ConfigError(
			'JWT_SECRET and IGNY8_ENCRYPTION_KEY must be set in production'
		);
	}
	const file = path.join( config.dataDir, 'secrets.json' );
	let stored: { jwtSecret?: string; encryptionKey?: string } = {};
	if ( fs.existsSync( file ) ) {
		stored = JSON.parse( fs.readFileSync( file, 'utf8' ) );
	}
	if ( ! stored.jwtSecret || ! stored.encryptionKey ) {
		stored = {
			jwtSecret:
				stored.jwtSecret ?? randomBytes( 48 ).toString( 'base64url' ),
			encryptionKey:
				stored.encryptionKey ?? randomBytes( 32 ).toString( 'base64' ),
		};
		fs.mkdirSync( config.dataDir, { recursive: true } );
		fs.writeFileSync( file, JSON.stringify( stored, null, 2 ), {
			mode: 0o600,
		} );
	}
	return {
		jwtSecret: config.jwtSecret ?? ( stored.jwtSecret as string ),
		encryptionKey: decodeKey(
			config.encryptionKey ?? ( stored.encryptionKey as string )
		),
	};
}

function decodeKey( value: string ): Buffer {
	const key = Buffer.from( value, 'base64' );
	if ( key.length !== 32 ) {
		throw new ConfigError(
			'IGNY8_ENCRYPTION_KEY must be 32 bytes, base64-encoded'
		);
	}
	return key;
}

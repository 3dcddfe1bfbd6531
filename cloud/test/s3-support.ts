import type { Readable } from 'node:stream';
import type { FakeS3 } from './fake-s3';

/** What the fake S3 expects requests to be signed with. */
export const FAKE_S3_KEY_ID = 'AKIAFAKES3TEST';

/**
 * Puts the fake's credentials where the SDK's default chain finds them
 * first (the environment), as an operator would; answers how to undo it.
 */
export function useFakeS3Credentials(): () => void {
	const saved = {
		AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
		AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
		AWS_SESSION_TOKEN: process.env.AWS_SESSION_TOKEN,
	};
	process.env.AWS_ACCESS_KEY_ID = FAKE_S3_KEY_ID;
	process.env.AWS_SECRET_ACCESS_KEY = 'fake-s3-secret-key';
	delete process.env.AWS_SESSION_TOKEN;
	return () => {
		for ( const [ name, value ] of Object.entries( saved ) ) {
			if ( value === undefined ) {
				delete process.env[ name ];
			} else {
				process.env[ name ] = value;
			}
		}
	};
}

/** The cloud's environment for files in the fake's bucket. */
export function s3Env(
	fake: Pick< FakeS3, 'url' | 'bucket' >,
	prefix = 'igny8/test'
) {
	return {
		IGNY8_FILE_STORAGE: 's3',
		IGNY8_S3_BUCKET: fake.bucket,
		IGNY8_S3_REGION: 'us-east-1',
		IGNY8_S3_ENDPOINT: fake.url,
		IGNY8_S3_FORCE_PATH_STYLE: 'true',
		IGNY8_S3_PREFIX: prefix,
	};
}

export async function collect( stream: Readable ): Promise< Buffer > {
	const parts: Buffer[] = [];
	for await ( const part of stream ) {
		parts.push( Buffer.from( part as Buffer ) );
	}
	return Buffer.concat( parts );
}

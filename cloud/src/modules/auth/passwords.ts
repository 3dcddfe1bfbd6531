import { Algorithm, hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const PARAMS = {
	algorithm: Algorithm.Argon2id,
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1,
};

export function hashPassword( password: string ): Promise< string > {
	return hash( password, PARAMS );
}

let decoy: Promise< string > | undefined;

/**
 * Verifies a password. With no stored hash (unknown email) it still spends
 * the same work on a decoy, so response time does not reveal which emails exist.
 */
export async function verifyPassword(
	stored: string | undefined,
	password: string
): Promise< boolean > {
	if ( ! stored ) {
		decoy ??= hashPassword( 'decoy password for unknown accounts' );
		await verify( await decoy, password ).catch( () => false );
		return false;
	}
	try {
		return await verify( stored, password );
	} catch {
		return false;
	}
}

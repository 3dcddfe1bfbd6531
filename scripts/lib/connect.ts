import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/**
 * The embedded run's own tenant: an account, a site for the local WordPress
 * and that site's API key, created through the cloud's public API on the first
 * start and reused afterwards. The plugin gets the key, so WordPress starts
 * already connected. The owner's credentials stay in the data folder (0600)
 * for signing in to the cloud API by hand.
 */
export type LocalConnection = {
	email: string;
	password: string;
	siteId: number;
	apiKey: string;
};

type Envelope< T > = { success: boolean; data: T; error?: string };

async function call< T >(
	cloudUrl: string,
	method: string,
	path: string,
	options: { body?: unknown; token?: string; apiKey?: string } = {}
): Promise< { status: number; body: Envelope< T > } > {
	const response = await fetch( `${ cloudUrl }/api/v1${ path }`, {
		method,
		headers: {
			'content-type': 'application/json',
			...( options.token
				? { authorization: `Bearer ${ options.token }` }
				: {} ),
			...( options.apiKey ? { 'x-igny8-api-key': options.apiKey } : {} ),
		},
		body:
			options.body === undefined
				? undefined
				: JSON.stringify( options.body ),
	} );
	return {
		status: response.status,
		body: ( await response.json() ) as Envelope< T >,
	};
}

async function expectOk< T >(
	what: string,
	answer: Promise< { status: number; body: Envelope< T > } >
): Promise< T > {
	const { status, body } = await answer;
	if ( status >= 300 || ! body.success ) {
		throw new Error(
			`${ what } failed (${ status }): ${ body.error ?? JSON.stringify( body ) }`
		);
	}
	return body.data;
}

/** A list answer's rows (`results`), or a bare array. */
function listOf< T >( body: unknown ): T[] {
	if ( Array.isArray( body ) ) {
		return body as T[];
	}
	const results = ( body as { results?: unknown } | null )?.results;
	return Array.isArray( results ) ? ( results as T[] ) : [];
}

function read( file: string ): LocalConnection | undefined {
	try {
		return JSON.parse( fs.readFileSync( file, 'utf8' ) ) as LocalConnection;
	} catch {
		return undefined;
	}
}

export async function ensureLocalConnection( options: {
	cloudUrl: string;
	wordpressUrl: string;
	file: string;
	note( message: string ): void;
} ): Promise< LocalConnection > {
	const { cloudUrl, wordpressUrl, file, note } = options;
	const saved = read( file );
	if ( saved ) {
		// Once WordPress has paired with the key, the key is never accepted in
		// plain again: the owner signs in and checks the key is still live.
		const login = await call< { access: string } >(
			cloudUrl,
			'POST',
			'/auth/login/',
			{ body: { email: saved.email, password: saved.password } }
		);
		const keys =
			login.status === 200
				? await call< unknown >(
						cloudUrl,
						'GET',
						`/auth/sites/${ saved.siteId }/api-keys/`,
						{ token: login.body.data.access }
					)
				: undefined;
		const live =
			keys?.status === 200 &&
			listOf< { prefix: string; revoked_at: string | null } >(
				keys.body
			).some(
				( key ) =>
					key.prefix === saved.apiKey.slice( 0, key.prefix.length ) &&
					! key.revoked_at
			);
		if ( live ) {
			// The WordPress port may have changed since the last start.
			await expectOk(
				'Updating the local site',
				call( cloudUrl, 'PATCH', `/auth/sites/${ saved.siteId }/`, {
					token: login.body.data.access,
					body: { wordpress_url: wordpressUrl, domain: wordpressUrl },
				} )
			);
			note(
				`local cloud account ${ saved.email }, site ${ saved.siteId } (reused)`
			);
			return saved;
		}
		note(
			`the saved account or site key no longer works (${ keys?.status ?? login.status }); connecting afresh`
		);
	}
	const email = `admin-${ randomBytes( 3 ).toString( 'hex' ) }@igny8.local`;
	const password = randomBytes( 18 ).toString( 'base64url' );
	const tokens = await expectOk< { access: string } >(
		'Creating the local cloud account',
		call( cloudUrl, 'POST', '/auth/register/', {
			body: { account_name: 'Local IGNY8', email, password },
		} )
	);
	const site = await expectOk< { id: number } >(
		'Creating the local site',
		call( cloudUrl, 'POST', '/auth/sites/', {
			token: tokens.access,
			body: {
				name: 'Local WordPress',
				wordpress_url: wordpressUrl,
				domain: wordpressUrl,
			},
		} )
	);
	// Keywords, ideas and content live in a sector: start with one so the screens open ready.
	await expectOk(
		'Creating the site’s first sector',
		call( cloudUrl, 'POST', '/auth/sectors/', {
			token: tokens.access,
			body: { site_id: site.id, name: 'General' },
		} )
	);
	const key = await expectOk< { key: string } >(
		'Creating the site API key',
		call( cloudUrl, 'POST', `/auth/sites/${ site.id }/api-keys/`, {
			token: tokens.access,
			body: { name: 'npm start' },
		} )
	);
	const connection: LocalConnection = {
		email,
		password,
		siteId: site.id,
		apiKey: key.key,
	};
	fs.writeFileSync( file, JSON.stringify( connection, null, 2 ) + '\n', {
		mode: 0o600,
	} );
	note( `local cloud account ${ email } created, site ${ site.id }` );
	return connection;
}

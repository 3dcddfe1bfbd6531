/**
 * HTTP access to a test site: a tiny cookie jar, wp-admin login through the
 * real login form, and a REST client authenticated like wp-admin screens are
 * (logged-in cookie + `wp_rest` nonce).
 */

export interface WpUser {
	id: number;
	login: string;
	password: string;
	email: string;
	role: string;
}

export interface HttpResult< T = unknown > {
	status: number;
	headers: Headers;
	/** The response body parsed as JSON, or null when it is not JSON. */
	body: T;
	text: string;
}

export interface Cookie {
	name: string;
	value: string;
	path: string;
}

export class CookieJar {
	private readonly cookies = new Map< string, Cookie >();

	/** Stores the response's `Set-Cookie`s, forgetting expired ones. */
	absorb( headers: Headers ): void {
		for ( const line of headers.getSetCookie() ) {
			const [ pair = '', ...attributes ] = line.split( ';' );
			const separator = pair.indexOf( '=' );
			if ( separator < 1 ) {
				continue;
			}
			const name = pair.slice( 0, separator ).trim();
			const value = pair.slice( separator + 1 ).trim();
			let path = '/';
			let expired = value === '' || value === 'deleted';
			for ( const attribute of attributes ) {
				const [ key = '', attributeValue = '' ] = attribute
					.split( '=' )
					.map( ( part ) => part.trim() );
				const lower = key.toLowerCase();
				if ( lower === 'path' && attributeValue ) {
					path = attributeValue;
				} else if (
					lower === 'max-age' &&
					Number( attributeValue ) <= 0
				) {
					expired = true;
				} else if (
					lower === 'expires' &&
					Date.parse( attributeValue ) < Date.now()
				) {
					expired = true;
				}
			}
			const key = `${ name }\u0000${ path }`;
			if ( expired ) {
				this.cookies.delete( key );
			} else {
				this.cookies.set( key, { name, value, path } );
			}
		}
	}

	set( cookie: Cookie ): void {
		this.cookies.set( `${ cookie.name }\u0000${ cookie.path }`, cookie );
	}

	/** The `Cookie` header for a request to `pathname`. */
	header( pathname: string ): string {
		return [ ...this.cookies.values() ]
			.filter( ( cookie ) => pathname.startsWith( cookie.path ) )
			.map( ( cookie ) => `${ cookie.name }=${ cookie.value }` )
			.join( '; ' );
	}

	all(): Cookie[] {
		return [ ...this.cookies.values() ];
	}
}

async function toResult< T >( response: Response ): Promise< HttpResult< T > > {
	const text = await response.text();
	let body: unknown = null;
	if ( text !== '' ) {
		try {
			body = JSON.parse( text );
		} catch {
			body = null;
		}
	}
	return {
		status: response.status,
		headers: response.headers,
		body: body as T,
		text,
	};
}

export type Query = Record< string, string | number | boolean >;

/** REST client for one site, as one user (or anonymous). */
export class WpRestClient {
	constructor(
		readonly siteUrl: string,
		readonly user: WpUser | null,
		private readonly jar: CookieJar = new CookieJar(),
		private readonly nonce: string | null = null
	) {}

	get< T = unknown >(
		route: string,
		query?: Query
	): Promise< HttpResult< T > > {
		return this.request< T >( 'GET', route, undefined, query );
	}

	post< T = unknown >(
		route: string,
		body?: unknown
	): Promise< HttpResult< T > > {
		return this.request< T >( 'POST', route, body );
	}

	put< T = unknown >(
		route: string,
		body?: unknown
	): Promise< HttpResult< T > > {
		return this.request< T >( 'PUT', route, body );
	}

	delete< T = unknown >(
		route: string,
		query?: Query
	): Promise< HttpResult< T > > {
		return this.request< T >( 'DELETE', route, undefined, query );
	}

	/** Any REST request; `route` is e.g. `igny8/v1/connection` (served under /wp-json/). */
	async request< T = unknown >(
		method: string,
		route: string,
		body?: unknown,
		query?: Query
	): Promise< HttpResult< T > > {
		const url = new URL(
			`${ this.siteUrl }/wp-json/${ route.replace( /^\/+/, '' ) }`
		);
		for ( const [ key, value ] of Object.entries( query ?? {} ) ) {
			url.searchParams.set( key, String( value ) );
		}
		const headers: Record< string, string > = {
			Accept: 'application/json',
		};
		if ( this.nonce ) {
			headers[ 'X-WP-Nonce' ] = this.nonce;
		}
		if ( body !== undefined ) {
			headers[ 'Content-Type' ] = 'application/json';
		}
		return this.send< T >( url, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify( body ),
		} );
	}

	/** GETs any page of the site (e.g. `/wp-admin/admin.php?page=igny8`) with this session. */
	page( pathAndQuery: string ): Promise< HttpResult< null > > {
		return this.send< null >(
			new URL( pathAndQuery, `${ this.siteUrl }/` ),
			{ method: 'GET' }
		);
	}

	/** The session's cookies (e.g. to hand to a browser context). */
	cookies(): Cookie[] {
		return this.jar.all();
	}

	private async send< T >(
		url: URL,
		init: RequestInit
	): Promise< HttpResult< T > > {
		const headers = new Headers( init.headers );
		const cookie = this.jar.header( url.pathname );
		if ( cookie ) {
			headers.set( 'Cookie', cookie );
		}
		const response = await fetch( url, {
			...init,
			headers,
			redirect: 'manual',
		} );
		this.jar.absorb( response.headers );
		return toResult< T >( response );
	}
}

/**
 * Logs in through wp-login.php and fetches a REST nonce the way wp-admin does
 * (`admin-ajax.php?action=rest-nonce`).
 */
export async function loginRestClient(
	siteUrl: string,
	user: WpUser
): Promise< WpRestClient > {
	const jar = new CookieJar();
	jar.set( {
		name: 'wordpress_test_cookie',
		value: 'WP%20Cookie%20check',
		path: '/',
	} );
	const form = new URLSearchParams( {
		log: user.login,
		pwd: user.password,
		'wp-submit': 'Log In',
		redirect_to: `${ siteUrl }/wp-admin/`,
		testcookie: '1',
	} );
	const response = await fetch( `${ siteUrl }/wp-login.php`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Cookie: jar.header( '/wp-login.php' ),
		},
		body: form,
		redirect: 'manual',
	} );
	jar.absorb( response.headers );
	const loggedIn = jar
		.all()
		.some( ( cookie ) => cookie.name.startsWith( 'wordpress_logged_in_' ) );
	if ( response.status !== 302 || ! loggedIn ) {
		const text = await response.text();
		const reason = /<div id="login_error"[^>]*>([\s\S]*?)<\/div>/
			.exec( text )?.[ 1 ]
			?.replace( /<[^>]+>/g, '' )
			.trim();
		throw new Error(
			`Login as ${ user.login } failed (HTTP ${ response.status }): ${ reason ?? 'no auth cookie' }`
		);
	}
	const nonceResponse = await fetch(
		`${ siteUrl }/wp-admin/admin-ajax.php?action=rest-nonce`,
		{
			headers: { Cookie: jar.header( '/wp-admin/admin-ajax.php' ) },
			redirect: 'manual',
		}
	);
	const nonce = ( await nonceResponse.text() ).trim();
	if ( nonceResponse.status !== 200 || ! /^[0-9a-f]{10}$/.test( nonce ) ) {
		throw new Error(
			`Could not get a REST nonce for ${ user.login } (HTTP ${ nonceResponse.status }): ${ nonce.slice( 0, 200 ) }`
		);
	}
	return new WpRestClient( siteUrl, user, jar, nonce );
}

import { randomUUID } from 'node:crypto';
import {
	bridgeExportPageSchema,
	bridgeLinksApplySchema,
	bridgeLinksRemoveSchema,
	bridgePostItemSchema,
	bridgePostResultSchema,
	bridgePostWriteSchema,
	bridgeStructureApplySchema,
	bridgeStructureReportSchema,
	type BridgeExportPage,
	type BridgeLinksApply,
	type BridgeLinksRemove,
	type BridgePostItem,
	type BridgePostResult,
	type BridgePostWrite,
	type BridgeStructureApply,
	type BridgeStructureReport,
} from '@igny8/shared-types';
import type { z } from 'zod';
import { canonicalRequest, signRequest } from '../auth';
import {
	OUTBOUND_LIMITS,
	outboundErrorOf,
	type OutboundClient,
} from '../../net/outbound';

/**
 * The cloud's side of "Cloud → WordPress" in docs/bridge-protocol.md: every
 * call to the plugin carries the paired key's id, a timestamp, a fresh
 * request id and an HMAC (with the secret derived at pairing, never sent)
 * over the canonical request, so a captured call cannot be replayed or
 * altered and reveals no secret. Failures come back as typed errors the publisher and
 * the sync job decide on (retry, conflict, give up).
 *
 * The site's address is the tenant's to set, so every call goes through the
 * guarded outbound client (no internal addresses, capped answers, one
 * deadline, no credential follows a redirect). What the site answers is
 * parsed, never repeated: an error says what happened in words, plus IGNY8
 * Bridge's (or WordPress's REST API's) own explanation when it gave one.
 */

export class WpClientError extends Error {
	constructor(
		message: string,
		/** Worth trying again later: the site may come back. */
		readonly transient: boolean,
		readonly status?: number
	) {
		super( message );
		this.name = new.target.name;
	}
}
/** The site refused our credentials: retrying will not help until someone reconnects it. */
export class WpUnauthorizedError extends WpClientError {
	constructor( message: string ) {
		super( message, false, 401 );
	}
}
/** The post was edited in WordPress since our last push. */
export class WpConflictError extends WpClientError {
	constructor( readonly remote: WpPostResult ) {
		super(
			'The post was edited in WordPress since the last push.',
			false,
			409
		);
	}
}
/**
 * Links were not applied because the post was edited in WordPress since the
 * cloud read it (its `content_hash` is not the one sent): nothing changed.
 * `current` is the post as it is now, to re-check the suggestions against.
 */
export class WpLinksConflictError extends WpClientError {
	constructor( readonly current: BridgePostItem ) {
		super(
			'The post was edited in WordPress since the cloud read it; no link was applied.',
			false,
			409
		);
	}
}
/**
 * The site refused a link of the request (its text is not at the offsets
 * given, it would not wrap plain text, it overlaps another, its address is
 * not one a post may link to): nothing changed, no other link applied.
 */
export class WpLinkRefusedError extends WpClientError {
	constructor(
		message: string,
		/** The id of the refused link. */
		readonly linkId: string,
		/** The plugin's reason: `igny8_anchor_mismatch`, `igny8_link_unsafe`, `igny8_link_overlap`, `igny8_link_duplicate` or `igny8_link_bad_href`. */
		readonly code: string
	) {
		super( message, false, 422 );
	}
}
/** The post is not one the bridge may write (the cloud did not publish it and the owner did not hand it over). */
export class WpNotManagedError extends WpClientError {
	constructor( message: string ) {
		super( message, false, 403 );
	}
}
export class WpNotFoundError extends WpClientError {
	constructor( message: string ) {
		super( message, false, 404 );
	}
}
/** Network error, timeout, 5xx or 429. */
export class WpUnavailableError extends WpClientError {
	constructor( message: string, status?: number ) {
		super( message, true, status );
	}
}

/**
 * What a push answered, or the post a lookup found, as the cloud keeps it:
 * checked against the bridge contract, the address kept only when http(s).
 */
export type WpPostResult = Pick<
	BridgePostResult,
	'post_id' | 'url' | 'status' | 'content_hash'
> &
	Partial< Pick< BridgePostResult, 'modified_gmt' | 'featured_media_id' > >;

export type WpPostPayload = BridgePostWrite;
export type WpExportItem = BridgePostItem;
export type WpCursor = NonNullable< BridgeExportPage[ 'next_cursor' ] >;
export type WpExportPage = BridgeExportPage;
/** What an export covered (absent from plugins older than the scope). */
export type WpExportScope = NonNullable< BridgeExportPage[ 'scope' ] >;

export type WpClientOptions = {
	/** The site's `rest_url()`, e.g. `https://example.com/wp-json/` or `…/?rest_route=/`. */
	restUrl: string;
	/** The public id of the site key the site paired with (`X-IGNY8-Key-Id`). */
	keyId: number;
	/** The secret derived from that key at pairing; it is never sent. */
	signingSecret: string;
	outbound: OutboundClient;
	/** The whole call, answer included. */
	timeoutMs?: number;
	/** For tests: a clock other than now. */
	now?: () => number;
	/**
	 * Called once, after the first call the site authenticated and answered
	 * successfully: the site has the secret, so a key it replaced may retire.
	 */
	onAuthenticated?: () => Promise< void >;
};

const NAMESPACE = '/igny8/v1';

export {
	canonicalRequest,
	rawUrlEncode,
	sha256Hex,
	signRequest,
} from '../auth';

export class WpClient {
	private readonly timeoutMs: number;
	private readonly now: () => number;
	private confirmed = false;

	constructor( private readonly options: WpClientOptions ) {
		this.timeoutMs =
			options.timeoutMs ?? OUTBOUND_LIMITS.wordpress.timeoutMs;
		this.now = options.now ?? Date.now;
	}

	siteMetadata(): Promise< Record< string, unknown > > {
		return this.call( 'GET', 'site-metadata' );
	}

	async exportPosts( params: {
		postTypes?: string[];
		cursor?: WpCursor | null;
		modifiedAfter?: string | null;
		perPage: number;
	} ): Promise< WpExportPage > {
		const query: Record< string, string > = {
			per_page: String( params.perPage ),
		};
		if ( params.postTypes?.length ) {
			query.post_type = params.postTypes.join( ',' );
		}
		if ( params.cursor ) {
			query.modified_after = params.cursor.modified_after;
			query.after_id = String( params.cursor.after_id );
		} else if ( params.modifiedAfter ) {
			query.modified_after = params.modifiedAfter;
		}
		return fitted(
			bridgeExportPageSchema,
			await this.call< unknown >( 'GET', 'posts', query ),
			'post export'
		);
	}

	/** The post IGNY8 published for a content, as a push answers it, or null. */
	async postByContentId( contentId: number ): Promise< WpPostResult | null > {
		const body = await this.lookup( `post-by-content-id/${ contentId }` );
		return body === null ? null : postResultOf( body );
	}

	/** The whole post (text included) IGNY8 published for a content, or null. */
	async postItemByContentId(
		contentId: number
	): Promise< WpExportItem | null > {
		const body = await this.lookup( `post-by-content-id/${ contentId }` );
		return body === null ? null : itemOf( body );
	}

	/** A lookup's answer, or null when the site has no such post. */
	private async lookup( path: string ): Promise< unknown > {
		try {
			return await this.call< unknown >( 'GET', path );
		} catch ( error ) {
			if ( error instanceof WpNotFoundError ) {
				return null;
			}
			throw error;
		}
	}

	async upsertPost( payload: WpPostPayload ): Promise< WpPostResult > {
		checkPostPayload( payload );
		return postResultOf(
			await this.call< unknown >( 'POST', 'posts', {}, payload )
		);
	}

	/**
	 * Writes a content into a post that already exists in WordPress (a task
	 * naming an existing product to rewrite): `posts.update`, which the site
	 * allows only for posts IGNY8 made or the owner handed over
	 * (WpNotManagedError otherwise) and which never changes the post's type.
	 */
	async updatePost(
		postId: number,
		payload: WpPostPayload
	): Promise< WpPostResult > {
		checkPostPayload( payload );
		return postResultOf(
			await this.call< unknown >(
				'PUT',
				`posts/${ postId }`,
				{},
				payload
			)
		);
	}

	/**
	 * Wraps text of a post in the Linker's links (`posts.links.apply`).
	 * Throws WpLinksConflictError (edited since: carries the post as it is),
	 * WpLinkRefusedError (a link does not fit the post), WpNotManagedError,
	 * WpNotFoundError, or the errors every call may throw.
	 */
	async applyLinks(
		postId: number,
		body: BridgeLinksApply
	): Promise< WpExportItem > {
		return this.linksCall(
			`posts/${ postId }/links`,
			checked( bridgeLinksApplySchema, body, 'The links' )
		);
	}

	/** Unwraps the Linker's links of a post, all of them without `ids` (`posts.links.remove`). */
	async removeLinks(
		postId: number,
		body: BridgeLinksRemove = {}
	): Promise< WpExportItem > {
		return this.linksCall(
			`posts/${ postId }/links/remove`,
			checked( bridgeLinksRemoveSchema, body, 'The link removal' )
		);
	}

	/**
	 * Makes the site hold a Site Builder structure, or with `dry_run` says
	 * what that would do (`structure.apply`). The report is checked against
	 * the contract; the errors are those every call may throw.
	 */
	async applyStructure(
		body: BridgeStructureApply
	): Promise< BridgeStructureReport > {
		return fitted(
			bridgeStructureReportSchema,
			await this.call< unknown >(
				'POST',
				'site-structure',
				{},
				checked( bridgeStructureApplySchema, body, 'The structure' )
			),
			'structure report'
		);
	}

	private async linksCall(
		path: string,
		body: BridgeLinksApply | BridgeLinksRemove
	): Promise< WpExportItem > {
		return itemOf(
			await this.call< unknown >( 'POST', path, {}, body, linksErrorOf )
		);
	}

	private url( route: string, query: Record< string, string > ): URL {
		const base = new URL( this.options.restUrl );
		const routeParam = base.searchParams.get( 'rest_route' );
		if ( routeParam !== null ) {
			// Plain permalinks: the route travels in the query string.
			base.searchParams.set( 'rest_route', route );
		} else {
			base.pathname = `${ base.pathname.replace( /\/+$/, '' ) }${ route }`;
		}
		for ( const [ name, value ] of Object.entries( query ) ) {
			base.searchParams.set( name, value );
		}
		return base;
	}

	/**
	 * One signed call. `errorOf` may name the error for an answer that is not
	 * a success before the generic mapping does (a route whose 409 or 422
	 * carries more than a push's).
	 */
	async call< T >(
		method: 'GET' | 'POST' | 'PUT',
		path: string,
		query: Record< string, string > = {},
		payload?: unknown,
		errorOf?: ( status: number, body: unknown ) => WpClientError | undefined
	): Promise< T > {
		const route = `${ NAMESPACE }/${ path }`;
		const body = payload === undefined ? '' : JSON.stringify( payload );
		const timestamp = Math.floor( this.now() / 1000 );
		const requestId = randomUUID();
		const signature = signRequest(
			this.options.signingSecret,
			canonicalRequest( {
				method,
				route,
				query,
				timestamp,
				requestId,
				body,
			} )
		);
		let response: Response;
		let text: string;
		try {
			response = await this.options.outbound.fetch(
				this.url( route, query ),
				{
					method,
					headers: {
						Accept: 'application/json',
						...( body
							? { 'Content-Type': 'application/json' }
							: {} ),
						'X-IGNY8-Key-Id': String( this.options.keyId ),
						'X-IGNY8-Timestamp': String( timestamp ),
						'X-IGNY8-Request-Id': requestId,
						'X-IGNY8-Signature': signature,
					},
					body: body || undefined,
				},
				{ ...OUTBOUND_LIMITS.wordpress, timeoutMs: this.timeoutMs }
			);
			text = await response.text();
		} catch ( error ) {
			const outbound = outboundErrorOf( error );
			if ( ! outbound ) {
				throw error;
			}
			if ( outbound.transient ) {
				throw new WpUnavailableError(
					`The site could not be reached: ${ outbound.reason }.`
				);
			}
			throw new WpClientError(
				outbound.answered
					? `The site's answer could not be used: ${ outbound.reason }.`
					: `The site could not be reached: ${ outbound.reason }.`,
				false
			);
		}
		let parsed: unknown;
		try {
			parsed = text ? JSON.parse( text ) : undefined;
		} catch {
			parsed = undefined;
		}
		if ( response.ok && ! this.confirmed && this.options.onAuthenticated ) {
			this.confirmed = true;
			await this.options.onAuthenticated();
		}
		if ( response.ok ) {
			if ( parsed === undefined ) {
				throw new WpClientError(
					`The site answered HTTP ${ response.status } without JSON.`,
					false,
					response.status
				);
			}
			return unwrap( parsed ) as T;
		}
		const explained = explanationOf( parsed );
		const answered = `The site answered HTTP ${ response.status }${ explained ? `: ${ explained }` : '.' }`;
		const named = errorOf?.( response.status, parsed );
		if ( named ) {
			throw named;
		}
		if (
			response.status === 403 &&
			codeOf( parsed ) === 'igny8_not_managed'
		) {
			// Not a credentials problem: reconnecting would not help, the owner must hand the post over.
			throw new WpNotManagedError( answered );
		}
		if ( response.status === 401 || response.status === 403 ) {
			throw new WpUnauthorizedError(
				`The site refused the cloud's credentials: ${ explained ?? `HTTP ${ response.status }` }`
			);
		}
		if ( response.status === 409 ) {
			// An edit in WordPress (the post as it is now), or a refusal such as "published as another post".
			let remote: WpPostResult;
			try {
				remote = postResultOf( unwrap( parsed ) );
			} catch {
				throw new WpClientError( answered, false, 409 );
			}
			throw new WpConflictError( remote );
		}
		if ( response.status === 404 ) {
			throw new WpNotFoundError( answered );
		}
		if ( response.status === 429 || response.status >= 500 ) {
			throw new WpUnavailableError( answered, response.status );
		}
		throw new WpClientError( answered, false, response.status );
	}
}

/** The site would refuse a payload its args (the same schema) reject: say why before sending. */
function checkPostPayload( payload: WpPostPayload ): void {
	const checked = bridgePostWriteSchema.safeParse( payload );
	if ( ! checked.success ) {
		throw new WpClientError(
			`The post cannot be sent: ${ issueOf( checked.error ) }.`,
			false
		);
	}
}

/** The first problem zod found, as `field.path: message`. */
function issueOf( error: z.ZodError ): string {
	const issue = error.issues[ 0 ];
	const where = issue?.path.join( '.' );
	return `${ where ? `${ where }: ` : '' }${ issue?.message ?? 'invalid' }`;
}

/** A request checked against the bridge contract before it is sent (the site's args are the same schema): say why here. */
function checked< T >(
	schema: z.ZodType< T >,
	body: unknown,
	what: string
): T {
	const result = schema.safeParse( body );
	if ( ! result.success ) {
		throw new WpClientError(
			`${ what } cannot be sent: ${ issueOf( result.error ) }.`,
			false
		);
	}
	return result.data;
}

/** The error code of a WP_Error or bridge error answer. */
function codeOf( body: unknown ): string | undefined {
	const code =
		body && typeof body === 'object'
			? ( body as Record< string, unknown > ).code
			: undefined;
	return typeof code === 'string' ? code : undefined;
}

/** The link routes' 409 (the post as it is now) and 422 (which link, and why). */
function linksErrorOf(
	status: number,
	body: unknown
): WpClientError | undefined {
	if ( status === 409 && codeOf( body ) === 'igny8_conflict' ) {
		return new WpLinksConflictError( itemOf( unwrap( body ) ) );
	}
	if ( status === 422 ) {
		const data = unwrap( body ) as Record< string, unknown > | undefined;
		const linkId = data?.link_id;
		const explained = explanationOf( body );
		return new WpLinkRefusedError(
			`The site refused a link${ explained ? `: ${ explained }` : '.' }`,
			typeof linkId === 'string' ? linkId.slice( 0, 64 ) : '',
			( codeOf( body ) ?? 'unknown' ).slice( 0, 64 )
		);
	}
	return undefined;
}

/** A post item checked against the contract; an address that is not http(s) is dropped. */
function itemOf( body: unknown ): WpExportItem {
	const item = fitted( bridgePostItemSchema, body, 'post' );
	return {
		...item,
		url: /^https?:\/\//i.test( item.url ) ? item.url.slice( 0, 2000 ) : '',
	};
}

/** An answer checked against the bridge contract; one that does not fit is refused, naming the field. */
function fitted< T >( schema: z.ZodType< T >, body: unknown, what: string ): T {
	const result = schema.safeParse( body );
	if ( ! result.success ) {
		throw new WpClientError(
			`The site's ${ what } does not fit the bridge contract (${ issueOf( result.error ) }): update IGNY8 Bridge on the site.`,
			false
		);
	}
	return result.data;
}

/** `{success, data}` (our routes) or a WP_Error body whose `data` holds the fields. */
function unwrap( body: unknown ): unknown {
	if ( body && typeof body === 'object' && 'data' in body ) {
		const data = ( body as { data: unknown } ).data;
		if ( data && typeof data === 'object' ) {
			return data;
		}
	}
	return body;
}

/**
 * The explanation in an error answer from IGNY8 Bridge or WordPress's REST
 * API (a WP_Error: an `igny8_…` or `rest_…` code and a message), as one
 * short line. Anything else a site answers is not repeated.
 */
function explanationOf( body: unknown ): string | undefined {
	if ( ! body || typeof body !== 'object' ) {
		return undefined;
	}
	const { code, message } = body as Record< string, unknown >;
	if (
		typeof code !== 'string' ||
		! /^(igny8|rest)_[a-z0-9_]{1,60}$/.test( code ) ||
		typeof message !== 'string'
	) {
		return undefined;
	}
	const words = message
		.replace( /[\u0000-\u001f\u007f]+/g, ' ' )
		.replace( /\s+/g, ' ' )
		.trim();
	if ( ! words ) {
		return undefined;
	}
	return words.length > 300 ? `${ words.slice( 0, 299 ) }…` : words;
}

/**
 * A push's answer, or the export item `post-by-content-id` answers (whose id
 * is `wp_post_id`), checked against the contract; an address that is not
 * http(s) is dropped.
 */
function postResultOf( body: unknown ): WpPostResult {
	const isItem = !! body && typeof body === 'object' && 'wp_post_id' in body;
	const result: WpPostResult = isItem
		? ( ( item ) => ( {
				post_id: item.wp_post_id,
				url: item.url,
				status: item.status,
				content_hash: item.content_hash,
				modified_gmt: item.modified_gmt,
			} ) )( fitted( bridgePostItemSchema, body, 'post' ) )
		: fitted( bridgePostResultSchema, body, 'answer to the push' );
	return {
		...result,
		url: /^https?:\/\//i.test( result.url )
			? result.url.slice( 0, 2000 )
			: '',
	};
}

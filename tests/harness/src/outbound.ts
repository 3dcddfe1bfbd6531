/**
 * IGNY8_OUTBOUND_ALLOW entries for the harness's own loopback services (a
 * WordPress site, a fake AI server): exactly their host:port, so a test
 * cloud still refuses every other internal address, as production does.
 */
export function outboundAllow( ...urls: ( string | undefined )[] ): string {
	return urls
		.flatMap( ( url ) => {
			if ( ! url ) {
				return [];
			}
			const { protocol, hostname, port } = new URL( url );
			return [
				`${ hostname }:${ port || ( protocol === 'https:' ? 443 : 80 ) }`,
			];
		} )
		.join( ',' );
}

/** Joins allow-list fragments, skipping empty ones. */
export function joinAllow( ...lists: ( string | undefined )[] ): string {
	return lists.filter( ( list ) => list && list.trim() ).join( ',' );
}

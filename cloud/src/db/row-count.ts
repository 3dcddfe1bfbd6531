/** Rows an UPDATE or DELETE touched, from what the pg and PGlite dialects return as its metadata. */
export function rowCountOf( meta: unknown ): number {
	if ( typeof meta === 'number' ) {
		return meta;
	}
	const count = ( meta as { rowCount?: unknown } | null )?.rowCount;
	return typeof count === 'number' ? count : 0;
}

/**
 * A missing key, as a local file's read would report it (`code: 'ENOENT'`),
 * so callers tell "no such file" from a failing store the same way whatever
 * the storage.
 */
export function notFound( key: string ): NodeJS.ErrnoException {
	const error: NodeJS.ErrnoException = new Error(
		`No stored file under ${ key }`
	);
	error.code = 'ENOENT';
	return error;
}

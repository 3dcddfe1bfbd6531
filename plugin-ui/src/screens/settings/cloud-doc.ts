/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient, isApiError, type ApiErrorKind } from '../../api';
import { errorMessage } from '../../api/errors';

export interface CloudDoc< T > {
	data: T | undefined;
	error: { message: string; kind?: ApiErrorKind } | null;
	reload: () => void;
	/** Replaces the loaded value with what a save answered (no second request). */
	replace: ( next: T ) => void;
}

/**
 * One cloud document (a GET path) for a settings tab: loaded on mount, kept
 * locally, replaced by what a save answers.
 * @param path API path under /api/v1.
 */
export function useCloudDoc< T >( path: string ): CloudDoc< T > {
	const [ data, setData ] = useState< T | undefined >( undefined );
	const [ error, setError ] = useState< CloudDoc< T >[ 'error' ] >( null );
	const [ attempt, setAttempt ] = useState( 0 );
	useEffect( () => {
		let live = true;
		setError( null );
		getClient()
			.get< T >( path )
			.then( ( value ) => live && setData( value ) )
			.catch(
				( failure ) =>
					live &&
					setError( {
						message: errorMessage(
							failure,
							__( 'This could not be loaded.', 'igny8-bridge' )
						),
						kind: isApiError( failure ) ? failure.kind : undefined,
					} )
			);
		return () => {
			live = false;
		};
	}, [ path, attempt ] );
	const reload = useCallback( () => setAttempt( ( n ) => n + 1 ), [] );
	return { data, error, reload, replace: setData };
}

/**
 * The cloud's errors by field (`function_models.generate_content` → its
 * messages), or `{}` when the failure was not about fields.
 * @param failure What a save threw.
 */
export function fieldErrorsOf( failure: unknown ): Record< string, string > {
	if ( ! isApiError( failure ) ) {
		return {};
	}
	return Object.fromEntries(
		Object.entries( failure.fieldErrors ).map( ( [ field, messages ] ) => [
			field,
			messages.join( ' ' ),
		] )
	);
}

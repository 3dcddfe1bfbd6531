/**
 * WordPress dependencies
 */
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	errorMessage,
	fetchConnection,
	type Connection,
} from '../api/connection';

export interface ConnectionState {
	connection: Connection | null;
	isLoading: boolean;
	/** Set when the plugin's own REST route could not be read. */
	requestError: string | null;
	refresh: () => void;
}

/**
 * Loads the connection state on mount and again on `refresh()`; a late answer
 * to an older request never overwrites a newer one.
 */
export function useConnection(): ConnectionState {
	const [ connection, setConnection ] = useState< Connection | null >( null );
	const [ isLoading, setIsLoading ] = useState( true );
	const [ requestError, setRequestError ] = useState< string | null >( null );
	const latest = useRef( 0 );

	const refresh = useCallback( () => {
		const request = ++latest.current;
		setIsLoading( true );
		setRequestError( null );
		fetchConnection().then(
			( answer ) => {
				if ( request === latest.current ) {
					setConnection( answer );
					setIsLoading( false );
				}
			},
			( error: unknown ) => {
				if ( request === latest.current ) {
					setConnection( null );
					setRequestError(
						errorMessage(
							error,
							__(
								'The connection status could not be loaded.',
								'igny8-bridge'
							)
						)
					);
					setIsLoading( false );
				}
			}
		);
	}, [] );

	useEffect( () => {
		const requests = latest;
		refresh();
		return () => {
			// Ignore answers that arrive after unmount.
			requests.current++;
		};
	}, [ refresh ] );

	return { connection, isLoading, requestError, refresh };
}

/**
 * External dependencies
 */
import type { Account, User } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { createContext, useContext } from '@wordpress/element';

/**
 * Internal dependencies
 */
import type { ConsoleClient } from './api/client';

export interface Session {
	client: ConsoleClient;
	user: User;
	account: Account;
}

export const SessionContext = createContext< Session | null >( null );

/** The signed-in person, their account and the API client (inside the signed-in app only). */
export function useSession(): Session {
	const session = useContext( SessionContext );
	if ( ! session ) {
		throw new Error( 'useSession() outside the signed-in console' );
	}
	return session;
}

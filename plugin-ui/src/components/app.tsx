/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { useConnection } from '../hooks/use-connection';
import { ConnectionCard } from './connection-card';

/**
 * The IGNY8 admin screen.
 */
export function App() {
	const { connection, isLoading, requestError, refresh } = useConnection();
	return (
		<div className="igny8-app">
			<h1 className="igny8-app__title">
				{ __( 'IGNY8', 'igny8-bridge' ) }
			</h1>
			<ConnectionCard
				connection={ connection }
				isLoading={ isLoading }
				requestError={ requestError }
				onRefresh={ refresh }
			/>
		</div>
	);
}

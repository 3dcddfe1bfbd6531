/**
 * Internal dependencies
 */
import { CONNECTION_LABELS, type Connection } from '../sites-data';

export function ConnectionBadge( { connection }: { connection: Connection } ) {
	return (
		<span
			className={ `igny8c-badge is-${ connection }` }
			data-connection={ connection }
		>
			{ CONNECTION_LABELS[ connection ] }
		</span>
	);
}

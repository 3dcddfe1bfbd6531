/**
 * WordPress dependencies
 */
import { SnackbarList } from '@wordpress/components';
import { dispatch, useDispatch, useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Says what an action did, as a snackbar; with `undo`, the snackbar offers
 * to put things back.
 * @param message What happened, e.g. “12 keywords moved to “Running shoes””.
 * @param undo    Reverses the action, when it can be reversed.
 */
export function announce( message: string, undo?: () => void ) {
	dispatch( noticesStore ).createSuccessNotice( message, {
		type: 'snackbar',
		actions: undo
			? [ { label: __( 'Undo', 'igny8-bridge' ), onClick: undo } ]
			: [],
	} );
}

/** The snackbar notices of `core/notices`, at the bottom of the workspace. */
export function Snackbars() {
	const notices = useSelect(
		( select ) =>
			select( noticesStore )
				.getNotices()
				.filter( ( notice ) => notice.type === 'snackbar' ),
		[]
	);
	const { removeNotice } = useDispatch( noticesStore );
	return (
		<SnackbarList
			className="igny8-snackbars"
			notices={ notices as any }
			onRemove={ removeNotice }
		/>
	);
}

/**
 * WordPress dependencies
 */
import { Button, Modal } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * The console's one question before something that cannot be taken back:
 * what will happen (the children), Cancel, and the destructive button
 * named for what it does.
 * @param props              The dialog.
 * @param props.title        The question, e.g. "Revoke this key?".
 * @param props.confirmLabel The destructive button, e.g. "Revoke key".
 * @param props.onConfirm    Called on the destructive button.
 * @param props.onCancel     Called on Cancel, Escape or the close button.
 * @param props.children     What will happen, in words.
 */
export function ConfirmModal( {
	title,
	confirmLabel,
	onConfirm,
	onCancel,
	children,
}: {
	title: string;
	confirmLabel: string;
	onConfirm: () => void;
	onCancel: () => void;
	children: React.ReactNode;
} ) {
	return (
		<Modal title={ title } size="small" onRequestClose={ onCancel }>
			{ children }
			<div className="igny8c-modal-actions">
				<Button
					__next40pxDefaultSize
					variant="tertiary"
					onClick={ onCancel }
				>
					{ __( 'Cancel' ) }
				</Button>
				<Button
					__next40pxDefaultSize
					variant="primary"
					isDestructive
					onClick={ onConfirm }
				>
					{ confirmLabel }
				</Button>
			</div>
		</Modal>
	);
}

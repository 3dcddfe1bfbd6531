/**
 * External dependencies
 */
import type { AiSettingsOut } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { useCloudDoc } from './cloud-doc';

type Access = Pick< AiSettingsOut, 'can_change' | 'cannot_change_reason' >;

/**
 * Whether this person may change the account's AI configuration, as the
 * cloud decides it (the AI settings document says): AI settings, prompts,
 * author profiles and strategies share one rule.
 */
export function useConfigAccess(): Access | undefined {
	const doc = useCloudDoc< AiSettingsOut >( '/system/settings/ai/' );
	return doc.data;
}

/**
 * Says, for a person who may only read, who can change these settings.
 * @param props        Component props.
 * @param props.access What the cloud answered; nothing is shown while it may change them.
 */
export function ReadOnlyNotice( { access }: { access: Access | undefined } ) {
	if ( ! access || access.can_change ) {
		return null;
	}
	return (
		<Notice
			status="info"
			isDismissible={ false }
			className="igny8-settings__readonly"
		>
			{ access.cannot_change_reason === 'several_sites'
				? __(
						'Your IGNY8 account has several sites, so these settings are shared by all of them: the account’s owner or an admin changes them in the IGNY8 console. You can read them here.',
						'igny8-bridge'
					)
				: __(
						'Only a WordPress administrator (or the IGNY8 account’s owner or an admin) can change these settings. You can read them here.',
						'igny8-bridge'
					) }
		</Notice>
	);
}

/**
 * A cloud message under the field it is about.
 * @param props         Component props.
 * @param props.id      The id the field's `aria-describedby` names.
 * @param props.message What is wrong; nothing is shown without one.
 */
export function FieldError( {
	id,
	message,
}: {
	id: string;
	message?: string;
} ) {
	if ( ! message ) {
		return null;
	}
	return (
		<p id={ id } className="igny8-field-error" role="alert">
			{ message }
		</p>
	);
}

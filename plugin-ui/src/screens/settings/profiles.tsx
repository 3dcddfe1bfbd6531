/**
 * External dependencies
 */
import type { AuthorProfileOut } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { CrudList, type CrudConfig } from './crud';

function profileConfig(): CrudConfig< AuthorProfileOut > {
	return {
		path: '/system/author-profiles/',
		fields: [
			{
				name: 'name',
				label: __( 'Name', 'igny8-bridge' ),
				kind: 'text',
				required: true,
			},
			{
				name: 'tone',
				label: __( 'Tone', 'igny8-bridge' ),
				kind: 'text',
				help: __(
					'For example: warm and encouraging.',
					'igny8-bridge'
				),
			},
			{
				name: 'audience',
				label: __( 'Audience', 'igny8-bridge' ),
				kind: 'text',
				help: __(
					'Who reads it, for example: home gardeners.',
					'igny8-bridge'
				),
			},
			{
				name: 'style',
				label: __( 'Style', 'igny8-bridge' ),
				kind: 'textarea',
				help: __(
					'How it is written: sentence length, formatting, words to use or avoid.',
					'igny8-bridge'
				),
			},
			{
				name: 'language',
				label: __( 'Language', 'igny8-bridge' ),
				kind: 'text',
				required: true,
				help: __(
					'A language code, like en or pt-BR.',
					'igny8-bridge'
				),
			},
			{
				name: 'description',
				label: __( 'Notes', 'igny8-bridge' ),
				kind: 'textarea',
			},
			{
				name: 'is_default',
				label: __(
					'Use this voice when an action names none',
					'igny8-bridge'
				),
				kind: 'checkbox',
			},
		],
		blank: () => ( {
			name: '',
			tone: '',
			audience: '',
			style: '',
			language: 'en',
			description: '',
			is_default: false,
		} ),
		toBody: ( values ) => ( {
			name: String( values.name ?? '' ).trim(),
			tone: String( values.tone ?? '' ),
			audience: String( values.audience ?? '' ),
			style: String( values.style ?? '' ),
			language: String( values.language ?? '' ).trim(),
			description: String( values.description ?? '' ),
			is_default: Boolean( values.is_default ),
		} ),
		summary: ( profile ) =>
			[ profile.tone, profile.audience, profile.language ]
				.filter( Boolean )
				.join( ' · ' ),
		badge: ( profile ) =>
			profile.is_default ? __( 'Default', 'igny8-bridge' ) : null,
		friendly: ( field, message ) =>
			field === 'language'
				? __( 'Use a language code like en or pt-BR.', 'igny8-bridge' )
				: message,
		words: {
			add: __( 'Add author profile', 'igny8-bridge' ),
			emptyTitle: __( 'No author profiles yet.', 'igny8-bridge' ),
			emptyBody: __(
				'An author profile is a voice: tone, audience, style and language. Drafts are written in the default profile’s voice.',
				'igny8-bridge'
			),
			created: ( name ) =>
				sprintf(
					/* translators: %s: profile name. */
					__( 'Author profile “%s” added', 'igny8-bridge' ),
					name
				),
			updated: ( name ) =>
				sprintf(
					/* translators: %s: profile name. */
					__( 'Author profile “%s” saved', 'igny8-bridge' ),
					name
				),
			deleted: ( name ) =>
				sprintf(
					/* translators: %s: profile name. */
					__( 'Author profile “%s” deleted', 'igny8-bridge' ),
					name
				),
			confirmDelete: ( name ) =>
				sprintf(
					/* translators: %s: profile name. */
					__(
						'Delete the author profile “%s”? Drafts already written keep their text; new ones no longer use this voice.',
						'igny8-bridge'
					),
					name
				),
			formTitleNew: __( 'New author profile', 'igny8-bridge' ),
			formTitleEdit: ( name ) =>
				// translators: %s: profile name.
				sprintf( __( 'Edit “%s”', 'igny8-bridge' ), name ),
		},
	};
}

/** Author profiles: the voices drafts are written in. */
export function AuthorProfilesTab() {
	return <CrudList config={ profileConfig() } />;
}

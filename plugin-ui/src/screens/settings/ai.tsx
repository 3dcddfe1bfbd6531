/**
 * External dependencies
 */
import type {
	AiSettingsOut,
	AiSettingsUpdate,
	AiTestResult,
	TextModelFunction,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import './cloud-tabs.scss';
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import { FieldError, ReadOnlyNotice } from './access';
import { fieldErrorsOf, useCloudDoc } from './cloud-doc';

const PATH = '/system/settings/ai/';

type ModelField = TextModelFunction | 'images';

/** The AI functions in the order a person meets them, with the words for each. */
function modelFields(): { field: ModelField; label: string }[] {
	return [
		{ field: 'auto_cluster', label: __( 'Clustering', 'igny8-bridge' ) },
		{ field: 'generate_ideas', label: __( 'Ideas', 'igny8-bridge' ) },
		{ field: 'generate_content', label: __( 'Content', 'igny8-bridge' ) },
		{
			field: 'generate_image_prompts',
			label: __( 'Image prompts', 'igny8-bridge' ),
		},
		{ field: 'images', label: __( 'Images', 'igny8-bridge' ) },
	];
}

type Models = Record< ModelField, string >;

function storedModels( settings: AiSettingsOut ): Models {
	return {
		...( Object.fromEntries(
			Object.entries( settings.function_models ).map( ( [ fn, m ] ) => [
				fn,
				m ?? '',
			] )
		) as Record< TextModelFunction, string > ),
		images: settings.image_model ?? '',
	};
}

/**
 * The cloud's field messages (English, for the API) said for people, where
 * there is a clearer way to say what to do.
 * @param field   The field the cloud named.
 * @param message What it said.
 */
function friendly( field: string, message: string ): string {
	if ( field === 'base_url' && /api_key/.test( message ) ) {
		return __(
			'Enter your API key too: a base URL is only used with your own key.',
			'igny8-bridge'
		);
	}
	if ( field === 'base_url' && /valid http/.test( message ) ) {
		return __(
			'Enter a web address that starts with https:// (or http://).',
			'igny8-bridge'
		);
	}
	if ( field === 'api_key' && /too short/.test( message ) ) {
		return __( 'This is too short to be an API key.', 'igny8-bridge' );
	}
	if ( field === 'api_key' && /spaces/.test( message ) ) {
		return __(
			'An API key has no spaces: copy it again from your provider.',
			'igny8-bridge'
		);
	}
	return message;
}

/**
 * What a test call found, in plain words with the next step.
 * @param result The cloud's answer.
 */
export function testMessage( result: AiTestResult ): string {
	switch ( result.outcome ) {
		case 'ok':
			return sprintf(
				/* translators: 1: model name, 2: milliseconds. */
				__(
					'It works: the provider answered with %1$s in %2$d ms.',
					'igny8-bridge'
				),
				result.model,
				result.ms
			);
		case 'refused_key':
			return sprintf(
				/* translators: %d: HTTP status, 401 or 403. */
				__(
					'The provider refused the key (%d). Check the key and try again.',
					'igny8-bridge'
				),
				result.status ?? 401
			);
		case 'model_not_found':
			return sprintf(
				/* translators: %s: model name. */
				__(
					'The provider does not offer the model “%s” (404). Choose another model, or check the base URL.',
					'igny8-bridge'
				),
				result.model
			);
		case 'rate_limited':
			return __(
				'The provider is busy or the key has reached its limit (429). Wait a minute and try again, or check the plan with your provider.',
				'igny8-bridge'
			);
		case 'unreachable':
			return sprintf(
				/* translators: %s: the provider's base URL. */
				__(
					'The provider could not be reached at %s. Check the base URL and try again.',
					'igny8-bridge'
				),
				result.endpoint
			);
		case 'not_configured':
			return __(
				'There is no API key to test yet. Enter a key, save, then test.',
				'igny8-bridge'
			);
		default:
			return sprintf(
				/* translators: %d: HTTP status. */
				__(
					'The provider answered with an error (%d). Try again in a few minutes; if it keeps failing, check the base URL and the model.',
					'igny8-bridge'
				),
				result.status ?? 0
			);
	}
}

/**
 * AI settings: the provider's base URL and key (write-only: only its last
 * 4 characters come back), the model of each AI function from what the
 * server offers, and a test call with what is saved.
 */
export function AiSettingsTab() {
	const doc = useCloudDoc< AiSettingsOut >( PATH );
	const settings = doc.data;
	const [ baseUrl, setBaseUrl ] = useState( '' );
	const [ apiKey, setApiKey ] = useState( '' );
	const [ models, setModels ] = useState< Models | null >( null );
	const [ errors, setErrors ] = useState< Record< string, string > >( {} );
	const [ failure, setFailure ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState< 'save' | 'remove' | 'test' | null >(
		null
	);
	const [ tested, setTested ] = useState< AiTestResult | null >( null );

	useEffect( () => {
		if ( settings ) {
			setBaseUrl( settings.base_url ?? '' );
			setModels( storedModels( settings ) );
		}
	}, [ settings ] );

	if ( doc.error ) {
		return (
			<ErrorNotice
				message={ doc.error.message }
				kind={ doc.error.kind }
				onRetry={ doc.reload }
			/>
		);
	}
	if ( ! settings || ! models ) {
		return (
			<Loading label={ __( 'Loading AI settings…', 'igny8-bridge' ) } />
		);
	}

	const readOnly = ! settings.can_change;
	const stored = storedModels( settings );
	const changes: AiSettingsUpdate = {};
	if ( baseUrl.trim() !== ( settings.base_url ?? '' ) ) {
		changes.base_url = baseUrl.trim() || null;
	}
	if ( apiKey.trim() ) {
		changes.api_key = apiKey.trim();
	}
	const functionModels: NonNullable< AiSettingsUpdate[ 'function_models' ] > =
		{};
	for ( const { field } of modelFields() ) {
		if ( models[ field ] === stored[ field ] ) {
			continue;
		}
		if ( field === 'images' ) {
			changes.image_model = models.images || null;
		} else {
			functionModels[ field ] = models[ field ] || null;
		}
	}
	if ( Object.keys( functionModels ).length ) {
		changes.function_models = functionModels;
	}
	const dirty = Object.keys( changes ).length > 0;

	const save = async ( body: AiSettingsUpdate, done: string ) => {
		setErrors( {} );
		setFailure( null );
		setTested( null );
		try {
			const saved = await getClient().request< AiSettingsOut >(
				'PUT',
				PATH,
				{ body }
			);
			setApiKey( '' );
			doc.replace( saved );
			announce( done );
		} catch ( error ) {
			const byField = fieldErrorsOf( error );
			setErrors(
				Object.fromEntries(
					Object.entries( byField ).map( ( [ field, message ] ) => [
						field,
						friendly( field, message ),
					] )
				)
			);
			setFailure(
				Object.keys( byField ).length
					? __(
							'The settings were not saved: see the fields below.',
							'igny8-bridge'
						)
					: errorMessage(
							error,
							__( 'The settings were not saved.', 'igny8-bridge' )
						)
			);
		}
	};

	const onSave = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setBusy( 'save' );
		await save( changes, __( 'AI settings saved', 'igny8-bridge' ) );
		setBusy( null );
	};

	const onRemoveKey = async () => {
		setBusy( 'remove' );
		await save(
			{ api_key: null },
			__( 'API key removed', 'igny8-bridge' )
		);
		setBusy( null );
	};

	const onTest = async () => {
		setBusy( 'test' );
		setTested( null );
		setFailure( null );
		try {
			setTested(
				await getClient().post< AiTestResult >( `${ PATH }test/` )
			);
		} catch ( error ) {
			setFailure(
				errorMessage(
					error,
					__( 'The test could not be run.', 'igny8-bridge' )
				)
			);
		}
		setBusy( null );
	};

	const modelOptions = ( field: ModelField ) => {
		const offered =
			field === 'images'
				? settings.limits.image_models
				: settings.limits.text_models;
		const current = models[ field ];
		const names =
			current && ! offered.includes( current )
				? [ ...offered, current ]
				: offered;
		const fallback =
			field === 'images'
				? __( 'Server default', 'igny8-bridge' )
				: sprintf(
						/* translators: %s: model name. */
						__( 'Default (%s)', 'igny8-bridge' ),
						settings.text_model ?? settings.effective.text_model
					);
		return [
			{ value: '', label: fallback },
			...names.map( ( name ) => ( { value: name, label: name } ) ),
		];
	};

	return (
		<form className="igny8-settings__form" onSubmit={ onSave }>
			<ReadOnlyNotice access={ settings } />
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }

			<h2 className="igny8-settings__heading">
				{ __( 'Provider', 'igny8-bridge' ) }
			</h2>
			<TextControl
				label={ __( 'Provider base URL', 'igny8-bridge' ) }
				type="url"
				value={ baseUrl }
				onChange={ setBaseUrl }
				disabled={ readOnly }
				placeholder="https://api.openai.com/v1"
				help={ __(
					'The address of an OpenAI-compatible API. Leave it empty to use OpenAI. It is only used with your own API key.',
					'igny8-bridge'
				) }
				aria-describedby={
					errors.base_url ? 'igny8-ai-base-url-error' : undefined
				}
			/>
			<FieldError
				id="igny8-ai-base-url-error"
				message={ errors.base_url }
			/>
			{ settings.has_api_key && (
				<div className="igny8-settings__saved-key">
					<p>
						{ sprintf(
							/* translators: %s: the last 4 characters of the saved API key. */
							__(
								'A key ending in …%s is saved.',
								'igny8-bridge'
							),
							settings.api_key_last4 ?? ''
						) }
					</p>
					{ ! readOnly && (
						<Button
							variant="secondary"
							isDestructive
							onClick={ onRemoveKey }
							isBusy={ busy === 'remove' }
							disabled={ busy !== null }
						>
							{ __( 'Remove key', 'igny8-bridge' ) }
						</Button>
					) }
				</div>
			) }
			{ ! readOnly && (
				<>
					<TextControl
						label={
							settings.has_api_key
								? __( 'Replace the API key', 'igny8-bridge' )
								: __( 'API key', 'igny8-bridge' )
						}
						type="password"
						autoComplete="new-password"
						value={ apiKey }
						onChange={ setApiKey }
						help={ __(
							'Stored encrypted in the IGNY8 cloud and never shown again. Without your own key, AI actions use this server’s key.',
							'igny8-bridge'
						) }
						aria-describedby={
							errors.api_key ? 'igny8-ai-key-error' : undefined
						}
					/>
					<FieldError
						id="igny8-ai-key-error"
						message={ errors.api_key }
					/>
				</>
			) }

			<h2 className="igny8-settings__heading">
				{ __( 'Models', 'igny8-bridge' ) }
			</h2>
			<p className="igny8-settings__note">
				{ settings.limits.enforced
					? sprintf(
							/* translators: %d: the longest answer, in tokens. */
							__(
								'AI actions use this server’s AI key and cost credits; every action shows its cost before it runs. Choose from the models this server offers (answers are capped at %d tokens).',
								'igny8-bridge'
							),
							settings.limits.max_tokens
						)
					: __(
							'AI actions use your own API key: your provider bills you for the tokens, and IGNY8 charges credits for the work done. Every action shows its cost before it runs.',
							'igny8-bridge'
						) }
			</p>
			<div className="igny8-settings__models">
				{ modelFields().map( ( { field, label } ) => {
					const errorKey =
						field === 'images'
							? 'image_model'
							: `function_models.${ field }`;
					const errorId = `igny8-ai-model-${ field }-error`;
					return (
						<div key={ field }>
							<SelectControl
								label={ label }
								value={ models[ field ] }
								options={ modelOptions( field ) }
								onChange={ ( value: string ) =>
									setModels( { ...models, [ field ]: value } )
								}
								disabled={ readOnly }
								aria-describedby={
									errors[ errorKey ] ? errorId : undefined
								}
							/>
							<FieldError
								id={ errorId }
								message={ errors[ errorKey ] }
							/>
						</div>
					);
				} ) }
			</div>

			{ ! readOnly && (
				<div className="igny8-settings__actions">
					<Button
						variant="primary"
						type="submit"
						isBusy={ busy === 'save' }
						disabled={ ! dirty || busy !== null }
					>
						{ __( 'Save AI settings', 'igny8-bridge' ) }
					</Button>
					<Button
						variant="secondary"
						onClick={ onTest }
						isBusy={ busy === 'test' }
						disabled={ dirty || busy !== null }
					>
						{ __( 'Test', 'igny8-bridge' ) }
					</Button>
					{ busy === 'test' && <Spinner /> }
				</div>
			) }
			{ ! readOnly && dirty && (
				<p className="igny8-settings__note">
					{ __(
						'The test uses the saved settings: save your changes first.',
						'igny8-bridge'
					) }
				</p>
			) }
			{ tested && (
				<Notice
					status={ tested.ok ? 'success' : 'error' }
					isDismissible={ false }
					className="igny8-settings__test-result"
				>
					{ testMessage( tested ) }
				</Notice>
			) }
		</form>
	);
}

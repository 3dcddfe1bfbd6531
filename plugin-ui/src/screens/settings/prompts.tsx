/**
 * External dependencies
 */
import type { PromptOut } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SelectControl,
	TextareaControl,
	// eslint-disable-next-line @wordpress/no-unsafe-wp-apis -- WordPress 6.6 has no stable confirm dialog; the lists' bulk actions use this one too.
	__experimentalConfirmDialog as ConfirmDialog,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import './cloud-tabs.scss';
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';
import { label } from '../../labels';
import { FieldError, ReadOnlyNotice, useConfigAccess } from './access';
import { fieldErrorsOf, useCloudDoc } from './cloud-doc';
import { renderPreview, unknownIn } from './prompt-preview';

const PATH = '/system/prompts/';

/**
 * A prompt's name for people (a function may have more than one prompt).
 * @param prompt The prompt.
 */
function promptTitle( prompt: PromptOut ): string {
	const titles: Record< string, string > = {
		auto_cluster: __( 'Cluster keywords', 'igny8-bridge' ),
		auto_cluster_naming: __( 'Name clusters', 'igny8-bridge' ),
		generate_ideas: __( 'Generate ideas', 'igny8-bridge' ),
		generate_content: __( 'Write drafts', 'igny8-bridge' ),
		generate_image_prompts: __( 'Plan images', 'igny8-bridge' ),
	};
	return titles[ prompt.key ] ?? label( 'aiFunction', prompt.function );
}

function textsOf( prompt: PromptOut ) {
	return prompt.override ?? prompt.default;
}

/**
 * Prompts: one per AI function, editable, with the variables each may use,
 * a preview filled with sample values, and reset to the default.
 */
export function PromptsTab() {
	const doc = useCloudDoc< PromptOut[] >( PATH );
	const access = useConfigAccess();
	const [ key, setKey ] = useState< string >( '' );
	const [ system, setSystem ] = useState( '' );
	const [ user, setUser ] = useState( '' );
	const [ errors, setErrors ] = useState< Record< string, string > >( {} );
	const [ failure, setFailure ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ confirming, setConfirming ] = useState( false );

	const prompts = doc.data;
	const prompt = prompts?.find( ( p ) => p.key === key ) ?? prompts?.[ 0 ];

	useEffect( () => {
		if ( prompt ) {
			setSystem( textsOf( prompt ).system );
			setUser( textsOf( prompt ).user );
			setErrors( {} );
			setFailure( null );
		}
	}, [ prompt ] );

	if ( doc.error ) {
		return (
			<ErrorNotice
				message={ doc.error.message }
				kind={ doc.error.kind }
				onRetry={ doc.reload }
			/>
		);
	}
	if ( ! prompts || ! prompt ) {
		return <Loading label={ __( 'Loading prompts…', 'igny8-bridge' ) } />;
	}

	const readOnly = ! access?.can_change;
	const saved = textsOf( prompt );
	const dirty = system !== saved.system || user !== saved.user;
	const variables = prompt.variables;
	const names = Object.keys( variables );
	const unknown = unknownIn( `${ system }\n${ user }`, variables );

	const replaceOne = ( next: PromptOut ) =>
		doc.replace(
			prompts.map( ( p ) => ( p.key === next.key ? next : p ) )
		);

	const onSave = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setBusy( true );
		setErrors( {} );
		setFailure( null );
		try {
			const next = await getClient().request< PromptOut >(
				'PUT',
				`${ PATH }${ prompt.key }/`,
				{ body: { system, user } }
			);
			replaceOne( next );
			announce(
				sprintf(
					/* translators: %s: prompt name, e.g. "Write drafts". */
					__( 'Prompt “%s” saved', 'igny8-bridge' ),
					promptTitle( prompt )
				)
			);
		} catch ( error ) {
			setErrors( fieldErrorsOf( error ) );
			setFailure(
				errorMessage(
					error,
					__( 'The prompt was not saved.', 'igny8-bridge' )
				)
			);
		}
		setBusy( false );
	};

	const onReset = async () => {
		setConfirming( false );
		setBusy( true );
		setFailure( null );
		try {
			const next = await getClient().request< PromptOut >(
				'DELETE',
				`${ PATH }${ prompt.key }/`
			);
			replaceOne( next );
			announce(
				sprintf(
					/* translators: %s: prompt name, e.g. "Write drafts". */
					__( 'Prompt “%s” reset to its default', 'igny8-bridge' ),
					promptTitle( prompt )
				)
			);
		} catch ( error ) {
			setFailure(
				errorMessage(
					error,
					__( 'The prompt was not reset.', 'igny8-bridge' )
				)
			);
		}
		setBusy( false );
	};

	return (
		<form className="igny8-settings__form" onSubmit={ onSave }>
			<ReadOnlyNotice access={ access } />
			<SelectControl
				label={ __( 'Prompt', 'igny8-bridge' ) }
				value={ prompt.key }
				options={ prompts.map( ( p ) => ( {
					value: p.key,
					label: p.is_customized
						? sprintf(
								/* translators: %s: prompt name. */
								__( '%s (customized)', 'igny8-bridge' ),
								promptTitle( p )
							)
						: promptTitle( p ),
				} ) ) }
				onChange={ ( value: string ) => setKey( value ) }
				help={ prompt.description }
			/>
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			<div className="igny8-settings__variables">
				<h3 className="igny8-settings__subheading">
					{ sprintf(
						/* translators: %d: number of variables. */
						_n(
							'%d variable this prompt may use',
							'%d variables this prompt may use',
							names.length,
							'igny8-bridge'
						),
						names.length
					) }
				</h3>
				<dl>
					{ names.map( ( name ) => (
						<div key={ name } className="igny8-settings__variable">
							<dt>
								<code>{ `{{${ name }}}` }</code>
							</dt>
							<dd>{ variables[ name ] }</dd>
						</div>
					) ) }
				</dl>
			</div>
			<TextareaControl
				label={ __( 'Instructions (system message)', 'igny8-bridge' ) }
				value={ system }
				onChange={ setSystem }
				rows={ 6 }
				disabled={ readOnly }
			/>
			<FieldError
				id="igny8-prompt-system-error"
				message={ errors.system }
			/>
			<TextareaControl
				label={ __( 'Request (user message)', 'igny8-bridge' ) }
				value={ user }
				onChange={ setUser }
				rows={ 8 }
				disabled={ readOnly }
			/>
			<FieldError id="igny8-prompt-user-error" message={ errors.user } />
			{ unknown.length > 0 && (
				<Notice status="warning" isDismissible={ false }>
					{ sprintf(
						/* translators: %s: variable names like {{foo}}. */
						_n(
							'This prompt has no variable %s: it will not be saved until it is removed or renamed.',
							'This prompt has no variables %s: it will not be saved until they are removed or renamed.',
							unknown.length,
							'igny8-bridge'
						),
						unknown.map( ( name ) => `{{${ name }}}` ).join( ', ' )
					) }
				</Notice>
			) }
			<div className="igny8-settings__preview">
				<h3 className="igny8-settings__subheading">
					{ __( 'Preview with sample values', 'igny8-bridge' ) }
				</h3>
				<pre data-part="system">
					{ renderPreview( system, variables ) }
				</pre>
				<pre data-part="user">{ renderPreview( user, variables ) }</pre>
			</div>
			{ ! readOnly && (
				<div className="igny8-settings__actions">
					<Button
						variant="primary"
						type="submit"
						isBusy={ busy }
						disabled={ ! dirty || busy }
					>
						{ __( 'Save prompt', 'igny8-bridge' ) }
					</Button>
					<Button
						variant="secondary"
						onClick={ () =>
							dirty && ! prompt.is_customized
								? ( setSystem( saved.system ),
									setUser( saved.user ) )
								: setConfirming( true )
						}
						disabled={
							busy || ( ! prompt.is_customized && ! dirty )
						}
					>
						{ prompt.is_customized
							? __( 'Reset to default', 'igny8-bridge' )
							: __( 'Discard changes', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
			{ confirming && (
				<ConfirmDialog
					isOpen
					onConfirm={ onReset }
					onCancel={ () => setConfirming( false ) }
					confirmButtonText={ __(
						'Reset to default',
						'igny8-bridge'
					) }
					cancelButtonText={ __( 'Cancel', 'igny8-bridge' ) }
				>
					{ sprintf(
						/* translators: %s: prompt name. */
						__(
							'Reset “%s” to the default text? Your version is deleted and the next AI runs use the default.',
							'igny8-bridge'
						),
						promptTitle( prompt )
					) }
				</ConfirmDialog>
			) }
		</form>
	);
}

/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	Notice,
	SelectControl,
	TextControl,
	TextareaControl,
	// eslint-disable-next-line @wordpress/no-unsafe-wp-apis -- WordPress 6.6 has no stable confirm dialog; the lists' bulk actions use this one too.
	__experimentalConfirmDialog as ConfirmDialog,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import './cloud-tabs.scss';
import { getClient, type Page } from '../../api';
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { EmptyState, ErrorNotice, Loading } from '../../components/states';
import { FieldError, ReadOnlyNotice, useConfigAccess } from './access';
import { fieldErrorsOf, useCloudDoc } from './cloud-doc';

type Value = string | boolean | number | null;

export interface CrudField {
	name: string;
	label: string;
	kind: 'text' | 'textarea' | 'checkbox' | 'select';
	help?: string;
	required?: boolean;
	options?: { value: string; label: string }[];
}

export interface CrudConfig< T extends { id: number; name: string } > {
	/** The list endpoint (`/system/author-profiles/`); items at `<path><id>/`. */
	path: string;
	fields: CrudField[];
	/** A new item's values. */
	blank: () => Record< string, Value >;
	/** The form's values as the API takes them. */
	toBody: ( values: Record< string, Value > ) => Record< string, Value >;
	/** One line under an item's name. */
	summary: ( item: T ) => string;
	/** A badge after the name (e.g. "Default"), if any. */
	badge?: ( item: T ) => string | null;
	words: {
		add: string;
		emptyTitle: string;
		emptyBody: string;
		/* Each takes the item's name. */
		created: ( name: string ) => string;
		updated: ( name: string ) => string;
		deleted: ( name: string ) => string;
		confirmDelete: ( name: string ) => string;
		formTitleNew: string;
		formTitleEdit: ( name: string ) => string;
	};
	/** A field's cloud message in words for people (the cloud's are English). */
	friendly?: ( field: string, message: string ) => string;
}

/**
 * The cloud's usual field messages, said for people.
 * @param field   The field.
 * @param message The cloud's message.
 */
function commonFriendly( field: string, message: string ): string {
	if ( field === 'name' && /blank|required/i.test( message ) ) {
		return __( 'Give it a name.', 'igny8-bridge' );
	}
	if ( field === 'name' && /already has/i.test( message ) ) {
		return __(
			'Another one already has this name: choose a different name.',
			'igny8-bridge'
		);
	}
	if ( /at most|too long|characters/i.test( message ) ) {
		return __( 'This is too long: shorten it.', 'igny8-bridge' );
	}
	return message;
}

/**
 * A list of account-wide items (author profiles, strategies) with create,
 * edit and delete (after a confirmation); field errors show under their
 * field. People who may not change them read the list.
 * @param props        Component props.
 * @param props.config What the list holds and the words for it.
 */
export function CrudList< T extends { id: number; name: string } >( {
	config,
}: {
	config: CrudConfig< T >;
} ) {
	const doc = useCloudDoc< Page< T > >( `${ config.path }?page_size=100` );
	const access = useConfigAccess();
	const [ editing, setEditing ] = useState< T | 'new' | null >( null );
	const [ values, setValues ] = useState< Record< string, Value > >( {} );
	const [ errors, setErrors ] = useState< Record< string, string > >( {} );
	const [ failure, setFailure ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ deleting, setDeleting ] = useState< T | null >( null );

	if ( doc.error ) {
		return (
			<ErrorNotice
				message={ doc.error.message }
				kind={ doc.error.kind }
				onRetry={ doc.reload }
			/>
		);
	}
	if ( ! doc.data ) {
		return <Loading />;
	}
	const items = doc.data.results;
	const readOnly = ! access?.can_change;
	const friendly = ( field: string, message: string ) =>
		commonFriendly(
			field,
			config.friendly ? config.friendly( field, message ) : message
		);

	const open = ( item: T | 'new' ) => {
		setErrors( {} );
		setFailure( null );
		setValues(
			item === 'new'
				? config.blank()
				: Object.fromEntries(
						config.fields.map( ( field ) => [
							field.name,
							( item as unknown as Record< string, Value > )[
								field.name
							] ?? null,
						] )
					)
		);
		setEditing( item );
	};

	const onSubmit = async ( event: React.FormEvent ) => {
		event.preventDefault();
		const missing = config.fields.filter(
			( field ) =>
				field.required && ! String( values[ field.name ] ?? '' ).trim()
		);
		if ( missing.length ) {
			setErrors(
				Object.fromEntries(
					missing.map( ( field ) => [
						field.name,
						friendly( field.name, 'may not be blank' ),
					] )
				)
			);
			return;
		}
		setBusy( true );
		setErrors( {} );
		setFailure( null );
		const body = config.toBody( values );
		try {
			if ( editing === 'new' ) {
				const made = await getClient().post< T >( config.path, body );
				announce( config.words.created( made.name ) );
			} else if ( editing ) {
				const changed = await getClient().patch< T >(
					`${ config.path }${ editing.id }/`,
					body
				);
				announce( config.words.updated( changed.name ) );
			}
			setEditing( null );
			doc.reload();
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
					? __( 'Not saved: see the fields below.', 'igny8-bridge' )
					: errorMessage( error, __( 'Not saved.', 'igny8-bridge' ) )
			);
		}
		setBusy( false );
	};

	const onDelete = async () => {
		const item = deleting;
		setDeleting( null );
		if ( ! item ) {
			return;
		}
		setFailure( null );
		try {
			await getClient().delete( `${ config.path }${ item.id }/` );
			announce( config.words.deleted( item.name ) );
			doc.reload();
		} catch ( error ) {
			setFailure(
				errorMessage( error, __( 'Not deleted.', 'igny8-bridge' ) )
			);
		}
	};

	const form = (
		<form
			className="igny8-settings__form igny8-crud__form"
			onSubmit={ onSubmit }
		>
			<h3 className="igny8-settings__subheading">
				{ editing === 'new' || ! editing
					? config.words.formTitleNew
					: config.words.formTitleEdit( editing.name ) }
			</h3>
			{ config.fields.map( ( field ) => {
				const errorId = `igny8-crud-${ field.name }-error`;
				const describedBy = errors[ field.name ] ? errorId : undefined;
				const value = values[ field.name ];
				const set = ( next: Value ) =>
					setValues( { ...values, [ field.name ]: next } );
				return (
					<div key={ field.name } className="igny8-crud__field">
						{ field.kind === 'text' && (
							<TextControl
								label={ field.label }
								help={ field.help }
								value={ String( value ?? '' ) }
								onChange={ set }
								aria-required={ field.required }
								aria-invalid={ Boolean( describedBy ) }
								aria-describedby={ describedBy }
							/>
						) }
						{ field.kind === 'textarea' && (
							<TextareaControl
								label={ field.label }
								help={ field.help }
								value={ String( value ?? '' ) }
								onChange={ set }
								rows={ 4 }
								aria-describedby={ describedBy }
							/>
						) }
						{ field.kind === 'checkbox' && (
							<CheckboxControl
								label={ field.label }
								help={ field.help }
								checked={ Boolean( value ) }
								onChange={ set }
							/>
						) }
						{ field.kind === 'select' && (
							<SelectControl
								label={ field.label }
								help={ field.help }
								value={ value === null ? '' : String( value ) }
								options={ field.options ?? [] }
								onChange={ ( next: string ) => set( next ) }
								aria-describedby={ describedBy }
							/>
						) }
						<FieldError
							id={ errorId }
							message={ errors[ field.name ] }
						/>
					</div>
				);
			} ) }
			<div className="igny8-settings__actions">
				<Button
					variant="primary"
					type="submit"
					isBusy={ busy }
					disabled={ busy }
				>
					{ __( 'Save', 'igny8-bridge' ) }
				</Button>
				<Button
					variant="tertiary"
					onClick={ () => setEditing( null ) }
					disabled={ busy }
				>
					{ __( 'Cancel', 'igny8-bridge' ) }
				</Button>
			</div>
		</form>
	);

	return (
		<div className="igny8-crud">
			<ReadOnlyNotice access={ access } />
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			{ items.length === 0 && editing !== 'new' && (
				<EmptyState
					title={ config.words.emptyTitle }
					action={
						readOnly
							? undefined
							: {
									label: config.words.add,
									onClick: () => open( 'new' ),
								}
					}
				>
					<p>{ config.words.emptyBody }</p>
				</EmptyState>
			) }
			{ items.length > 0 && (
				<ul className="igny8-crud__list">
					{ items.map( ( item ) =>
						editing !== 'new' && editing?.id === item.id ? (
							<li key={ item.id } className="igny8-crud__item">
								{ form }
							</li>
						) : (
							<li key={ item.id } className="igny8-crud__item">
								<div className="igny8-crud__text">
									<strong>{ item.name }</strong>
									{ config.badge?.( item ) && (
										<span className="igny8-crud__badge">
											{ config.badge( item ) }
										</span>
									) }
									<p>{ config.summary( item ) }</p>
								</div>
								{ ! readOnly && (
									<div className="igny8-crud__actions">
										<Button
											variant="secondary"
											onClick={ () => open( item ) }
											label={ sprintf(
												/* translators: %s: item name. */
												__(
													'Edit “%s”',
													'igny8-bridge'
												),
												item.name
											) }
											showTooltip={ false }
										>
											{ __( 'Edit', 'igny8-bridge' ) }
										</Button>
										<Button
											variant="tertiary"
											isDestructive
											onClick={ () =>
												setDeleting( item )
											}
											label={ sprintf(
												/* translators: %s: item name. */
												__(
													'Delete “%s”',
													'igny8-bridge'
												),
												item.name
											) }
											showTooltip={ false }
										>
											{ __( 'Delete', 'igny8-bridge' ) }
										</Button>
									</div>
								) }
							</li>
						)
					) }
				</ul>
			) }
			{ editing === 'new' && form }
			{ ! readOnly && items.length > 0 && editing === null && (
				<Button variant="primary" onClick={ () => open( 'new' ) }>
					{ config.words.add }
				</Button>
			) }
			{ deleting && (
				<ConfirmDialog
					isOpen
					onConfirm={ onDelete }
					onCancel={ () => setDeleting( null ) }
					confirmButtonText={ __( 'Delete', 'igny8-bridge' ) }
					cancelButtonText={ __( 'Cancel', 'igny8-bridge' ) }
				>
					{ config.words.confirmDelete( deleting.name ) }
				</ConfirmDialog>
			) }
		</div>
	);
}

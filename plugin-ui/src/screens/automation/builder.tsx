/**
 * External dependencies
 */
import type {
	AutomationActionType,
	AutomationDryRun,
	AutomationEvent,
	Sector,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	Notice,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Page } from '../../api';
import { isApiError } from '../../api';
import { errorMessage } from '../../api/errors';
import { getBootData } from '../../boot';
import { announce } from '../../components/data-view/notices';
import { EmptyState, ErrorNotice, Loading } from '../../components/states';
import { label, labelOptions } from '../../labels';
import {
	AUTOMATION,
	createRule,
	dryRunRule,
	dryRunSavedRule,
	fetchRule,
	updateRule,
} from '../../store/automation';
import { fieldErrorsOf, useCloudDoc } from '../settings/cloud-doc';
import { triggerText } from './format';
import { placeUrl, type Place } from './place';
import { DryRunPreview } from './preview';
import {
	ACTION_OPTIONS,
	ACTION_TYPES,
	blankForm,
	CAP_NAMES,
	formFromRule,
	MAX_ACTIONS,
	moveAction,
	newAction,
	ruleFromForm,
	type ActionDraft,
	type CapName,
	type FormErrors,
	type OptionSpec,
	POST_STATUSES,
	type RuleForm,
} from './rule-form';

/** WordPress's own words for the statuses a published post may have. */
const POST_STATUS_LABELS = () => ( {
	publish: __( 'Published', 'igny8-bridge' ),
	future: __( 'Scheduled', 'igny8-bridge' ),
	private: __( 'Private', 'igny8-bridge' ),
} );
import {
	clock,
	cronFromSchedule,
	defaultTimeZone,
	LAST_MONTH_DAY,
	timeZoneNames,
	weekdayNames,
	type Repeat,
} from './schedule';

/** The fields the builder shows, by the cloud's path; other errors are listed apart. */
const PLACED = [
	/^name$/,
	/^sector_id$/,
	/^trigger\.(cron|timezone)$/,
	/^conditions\.(min_cluster_keywords|min_volume|post_statuses)$/,
	/^actions$/,
	/^actions\.\d+\.[a-z_]+$/,
	/^caps\.(per_run|per_day|per_month)$/,
];

/**
 * A field's help, or its error in its place: `help` is the text under the
 * control that its `aria-describedby` names.
 * @param errors The form's errors.
 * @param path   The field's path.
 * @param help   What it says when nothing is wrong.
 */
function described( errors: FormErrors, path: string, help?: string ) {
	const error = errors[ path ];
	return {
		help: error ?? help,
		className: error ? 'igny8-automation__invalid' : undefined,
	};
}

/**
 * An author profile or strategy of the account, or the default.
 * @param props          Component props.
 * @param props.kind     Which list.
 * @param props.label    The field's label.
 * @param props.value    The chosen id, or empty.
 * @param props.onChange Reports a choice.
 */
function AccountChoice( {
	kind,
	label: fieldLabel,
	value,
	onChange,
}: {
	kind: 'profile' | 'strategy';
	label: string;
	value: string;
	onChange: ( value: string ) => void;
} ) {
	const doc = useCloudDoc< Page< { id: number; name: string } > >(
		`${
			kind === 'profile'
				? '/system/author-profiles/'
				: '/system/strategies/'
		}?page_size=100`
	);
	const options = [
		{
			value: '',
			label:
				kind === 'profile'
					? __( 'The default profile', 'igny8-bridge' )
					: __( 'No strategy', 'igny8-bridge' ),
		},
		...( doc.data?.results ?? [] ).map( ( item ) => ( {
			value: String( item.id ),
			label: item.name,
		} ) ),
	];
	if ( value && ! options.some( ( option ) => option.value === value ) ) {
		options.push( { value, label: `#${ value }` } );
	}
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ fieldLabel }
			value={ value }
			options={ options }
			onChange={ onChange }
			help={
				doc.error
					? __(
							'The list could not be loaded; the default is used.',
							'igny8-bridge'
						)
					: undefined
			}
		/>
	);
}

/**
 * One option of a step.
 * @param props          Component props.
 * @param props.option   What it is.
 * @param props.values   The step's values.
 * @param props.path     The step's path, e.g. `actions.2`.
 * @param props.errors   The form's errors.
 * @param props.onChange Reports a new value.
 */
function ActionOption( {
	option,
	values,
	path,
	errors,
	onChange,
}: {
	option: OptionSpec;
	values: Record< string, string >;
	path: string;
	errors: FormErrors;
	onChange: ( value: string ) => void;
} ) {
	const value = values[ option.name ] ?? '';
	const field = `${ path }.${ option.name }`;
	switch ( option.kind ) {
		case 'select':
			return (
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ option.label() }
					value={ value }
					options={ option.options() }
					onChange={ onChange }
					{ ...described( errors, field ) }
				/>
			);
		case 'profile':
		case 'strategy':
			return (
				<AccountChoice
					kind={ option.kind }
					label={ option.label() }
					value={ value }
					onChange={ onChange }
				/>
			);
		case 'time':
			return (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="time"
					label={ option.label() }
					value={ value }
					onChange={ onChange }
					{ ...described( errors, field, option.help?.() ) }
				/>
			);
	}
	if ( option.shownIf && ! option.shownIf( values ) ) {
		return null;
	}
	return (
		<TextControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			type="number"
			min={ option.min }
			max={ option.max }
			label={ option.label() }
			value={ value }
			onChange={ onChange }
			{ ...described( errors, field, option.help?.() ) }
		/>
	);
}

/**
 * A step of the chain: what it does, its options, and moving or removing it.
 * @param props          Component props.
 * @param props.draft    The step.
 * @param props.index    Its place in the chain.
 * @param props.count    How many steps there are.
 * @param props.errors   The form's errors.
 * @param props.onChange Reports new values.
 * @param props.onMove   Moves it up (-1) or down (1).
 * @param props.onRemove Takes it out.
 */
function ActionCard( {
	draft,
	index,
	count,
	errors,
	onChange,
	onMove,
	onRemove,
}: {
	draft: ActionDraft;
	index: number;
	count: number;
	errors: FormErrors;
	onChange: ( values: Record< string, string > ) => void;
	onMove: ( by: -1 | 1 ) => void;
	onRemove: () => void;
} ) {
	const name = label( 'automationAction', draft.type );
	const headingId = `igny8-automation-action-${ draft.key }`;
	const options = ACTION_OPTIONS[ draft.type ];
	const which = sprintf(
		/* translators: 1: the step's number, 2: what it does, e.g. Generate ideas. */
		__( 'step %1$d, %2$s', 'igny8-bridge' ),
		index + 1,
		name
	);
	return (
		<li
			className="igny8-automation__action"
			data-testid="igny8-automation-action"
			data-type={ draft.type }
			aria-labelledby={ headingId }
		>
			<div className="igny8-automation__step-head">
				<h4 id={ headingId }>
					{ sprintf(
						/* translators: 1: the step's number, 2: what it does, e.g. Generate ideas. */
						__( '%1$d. %2$s', 'igny8-bridge' ),
						index + 1,
						name
					) }
				</h4>
				<div className="igny8-automation__step-buttons">
					<Button
						icon="arrow-up-alt2"
						size="compact"
						label={ sprintf(
							/* translators: %s: e.g. “step 2, Generate ideas”. */
							__( 'Move %s up', 'igny8-bridge' ),
							which
						) }
						disabled={ index === 0 }
						accessibleWhenDisabled
						onClick={ () => onMove( -1 ) }
					/>
					<Button
						icon="arrow-down-alt2"
						size="compact"
						label={ sprintf(
							/* translators: %s: e.g. “step 2, Generate ideas”. */
							__( 'Move %s down', 'igny8-bridge' ),
							which
						) }
						disabled={ index === count - 1 }
						accessibleWhenDisabled
						onClick={ () => onMove( 1 ) }
					/>
					<Button
						icon="no-alt"
						size="compact"
						isDestructive
						label={ sprintf(
							/* translators: %s: e.g. “step 2, Generate ideas”. */
							__( 'Remove %s', 'igny8-bridge' ),
							which
						) }
						onClick={ onRemove }
					/>
				</div>
			</div>
			{ options.length === 0 ? (
				<p className="igny8-automation__hint">
					{ __(
						'Makes a writing task of every approved idea. Nothing to choose.',
						'igny8-bridge'
					) }
				</p>
			) : (
				<div className="igny8-automation__options">
					{ options.map( ( option ) => (
						<ActionOption
							key={ option.name }
							option={ option }
							values={ draft.values }
							path={ `actions.${ index }` }
							errors={ errors }
							onChange={ ( value ) =>
								onChange( {
									...draft.values,
									[ option.name ]: value,
								} )
							}
						/>
					) ) }
				</div>
			) }
		</li>
	);
}

/**
 * The step a person most likely adds next: the one after the last in the
 * pipeline's order.
 * @param actions The steps so far.
 */
function nextType( actions: ActionDraft[] ): AutomationActionType {
	const last = actions[ actions.length - 1 ];
	if ( ! last ) {
		return ACTION_TYPES[ 0 ]!;
	}
	return (
		ACTION_TYPES[ ACTION_TYPES.indexOf( last.type ) + 1 ] ??
		ACTION_TYPES[ 0 ]!
	);
}

function repeatOptions(): { value: Repeat; label: string }[] {
	return [
		{ value: 'hourly', label: __( 'Every hour', 'igny8-bridge' ) },
		{ value: 'daily', label: __( 'Every day', 'igny8-bridge' ) },
		{ value: 'weekly', label: __( 'Every week', 'igny8-bridge' ) },
		{ value: 'monthly', label: __( 'Every month', 'igny8-bridge' ) },
		{
			value: 'custom',
			label: __( 'Custom (cron expression)', 'igny8-bridge' ),
		},
	];
}

/**
 * When the rule starts: a schedule (repeat, time, time zone) or an event.
 * @param props          Component props.
 * @param props.form     The form.
 * @param props.errors   The form's errors.
 * @param props.onChange Reports changes.
 */
function TriggerFields( {
	form,
	errors,
	onChange,
}: {
	form: RuleForm;
	errors: FormErrors;
	onChange: ( changes: Partial< RuleForm > ) => void;
} ) {
	const { schedule } = form;
	const zones = useMemo( () => {
		const names = timeZoneNames();
		return names.includes( form.timezone ) || ! form.timezone
			? names
			: [ form.timezone, ...names ];
	}, [ form.timezone ] );
	const setSchedule = ( changes: Partial< RuleForm[ 'schedule' ] > ) => {
		const next = { ...schedule, ...changes };
		// Switching to a custom schedule starts from the one chosen so far.
		if ( changes.repeat === 'custom' && schedule.repeat !== 'custom' ) {
			next.cron = cronFromSchedule( schedule );
		}
		onChange( { schedule: next } );
	};
	const time = clock( schedule.hour, schedule.minute );
	return (
		<fieldset className="igny8-automation__section">
			<legend>{ __( 'When it runs', 'igny8-bridge' ) }</legend>
			<div className="igny8-automation__fields">
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Starts', 'igny8-bridge' ) }
					value={ form.trigger }
					options={ [
						{
							value: 'schedule',
							label: __( 'On a schedule', 'igny8-bridge' ),
						},
						{
							value: 'event',
							label: __(
								'When something happens',
								'igny8-bridge'
							),
						},
					] }
					onChange={ ( value ) =>
						onChange( { trigger: value as RuleForm[ 'trigger' ] } )
					}
				/>
				{ form.trigger === 'event' && (
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Event', 'igny8-bridge' ) }
						value={ form.event }
						options={ labelOptions( 'automationEvent' ) }
						onChange={ ( value ) =>
							onChange( { event: value as AutomationEvent } )
						}
						help={ __(
							'Each event starts one run, however often it is reported.',
							'igny8-bridge'
						) }
					/>
				) }
				{ form.trigger === 'schedule' && (
					<>
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Repeats', 'igny8-bridge' ) }
							value={ schedule.repeat }
							options={ repeatOptions() }
							onChange={ ( value ) =>
								setSchedule( { repeat: value as Repeat } )
							}
						/>
						{ schedule.repeat === 'weekly' && (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'On', 'igny8-bridge' ) }
								value={ String( schedule.weekday ) }
								options={ weekdayNames().map(
									( day, index ) => ( {
										value: String( index ),
										label: day,
									} )
								) }
								onChange={ ( value ) =>
									setSchedule( { weekday: Number( value ) } )
								}
							/>
						) }
						{ schedule.repeat === 'monthly' && (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'On day', 'igny8-bridge' ) }
								value={ String( schedule.monthDay ) }
								options={ Array.from(
									{ length: LAST_MONTH_DAY },
									( _, index ) => ( {
										value: String( index + 1 ),
										label: String( index + 1 ),
									} )
								) }
								onChange={ ( value ) =>
									setSchedule( { monthDay: Number( value ) } )
								}
							/>
						) }
						{ schedule.repeat === 'hourly' && (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __(
									'Minutes past the hour',
									'igny8-bridge'
								) }
								value={ String( schedule.minute ) }
								options={ Array.from(
									{ length: 12 },
									( _, index ) => ( {
										value: String( index * 5 ),
										label: `:${ String(
											index * 5
										).padStart( 2, '0' ) }`,
									} )
								) }
								onChange={ ( value ) =>
									setSchedule( { minute: Number( value ) } )
								}
							/>
						) }
						{ [ 'daily', 'weekly', 'monthly' ].includes(
							schedule.repeat
						) && (
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								type="time"
								label={ __( 'At', 'igny8-bridge' ) }
								value={ time }
								onChange={ ( value ) => {
									const match = /^(\d{2}):(\d{2})/.exec(
										value
									);
									if ( match ) {
										setSchedule( {
											hour: Number( match[ 1 ] ),
											minute: Number( match[ 2 ] ),
										} );
									}
								} }
							/>
						) }
						{ schedule.repeat === 'custom' && (
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __(
									'Cron expression',
									'igny8-bridge'
								) }
								value={ schedule.cron }
								onChange={ ( value ) =>
									setSchedule( { cron: value } )
								}
								{ ...described(
									errors,
									'trigger.cron',
									__(
										'Minute, hour, day of the month, month, day of the week: “0 6 * * 1–5” is 06:00 on weekdays.',
										'igny8-bridge'
									)
								) }
							/>
						) }
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Time zone', 'igny8-bridge' ) }
							value={ form.timezone }
							options={ zones.map( ( zone ) => ( {
								value: zone,
								label: zone.replace( /_/g, ' ' ),
							} ) ) }
							onChange={ ( value ) =>
								onChange( { timezone: value } )
							}
							{ ...described( errors, 'trigger.timezone' ) }
						/>
					</>
				) }
			</div>
			{ form.trigger === 'schedule' && (
				<p
					className="igny8-automation__summary"
					data-testid="igny8-automation-schedule"
				>
					{ sprintf(
						/* translators: %s: e.g. “Every day at 06:00 (Europe/Berlin)”. */
						__( 'Runs: %s', 'igny8-bridge' ),
						triggerText( {
							kind: 'schedule',
							cron: cronFromSchedule( schedule ),
							timezone: form.timezone,
						} )
					) }
				</p>
			) }
		</fieldset>
	);
}

/**
 * The builder's form for a new rule or a saved one: its name and sector,
 * when it runs, the conditions, the ordered steps and their options, the
 * credit caps; “Preview (dry run)” shows what each step would do and cost
 * before anything is saved.
 * @param props            Component props.
 * @param props.initial    The form to start from.
 * @param props.ruleId     The saved rule, or null for a new one.
 * @param props.siteId     The session's site.
 * @param props.sectors    The site's sectors.
 * @param props.canEdit    Whether the user may save rules.
 * @param props.canPreview Whether the user may ask for a dry run.
 * @param props.onGo       Goes to another place on the screen.
 */
export function RuleEditor( {
	initial,
	ruleId,
	siteId,
	sectors,
	canEdit,
	canPreview,
	onGo,
}: {
	initial: RuleForm;
	ruleId: number | null;
	siteId: number | null;
	sectors: Sector[];
	canEdit: boolean;
	canPreview: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const { invalidate } = useDispatch( AUTOMATION ) as any;
	const [ form, setForm ] = useState( initial );
	const [ errors, setErrors ] = useState< FormErrors >( {} );
	const [ failure, setFailure ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState< 'preview' | 'save' | null >( null );
	const [ preview, setPreview ] = useState< {
		dryRun: AutomationDryRun;
		of: string;
	} | null >( null );
	const [ adding, setAdding ] = useState< AutomationActionType >(
		nextType( initial.actions )
	);

	const change = ( changes: Partial< RuleForm >, cleared: string[] = [] ) => {
		setForm( ( current ) => ( { ...current, ...changes } ) );
		if ( cleared.length ) {
			setErrors( ( current ) => {
				const next = { ...current };
				Object.keys( next )
					.filter( ( path ) =>
						cleared.some(
							( prefix ) =>
								path === prefix ||
								path.startsWith( `${ prefix }.` )
						)
					)
					.forEach( ( path ) => delete next[ path ] );
				return next;
			} );
		}
	};
	const setActions = ( actions: ActionDraft[] ) => {
		change( { actions }, [ 'actions' ] );
		setAdding( nextType( actions ) );
	};

	const built = siteId === null ? null : ruleFromForm( form, siteId ).rule;
	const stale = preview !== null && JSON.stringify( built ) !== preview.of;

	/**
	 * The rule to send, or null after showing what is wrong.
	 * @param what What the person asked for, to say what did not happen.
	 */
	const checked = ( what: 'preview' | 'save' ) => {
		if ( siteId === null ) {
			setFailure(
				__(
					'This IGNY8 session names no site. Reload the page.',
					'igny8-bridge'
				)
			);
			return null;
		}
		const made = ruleFromForm( form, siteId );
		setErrors( made.errors );
		if ( ! made.rule ) {
			setFailure(
				what === 'preview'
					? __(
							'Correct the fields marked above, then preview again.',
							'igny8-bridge'
						)
					: __(
							'Not saved: correct the fields marked above.',
							'igny8-bridge'
						)
			);
			return null;
		}
		setFailure( null );
		return made.rule;
	};
	const failed = ( error: unknown, fallback: string ) => {
		const byField = fieldErrorsOf( error );
		setErrors( byField );
		const elsewhere = Object.entries( byField ).filter(
			( [ path ] ) => ! PLACED.some( ( pattern ) => pattern.test( path ) )
		);
		setFailure(
			[
				Object.keys( byField ).length
					? fallback
					: errorMessage( error, fallback ),
				...elsewhere.map(
					( [ path, message ] ) => `${ path }: ${ message }`
				),
			].join( ' ' )
		);
	};

	const runPreview = async () => {
		const rule = checked( 'preview' );
		if ( ! rule ) {
			return;
		}
		setBusy( 'preview' );
		try {
			// A saved rule as it was saved: its dry run also counts what its
			// day and month caps have left.
			const asSaved =
				ruleId !== null &&
				siteId !== null &&
				JSON.stringify( rule ) ===
					JSON.stringify( ruleFromForm( initial, siteId ).rule );
			const dryRun = asSaved
				? await dryRunSavedRule( ruleId )
				: await dryRunRule( rule );
			setPreview( { dryRun, of: JSON.stringify( rule ) } );
		} catch ( error ) {
			failed(
				error,
				__(
					'The preview could not be made: see the fields marked above.',
					'igny8-bridge'
				)
			);
		}
		setBusy( null );
	};

	const save = async ( event: React.FormEvent ) => {
		event.preventDefault();
		const rule = checked( 'save' );
		if ( ! rule ) {
			return;
		}
		setBusy( 'save' );
		try {
			const { site_id: _site, ...changes } = rule;
			const saved =
				ruleId === null
					? await createRule( rule )
					: await updateRule( ruleId, changes );
			invalidate();
			announce(
				sprintf(
					/* translators: %s: a rule's name. */
					__( 'Saved “%s”.', 'igny8-bridge' ),
					saved.name
				)
			);
			setBusy( null );
			onGo( { kind: 'list', tab: 'rules' } );
		} catch ( error ) {
			setBusy( null );
			failed(
				error,
				__( 'Not saved: see the fields marked above.', 'igny8-bridge' )
			);
		}
	};

	const title =
		ruleId === null
			? __( 'New rule', 'igny8-bridge' )
			: sprintf(
					/* translators: %s: a rule's name. */
					__( 'Rule “%s”', 'igny8-bridge' ),
					initial.name
				);

	return (
		<form
			className="igny8-automation__builder"
			onSubmit={ save }
			noValidate
			aria-labelledby="igny8-automation-builder-title"
		>
			<p className="igny8-automation__back">
				<Button
					variant="link"
					href={ placeUrl( { kind: 'list', tab: 'rules' } ) }
					onClick={ ( event: React.MouseEvent ) => {
						event.preventDefault();
						onGo( { kind: 'list', tab: 'rules' } );
					} }
				>
					{ __( '← All rules', 'igny8-bridge' ) }
				</Button>
			</p>
			<h2 id="igny8-automation-builder-title">{ title }</h2>
			{ ! canEdit && (
				<Notice status="info" isDismissible={ false }>
					{ canPreview
						? __(
								'You can change this form and preview what it would do; saving a rule takes an administrator of this site.',
								'igny8-bridge'
							)
						: __(
								'Your role can look at rules, not change them.',
								'igny8-bridge'
							) }
				</Notice>
			) }
			<fieldset
				className="igny8-automation__editable"
				disabled={ ! canEdit && ! canPreview }
			>
				<fieldset className="igny8-automation__section">
					<legend>{ __( 'Rule', 'igny8-bridge' ) }</legend>
					<div className="igny8-automation__fields">
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Name', 'igny8-bridge' ) }
							value={ form.name }
							onChange={ ( name ) =>
								change( { name }, [ 'name' ] )
							}
							{ ...described( errors, 'name' ) }
						/>
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Sector', 'igny8-bridge' ) }
							value={ String( form.sectorId ?? '' ) }
							options={ sectors.map( ( sector ) => ( {
								value: String( sector.id ),
								label: sector.name,
							} ) ) }
							onChange={ ( value ) =>
								change( { sectorId: Number( value ) }, [
									'sector_id',
								] )
							}
							{ ...described(
								errors,
								'sector_id',
								__(
									'The steps work on this sector’s keywords, ideas and drafts.',
									'igny8-bridge'
								)
							) }
						/>
					</div>
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __(
							'On: runs start when it is time',
							'igny8-bridge'
						) }
						help={ __(
							'Leave it off to save the rule paused.',
							'igny8-bridge'
						) }
						checked={ form.enabled }
						onChange={ ( enabled ) => change( { enabled } ) }
					/>
				</fieldset>

				<TriggerFields
					form={ form }
					errors={ errors }
					onChange={ ( changes ) => change( changes, [ 'trigger' ] ) }
				/>

				<fieldset className="igny8-automation__section">
					<legend>{ __( 'Conditions', 'igny8-bridge' ) }</legend>
					<div className="igny8-automation__fields">
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="number"
							min={ 1 }
							label={ __(
								'Least keywords in a cluster',
								'igny8-bridge'
							) }
							value={ form.minClusterKeywords }
							onChange={ ( minClusterKeywords ) =>
								change( { minClusterKeywords }, [
									'conditions.min_cluster_keywords',
								] )
							}
							{ ...described(
								errors,
								'conditions.min_cluster_keywords',
								__(
									'Smaller clusters are left out of the steps. Empty: every cluster.',
									'igny8-bridge'
								)
							) }
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="number"
							min={ 0 }
							label={ __(
								'Least searches a month',
								'igny8-bridge'
							) }
							value={ form.minVolume }
							onChange={ ( minVolume ) =>
								change( { minVolume }, [
									'conditions.min_volume',
								] )
							}
							{ ...described(
								errors,
								'conditions.min_volume',
								__(
									'Keywords searched less are not clustered. Empty: every keyword.',
									'igny8-bridge'
								)
							) }
						/>
					</div>
					{ form.trigger === 'event' &&
						form.event === 'content.published' && (
							<fieldset className="igny8-automation__statuses">
								<legend>
									{ __(
										'Only posts WordPress shows as',
										'igny8-bridge'
									) }
								</legend>
								{ POST_STATUSES.map( ( status ) => (
									<CheckboxControl
										key={ status }
										__nextHasNoMarginBottom
										label={ POST_STATUS_LABELS()[ status ] }
										checked={ form.postStatuses.includes(
											status
										) }
										onChange={ ( on ) =>
											change(
												{
													postStatuses: on
														? [
																...form.postStatuses,
																status,
															]
														: form.postStatuses.filter(
																( s ) =>
																	s !== status
															),
												},
												[ 'conditions.post_statuses' ]
											)
										}
									/>
								) ) }
								<p className="igny8-automation__hint">
									{ errors[ 'conditions.post_statuses' ] ??
										__(
											'None ticked: every published post starts the rule.',
											'igny8-bridge'
										) }
								</p>
							</fieldset>
						) }
				</fieldset>

				<fieldset className="igny8-automation__section">
					<legend>{ __( 'Steps, in order', 'igny8-bridge' ) }</legend>
					{ form.actions.length === 0 ? (
						<p className="igny8-automation__hint">
							{ __(
								'No steps yet. Add what the rule does when it runs, one step after another; each step works on what the one before it made.',
								'igny8-bridge'
							) }
						</p>
					) : (
						<ol className="igny8-automation__actions-list">
							{ form.actions.map( ( draft, index ) => (
								<ActionCard
									key={ draft.key }
									draft={ draft }
									index={ index }
									count={ form.actions.length }
									errors={ errors }
									onChange={ ( values ) =>
										setActions(
											form.actions.map( ( other ) =>
												other.key === draft.key
													? { ...other, values }
													: other
											)
										)
									}
									onMove={ ( by ) =>
										setActions(
											moveAction(
												form.actions,
												index,
												by
											)
										)
									}
									onRemove={ () =>
										setActions(
											form.actions.filter(
												( other ) =>
													other.key !== draft.key
											)
										)
									}
								/>
							) ) }
						</ol>
					) }
					{ errors.actions && (
						<p className="igny8-field-error" role="alert">
							{ errors.actions }
						</p>
					) }
					{ form.actions.length < MAX_ACTIONS ? (
						<div className="igny8-inline-form igny8-automation__add">
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'Step to add', 'igny8-bridge' ) }
								value={ adding }
								options={ labelOptions( 'automationAction' ) }
								onChange={ ( value ) =>
									setAdding( value as AutomationActionType )
								}
							/>
							<Button
								variant="secondary"
								__next40pxDefaultSize
								onClick={ () =>
									setActions( [
										...form.actions,
										newAction( adding ),
									] )
								}
							>
								{ __( 'Add step', 'igny8-bridge' ) }
							</Button>
							{ form.actions.length === 0 && (
								<Button
									variant="tertiary"
									__next40pxDefaultSize
									onClick={ () =>
										setActions(
											ACTION_TYPES.map( newAction )
										)
									}
								>
									{ __(
										'Add the whole pipeline',
										'igny8-bridge'
									) }
								</Button>
							) }
						</div>
					) : (
						<p className="igny8-automation__hint">
							{ sprintf(
								/* translators: %d: the most steps a rule may have. */
								__(
									'A rule has %d steps at most.',
									'igny8-bridge'
								),
								MAX_ACTIONS
							) }
						</p>
					) }
				</fieldset>

				<fieldset className="igny8-automation__section">
					<legend>{ __( 'Credit caps', 'igny8-bridge' ) }</legend>
					<p className="igny8-automation__hint">
						{ __(
							'Checked before every step: a step that would pass a cap is not started and charges nothing, and the run says so. Empty: no cap.',
							'igny8-bridge'
						) }
					</p>
					<div className="igny8-automation__fields">
						{ CAP_NAMES.map( ( cap: CapName ) => (
							<TextControl
								key={ cap }
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								type="number"
								min={ 0 }
								label={
									{
										per_run: __(
											'Per run',
											'igny8-bridge'
										),
										per_day: __(
											'Per day',
											'igny8-bridge'
										),
										per_month: __(
											'Per month',
											'igny8-bridge'
										),
									}[ cap ]
								}
								value={ form.caps[ cap ] }
								onChange={ ( value ) =>
									change(
										{
											caps: {
												...form.caps,
												[ cap ]: value,
											},
										},
										[ `caps.${ cap }` ]
									)
								}
								{ ...described( errors, `caps.${ cap }` ) }
							/>
						) ) }
					</div>
				</fieldset>
			</fieldset>

			{ failure && <ErrorNotice message={ failure } /> }
			<div className="igny8-modal__actions igny8-automation__buttons">
				{ canPreview && (
					<Button
						variant="secondary"
						__next40pxDefaultSize
						isBusy={ busy === 'preview' }
						disabled={ busy !== null }
						accessibleWhenDisabled
						onClick={ runPreview }
					>
						{ __( 'Preview (dry run)', 'igny8-bridge' ) }
					</Button>
				) }
				{ canEdit && (
					<Button
						variant="primary"
						type="submit"
						__next40pxDefaultSize
						isBusy={ busy === 'save' }
						disabled={ busy !== null }
						accessibleWhenDisabled
					>
						{ ruleId === null
							? __( 'Save rule', 'igny8-bridge' )
							: __( 'Save changes', 'igny8-bridge' ) }
					</Button>
				) }
				<Button
					variant="tertiary"
					__next40pxDefaultSize
					href={ placeUrl( { kind: 'list', tab: 'rules' } ) }
					onClick={ ( event: React.MouseEvent ) => {
						event.preventDefault();
						onGo( { kind: 'list', tab: 'rules' } );
					} }
				>
					{ __( 'Cancel', 'igny8-bridge' ) }
				</Button>
			</div>
			{ preview && (
				<DryRunPreview dryRun={ preview.dryRun } stale={ stale } />
			) }
		</form>
	);
}

/**
 * The rule builder for a new rule or a saved one (loaded first).
 * @param props            Component props.
 * @param props.id         The rule, or `new`.
 * @param props.sectorId   The sector chosen in the header (a new rule's).
 * @param props.siteId     The session's site.
 * @param props.canEdit    Whether the user may save rules.
 * @param props.canPreview Whether the user may ask for a dry run.
 * @param props.onGo       Goes to another place on the screen.
 */
export function RuleBuilder( {
	id,
	sectorId,
	siteId,
	canEdit,
	canPreview,
	onGo,
}: {
	id: number | 'new';
	sectorId: number | null;
	siteId: number | null;
	canEdit: boolean;
	canPreview: boolean;
	onGo: ( place: Place ) => void;
} ) {
	const sectors = useSelect(
		( select ) =>
			( select( 'igny8/settings' ) as any ).getSectors() as
				Sector[] | null,
		[]
	);
	const [ initial, setInitial ] = useState< RuleForm | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ attempt, setAttempt ] = useState( 0 );
	useEffect( () => {
		if ( id === 'new' ) {
			return;
		}
		let live = true;
		setError( null );
		fetchRule( id ).then(
			( rule ) => live && setInitial( formFromRule( rule ) ),
			( failure ) =>
				live &&
				setError(
					isApiError( failure ) && failure.kind === 'not_found'
						? __(
								'This rule does not exist (any more).',
								'igny8-bridge'
							)
						: errorMessage(
								failure,
								__(
									'This rule could not be loaded.',
									'igny8-bridge'
								)
							)
				)
		);
		return () => {
			live = false;
		};
	}, [ id, attempt ] );

	if ( error ) {
		return (
			<>
				<p className="igny8-automation__back">
					<Button
						variant="link"
						onClick={ () => onGo( { kind: 'list', tab: 'rules' } ) }
					>
						{ __( '← All rules', 'igny8-bridge' ) }
					</Button>
				</p>
				<ErrorNotice
					message={ error }
					onRetry={ () => setAttempt( ( n ) => n + 1 ) }
				/>
			</>
		);
	}
	if ( sectors === null ) {
		return (
			<Loading label={ __( 'Loading your sectors…', 'igny8-bridge' ) } />
		);
	}
	if ( sectors.length === 0 ) {
		return (
			<EmptyState
				title={ __(
					'A rule works in a sector, and this site has none yet.',
					'igny8-bridge'
				) }
				action={ {
					label: __( 'Create one on the Dashboard', 'igny8-bridge' ),
					href: getBootData().pages.dashboard,
				} }
			/>
		);
	}
	const start =
		id === 'new'
			? blankForm(
					sectors.some( ( sector ) => sector.id === sectorId )
						? sectorId
						: sectors[ 0 ]!.id,
					defaultTimeZone( getBootData().timezone )
				)
			: initial;
	if ( ! start ) {
		return <Loading label={ __( 'Loading the rule…', 'igny8-bridge' ) } />;
	}
	return (
		<RuleEditor
			initial={ start }
			ruleId={ id === 'new' ? null : id }
			siteId={ siteId }
			sectors={ sectors }
			canEdit={ canEdit }
			canPreview={ canPreview }
			onGo={ onGo }
		/>
	);
}

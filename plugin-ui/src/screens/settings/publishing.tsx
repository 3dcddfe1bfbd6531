/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	RadioControl,
	SelectControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ErrorNotice } from '../../components/states';
import type {
	PublishDefaultStatus,
	SiteSettings,
} from '../../store/settings/site';
import { CheckboxGroup } from './checkbox-group';
import {
	ReadOnlyNotice,
	useSiteSettings,
	useSubmit,
	WithSiteSettings,
} from './shared';

function PublishingForm( { site }: { site: SiteSettings } ) {
	const { save } = useSiteSettings();
	const { busy, error, submit } = useSubmit();
	const readOnly = ! site.can_manage;
	const [ status, setStatus ] = useState< PublishDefaultStatus >(
		site.publishing.default_status
	);
	const [ author, setAuthor ] = useState( site.publishing.default_author );
	const [ categories, setCategories ] = useState(
		site.publishing.default_categories
	);

	const onSubmit = ( event: React.FormEvent ) => {
		event.preventDefault();
		submit(
			() =>
				save( {
					default_status: status,
					default_author: author,
					default_categories: categories,
				} ),
			() => __( 'Publishing defaults saved.', 'igny8-bridge' ),
			__( 'The publishing defaults could not be saved.', 'igny8-bridge' )
		);
	};

	return (
		<form className="igny8-form igny8-settings__form" onSubmit={ onSubmit }>
			<RadioControl
				label={ __( 'Status of new posts', 'igny8-bridge' ) }
				help={ __(
					'Chosen first when you publish from IGNY8, and used when IGNY8 publishes on its own without naming a status.',
					'igny8-bridge'
				) }
				selected={ status }
				onChange={ ( value ) =>
					setStatus( value as PublishDefaultStatus )
				}
				disabled={ readOnly }
				options={ [
					{ value: 'draft', label: __( 'Draft', 'igny8-bridge' ) },
					{
						value: 'pending',
						label: __( 'Pending review', 'igny8-bridge' ),
					},
					{
						value: 'publish',
						label: __( 'Published', 'igny8-bridge' ),
					},
				] }
			/>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Author of new posts', 'igny8-bridge' ) }
				help={ __(
					'Only users who can publish posts are listed. Updates keep the author a post already has.',
					'igny8-bridge'
				) }
				value={ String( author ) }
				onChange={ ( value ) => setAuthor( Number( value ) ) }
				disabled={ readOnly }
				options={ [
					{
						value: '0',
						label: __(
							'Whoever publishes it from IGNY8',
							'igny8-bridge'
						),
					},
					...site.choices.authors.map( ( choice ) => ( {
						value: String( choice.value ),
						label: choice.label,
					} ) ),
				] }
			/>
			{ site.choices.categories.length > 0 && (
				<CheckboxGroup
					legend={ __( 'Categories of new posts', 'igny8-bridge' ) }
					help={ __(
						'Used when the content names no category. With none chosen, WordPress files such posts under its default category.',
						'igny8-bridge'
					) }
					choices={ site.choices.categories }
					selected={ categories }
					onChange={ setCategories }
					disabled={ readOnly }
				/>
			) }
			{ error && <ErrorNotice message={ error } /> }
			{ ! readOnly && (
				<div className="igny8-settings__actions">
					<Button
						variant="primary"
						type="submit"
						isBusy={ busy }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Save publishing defaults', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
		</form>
	);
}

/**
 * Publishing tab: what a post IGNY8 creates gets when nothing else is said.
 */
export function PublishingTab() {
	return (
		<WithSiteSettings>
			{ ( site ) => (
				<Card className="igny8-settings__card">
					<CardHeader>
						<h2>{ __( 'Publishing defaults', 'igny8-bridge' ) }</h2>
					</CardHeader>
					<CardBody>
						{ ! site.can_manage && <ReadOnlyNotice /> }
						<PublishingForm site={ site } />
					</CardBody>
				</Card>
			) }
		</WithSiteSettings>
	);
}

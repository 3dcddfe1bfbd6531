/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	RadioControl,
	TextareaControl,
	TextControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ErrorNotice } from '../../components/states';
import type { SiteSettings } from '../../store/settings/site';
import { CheckboxGroup } from './checkbox-group';
import {
	ReadOnlyNotice,
	useSiteSettings,
	useSubmit,
	WithSiteSettings,
} from './shared';

function DataForm( { site }: { site: SiteSettings } ) {
	const { save } = useSiteSettings();
	const { busy, error, submit } = useSubmit();
	const readOnly = ! site.can_manage;
	const [ postTypes, setPostTypes ] = useState( site.data.post_types );
	const [ statuses, setStatuses ] = useState( site.data.export_statuses );
	const [ hosts, setHosts ] = useState( site.data.image_hosts.join( '\n' ) );
	const [ days, setDays ] = useState( String( site.data.dead_letter_days ) );
	const [ uninstall, setUninstall ] = useState(
		site.data.uninstall_delete ? 'delete' : 'keep'
	);

	const onSubmit = async ( event: React.FormEvent ) => {
		event.preventDefault();
		const saved = await submit(
			() =>
				save( {
					post_types: postTypes,
					export_statuses: statuses,
					image_hosts: hosts
						.split( /[\r\n,]+/ )
						.map( ( host ) => host.trim() )
						.filter( ( host ) => host !== '' ),
					dead_letter_days: Number( days ),
					uninstall_delete: uninstall === 'delete',
				} ),
			() => __( 'Data settings saved.', 'igny8-bridge' ),
			__( 'The data settings could not be saved.', 'igny8-bridge' )
		);
		if ( saved ) {
			// Show the hosts as stored: pasted URLs become host names.
			setHosts( saved.data.image_hosts.join( '\n' ) );
		}
	};

	return (
		<form className="igny8-form igny8-settings__form" onSubmit={ onSubmit }>
			<CheckboxGroup
				legend={ __( 'Post types IGNY8 sees', 'igny8-bridge' ) }
				help={ __(
					'IGNY8 learns about every post of these types (for internal links and optimization) and may publish new posts of these types.',
					'igny8-bridge'
				) }
				choices={ site.choices.post_types }
				selected={ postTypes }
				onChange={ setPostTypes }
				disabled={ readOnly }
			/>
			<CheckboxGroup
				legend={ __( 'Statuses IGNY8 may read', 'igny8-bridge' ) }
				help={ __(
					'IGNY8 reads the title and content only of posts in these statuses; of the others it learns only that they exist and their status.',
					'igny8-bridge'
				) }
				choices={ site.choices.export_statuses }
				selected={ statuses }
				onChange={ setStatuses }
				disabled={ readOnly }
			/>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __(
					'Also accept images from these hosts',
					'igny8-bridge'
				) }
				help={ __(
					'Images in IGNY8 posts are downloaded only from the IGNY8 cloud and from these hosts: one per line, e.g. cdn.example.com, or *.example.com for all of its subdomains.',
					'igny8-bridge'
				) }
				value={ hosts }
				onChange={ setHosts }
				rows={ 3 }
				disabled={ readOnly }
			/>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="number"
				min={ 1 }
				max={ 3650 }
				label={ __( 'Keep dead letters for (days)', 'igny8-bridge' ) }
				help={ __(
					'Changes the cloud never took stay listed on the Connection tab for a retry, then are deleted this many days after they happened.',
					'igny8-bridge'
				) }
				value={ days }
				onChange={ setDays }
				disabled={ readOnly }
			/>
			<RadioControl
				label={ __( 'When the plugin is deleted', 'igny8-bridge' ) }
				help={ __(
					'Deleting the plugin always removes its settings, its site key and its queue of unsent changes. Posts are never deleted.',
					'igny8-bridge'
				) }
				selected={ uninstall }
				onChange={ setUninstall }
				disabled={ readOnly }
				options={ [
					{
						value: 'keep',
						label: __(
							'Keep the IGNY8 details on posts, so a reinstall recognises the posts IGNY8 published',
							'igny8-bridge'
						),
					},
					{
						value: 'delete',
						label: __(
							'Delete all IGNY8 data, including the IGNY8 details stored on posts',
							'igny8-bridge'
						),
					},
				] }
			/>
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
						{ __( 'Save data settings', 'igny8-bridge' ) }
					</Button>
				</div>
			) }
		</form>
	);
}

/**
 * Data tab: what the site shares with IGNY8 and what uninstalling removes.
 */
export function DataTab() {
	return (
		<WithSiteSettings>
			{ ( site ) => (
				<Card className="igny8-settings__card">
					<CardHeader>
						<h2>
							{ __( 'What this site shares', 'igny8-bridge' ) }
						</h2>
					</CardHeader>
					<CardBody>
						{ ! site.can_manage && <ReadOnlyNotice /> }
						<DataForm site={ site } />
					</CardBody>
				</Card>
			) }
		</WithSiteSettings>
	);
}

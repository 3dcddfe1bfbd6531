/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../../boot';
import { EmptyState } from '../../components/states';
import '../../store/jobs';
import '../../store/site-builder';
import type { SessionInfo } from '../../store/settings/types';
import { WithCloudSession } from '../settings/index';
import type { ScreenProps } from '../types';
import { BlueprintEditor } from './editor';
import { BlueprintList } from './list';
import { useBlueprintParam } from './place';
import './site-builder.scss';

function NotConnected() {
	const { settingsUrl } = getBootData();
	return (
		<EmptyState
			title={ __(
				'Connect this site to IGNY8 to plan its pages, categories and menus.',
				'igny8-bridge'
			) }
			action={
				settingsUrl
					? {
							label: __(
								'Connect it in Settings',
								'igny8-bridge'
							),
							href: settingsUrl,
						}
					: undefined
			}
		>
			<p>
				{ settingsUrl
					? __(
							'The Site Builder designs a site structure from your sectors and keyword clusters, lets you edit it, previews it in a disposable WordPress, and applies it here after showing what will change.',
							'igny8-bridge'
						)
					: __(
							'An administrator of this site can connect it under IGNY8 → Settings.',
							'igny8-bridge'
						) }
			</p>
		</EmptyState>
	);
}

function Body() {
	const [ blueprintId, open ] = useBlueprintParam();
	const session = useSelect(
		( select ) =>
			(
				select( 'igny8/settings' ) as any
			 ).getSession() as SessionInfo | null,
		[]
	);
	const siteId = session?.siteId ?? null;
	// Editing and generating write content; applying changes the site's
	// pages, categories and menus (an administrator of the site).
	const canEdit = session !== null && session.role !== 'viewer';
	const canApply = session?.role === 'admin';
	return blueprintId === null ? (
		<BlueprintList siteId={ siteId } canEdit={ canEdit } onOpen={ open } />
	) : (
		<BlueprintEditor
			key={ blueprintId }
			id={ blueprintId }
			siteId={ siteId }
			canEdit={ canEdit }
			canApply={ canApply }
			onBack={ () => open( null ) }
		/>
	);
}

/**
 * IGNY8 → Site Builder: the site's structures (pages with their outline,
 * categories, menus) — generated with AI or written by hand, edited as a
 * tree, versioned on every save, previewed in WordPress Playground, and
 * applied to this WordPress after a list of what will change. Like the
 * Linker it covers the whole site, not one sector. The open structure lives
 * in the URL.
 */
export function SiteBuilderScreen( {}: ScreenProps ) {
	return (
		<div className="igny8-screen igny8-sb">
			<WithCloudSession notConnected={ <NotConnected /> }>
				<Body />
			</WithCloudSession>
		</div>
	);
}

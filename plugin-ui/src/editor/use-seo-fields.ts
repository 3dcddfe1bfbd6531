/**
 * Where the Optimizer panel's focus keyphrase and meta description live,
 * by priority: the active SEO plugin's post meta (Yoast SEO or Rank Math,
 * when the plugin registered it for the REST API, see SeoPluginMeta.php),
 * saved with the post; else the IGNY8 draft of a post IGNY8 manages, saved
 * to the draft as the SEO panel does; else only the analysis uses them.
 */

/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { useDispatch } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { usePostInfo } from './post-meta';
import { useManagedContent } from './use-managed-content';

/** SEO plugin → its [focus keyphrase, meta description] post meta (as PostPublisher writes them). */
export const SEO_PLUGIN_KEYS = {
	yoast: [ '_yoast_wpseo_focuskw', '_yoast_wpseo_metadesc' ],
	rank_math: [ 'rank_math_focus_keyword', 'rank_math_description' ],
} as const;

export type SeoFieldsMode = 'yoast' | 'rank_math' | 'igny8' | 'local';

/**
 * Which SEO plugin's fields the post's REST record carries, if any.
 * @param meta The edited post's meta.
 */
export function seoPluginOf(
	meta: Record< string, unknown >
): 'yoast' | 'rank_math' | null {
	for ( const plugin of [ 'yoast', 'rank_math' ] as const ) {
		if ( SEO_PLUGIN_KEYS[ plugin ][ 0 ] in meta ) {
			return plugin;
		}
	}
	return null;
}

export interface SeoFields {
	mode: SeoFieldsMode;
	keyphrase: string;
	description: string;
	setKeyphrase: ( value: string ) => void;
	setDescription: ( value: string ) => void;
	/** Saves to the IGNY8 draft (mode `igny8` only). */
	save?: () => Promise< void >;
	dirty: boolean;
	saving: boolean;
	saved: boolean;
	error: string | null;
	/** False while the IGNY8 draft loads, or for a viewer. */
	canEdit: boolean;
	/** Whether the values are known (the first analysis waits for them). */
	ready: boolean;
}

const text = ( value: unknown ) => ( typeof value === 'string' ? value : '' );

/** The panel's keyphrase and meta description, read from and written to where they belong. */
export function useSeoFields(): SeoFields {
	const { meta } = usePostInfo();
	const record = meta as Record< string, unknown >;
	const plugin = seoPluginOf( record );
	const contentId =
		! plugin && meta._igny8_content_id ? meta._igny8_content_id : undefined;
	const managed = useManagedContent( contentId );
	const { editPost } = useDispatch( 'core/editor' ) as any;

	const [ local, setLocal ] = useState< {
		keyphrase: string;
		description: string;
	} | null >( null );
	const [ dirty, setDirty ] = useState( false );
	const [ saving, setSaving ] = useState( false );
	const [ saved, setSaved ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );

	// First values: the IGNY8 draft once loaded, else what IGNY8 last sent to the post.
	useEffect( () => {
		if ( plugin || local ) {
			return;
		}
		// A draft that cannot be loaded still leaves the post's own values.
		if ( contentId && ! managed.content && ! managed.error ) {
			return;
		}
		setLocal(
			managed.content
				? {
						keyphrase: text(
							managed.content.attributes.focus_keyphrase
						),
						description: managed.content.meta_description,
					}
				: {
						keyphrase: text( record._igny8_focus_keyphrase ),
						description: text( record._igny8_meta_description ),
					}
		);
	}, [ plugin, local, contentId, managed.content, managed.error, record ] );

	if ( plugin ) {
		const [ keyKey, descriptionKey ] = SEO_PLUGIN_KEYS[ plugin ];
		return {
			mode: plugin,
			keyphrase: text( record[ keyKey ] ),
			description: text( record[ descriptionKey ] ),
			setKeyphrase: ( value ) =>
				editPost( { meta: { [ keyKey ]: value } } ),
			setDescription: ( value ) =>
				editPost( { meta: { [ descriptionKey ]: value } } ),
			dirty: false,
			saving: false,
			saved: false,
			error: null,
			canEdit: true,
			ready: true,
		};
	}

	const change = ( next: { keyphrase?: string; description?: string } ) => {
		setLocal( ( current ) => ( {
			keyphrase: current?.keyphrase ?? '',
			description: current?.description ?? '',
			...next,
		} ) );
		setDirty( true );
		setSaved( false );
	};
	const content = managed.content;
	const save = async () => {
		if ( ! content || ! local ) {
			return;
		}
		setSaving( true );
		setError( null );
		try {
			managed.replaceContent(
				await getClient().patch< Content >(
					`/writer/content/${ content.id }/`,
					{
						meta_description: local.description.trim(),
						// The other attributes (SEO title, …) stay as they are.
						attributes: {
							...content.attributes,
							focus_keyphrase: local.keyphrase.trim(),
						},
					}
				)
			);
			setDirty( false );
			setSaved( true );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not save the SEO fields.', 'igny8-bridge' )
				)
			);
		} finally {
			setSaving( false );
		}
	};
	return {
		mode: contentId ? 'igny8' : 'local',
		keyphrase: local?.keyphrase ?? '',
		description: local?.description ?? '',
		setKeyphrase: ( keyphrase ) => change( { keyphrase } ),
		setDescription: ( description ) => change( { description } ),
		save: contentId ? save : undefined,
		dirty,
		saving,
		saved,
		error: error ?? managed.error?.message ?? null,
		canEdit:
			local !== null &&
			( ! contentId || managed.session?.role !== 'viewer' ),
		ready: local !== null,
	};
}

/**
 * Where the Optimizer panel's focus keyphrase and meta description live,
 * by priority: the IGNY8 draft of a post IGNY8 manages, which the sidebar's
 * SEO panel edits and IGNY8 writes to the SEO plugin's fields when it sends
 * the post (editing the plugin's fields here as well would be overwritten
 * then); else the active SEO plugin's post meta (Yoast SEO or Rank Math,
 * when the plugin registered it for the REST API, see SeoPluginMeta.php),
 * saved with the post; else only the analysis uses them.
 */

/**
 * WordPress dependencies
 */
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';

/**
 * Internal dependencies
 */
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
	/**
	 * Edits them where they live; absent for an IGNY8 draft, whose fields
	 * the sidebar's SEO panel edits (one place per value, not two).
	 */
	edit?: {
		setKeyphrase: ( value: string ) => void;
		setDescription: ( value: string ) => void;
	};
	error: string | null;
	/** Whether the values are known (the first analysis waits for them). */
	ready: boolean;
}

const text = ( value: unknown ) => ( typeof value === 'string' ? value : '' );

/** The panel's keyphrase and meta description, read from and written to where they belong. */
export function useSeoFields(): SeoFields {
	const { meta } = usePostInfo();
	const record = meta as Record< string, unknown >;
	const contentId = meta._igny8_content_id || undefined;
	const plugin = contentId ? null : seoPluginOf( record );
	const managed = useManagedContent( contentId );
	const { editPost } = useDispatch( 'core/editor' ) as any;
	// Only the analysis uses them: they start as what IGNY8 last sent.
	const [ local, setLocal ] = useState( () => ( {
		keyphrase: text( record._igny8_focus_keyphrase ),
		description: text( record._igny8_meta_description ),
	} ) );

	if ( plugin ) {
		const [ keyKey, descriptionKey ] = SEO_PLUGIN_KEYS[ plugin ];
		return {
			mode: plugin,
			keyphrase: text( record[ keyKey ] ),
			description: text( record[ descriptionKey ] ),
			edit: {
				setKeyphrase: ( value ) =>
					editPost( { meta: { [ keyKey ]: value } } ),
				setDescription: ( value ) =>
					editPost( { meta: { [ descriptionKey ]: value } } ),
			},
			error: null,
			ready: true,
		};
	}

	if ( contentId ) {
		// As the SEO panel last saved them (it shares the loaded draft); a
		// draft that cannot be loaded still leaves the post's own values.
		const content = managed.content;
		return {
			mode: 'igny8',
			keyphrase: content
				? text( content.attributes.focus_keyphrase )
				: local.keyphrase,
			description: content ? content.meta_description : local.description,
			error: managed.error?.message ?? null,
			ready: content !== null || managed.error !== null,
		};
	}

	return {
		mode: 'local',
		keyphrase: local.keyphrase,
		description: local.description,
		edit: {
			setKeyphrase: ( keyphrase ) =>
				setLocal( ( current ) => ( { ...current, keyphrase } ) ),
			setDescription: ( description ) =>
				setLocal( ( current ) => ( { ...current, description } ) ),
		},
		error: null,
		ready: true,
	};
}

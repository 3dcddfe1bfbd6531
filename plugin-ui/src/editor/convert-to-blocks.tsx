/**
 * IGNY8 sends a draft to WordPress as HTML, which the block editor would open
 * as one Classic block. When such a post loads, its HTML is turned into real
 * blocks with the same conversion as the Classic block's "Convert to blocks",
 * once, and the person is told to save to keep it: nothing is saved for them.
 */

/**
 * WordPress dependencies
 */
import { rawHandler, serialize } from '@wordpress/blocks';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Igny8Meta } from './post-meta';

const NOTICE_ID = 'igny8-converted-to-blocks';

/** What this module reads of a block. */
interface EditorBlock {
	name: string;
	clientId: string;
}

/**
 * Whether the post is still the HTML IGNY8 sent: only Classic blocks (what
 * the parser makes of markup without block comments).
 * @param blocks The editor's top-level blocks.
 */
export function isClassicHtml( blocks: EditorBlock[] ): boolean {
	return (
		blocks.length > 0 &&
		blocks.every( ( block ) => block.name === 'core/freeform' )
	);
}

/** Renders nothing; converts the loaded post once. */
export function ConvertToBlocks() {
	const { ready, written, blocks } = useSelect( ( select ) => {
		const editor = select( 'core/editor' ) as any;
		return {
			// Before the editor is set up, the blocks are not the post's yet.
			ready: editor.__unstableIsEditorReady
				? ( editor.__unstableIsEditorReady() as boolean )
				: editor.getCurrentPostId() !== null,
			// Only what IGNY8 wrote: a post handed over to IGNY8 keeps the form its author gave it.
			written: !! (
				( editor.getEditedPostAttribute( 'meta' ) ?? {} ) as Igny8Meta
			 )._igny8_content_id,
			blocks: ( select( 'core/block-editor' ) as any ).getBlocks() as
				EditorBlock[] | undefined,
		};
	}, [] );
	const { replaceBlocks } = useDispatch( 'core/block-editor' ) as any;
	const { createInfoNotice } = useDispatch( 'core/notices' ) as any;
	const done = useRef( false );
	useEffect( () => {
		if ( done.current || ! ready || ! blocks || blocks.length === 0 ) {
			return;
		}
		// Only the first look counts: a person who later adds a Classic block keeps it.
		done.current = true;
		if ( ! written || ! isClassicHtml( blocks ) ) {
			return;
		}
		const converted = rawHandler( { HTML: serialize( blocks as any ) } );
		if ( converted.length === 0 ) {
			return;
		}
		replaceBlocks(
			blocks.map( ( block ) => block.clientId ),
			converted
		);
		createInfoNotice(
			__(
				'IGNY8 turned this draft’s HTML into blocks (headings, paragraphs, lists, images…) so you can edit it here. Save the post to keep the blocks.',
				'igny8-bridge'
			),
			{ id: NOTICE_ID, isDismissible: true }
		);
	}, [ ready, written, blocks, replaceBlocks, createInfoNotice ] );
	return null;
}

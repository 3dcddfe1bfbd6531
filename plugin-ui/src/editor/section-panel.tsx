/**
 * "Rewrite a section" in the IGNY8 sidebar: pick a heading, say what to
 * change, see the credit estimate, and the cloud rewrites that section of
 * the draft. The new section replaces the old blocks in the editor (the
 * person saves to keep it, as with any edit).
 */

/**
 * External dependencies
 */
import type { AiRun, Content } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { rawHandler } from '@wordpress/blocks';
import {
	Button,
	PanelBody,
	SelectControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { AiActionModal } from '../components/ai-action';
import { usePostInfo } from './post-meta';
import { useManagedContent } from './use-managed-content';

interface Heading {
	text: string;
	level: number;
}

interface EditorBlock {
	name: string;
	clientId: string;
	attributes: { level?: number; content?: unknown };
}

const flat = ( text: string ) => text.replace( /\s+/g, ' ' ).trim();

/**
 * The article's headings in order, as the cloud counts them (h2–h6).
 * @param html The draft's HTML.
 */
export function headingsOf( html: string ): Heading[] {
	const doc = new window.DOMParser().parseFromString( html, 'text/html' );
	return [ ...doc.body.querySelectorAll( 'h2, h3, h4, h5, h6' ) ].map(
		( element ) => ( {
			text: flat( element.textContent ?? '' ),
			level: Number( element.tagName.slice( 1 ) ),
		} )
	);
}

function textOf( value: unknown ): string {
	const html = String( value ?? '' );
	const doc = new window.DOMParser().parseFromString( html, 'text/html' );
	return flat( doc.body.textContent ?? '' );
}

/**
 * The editor's blocks that make up the section under `heading`: the heading
 * block and every block up to the next heading of the same or a higher level.
 * @param blocks  The editor's top-level blocks.
 * @param heading The section's heading text.
 */
export function sectionBlocks(
	blocks: EditorBlock[],
	heading: string
): string[] {
	const start = blocks.findIndex(
		( block ) =>
			block.name === 'core/heading' &&
			textOf( block.attributes.content ) === flat( heading )
	);
	if ( start < 0 ) {
		return [];
	}
	const level = blocks[ start ]!.attributes.level ?? 2;
	const next = blocks.findIndex(
		( block, index ) =>
			index > start &&
			block.name === 'core/heading' &&
			( block.attributes.level ?? 2 ) <= level
	);
	return blocks
		.slice( start, next < 0 ? blocks.length : next )
		.map( ( block ) => block.clientId );
}

export function SectionPanel() {
	const { meta } = usePostInfo();
	const contentId = meta._igny8_content_id || undefined;
	const { content, session, replaceContent } = useManagedContent( contentId );
	const headings = useMemo(
		() => ( content ? headingsOf( content.content_html ) : [] ),
		[ content ]
	);
	const [ index, setIndex ] = useState( 0 );
	const [ instructions, setInstructions ] = useState( '' );
	const [ running, setRunning ] = useState( false );
	const blocks = useSelect(
		( select ) =>
			( select( 'core/block-editor' ) as any ).getBlocks() as
				EditorBlock[] | undefined,
		[]
	);
	const { replaceBlocks } = useDispatch( 'core/block-editor' ) as any;
	const { createInfoNotice, createWarningNotice } = useDispatch(
		'core/notices'
	) as any;
	if ( ! contentId || ! content || session?.role === 'viewer' ) {
		return null;
	}
	const apply = async ( run: AiRun ) => {
		const summary = ( run.output_summary ?? {} ) as {
			heading?: string;
			section_html?: string;
			sections_rewritten?: number;
			skipped?: string;
		};
		// The headings list follows the cloud's copy, which the run changed.
		replaceContent(
			await getClient().get< Content >(
				`/writer/content/${ content.id }/`
			)
		);
		if ( ! summary.section_html || ! summary.heading ) {
			return;
		}
		const ids = sectionBlocks( blocks ?? [], summary.heading );
		if ( ids.length === 0 ) {
			createWarningNotice(
				sprintf(
					/* translators: %s: a heading of the article. */
					__(
						'IGNY8 rewrote “%s”, but this post has no such heading any more: the new section is in IGNY8 → Content.',
						'igny8-bridge'
					),
					summary.heading
				),
				{ id: 'igny8-section', isDismissible: true }
			);
			return;
		}
		replaceBlocks( ids, rawHandler( { HTML: summary.section_html } ) );
		createInfoNotice(
			sprintf(
				/* translators: %s: a heading of the article. */
				__(
					'IGNY8 rewrote the section “%s”. Save the post to keep it, or undo to go back.',
					'igny8-bridge'
				),
				summary.heading
			),
			{ id: 'igny8-section', isDismissible: true }
		);
	};
	const picked = headings[ index ];
	return (
		<PanelBody
			title={ __( 'Rewrite a section', 'igny8-bridge' ) }
			initialOpen={ false }
			className="igny8-editor__section"
		>
			{ headings.length === 0 ? (
				<p>
					{ __(
						'This draft has no headings to pick a section by.',
						'igny8-bridge'
					) }
				</p>
			) : (
				<>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Section', 'igny8-bridge' ) }
						value={ String( index ) }
						options={ headings.map( ( heading, position ) => ( {
							value: String( position ),
							label: `${ '— '.repeat(
								heading.level - 2
							) }${ heading.text }`,
						} ) ) }
						onChange={ ( value ) => setIndex( Number( value ) ) }
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __(
							'What to change (optional)',
							'igny8-bridge'
						) }
						help={ __(
							'For example: add an example, make it shorter, explain it for beginners.',
							'igny8-bridge'
						) }
						value={ instructions }
						onChange={ setInstructions }
						rows={ 3 }
						maxLength={ 1000 }
					/>
					<Button
						variant="secondary"
						onClick={ () => setRunning( true ) }
					>
						{ __( 'Rewrite this section…', 'igny8-bridge' ) }
					</Button>
				</>
			) }
			{ running && picked && (
				<AiActionModal
					title={ sprintf(
						/* translators: %s: a heading of the article. */
						__( 'Rewrite “%s”', 'igny8-bridge' ),
						picked.text
					) }
					fn="regenerate_section"
					estimateInput={ {
						content_id: content.id,
						heading_index: index,
					} }
					path="/writer/content/regenerate_section/"
					body={ {
						content_id: content.id,
						heading_index: index,
						...( instructions.trim()
							? { instructions: instructions.trim() }
							: {} ),
					} }
					startLabel={ __( 'Rewrite', 'igny8-bridge' ) }
					onClose={ () => setRunning( false ) }
					onFinished={ ( run ) => {
						apply( run ).catch( () => undefined );
					} }
					result={ ( run ) =>
						( run.output_summary as { skipped?: string } | null )
							?.skipped ? (
							<p>
								{ __(
									'The draft changed while IGNY8 was writing, so nothing was replaced. Try again.',
									'igny8-bridge'
								) }
							</p>
						) : (
							<p>
								{ __(
									'The new section is in the editor. Save the post to keep it.',
									'igny8-bridge'
								) }
							</p>
						)
					}
				/>
			) }
		</PanelBody>
	);
}

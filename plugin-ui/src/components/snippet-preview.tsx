/**
 * A search result as Google would show a post, on a desktop or on a phone:
 * the title cut at the result's width in pixels, the address as
 * breadcrumbs, the meta description cut at the characters each device
 * shows. The cutting is pure (tested without a browser); the component only
 * draws it.
 */

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { breadcrumbUrl, charCount, titleWidthPx } from './seo-length';
import './seo-fields.scss';
import './snippet-preview.scss';

export type Device = 'desktop' | 'mobile';

/**
 * What each device's result shows at most. Titles: about 600 px of 20 px
 * Arial on both (phones wrap a title onto a second line rather than show
 * more of it). Descriptions: about 156 characters on a desktop, 120 on a
 * phone.
 */
export const SNIPPET_LIMITS: Record<
	Device,
	{ titlePx: number; descriptionChars: number }
> = {
	desktop: { titlePx: 600, descriptionChars: 156 },
	mobile: { titlePx: 600, descriptionChars: 120 },
};

const ELLIPSIS = ' …';

/**
 * `text` cut at the last whole word that fits, with “ …”; a single word
 * wider than the room is cut inside it.
 * @param text The full text (spaces already collapsed).
 * @param fits Whether a candidate, ellipsis included, fits.
 */
export function cutToFit(
	text: string,
	fits: ( candidate: string ) => boolean
): string {
	if ( fits( text ) ) {
		return text;
	}
	let kept = '';
	for ( const word of text.split( ' ' ) ) {
		const next = kept ? `${ kept } ${ word }` : word;
		if ( ! fits( next + ELLIPSIS ) ) {
			break;
		}
		kept = next;
	}
	if ( kept ) {
		return kept.replace( /[\s,;:.-]+$/, '' ) + ELLIPSIS;
	}
	const chars = [ ...text ];
	while ( chars.length > 0 && ! fits( chars.join( '' ) + '…' ) ) {
		chars.pop();
	}
	return chars.join( '' ) + '…';
}

export interface SnippetInput {
	/** The SEO title, or the post title when there is none. */
	title: string;
	/** The post's address (or where it will be). */
	url: string;
	/** The meta description; empty lets the engine pick text from the page. */
	description: string;
}

export interface DeviceSnippet {
	title: string;
	url: string;
	description: string;
	/** Whether the title or the description had to be cut. */
	titleCut: boolean;
	descriptionCut: boolean;
}

/**
 * The result a device shows for a post.
 * @param device Desktop or mobile.
 * @param input  The title, address and description as written.
 */
export function deviceSnippet(
	device: Device,
	input: SnippetInput
): DeviceSnippet {
	const limits = SNIPPET_LIMITS[ device ];
	const title = input.title.replace( /\s+/g, ' ' ).trim();
	const description = input.description.replace( /\s+/g, ' ' ).trim();
	const shownTitle = cutToFit(
		title,
		( candidate ) => titleWidthPx( candidate ) <= limits.titlePx
	);
	const shownDescription = cutToFit(
		description,
		( candidate ) => charCount( candidate ) <= limits.descriptionChars
	);
	return {
		title: shownTitle,
		url: breadcrumbUrl( input.url ),
		description: shownDescription,
		titleCut: shownTitle !== title,
		descriptionCut: shownDescription !== description,
	};
}

/**
 * The search result preview with a Desktop / Mobile switch.
 * @param props Component props: the title, address and description.
 */
export function SnippetPreview( props: SnippetInput ) {
	const [ device, setDevice ] = useState< Device >( 'desktop' );
	const snippet = deviceSnippet( device, props );
	return (
		<figure className="igny8-seo__snippet" data-device={ device }>
			<figcaption>
				{ __( 'How it may look in search results', 'igny8-bridge' ) }
			</figcaption>
			<div
				role="group"
				className="igny8-snippet__devices"
				aria-label={ __( 'Preview as', 'igny8-bridge' ) }
			>
				<Button
					size="small"
					variant={ device === 'desktop' ? 'primary' : 'secondary' }
					aria-pressed={ device === 'desktop' }
					onClick={ () => setDevice( 'desktop' ) }
				>
					{ __( 'Desktop', 'igny8-bridge' ) }
				</Button>
				<Button
					size="small"
					variant={ device === 'mobile' ? 'primary' : 'secondary' }
					aria-pressed={ device === 'mobile' }
					onClick={ () => setDevice( 'mobile' ) }
				>
					{ __( 'Mobile', 'igny8-bridge' ) }
				</Button>
			</div>
			<div
				className="igny8-seo__result"
				data-testid="igny8-optimizer-snippet"
			>
				<div className="igny8-seo__result-url">{ snippet.url }</div>
				<div className="igny8-seo__result-title">
					{ snippet.title || __( '(no title)', 'igny8-bridge' ) }
				</div>
				<div className="igny8-seo__result-description">
					{ snippet.description ||
						__(
							'(no description: search engines pick text from the page)',
							'igny8-bridge'
						) }
				</div>
			</div>
		</figure>
	);
}

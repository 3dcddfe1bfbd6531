/**
 * The SEO fields of a draft — focus keyphrase, SEO title, meta description —
 * with length counters in words and a search-result preview. Used wherever a
 * draft is reviewed (IGNY8 → Content and the block-editor sidebar).
 */

/**
 * External dependencies
 */
import type { Content } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { TextControl, TextareaControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	buildSnippet,
	checkDescription,
	checkTitle,
	containsKeyphrase,
	DESCRIPTION_MAX_CHARS,
	DESCRIPTION_MIN_CHARS,
	TITLE_MAX_PX,
	type LengthCheck,
} from './seo-length';
import './seo-fields.scss';

/** Numbers each instance's counters, which the fields point to with aria-describedby. */
let instances = 0;

export interface SeoValues {
	focusKeyphrase: string;
	seoTitle: string;
	metaDescription: string;
}

/**
 * The SEO values stored on a content row (`meta_title` and `focus_keyphrase` live in its attributes).
 * @param content The content row.
 */
export function seoOf( content: Content ): SeoValues {
	const text = ( value: unknown ) =>
		typeof value === 'string' ? value : '';
	return {
		focusKeyphrase: text( content.attributes.focus_keyphrase ),
		seoTitle: text( content.attributes.meta_title ),
		metaDescription: content.meta_description,
	};
}

/**
 * The PATCH body that stores `values` on the content (the cloud merges attributes).
 * @param values The SEO values.
 */
export function seoChanges( values: SeoValues ): Partial< Content > {
	return {
		meta_description: values.metaDescription.trim(),
		attributes: {
			meta_title: values.seoTitle.trim(),
			focus_keyphrase: values.focusKeyphrase.trim(),
		},
	};
}

function titleWords( check: LengthCheck ): string {
	switch ( check.verdict ) {
		case 'missing':
			return __(
				'Empty: search results show the post title.',
				'igny8-bridge'
			);
		case 'short':
			return __(
				'Too short: use the room a search result gives you.',
				'igny8-bridge'
			);
		case 'long':
			return __(
				'Too long: search results will cut it off.',
				'igny8-bridge'
			);
		default:
			return __( 'Good length.', 'igny8-bridge' );
	}
}

function descriptionWords( check: LengthCheck ): string {
	switch ( check.verdict ) {
		case 'missing':
			return __(
				'Empty: search engines pick some text from the page instead.',
				'igny8-bridge'
			);
		case 'short':
			return sprintf(
				/* translators: %d: the recommended minimum number of characters. */
				__(
					'Too short: aim for at least %d characters.',
					'igny8-bridge'
				),
				DESCRIPTION_MIN_CHARS
			);
		case 'long':
			return sprintf(
				/* translators: %d: the number of characters search results show. */
				__(
					'Too long: search results show only about %d characters.',
					'igny8-bridge'
				),
				DESCRIPTION_MAX_CHARS
			);
		default:
			return __( 'Good length.', 'igny8-bridge' );
	}
}

function Counter( {
	id,
	check,
	children,
}: {
	id: string;
	check: LengthCheck;
	children: string;
} ) {
	return (
		<p
			id={ id }
			className="igny8-seo__count"
			data-verdict={ check.verdict }
			aria-live="polite"
		>
			<span className="igny8-seo__verdict">{ children }</span>
			{ check.chars > 0 && ' ' }
			{ check.chars > 0 && (
				<span className="igny8-seo__measure">
					{ check.px > 0
						? sprintf(
								/* translators: 1: number of characters, 2: estimated width in pixels, 3: the width limit in pixels. */
								_n(
									'%1$d character, about %2$d of %3$d pixels.',
									'%1$d characters, about %2$d of %3$d pixels.',
									check.chars,
									'igny8-bridge'
								),
								check.chars,
								check.px,
								TITLE_MAX_PX
							)
						: sprintf(
								/* translators: %d: number of characters. */
								_n(
									'%d character.',
									'%d characters.',
									check.chars,
									'igny8-bridge'
								),
								check.chars
							) }
				</span>
			) }
		</p>
	);
}

/**
 * A search result as Google would show this draft.
 * @param props         Component props.
 * @param props.title   The shown title.
 * @param props.url     The address as breadcrumbs.
 * @param props.summary The shown description.
 */
function SnippetPreview( {
	title,
	url,
	summary,
}: {
	title: string;
	url: string;
	summary: string;
} ) {
	return (
		<figure className="igny8-seo__snippet">
			<figcaption>
				{ __( 'How it may look in search results', 'igny8-bridge' ) }
			</figcaption>
			<div className="igny8-seo__result" data-testid="igny8-snippet">
				<div className="igny8-seo__result-url">{ url }</div>
				<div className="igny8-seo__result-title">
					{ title || __( '(no title)', 'igny8-bridge' ) }
				</div>
				<div className="igny8-seo__result-description">
					{ summary ||
						__(
							'(no description: search engines pick text from the page)',
							'igny8-bridge'
						) }
				</div>
			</div>
		</figure>
	);
}

function KeyphraseChecks( {
	keyphrase,
	title,
	description,
}: {
	keyphrase: string;
	title: string;
	description: string;
} ) {
	if ( ! keyphrase.trim() ) {
		return null;
	}
	const yes = __( 'yes', 'igny8-bridge' );
	const no = __( 'not yet', 'igny8-bridge' );
	return (
		<ul className="igny8-seo__checks">
			<li>
				{ sprintf(
					/* translators: %s: "yes" or "not yet". */
					__( 'Keyphrase in the title: %s', 'igny8-bridge' ),
					containsKeyphrase( keyphrase, title ) ? yes : no
				) }
			</li>
			<li>
				{ sprintf(
					/* translators: %s: "yes" or "not yet". */
					__(
						'Keyphrase in the meta description: %s',
						'igny8-bridge'
					),
					containsKeyphrase( keyphrase, description ) ? yes : no
				) }
			</li>
		</ul>
	);
}

/**
 * Focus keyphrase, SEO title and meta description, checked as they are typed.
 * @param props           Component props.
 * @param props.values    The current values.
 * @param props.onChange  Called with the changed field.
 * @param props.postTitle The post title (shown when there is no SEO title).
 * @param props.url       The post's address, or where it will be.
 * @param props.excerpt   Shown when there is no meta description.
 * @param props.disabled  Read-only (a viewer).
 */
export function SeoFields( {
	values,
	onChange,
	postTitle,
	url,
	excerpt,
	disabled = false,
}: {
	values: SeoValues;
	onChange: ( changes: Partial< SeoValues > ) => void;
	postTitle: string;
	url: string;
	excerpt?: string;
	disabled?: boolean;
} ) {
	const [ id ] = useState( () => `igny8-seo-${ ++instances }` );
	const title = checkTitle( values.seoTitle );
	const description = checkDescription( values.metaDescription );
	const snippet = buildSnippet( {
		seoTitle: values.seoTitle,
		postTitle,
		url,
		description: values.metaDescription,
		excerpt,
	} );
	return (
		<div className="igny8-seo">
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Focus keyphrase', 'igny8-bridge' ) }
				help={ __(
					'The search phrase this post should rank for.',
					'igny8-bridge'
				) }
				value={ values.focusKeyphrase }
				onChange={ ( focusKeyphrase ) =>
					onChange( { focusKeyphrase } )
				}
				maxLength={ 191 }
				disabled={ disabled }
			/>
			<div className="igny8-seo__field">
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'SEO title', 'igny8-bridge' ) }
					value={ values.seoTitle }
					placeholder={ postTitle }
					onChange={ ( seoTitle ) => onChange( { seoTitle } ) }
					aria-describedby={ `${ id }-title` }
					maxLength={ 300 }
					disabled={ disabled }
				/>
				<Counter id={ `${ id }-title` } check={ title }>
					{ titleWords( title ) }
				</Counter>
			</div>
			<div className="igny8-seo__field">
				<TextareaControl
					__nextHasNoMarginBottom
					label={ __( 'Meta description', 'igny8-bridge' ) }
					value={ values.metaDescription }
					onChange={ ( metaDescription ) =>
						onChange( { metaDescription } )
					}
					aria-describedby={ `${ id }-description` }
					rows={ 4 }
					maxLength={ 320 }
					disabled={ disabled }
				/>
				<Counter id={ `${ id }-description` } check={ description }>
					{ descriptionWords( description ) }
				</Counter>
			</div>
			<KeyphraseChecks
				keyphrase={ values.focusKeyphrase }
				title={ values.seoTitle || postTitle }
				description={ values.metaDescription }
			/>
			<SnippetPreview
				title={ snippet.title }
				url={ snippet.url }
				summary={ snippet.description }
			/>
		</div>
	);
}

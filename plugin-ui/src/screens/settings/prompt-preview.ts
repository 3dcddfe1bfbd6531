/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/** The cloud's variable syntax (cloud/src/modules/ai/prompts.ts). */
const VARIABLE = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

/** Example values a preview fills in, so a person sees a prompt as a run would send it. */
export function sampleValues(): Record< string, string > {
	return {
		keywords: __(
			'tomato seeds, growing tomatoes from seed, tomato seedlings',
			'igny8-bridge'
		),
		clusters: __(
			'Growing tomatoes: tomato seeds, tomato seedlings',
			'igny8-bridge'
		),
		cluster_name: __( 'Growing tomatoes', 'igny8-bridge' ),
		cluster_description: __(
			'Starting tomatoes from seed and caring for the seedlings',
			'igny8-bridge'
		),
		count: '3',
		title: __( 'How to grow tomatoes from seed', 'igny8-bridge' ),
		content_type: __( 'Blog post', 'igny8-bridge' ),
		target_word_count: '1200',
		headings: __( 'Choosing seeds; Sowing; Transplanting', 'igny8-bridge' ),
		brief: __(
			'A practical guide for first-time gardeners.',
			'igny8-bridge'
		),
		strategy: __(
			'Answer the question in the first paragraph; one idea per section.',
			'igny8-bridge'
		),
		author_tone: __( 'Warm and encouraging', 'igny8-bridge' ),
		author_audience: __( 'Home gardeners', 'igny8-bridge' ),
		author_style: __( 'Short paragraphs, plain words', 'igny8-bridge' ),
		language: __( 'English', 'igny8-bridge' ),
		excerpt: __(
			'Everything you need to start tomatoes from seed.',
			'igny8-bridge'
		),
		text: __(
			'Tomatoes need warmth and light to germinate.',
			'igny8-bridge'
		),
	};
}

/**
 * A template with its variables filled: a sample value, or the variable's
 * description in brackets when there is no sample for it. A name the
 * prompt does not declare stays as written, so the preview shows it.
 * @param template  The text with `{{variables}}`.
 * @param variables The prompt's declared variables and their descriptions.
 * @param samples   Example values by name.
 */
export function renderPreview(
	template: string,
	variables: Record< string, string >,
	samples: Record< string, string > = sampleValues()
): string {
	return template.replace( VARIABLE, ( whole, name: string ) => {
		if ( ! ( name in variables ) ) {
			return whole;
		}
		return samples[ name ] ?? `[${ variables[ name ] }]`;
	} );
}

/**
 * The `{{names}}` a template uses that the prompt does not declare.
 * @param template  The text.
 * @param variables The declared variables.
 */
export function unknownIn(
	template: string,
	variables: Record< string, string >
): string[] {
	const names = [ ...template.matchAll( VARIABLE ) ].map(
		( m ) => m[ 1 ] ?? ''
	);
	return [
		...new Set( names.filter( ( name ) => ! ( name in variables ) ) ),
	];
}

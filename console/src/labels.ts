/**
 * External dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * The AI functions in the words wp-admin uses for them; a function this
 * console does not know yet keeps its name, with spaces.
 * @param name The cloud's function name, e.g. `generate_content`.
 */
export function functionLabel( name: string ): string {
	const words: Record< string, string > = {
		auto_cluster: __( 'Cluster keywords' ),
		generate_ideas: __( 'Generate ideas' ),
		generate_content: __( 'Write drafts' ),
		generate_image_prompts: __( 'Plan images' ),
		generate_images: __( 'Generate images' ),
		regenerate_section: __( 'Rewrite a section' ),
		optimize_content: __( 'Optimize with AI' ),
		generate_site_structure: __( 'Generate site structure' ),
		write_page_copy: __( 'Write a page’s copy' ),
	};
	return words[ name ] ?? name.replace( /_/g, ' ' );
}

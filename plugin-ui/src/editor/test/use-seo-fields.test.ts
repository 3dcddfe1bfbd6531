/**
 * Internal dependencies
 */
import { SEO_PLUGIN_KEYS, seoPluginOf } from '../use-seo-fields';

describe( 'seoPluginOf', () => {
	it( 'names the SEO plugin whose fields the post’s REST record carries', () => {
		expect(
			seoPluginOf( {
				_igny8_content_id: 4,
				_yoast_wpseo_focuskw: '',
				_yoast_wpseo_metadesc: '',
			} )
		).toBe( 'yoast' );
		expect(
			seoPluginOf( {
				rank_math_focus_keyword: 'tomatoes',
				rank_math_description: '',
			} )
		).toBe( 'rank_math' );
	} );

	it( 'names none when neither plugin registered its fields', () => {
		expect( seoPluginOf( {} ) ).toBeNull();
		expect(
			seoPluginOf( { _igny8_focus_keyphrase: 'tomatoes' } )
		).toBeNull();
	} );

	it( 'maps each plugin to the keys the publisher writes', () => {
		expect( SEO_PLUGIN_KEYS ).toEqual( {
			yoast: [ '_yoast_wpseo_focuskw', '_yoast_wpseo_metadesc' ],
			rank_math: [ 'rank_math_focus_keyword', 'rank_math_description' ],
		} );
	} );
} );

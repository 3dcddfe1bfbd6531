import { z } from 'zod';

/**
 * What the cloud keeps of a site's metadata (the plugin's `site-metadata`
 * answer, the test-connection body, a `structure.changed` event): the fields
 * it knows, each checked and bounded, and nothing else. Whatever a site
 * answers is never stored as it came (it is readable back through the API).
 */

const text = ( max: number ) => z.string().max( max );
const slug = z.string().min( 1 ).max( 64 );
const count = z.number().int().min( 0 );
const httpUrl = z
	.string()
	.max( 2000 )
	.regex( /^https?:\/\//i );

/** A field that is dropped, not fatal, when it does not check out. */
const maybe = < T extends z.ZodType >( schema: T ) =>
	schema.optional().catch( undefined );

/** A list whose entries that do not check out are dropped; at most `max` kept. */
const listOf = < T extends z.ZodType >( item: T, max: number ) =>
	z
		.unknown()
		.optional()
		.transform( ( value ) =>
			Array.isArray( value )
				? value.slice( 0, max ).flatMap( ( entry ) => {
						const parsed = item.safeParse( entry );
						return parsed.success
							? [ parsed.data as z.output< T > ]
							: [];
					} )
				: undefined
		);

const postTypeSchema = z.object( {
	name: slug,
	label: maybe( text( 200 ) ),
	hierarchical: maybe( z.boolean() ),
	rest_base: maybe( slug.nullable() ),
	taxonomies: listOf( slug, 100 ),
	counts: maybe( z.record( slug, count ) ),
} );

const taxonomySchema = z.object( {
	name: slug,
	label: maybe( text( 200 ) ),
	hierarchical: maybe( z.boolean() ),
	object_types: listOf( slug, 100 ),
	count: maybe( count ),
} );

const siteStructureSchema = z.object( {
	site_name: maybe( text( 200 ) ),
	site_url: maybe( httpUrl ),
	rest_url: maybe( httpUrl ),
	language: maybe( text( 35 ) ),
	timezone: maybe( text( 64 ) ),
	wordpress_version: maybe( text( 40 ) ),
	php_version: maybe( text( 40 ) ),
	plugin_version: maybe( text( 40 ) ),
	permalink_structure: maybe( text( 200 ) ),
	seo_plugin: maybe( text( 40 ).nullable() ),
	woocommerce: maybe( z.boolean() ),
	synced_post_types: listOf( slug, 100 ),
	post_types: listOf( postTypeSchema, 200 ),
	taxonomies: listOf( taxonomySchema, 200 ),
} );

export function structureOf( metadata: unknown ): Record< string, unknown > {
	const parsed = siteStructureSchema.safeParse( metadata );
	if ( ! parsed.success ) {
		return {};
	}
	// Absent fields stay absent (JSON would drop an undefined anyway).
	return Object.fromEntries(
		Object.entries( parsed.data ).filter(
			( [ , value ] ) => value !== undefined
		)
	);
}

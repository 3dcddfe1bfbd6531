<?php
/**
 * What the cloud needs to know about the site's structure.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

/**
 * The `site-metadata` object: sent with "Test connection", answered by
 * `GET igny8/v1/site-metadata/`, and carried by `structure.changed` events.
 */
final class SiteMetadata {

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var Sync\Outbox|null
	 */
	private $outbox;

	/**
	 * @param Options          $options The plugin's settings.
	 * @param Sync\Outbox|null $outbox  The outbox, whose counts the metadata carries.
	 */
	public function __construct( Options $options, ?Sync\Outbox $outbox = null ) {
		$this->options = $options;
		$this->outbox  = $outbox;
	}

	/**
	 * The versions the site reports with its health (shared-types
	 * `bridgeHealthSchema`): only the characters a version is made of, at
	 * most 64 of them, so a version a host decorated never gets the report
	 * refused.
	 *
	 * @return array{wordpress_version: string, plugin_version: string, php_version: string}
	 */
	public static function versions(): array {
		return array(
			'wordpress_version' => self::version_text( (string) get_bloginfo( 'version' ) ),
			'plugin_version'    => self::version_text( IGNY8_BRIDGE_VERSION ),
			'php_version'       => self::version_text( PHP_VERSION ),
		);
	}

	/**
	 * A version as the health report carries it.
	 *
	 * @param string $version As WordPress, PHP or the plugin print it.
	 */
	private static function version_text( string $version ): string {
		$clean = substr( (string) preg_replace( '/[^0-9A-Za-z._+~-]/', '', $version ), 0, 64 );
		return '' === $clean ? 'unknown' : $clean;
	}

	/**
	 * The whole object, with counts (and the outbox's, under `outbox`).
	 *
	 * @return array<string, mixed>
	 */
	public function collect(): array {
		global $wp_version;
		$structure  = $this->structure();
		$post_types = array();
		foreach ( $structure['post_types'] as $type ) {
			$counts       = (array) wp_count_posts( $type['name'] );
			$post_types[] = array_merge(
				$type,
				array(
					'counts' => array_map(
						'intval',
						array_intersect_key( $counts, array_flip( array( 'publish', 'future', 'draft', 'pending', 'private', 'trash' ) ) )
					),
				)
			);
		}
		$taxonomies = array();
		foreach ( $structure['taxonomies'] as $taxonomy ) {
			$count        = wp_count_terms( array( 'taxonomy' => $taxonomy['name'], 'hide_empty' => false ) );
			$taxonomies[] = array_merge( $taxonomy, array( 'count' => is_numeric( $count ) ? (int) $count : 0 ) );
		}
		return array(
			'site_name'            => get_bloginfo( 'name' ),
			'site_url'             => home_url(),
			'rest_url'             => rest_url(),
			'language'             => get_locale(),
			'timezone'             => wp_timezone_string(),
			'wordpress_version'    => (string) $wp_version,
			'php_version'          => PHP_VERSION,
			'plugin_version'       => IGNY8_BRIDGE_VERSION,
			'permalink_structure'  => $structure['permalink_structure'],
			'seo_plugin'           => $structure['seo_plugin'],
			'woocommerce'          => $structure['woocommerce'],
			'synced_post_types'    => $this->options->synced_post_types(),
			'post_types'           => $post_types,
			'taxonomies'           => $taxonomies,
		) + ( null === $this->outbox ? array() : array( 'outbox' => $this->outbox->stats() ) );
	}

	/**
	 * The parts that change only when the site's structure does (no counts):
	 * hashed to notice structure changes.
	 *
	 * @return array{post_types: array<int, array<string, mixed>>, taxonomies: array<int, array<string, mixed>>, permalink_structure: string, seo_plugin: string|null, woocommerce: bool}
	 */
	public function structure(): array {
		$post_types = array();
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
			if ( 'attachment' === $type->name ) {
				continue;
			}
			$post_types[] = array(
				'name'         => $type->name,
				'label'        => (string) $type->label,
				'hierarchical' => (bool) $type->hierarchical,
				'rest_base'    => $type->show_in_rest ? ( is_string( $type->rest_base ) && '' !== $type->rest_base ? $type->rest_base : $type->name ) : null,
				'taxonomies'   => array_values( get_object_taxonomies( $type->name ) ),
			);
		}
		$taxonomies = array();
		foreach ( get_taxonomies( array( 'public' => true ), 'objects' ) as $taxonomy ) {
			$taxonomies[] = array(
				'name'         => $taxonomy->name,
				'label'        => (string) $taxonomy->label,
				'hierarchical' => (bool) $taxonomy->hierarchical,
				'object_types' => array_values( (array) $taxonomy->object_type ),
			);
		}
		return array(
			'post_types'          => $post_types,
			'taxonomies'          => $taxonomies,
			'permalink_structure' => (string) get_option( 'permalink_structure', '' ),
			'seo_plugin'          => self::seo_plugin(),
			// Active with its products registered: what makes products content IGNY8 can write.
			'woocommerce'         => Sync\Products::active(),
		);
	}

	/**
	 * Hash of structure(), stored to notice changes.
	 */
	public function structure_hash(): string {
		return hash( 'sha256', (string) wp_json_encode( $this->structure() ) );
	}

	/**
	 * `yoast`, `rank_math` or null.
	 */
	public static function seo_plugin(): ?string {
		if ( defined( 'WPSEO_VERSION' ) ) {
			return 'yoast';
		}
		if ( defined( 'RANK_MATH_VERSION' ) || class_exists( 'RankMath' ) ) {
			return 'rank_math';
		}
		return null;
	}
}

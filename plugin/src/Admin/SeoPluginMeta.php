<?php
/**
 * The active SEO plugin's focus keyphrase and meta description, writable from the block editor.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;

/**
 * When Yoast SEO or Rank Math is active, registers its focus keyphrase and
 * meta description post meta for the REST API, so the editor's Optimizer
 * panel edits the very fields that plugin prints (they are saved with the
 * post, like any other edit). Neither plugin exposes them to the core REST
 * API itself. Only users who can edit the post read or write them; the
 * keys are the ones PostPublisher writes when IGNY8 publishes a post.
 */
final class SeoPluginMeta {

	/** SEO plugin → [focus keyphrase key, meta description key]. */
	public const KEYS = array(
		'yoast'     => array( '_yoast_wpseo_focuskw', '_yoast_wpseo_metadesc' ),
		'rank_math' => array( 'rank_math_focus_keyword', 'rank_math_description' ),
	);

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var callable(): ?string
	 */
	private $seo_plugin;

	/**
	 * @param Options       $options    The plugin's settings (which post types sync).
	 * @param callable|null $seo_plugin Names the active SEO plugin (`yoast`, `rank_math` or null);
	 *                                  SiteMetadata::seo_plugin() unless a test says otherwise.
	 */
	public function __construct( Options $options, ?callable $seo_plugin = null ) {
		$this->options    = $options;
		$this->seo_plugin = $seo_plugin ?? array( SiteMetadata::class, 'seo_plugin' );
	}

	/**
	 * Hooks into WordPress. After the SEO plugins load, so their constants are defined.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_meta' ), 20 );
	}

	/**
	 * The keys registered for the active SEO plugin, none without one.
	 *
	 * @return array{0: string, 1: string}|null Focus keyphrase key, meta description key.
	 */
	public function keys(): ?array {
		$plugin = ( $this->seo_plugin )();
		return is_string( $plugin ) && isset( self::KEYS[ $plugin ] ) ? self::KEYS[ $plugin ] : null;
	}

	/**
	 * Registers the two keys for every synced post type (and posts and
	 * pages), in the edit context only: the REST API grants it to users who
	 * can edit the post, and the auth callback checks that same right for
	 * writes (both keys may be protected, `_`-prefixed meta).
	 */
	public function register_meta(): void {
		$keys = $this->keys();
		if ( null === $keys ) {
			return;
		}
		list( $keyphrase, $description ) = $keys;
		$types                            = array_unique( array_merge( $this->options->synced_post_types(), array( 'post', 'page' ) ) );
		foreach ( $types as $type ) {
			register_post_meta( $type, $keyphrase, $this->args( 'sanitize_text_field' ) );
			register_post_meta( $type, $description, $this->args( 'sanitize_textarea_field' ) );
		}
	}

	/**
	 * Only a user who may edit this post reads or writes its SEO fields.
	 *
	 * @param bool   $allowed   Whether the user can, so far.
	 * @param string $meta_key  The key.
	 * @param int    $object_id The post.
	 * @return bool
	 */
	public function can_edit( $allowed, $meta_key, $object_id ): bool {
		unset( $allowed, $meta_key );
		return current_user_can( 'edit_post', (int) $object_id );
	}

	/**
	 * One key's registration.
	 *
	 * @param callable $sanitize Cleans what the editor sends.
	 * @return array<string, mixed>
	 */
	private function args( callable $sanitize ): array {
		return array(
			'type'              => 'string',
			'single'            => true,
			'default'           => '',
			'sanitize_callback' => $sanitize,
			'auth_callback'     => array( $this, 'can_edit' ),
			'show_in_rest'      => array(
				'schema' => array(
					'type'      => 'string',
					'context'   => array( 'edit' ),
					'maxLength' => 1000,
				),
			),
		);
	}
}

<?php
/**
 * Makes WordPress hold a Site Builder blueprint: pages, categories, menus.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\SiteBuilder;

use WP_Error;
use WP_Post;
use WP_Term;

/**
 * `POST igny8/v1/site-structure` (docs/bridge-protocol.md → "POST site-structure").
 *
 * Every page, category, menu and menu item the blueprint has carries the
 * blueprint's key for it, and what an apply wrote keeps that key in its
 * post or term meta (with the blueprint's id). So an apply finds what an
 * earlier one made by key and updates it in place; it never makes a second
 * copy, whatever was renamed.
 *
 * Next to the key an apply keeps two hashes: the *fingerprint* of what the
 * blueprint asked for, and the *state* of the object right after the apply
 * wrote it. A later apply compares them:
 * - state differs: someone edited it in WordPress since, so it is reported
 *   (`edited`) and left as it is, unless the request names its key in
 *   `overwrite_keys`;
 * - else fingerprint differs (or the page's parent moved): `update`;
 * - else `unchanged`, and nothing is written.
 *
 * A page an earlier apply made that the blueprint no longer has is never
 * deleted: it is reported (`offered`), or moved to draft or trash when the
 * request says so (`removed`).
 *
 * The whole request is checked before anything is written, so a request
 * that does not hold together (a parent or a menu target that is not in
 * it, a key used twice) changes nothing. A dry run goes through the same
 * decisions and writes nothing: the plan is what the apply will do.
 *
 * Only WordPress's own functions write (wp_insert_post, wp_insert_term,
 * wp_update_nav_menu_item …) and lookups go through WP_Query and
 * WP_Term_Query meta queries: nothing here is MySQL-only, so it runs the
 * same on MariaDB and on SQLite.
 */
final class StructureApplier {

	public const META_BLUEPRINT   = '_igny8_blueprint_id';
	public const META_KEY         = '_igny8_blueprint_key';
	public const META_STATE       = '_igny8_blueprint_state';
	public const META_FINGERPRINT = '_igny8_blueprint_fingerprint';
	public const META_REMOVED     = '_igny8_blueprint_removed';
	public const META_VERSION     = '_igny8_blueprint_version';

	/** The statuses a page the blueprint made may be found in. */
	private const PAGE_STATUSES = array( 'publish', 'draft', 'pending', 'private', 'future', 'trash' );

	/**
	 * The request being applied.
	 *
	 * @var array<string, mixed>
	 */
	private $input = array();

	/**
	 * What the plugin could not do as asked.
	 *
	 * @var string[]
	 */
	private $warnings = array();

	/**
	 * Checks a request, then plans it and, unless it is a dry run, applies it.
	 *
	 * @param array<string, mixed> $input The request, as the route's args validated it.
	 * @return array<string, mixed>|WP_Error The report, or 400 `igny8_invalid_structure` when the request does not hold together.
	 */
	public function run( array $input ) {
		$this->input    = self::sanitize( $input );
		$this->warnings = array();
		$problem        = $this->problem();
		if ( null !== $problem ) {
			return new WP_Error(
				'igny8_invalid_structure',
				/* translators: %s: what is wrong with the site structure, e.g. "pages[2]: its parent "services" is not listed before it". */
				sprintf( __( 'The site structure was not applied, and nothing was changed: %s.', 'igny8-bridge' ), $problem ),
				array( 'status' => 400 )
			);
		}
		$dry_run    = ! empty( $this->input['dry_run'] );
		$pages      = $this->pages();
		$categories = $this->categories( $dry_run );
		$page_ids   = array();
		$report     = array(
			'dry_run'      => $dry_run,
			'blueprint_id' => (int) $this->input['blueprint_id'],
			'version'      => (int) $this->input['version'],
			'pages'        => $this->apply_pages( $pages, $dry_run, $page_ids ),
			'categories'   => $categories['report'],
		);
		$report['menus']    = $this->apply_menus( $dry_run, $page_ids, $categories['ids'] );
		$report['warnings'] = $this->warnings;
		return $report;
	}

	/**
	 * The request with every text made safe to store, whatever the args let through.
	 *
	 * @param array<string, mixed> $input The request.
	 * @return array<string, mixed>
	 */
	private static function sanitize( array $input ): array {
		$key = static function ( $value ): ?string {
			return is_string( $value ) && '' !== $value ? sanitize_key( $value ) : null;
		};
		$out = array(
			'blueprint_id'   => (int) $input['blueprint_id'],
			'version'        => (int) $input['version'],
			'dry_run'        => ! empty( $input['dry_run'] ),
			'removed'        => in_array( $input['removed'] ?? 'keep', array( 'keep', 'draft', 'trash' ), true ) ? $input['removed'] : 'keep',
			'overwrite_keys' => array_map( 'sanitize_key', array_map( 'strval', (array) ( $input['overwrite_keys'] ?? array() ) ) ),
			'pages'          => array(),
			'categories'     => array(),
			'menus'          => array(),
		);
		foreach ( (array) ( $input['pages'] ?? array() ) as $page ) {
			$out['pages'][] = array(
				'key'        => (string) $key( $page['key'] ),
				'parent_key' => $key( $page['parent_key'] ?? null ),
				'title'      => sanitize_text_field( (string) $page['title'] ),
				'slug'       => sanitize_title( (string) $page['slug'] ),
				'status'     => 'draft' === $page['status'] ? 'draft' : 'publish',
				'menu_order' => max( 0, (int) $page['menu_order'] ),
				'content'    => wp_kses_post( (string) $page['content'] ),
			);
		}
		foreach ( (array) ( $input['categories'] ?? array() ) as $category ) {
			$out['categories'][] = array(
				'key'         => (string) $key( $category['key'] ),
				'parent_key'  => $key( $category['parent_key'] ?? null ),
				'name'        => sanitize_text_field( (string) $category['name'] ),
				'slug'        => sanitize_title( (string) $category['slug'] ),
				'description' => sanitize_textarea_field( (string) $category['description'] ),
			);
		}
		foreach ( (array) ( $input['menus'] ?? array() ) as $menu ) {
			$items = array();
			foreach ( (array) ( $menu['items'] ?? array() ) as $item ) {
				$items[] = array(
					'key'        => (string) $key( $item['key'] ),
					'parent_key' => $key( $item['parent_key'] ?? null ),
					'label'      => sanitize_text_field( (string) $item['label'] ),
					'type'       => in_array( $item['type'], array( 'page', 'category', 'custom' ), true ) ? $item['type'] : 'custom',
					'target_key' => $key( $item['target_key'] ?? null ),
					'url'        => is_string( $item['url'] ?? null ) ? esc_url_raw( $item['url'], array( 'http', 'https' ) ) : '',
				);
			}
			$out['menus'][] = array(
				'key'      => (string) $key( $menu['key'] ),
				'name'     => sanitize_text_field( (string) $menu['name'] ),
				'location' => $key( $menu['location'] ?? null ),
				'items'    => $items,
			);
		}
		return $out;
	}

	/**
	 * What does not hold together in the request, in words; null when nothing.
	 */
	private function problem(): ?string {
		foreach ( array( 'pages', 'categories' ) as $kind ) {
			$seen = array();
			foreach ( $this->input[ $kind ] as $index => $item ) {
				if ( '' === $item['key'] || isset( $seen[ $item['key'] ] ) ) {
					return sprintf( '%s[%d]: the key "%s" is used twice', $kind, $index, $item['key'] );
				}
				if ( null !== $item['parent_key'] && ! isset( $seen[ $item['parent_key'] ] ) ) {
					return sprintf( '%s[%d]: its parent "%s" is not listed before it', $kind, $index, $item['parent_key'] );
				}
				if ( '' === $item['slug'] || ( 'pages' === $kind && '' === $item['title'] ) || ( 'categories' === $kind && '' === $item['name'] ) ) {
					return sprintf( '%s[%d]: its title and slug may not be empty', $kind, $index );
				}
				$seen[ $item['key'] ] = true;
			}
		}
		$pages      = array_column( $this->input['pages'], 'key', 'key' );
		$categories = array_column( $this->input['categories'], 'key', 'key' );
		$menus      = array();
		foreach ( $this->input['menus'] as $m => $menu ) {
			if ( '' === $menu['key'] || isset( $menus[ $menu['key'] ] ) ) {
				return sprintf( 'menus[%d]: the key "%s" is used twice', $m, $menu['key'] );
			}
			if ( '' === $menu['name'] ) {
				return sprintf( 'menus[%d]: its name may not be empty', $m );
			}
			$menus[ $menu['key'] ] = true;
			$items                 = array();
			foreach ( $menu['items'] as $i => $item ) {
				$where = sprintf( 'menus[%d].items[%d]', $m, $i );
				if ( '' === $item['key'] || isset( $items[ $item['key'] ] ) ) {
					return sprintf( '%s: the key "%s" is used twice', $where, $item['key'] );
				}
				if ( null !== $item['parent_key'] && ! isset( $items[ $item['parent_key'] ] ) ) {
					return sprintf( '%s: its parent "%s" is not listed before it', $where, $item['parent_key'] );
				}
				$items[ $item['key'] ] = true;
				if ( 'custom' === $item['type'] ) {
					if ( '' === $item['url'] || '' === $item['label'] ) {
						return sprintf( '%s: a custom link needs an http(s) address and a label', $where );
					}
					continue;
				}
				$targets = 'page' === $item['type'] ? $pages : $categories;
				if ( null === $item['target_key'] || ! isset( $targets[ $item['target_key'] ] ) ) {
					return sprintf( '%s: no %s of the structure has the key "%s"', $where, $item['type'], (string) $item['target_key'] );
				}
			}
		}
		return null;
	}

	/* ---- pages ---- */

	/**
	 * The pages earlier applies of this blueprint made, by key (the oldest post when a key was copied onto another).
	 *
	 * @return array<string, WP_Post>
	 */
	private function pages(): array {
		$found = get_posts(
			array(
				'post_type'        => 'page',
				'post_status'      => self::PAGE_STATUSES,
				'numberposts'      => -1,
				'orderby'          => 'ID',
				'order'            => 'ASC',
				'suppress_filters' => true,
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key, WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- one indexed meta lookup per apply finds every page the blueprint made.
				'meta_key'         => self::META_BLUEPRINT,
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- see above.
				'meta_value'       => (string) $this->input['blueprint_id'],
			)
		);
		$by_key = array();
		foreach ( $found as $post ) {
			$key = (string) get_post_meta( (int) $post->ID, self::META_KEY, true );
			if ( '' !== $key && ! isset( $by_key[ $key ] ) ) {
				$by_key[ $key ] = $post;
			}
		}
		return $by_key;
	}

	/**
	 * A page as the apply leaves it: what a WordPress edit changes.
	 *
	 * @param WP_Post $post The page.
	 */
	private static function page_state( WP_Post $post ): string {
		return hash( 'sha256', implode( "\n", array( $post->post_title, $post->post_name, (string) $post->post_parent, $post->post_status, (string) $post->menu_order, $post->post_content ) ) );
	}

	/**
	 * What the blueprint asks of a page.
	 *
	 * @param array<string, mixed> $page The request's page.
	 */
	private static function fingerprint( array $page ): string {
		return hash( 'sha256', (string) wp_json_encode( $page ) );
	}

	/**
	 * Whether a post (or term) was edited in WordPress since the last apply wrote it.
	 *
	 * @param string $stored  The state the last apply kept.
	 * @param string $current The state now.
	 * @param string $key     Its key, which `overwrite_keys` may name.
	 */
	private function edited( string $stored, string $current, string $key ): bool {
		return $stored !== $current && ! in_array( $key, $this->input['overwrite_keys'], true );
	}

	/**
	 * Decides, and unless it is a dry run does, what each page needs; then the pages the blueprint no longer has.
	 *
	 * @param array<string, WP_Post> $existing The pages earlier applies made, by key.
	 * @param bool                   $dry_run  Decide only.
	 * @param array<string, int>     $page_ids Filled with each key's page id (what menus link to).
	 * @return array<int, array<string, mixed>>
	 */
	private function apply_pages( array $existing, bool $dry_run, array &$page_ids ): array {
		$report = array();
		$author = $this->author();
		foreach ( $this->input['pages'] as $page ) {
			$post        = $existing[ $page['key'] ] ?? null;
			$fingerprint = self::fingerprint( $page );
			$parent_id   = null === $page['parent_key'] ? 0 : ( $page_ids[ $page['parent_key'] ] ?? null );
			if ( null === $post ) {
				$action = 'create';
			} elseif ( $this->edited( (string) get_post_meta( (int) $post->ID, self::META_STATE, true ), self::page_state( $post ), $page['key'] ) ) {
				$action = 'edited';
			} elseif (
				(string) get_post_meta( (int) $post->ID, self::META_FINGERPRINT, true ) !== $fingerprint
				|| '' !== (string) get_post_meta( (int) $post->ID, self::META_REMOVED, true )
				|| $parent_id !== (int) $post->post_parent
			) {
				$action = 'update';
			} else {
				$action = 'unchanged';
			}

			if ( ! $dry_run && ( 'create' === $action || 'update' === $action ) ) {
				$written = $this->write_page( $page, $post, (int) $parent_id, $author, $fingerprint );
				if ( is_wp_error( $written ) ) {
					/* translators: 1: page title, 2: why WordPress refused. */
					$this->warnings[] = sprintf( __( 'The page "%1$s" could not be written: %2$s', 'igny8-bridge' ), $page['title'], $written->get_error_message() );
					$action           = 'unchanged';
				} else {
					$post = $written;
				}
			}
			if ( null !== $post ) {
				$page_ids[ $page['key'] ] = (int) $post->ID;
			}
			$report[] = self::page_report( $page['key'], $action, $post, $page );
		}

		// What earlier applies made that the blueprint no longer has: never deleted.
		$wanted = array_flip( array_column( $this->input['pages'], 'key' ) );
		foreach ( $existing as $key => $post ) {
			if ( isset( $wanted[ $key ] ) ) {
				continue;
			}
			$removed = (string) get_post_meta( (int) $post->ID, self::META_REMOVED, true );
			$mode    = $this->input['removed'];
			if ( '' !== $removed && $removed === $post->post_status ) {
				// Moved there by an earlier apply and still there: only another mode moves it again.
				$action = 'keep' === $mode || $mode === $removed ? 'unchanged' : $mode;
			} elseif ( 'keep' === $mode ) {
				$action = 'offered';
			} else {
				$action = $mode === $post->post_status ? 'unchanged' : $mode;
			}
			if ( ! $dry_run && ( 'draft' === $action || 'trash' === $action ) ) {
				$post = $this->remove_page( $post, $action );
			}
			$report[] = self::page_report( (string) $key, $action, $post, null );
		}
		return $report;
	}

	/**
	 * Creates or updates one page and keeps its key, fingerprint and state.
	 *
	 * @param array<string, mixed> $page        The request's page.
	 * @param WP_Post|null         $post        The page an earlier apply made, if any.
	 * @param int                  $parent_id   Its parent's id (0: none).
	 * @param int                  $author      The author of a new page.
	 * @param string               $fingerprint What the blueprint asks of it.
	 * @return WP_Post|WP_Error
	 */
	private function write_page( array $page, ?WP_Post $post, int $parent_id, int $author, string $fingerprint ) {
		if ( null !== $post && 'trash' === $post->post_status ) {
			wp_untrash_post( (int) $post->ID );
		}
		$data = array(
			'post_type'    => 'page',
			'post_title'   => $page['title'],
			'post_name'    => $page['slug'],
			'post_status'  => $page['status'],
			'post_content' => $page['content'],
			'post_parent'  => $parent_id,
			'menu_order'   => $page['menu_order'],
		);
		if ( null === $post ) {
			$data['post_author'] = $author;
			$id                  = wp_insert_post( wp_slash( $data ), true );
		} else {
			$data['ID'] = (int) $post->ID;
			$id         = wp_update_post( wp_slash( $data ), true );
		}
		if ( is_wp_error( $id ) ) {
			return $id;
		}
		$id = (int) $id;
		clean_post_cache( $id );
		$written = get_post( $id );
		if ( ! $written instanceof WP_Post ) {
			return new WP_Error( 'igny8_write_failed', __( 'The page could not be read back.', 'igny8-bridge' ) );
		}
		if ( $written->post_name !== $page['slug'] ) {
			/* translators: 1: page title, 2: the slug asked for, 3: the slug WordPress gave it. */
			$this->warnings[] = sprintf( __( 'The page "%1$s" got the slug "%3$s": "%2$s" is taken at that level.', 'igny8-bridge' ), $page['title'], $page['slug'], $written->post_name );
		}
		update_post_meta( $id, self::META_BLUEPRINT, (string) $this->input['blueprint_id'] );
		update_post_meta( $id, self::META_KEY, $page['key'] );
		update_post_meta( $id, self::META_FINGERPRINT, $fingerprint );
		update_post_meta( $id, self::META_VERSION, (string) $this->input['version'] );
		update_post_meta( $id, self::META_STATE, self::page_state( $written ) );
		delete_post_meta( $id, self::META_REMOVED );
		return $written;
	}

	/**
	 * Moves a page the blueprint no longer has to draft or trash (never deletes it).
	 *
	 * @param WP_Post $post The page.
	 * @param string  $mode `draft` or `trash`.
	 */
	private function remove_page( WP_Post $post, string $mode ): WP_Post {
		$id = (int) $post->ID;
		if ( 'trash' === $mode ) {
			wp_trash_post( $id );
		} else {
			if ( 'trash' === $post->post_status ) {
				wp_untrash_post( $id );
			}
			wp_update_post(
				array(
					'ID'          => $id,
					'post_status' => 'draft',
				)
			);
		}
		clean_post_cache( $id );
		$moved = get_post( $id );
		if ( ! $moved instanceof WP_Post ) {
			return $post;
		}
		update_post_meta( $id, self::META_REMOVED, $moved->post_status );
		update_post_meta( $id, self::META_STATE, self::page_state( $moved ) );
		return $moved;
	}

	/**
	 * One page's line of the report.
	 *
	 * @param string                    $key    Its key.
	 * @param string                    $action What was (or would be) done.
	 * @param WP_Post|null              $post   The page, when it exists.
	 * @param array<string, mixed>|null $page   The request's page, when the blueprint has it.
	 * @return array<string, mixed>
	 */
	private static function page_report( string $key, string $action, ?WP_Post $post, ?array $page ): array {
		$url = null !== $post ? get_permalink( $post ) : false;
		return array(
			'key'     => $key,
			'action'  => $action,
			'post_id' => null !== $post ? (int) $post->ID : null,
			'title'   => null !== $post ? $post->post_title : (string) ( $page['title'] ?? '' ),
			'slug'    => null !== $post ? $post->post_name : (string) ( $page['slug'] ?? '' ),
			'status'  => null !== $post ? $post->post_status : (string) ( $page['status'] ?? '' ),
			'url'     => is_string( $url ) ? $url : '',
		);
	}

	/**
	 * The author of new pages: the site's first administrator.
	 */
	private function author(): int {
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		return empty( $admins ) ? 0 : (int) $admins[0];
	}

	/* ---- categories ---- */

	/**
	 * Terms of a taxonomy earlier applies of this blueprint made, by key.
	 *
	 * @param string $taxonomy `category` or `nav_menu`.
	 * @return array<string, WP_Term>
	 */
	private function terms( string $taxonomy ): array {
		$found  = get_terms(
			array(
				'taxonomy'   => $taxonomy,
				'hide_empty' => false,
				'orderby'    => 'term_id',
				'order'      => 'ASC',
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key, WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- one meta lookup per apply finds every term the blueprint made.
				'meta_key'   => self::META_BLUEPRINT,
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value -- see above.
				'meta_value' => (string) $this->input['blueprint_id'],
			)
		);
		$by_key = array();
		foreach ( is_array( $found ) ? $found : array() as $term ) {
			if ( ! $term instanceof WP_Term ) {
				continue;
			}
			$key = (string) get_term_meta( (int) $term->term_id, self::META_KEY, true );
			if ( '' !== $key && ! isset( $by_key[ $key ] ) ) {
				$by_key[ $key ] = $term;
			}
		}
		return $by_key;
	}

	/**
	 * A category as the apply leaves it.
	 *
	 * @param WP_Term $term The category.
	 */
	private static function category_state( WP_Term $term ): string {
		return hash( 'sha256', implode( "\n", array( $term->name, $term->slug, (string) $term->parent, $term->description ) ) );
	}

	/**
	 * Decides, and unless it is a dry run does, what each category needs.
	 *
	 * @param bool $dry_run Decide only.
	 * @return array{report: array<int, array<string, mixed>>, ids: array<string, int>}
	 */
	private function categories( bool $dry_run ): array {
		$existing = $this->terms( 'category' );
		$ids      = array();
		$report   = array();
		foreach ( $this->input['categories'] as $category ) {
			$term        = $existing[ $category['key'] ] ?? null;
			$fingerprint = self::fingerprint( $category );
			$parent_id   = null === $category['parent_key'] ? 0 : ( $ids[ $category['parent_key'] ] ?? null );
			if ( null === $term ) {
				$same = get_term_by( 'slug', $category['slug'], 'category' );
				// A category of that slug that IGNY8 did not make is the site's: tracked from now on, left as it is.
				$term   = $same instanceof WP_Term ? $same : null;
				$action = null === $term ? 'create' : 'link';
			} elseif ( $this->edited( (string) get_term_meta( (int) $term->term_id, self::META_STATE, true ), self::category_state( $term ), $category['key'] ) ) {
				$action = 'edited';
			} elseif ( (string) get_term_meta( (int) $term->term_id, self::META_FINGERPRINT, true ) !== $fingerprint || $parent_id !== (int) $term->parent ) {
				$action = 'update';
			} else {
				$action = 'unchanged';
			}
			if ( ! $dry_run && in_array( $action, array( 'create', 'update', 'link' ), true ) ) {
				$written = $this->write_category( $category, $term, (int) $parent_id, $fingerprint, 'link' === $action );
				if ( is_wp_error( $written ) ) {
					/* translators: 1: category name, 2: why WordPress refused. */
					$this->warnings[] = sprintf( __( 'The category "%1$s" could not be written: %2$s', 'igny8-bridge' ), $category['name'], $written->get_error_message() );
					$action           = 'unchanged';
				} else {
					$term = $written;
				}
			}
			if ( null !== $term ) {
				$ids[ $category['key'] ] = (int) $term->term_id;
			}
			$report[] = array(
				'key'     => $category['key'],
				'action'  => $action,
				'term_id' => null !== $term ? (int) $term->term_id : null,
				'name'    => null !== $term ? $term->name : $category['name'],
				'slug'    => null !== $term ? $term->slug : $category['slug'],
			);
		}
		return array(
			'report' => $report,
			'ids'    => $ids,
		);
	}

	/**
	 * Creates, updates or links one category and keeps its key, fingerprint and state.
	 *
	 * @param array<string, mixed> $category    The request's category.
	 * @param WP_Term|null         $term        The category there is, if any.
	 * @param int                  $parent_id   Its parent's id (0: none).
	 * @param string               $fingerprint What the blueprint asks of it.
	 * @param bool                 $link        Track an existing category without changing it.
	 * @return WP_Term|WP_Error
	 */
	private function write_category( array $category, ?WP_Term $term, int $parent_id, string $fingerprint, bool $link ) {
		$args = array(
			'slug'        => $category['slug'],
			'description' => $category['description'],
			'parent'      => $parent_id,
		);
		if ( $link && null !== $term ) {
			$id = (int) $term->term_id;
		} elseif ( null === $term ) {
			$made = wp_insert_term( wp_slash( $category['name'] ), 'category', wp_slash( $args ) );
			if ( is_wp_error( $made ) ) {
				return $made;
			}
			$id = (int) $made['term_id'];
		} else {
			$made = wp_update_term( (int) $term->term_id, 'category', wp_slash( array_merge( $args, array( 'name' => $category['name'] ) ) ) );
			if ( is_wp_error( $made ) ) {
				return $made;
			}
			$id = (int) $made['term_id'];
		}
		clean_term_cache( $id, 'category' );
		$written = get_term( $id, 'category' );
		if ( ! $written instanceof WP_Term ) {
			return new WP_Error( 'igny8_write_failed', __( 'The category could not be read back.', 'igny8-bridge' ) );
		}
		update_term_meta( $id, self::META_BLUEPRINT, (string) $this->input['blueprint_id'] );
		update_term_meta( $id, self::META_KEY, $category['key'] );
		update_term_meta( $id, self::META_FINGERPRINT, $fingerprint );
		update_term_meta( $id, self::META_STATE, self::category_state( $written ) );
		return $written;
	}

	/* ---- menus ---- */

	/**
	 * A menu's items as the apply leaves them: what an edit in Appearance → Menus changes.
	 *
	 * @param int $menu_id The menu.
	 */
	private static function menu_state( int $menu_id ): string {
		$menu  = wp_get_nav_menu_object( $menu_id );
		$items = array();
		foreach ( self::menu_items( $menu_id ) as $item ) {
			$items[] = array(
				(int) $item->ID,
				$item->post_title,
				(int) $item->menu_order,
				(string) get_post_meta( (int) $item->ID, '_menu_item_type', true ),
				(string) get_post_meta( (int) $item->ID, '_menu_item_object', true ),
				(string) get_post_meta( (int) $item->ID, '_menu_item_object_id', true ),
				(string) get_post_meta( (int) $item->ID, '_menu_item_url', true ),
				(string) get_post_meta( (int) $item->ID, '_menu_item_menu_item_parent', true ),
			);
		}
		return hash( 'sha256', (string) wp_json_encode( array( $menu instanceof WP_Term ? $menu->name : '', $items ) ) );
	}

	/**
	 * A menu's item posts, in menu order, whatever their status.
	 *
	 * @param int $menu_id The menu.
	 * @return WP_Post[]
	 */
	private static function menu_items( int $menu_id ): array {
		$items = get_posts(
			array(
				'post_type'        => 'nav_menu_item',
				'post_status'      => 'any',
				'numberposts'      => -1,
				'orderby'          => 'menu_order',
				'order'            => 'ASC',
				'suppress_filters' => true,
				// phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_tax_query -- a menu's items are the posts in its nav_menu term, as wp_get_nav_menu_items() finds them.
				'tax_query'        => array(
					array(
						'taxonomy' => 'nav_menu',
						'field'    => 'term_taxonomy_id',
						'terms'    => self::term_taxonomy_id( $menu_id ),
					),
				),
			)
		);
		return array_values( array_filter( $items, static fn( $item ) => $item instanceof WP_Post ) );
	}

	/**
	 * A menu's term_taxonomy_id.
	 *
	 * @param int $menu_id The menu's term id.
	 */
	private static function term_taxonomy_id( int $menu_id ): int {
		$menu = get_term( $menu_id, 'nav_menu' );
		return $menu instanceof WP_Term ? (int) $menu->term_taxonomy_id : 0;
	}

	/**
	 * Each item's `wp_update_nav_menu_item()` arguments, its target resolved; null for a target that does not exist (yet).
	 *
	 * @param array<string, mixed> $item       The request's item.
	 * @param array<string, int>   $page_ids   Page ids by key.
	 * @param array<string, int>   $term_ids   Category ids by key.
	 * @return array<string, mixed>|null
	 */
	private static function item_target( array $item, array $page_ids, array $term_ids ): ?array {
		if ( 'custom' === $item['type'] ) {
			return array(
				'menu-item-type' => 'custom',
				'menu-item-url'  => $item['url'],
			);
		}
		$ids = 'page' === $item['type'] ? $page_ids : $term_ids;
		if ( ! isset( $ids[ $item['target_key'] ] ) ) {
			return null;
		}
		return array(
			'menu-item-type'      => 'page' === $item['type'] ? 'post_type' : 'taxonomy',
			'menu-item-object'    => 'page' === $item['type'] ? 'page' : 'category',
			'menu-item-object-id' => $ids[ $item['target_key'] ],
		);
	}

	/**
	 * Decides, and unless it is a dry run does, what each menu needs.
	 *
	 * @param bool               $dry_run  Decide only.
	 * @param array<string, int> $page_ids Page ids by key (pages a dry run would create have none).
	 * @param array<string, int> $term_ids Category ids by key.
	 * @return array<int, array<string, mixed>>
	 */
	private function apply_menus( bool $dry_run, array $page_ids, array $term_ids ): array {
		$existing = $this->terms( 'nav_menu' );
		$report   = array();
		foreach ( $this->input['menus'] as $menu ) {
			$term        = $existing[ $menu['key'] ] ?? null;
			$targets     = array();
			$resolved    = true;
			foreach ( $menu['items'] as $item ) {
				$target                  = self::item_target( $item, $page_ids, $term_ids );
				$resolved                = $resolved && null !== $target;
				$targets[ $item['key'] ] = $target;
			}
			$fingerprint = self::fingerprint( array( $menu, $targets ) );
			if ( null === $term ) {
				$action = wp_get_nav_menu_object( $menu['name'] ) ? 'conflict' : 'create';
			} elseif ( $this->edited( (string) get_term_meta( (int) $term->term_id, self::META_STATE, true ), self::menu_state( (int) $term->term_id ), $menu['key'] ) ) {
				$action = 'edited';
			} elseif ( ! $resolved || (string) get_term_meta( (int) $term->term_id, self::META_FINGERPRINT, true ) !== $fingerprint ) {
				$action = 'update';
			} else {
				$action = 'unchanged';
			}
			if ( 'conflict' === $action ) {
				/* translators: %s: menu name. */
				$this->warnings[] = sprintf( __( 'A menu named "%s" that IGNY8 did not make already exists: it was left as it is. Rename the blueprint\'s menu to apply it.', 'igny8-bridge' ), $menu['name'] );
			}
			$menu_id = null !== $term ? (int) $term->term_id : null;
			if ( ! $dry_run && ( 'create' === $action || 'update' === $action ) ) {
				$written = $this->write_menu( $menu, $menu_id, $targets, $fingerprint );
				if ( is_wp_error( $written ) ) {
					/* translators: 1: menu name, 2: why WordPress refused. */
					$this->warnings[] = sprintf( __( 'The menu "%1$s" could not be written: %2$s', 'igny8-bridge' ), $menu['name'], $written->get_error_message() );
					$action           = 'unchanged';
				} else {
					$menu_id = $written;
				}
			}
			if ( null !== $menu['location'] && ! array_key_exists( $menu['location'], get_registered_nav_menus() ) ) {
				/* translators: 1: menu name, 2: menu location. */
				$this->warnings[] = sprintf( __( 'The menu "%1$s" was not placed: the active theme has no menu location "%2$s".', 'igny8-bridge' ), $menu['name'], $menu['location'] );
			}
			$report[] = array(
				'key'      => $menu['key'],
				'action'   => $action,
				'menu_id'  => $menu_id,
				'name'     => $menu['name'],
				'location' => $menu['location'],
				'items'    => count( $menu['items'] ),
			);
		}
		return $report;
	}

	/**
	 * Creates or updates one classic menu: its name, its items in order (by key), its theme location.
	 *
	 * @param array<string, mixed>                     $menu        The request's menu.
	 * @param int|null                                 $menu_id     The menu an earlier apply made.
	 * @param array<string, array<string, mixed>|null> $targets     Each item's resolved target.
	 * @param string                                   $fingerprint What the blueprint asks of it.
	 * @return int|WP_Error The menu's id.
	 */
	private function write_menu( array $menu, ?int $menu_id, array $targets, string $fingerprint ) {
		if ( null === $menu_id ) {
			$made = wp_create_nav_menu( $menu['name'] );
			if ( is_wp_error( $made ) ) {
				return $made;
			}
			$menu_id = (int) $made;
		} else {
			$renamed = wp_update_nav_menu_object( $menu_id, wp_slash( array( 'menu-name' => $menu['name'] ) ) );
			if ( is_wp_error( $renamed ) ) {
				return $renamed;
			}
		}
		$current = array();
		foreach ( self::menu_items( $menu_id ) as $item ) {
			$key = (string) get_post_meta( (int) $item->ID, self::META_KEY, true );
			if ( '' !== $key && ! isset( $current[ $key ] ) ) {
				$current[ $key ] = (int) $item->ID;
			}
		}
		$ids      = array();
		$position = 0;
		foreach ( $menu['items'] as $item ) {
			$target = $targets[ $item['key'] ] ?? null;
			if ( null === $target ) {
				/* translators: 1: menu item key, 2: menu name. */
				$this->warnings[] = sprintf( __( 'The menu item "%1$s" of "%2$s" was left out: what it links to could not be written.', 'igny8-bridge' ), $item['key'], $menu['name'] );
				continue;
			}
			++$position;
			$args    = array_merge(
				$target,
				array(
					'menu-item-title'     => $item['label'],
					'menu-item-status'    => 'publish',
					'menu-item-position'  => $position,
					'menu-item-parent-id' => null !== $item['parent_key'] && isset( $ids[ $item['parent_key'] ] ) ? $ids[ $item['parent_key'] ] : 0,
				)
			);
			$item_id = wp_update_nav_menu_item( $menu_id, $current[ $item['key'] ] ?? 0, wp_slash( $args ) );
			if ( is_wp_error( $item_id ) ) {
				return $item_id;
			}
			$ids[ $item['key'] ] = (int) $item_id;
			update_post_meta( (int) $item_id, self::META_KEY, $item['key'] );
			update_post_meta( (int) $item_id, self::META_BLUEPRINT, (string) $this->input['blueprint_id'] );
		}
		// Items the blueprint no longer has (or added in WordPress, when the menu is overwritten) go: menu items are links, not content.
		foreach ( self::menu_items( $menu_id ) as $item ) {
			if ( ! in_array( (int) $item->ID, $ids, true ) ) {
				wp_delete_post( (int) $item->ID, true );
			}
		}
		if ( null !== $menu['location'] && array_key_exists( $menu['location'], get_registered_nav_menus() ) ) {
			$locations                      = get_theme_mod( 'nav_menu_locations', array() );
			$locations                      = is_array( $locations ) ? $locations : array();
			$locations[ $menu['location'] ] = $menu_id;
			set_theme_mod( 'nav_menu_locations', $locations );
		}
		update_term_meta( $menu_id, self::META_BLUEPRINT, (string) $this->input['blueprint_id'] );
		update_term_meta( $menu_id, self::META_KEY, $menu['key'] );
		update_term_meta( $menu_id, self::META_FINGERPRINT, $fingerprint );
		update_term_meta( $menu_id, self::META_STATE, self::menu_state( $menu_id ) );
		return $menu_id;
	}
}

<?php
/**
 * The Site Builder's apply route: a blueprint's pages, categories and menus in WordPress.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Contract\BridgeContract;
use IGNY8\Bridge\SiteBuilder\StructureApplier;
use WP_Post;
use WP_REST_Response;

/**
 * `POST igny8/v1/site-structure`, signed as the cloud signs it, on the
 * database the suite runs on (MariaDB or SQLite).
 */
final class SiteStructureTest extends BridgeTestCase {

	private const ROUTE = '/igny8/v1/site-structure';

	/** A blueprint id no other test uses. */
	private const BLUEPRINT = 7101;

	/**
	 * A page of the request.
	 *
	 * @param string      $key    Key (and slug).
	 * @param string      $title  Title.
	 * @param string|null $parent Parent key.
	 * @param int         $order  Place among its siblings.
	 * @return array<string, mixed>
	 */
	private static function page( string $key, string $title, ?string $parent = null, int $order = 0 ): array {
		return array(
			'key'        => $key,
			'parent_key' => $parent,
			'title'      => $title,
			'slug'       => $key,
			'status'     => 'publish',
			'menu_order' => $order,
			'content'    => "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">{$title} &amp; more</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>What {$title} covers.</p>\n<!-- /wp:paragraph -->",
		);
	}

	/**
	 * A request: six pages (two under "services"), three categories (one under "guides"), one menu.
	 *
	 * @param array<string, mixed> $extra Fields to replace.
	 * @return array<string, mixed>
	 */
	private static function structure( array $extra = array() ): array {
		return array_merge(
			array(
				'blueprint_id' => self::BLUEPRINT,
				'version'      => 1,
				'pages'        => array(
					self::page( 'home', 'Home' ),
					self::page( 'about', 'About us', null, 1 ),
					self::page( 'services', 'Services', null, 2 ),
					self::page( 'seo', 'SEO audits', 'services', 0 ),
					self::page( 'ads', 'Paid ads', 'services', 1 ),
					self::page( 'contact', 'Contact', null, 3 ),
				),
				'categories'   => array(
					array(
						'key'         => 'sb-news',
						'parent_key'  => null,
						'name'        => 'SB News',
						'slug'        => 'sb-news',
						'description' => 'What is new',
					),
					array(
						'key'         => 'sb-guides',
						'parent_key'  => null,
						'name'        => 'SB Guides',
						'slug'        => 'sb-guides',
						'description' => '',
					),
					array(
						'key'         => 'sb-how-to',
						'parent_key'  => 'sb-guides',
						'name'        => 'SB How-to',
						'slug'        => 'sb-how-to',
						'description' => '',
					),
				),
				'menus'        => array(
					array(
						'key'      => 'main',
						'name'     => 'SB Main menu',
						'location' => null,
						'items'    => array(
							self::item( 'home', 'page', 'home' ),
							self::item( 'services', 'page', 'services' ),
							self::item( 'seo', 'page', 'seo', 'services' ),
							self::item( 'news', 'category', 'sb-news' ),
							array(
								'key'        => 'docs',
								'parent_key' => null,
								'label'      => 'Docs',
								'type'       => 'custom',
								'target_key' => null,
								'url'        => 'https://docs.example.test/',
							),
						),
					),
				),
			),
			$extra
		);
	}

	/**
	 * A menu item linking a page or category of the request.
	 *
	 * @param string      $key    Key.
	 * @param string      $type   `page` or `category`.
	 * @param string      $target The page's or category's key.
	 * @param string|null $parent The parent item's key.
	 * @return array<string, mixed>
	 */
	private static function item( string $key, string $type, string $target, ?string $parent = null ): array {
		return array(
			'key'        => $key,
			'parent_key' => $parent,
			'label'      => '',
			'type'       => $type,
			'target_key' => $target,
			'url'        => null,
		);
	}

	/**
	 * Sends a request, signed.
	 *
	 * @param array<string, mixed> $body The request.
	 */
	private function send( array $body ): WP_REST_Response {
		return $this->dispatch( $this->signed( 'POST', self::ROUTE, $body ) );
	}

	/**
	 * Applies and answers the report, failing on anything but 200.
	 *
	 * @param array<string, mixed> $body The request.
	 * @return array<string, mixed>
	 */
	private function apply( array $body ): array {
		$response = $this->send( $body );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data()['data'];
		$valid = rest_validate_value_from_schema( $data, BridgeContract::response( 'structure.apply' ), 'report' );
		$this->assertTrue( true === $valid, is_wp_error( $valid ) ? $valid->get_error_message() : '' );
		return $data;
	}

	/**
	 * Each item's action by key.
	 *
	 * @param array<string, mixed> $report A report.
	 * @param string               $kind   `pages`, `categories` or `menus`.
	 * @return array<string, string>
	 */
	private static function actions( array $report, string $kind ): array {
		return array_column( $report[ $kind ], 'action', 'key' );
	}

	/**
	 * The pages the blueprint made, by key.
	 *
	 * @return array<string, WP_Post>
	 */
	private static function pages(): array {
		$by_key = array();
		foreach (
			get_posts(
				array(
					'post_type'        => 'page',
					'post_status'      => array( 'publish', 'draft', 'trash' ),
					'numberposts'      => -1,
					'suppress_filters' => true,
				)
			) as $post
		) {
			if ( (string) self::BLUEPRINT === get_post_meta( $post->ID, StructureApplier::META_BLUEPRINT, true ) ) {
				$by_key[ (string) get_post_meta( $post->ID, StructureApplier::META_KEY, true ) ] = $post;
			}
		}
		ksort( $by_key );
		return $by_key;
	}

	/**
	 * What WordPress holds of pages, terms and menu items now: rows and modification times.
	 *
	 * @return array<string, mixed>
	 */
	private static function snapshot(): array {
		global $wpdb;
		wp_cache_flush();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the test compares the tables as stored.
		$posts = $wpdb->get_results( "SELECT ID, post_type, post_status, post_title, post_name, post_parent, menu_order, post_modified_gmt, post_content FROM {$wpdb->posts} WHERE post_type IN ('page', 'nav_menu_item') ORDER BY ID", ARRAY_A );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the test compares the tables as stored.
		$terms = $wpdb->get_results( "SELECT t.term_id, t.name, t.slug, tt.taxonomy, tt.parent, tt.description FROM {$wpdb->terms} t JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id ORDER BY t.term_id", ARRAY_A );
		return array(
			'posts' => $posts,
			'terms' => $terms,
		);
	}

	public function test_an_unsigned_request_is_refused_and_writes_nothing(): void {
		$before  = self::snapshot();
		$request = new \WP_REST_Request( 'POST', self::ROUTE );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( self::structure( array( 'dry_run' => false ) ) ) );
		$response = $this->dispatch( $request );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'igny8_unauthorized', $response->get_data()['code'] );
		$forged = $this->dispatch( $this->signed( 'POST', self::ROUTE, self::structure(), array(), array( 'signature' => str_repeat( 'a', 64 ) ) ) );
		$this->assertSame( 401, $forged->get_status() );
		$this->assertSame( $before, self::snapshot() );
	}

	public function test_what_the_contract_refuses_is_refused_with_400_and_what_it_accepts_is_planned(): void {
		$examples = wp_json_file_decode( __DIR__ . '/fixtures/bridge-examples.json', array( 'associative' => true ) )['structure.apply'];
		$before   = self::snapshot();
		$this->assertGreaterThanOrEqual( 10, count( $examples['invalid'] ) );
		foreach ( $examples['invalid'] as $case ) {
			$response = $this->send( $case['input'] );
			$this->assertSame( 400, $response->get_status(), $case['name'] );
			$this->assertContains( $response->get_data()['code'] ?? '', array( 'rest_invalid_param', 'rest_missing_callback_param' ), $case['name'] );
		}
		foreach ( $examples['valid'] as $case ) {
			// Every valid example is a dry run: planned, never written.
			$this->assertTrue( $case['input']['dry_run'], $case['name'] );
			$report = $this->apply( $case['input'] );
			$this->assertTrue( $report['dry_run'], $case['name'] );
		}
		$this->assertSame( $before, self::snapshot() );
	}

	public function test_a_structure_that_does_not_hold_together_is_refused_whole(): void {
		$before  = self::snapshot();
		$orphan  = self::structure();
		$orphan['pages'][3]['parent_key'] = 'nowhere';
		$missing = self::structure();
		$missing['menus'][0]['items'][1]['target_key'] = 'pricing';
		$twice = self::structure();
		$twice['categories'][1]['key'] = 'sb-news';
		foreach (
			array(
				'a parent that is not listed' => array( $orphan, 'pages[3]: its parent "nowhere" is not listed before it' ),
				'a menu target that is not listed' => array( $missing, 'menus[0].items[1]: no page of the structure has the key "pricing"' ),
				'a key used twice' => array( $twice, 'categories[1]: the key "sb-news" is used twice' ),
			) as $name => list( $body, $why )
		) {
			$response = $this->send( $body );
			$this->assertSame( 400, $response->get_status(), $name );
			$this->assertSame( 'igny8_invalid_structure', $response->get_data()['code'], $name );
			$this->assertStringContainsString( $why, $response->get_data()['message'], $name );
		}
		$this->assertSame( $before, self::snapshot() );
	}

	public function test_a_dry_run_plans_exactly_what_the_apply_then_does_and_writes_nothing(): void {
		$before = self::snapshot();
		$plan   = $this->apply( self::structure( array( 'dry_run' => true ) ) );
		$this->assertSame( $before, self::snapshot() );
		$this->assertSame( array_fill_keys( array( 'home', 'about', 'services', 'seo', 'ads', 'contact' ), 'create' ), self::actions( $plan, 'pages' ) );
		$this->assertSame( array_fill_keys( array( 'sb-news', 'sb-guides', 'sb-how-to' ), 'create' ), self::actions( $plan, 'categories' ) );
		$this->assertSame( array( 'main' => 'create' ), self::actions( $plan, 'menus' ) );
		$this->assertSame( array( null ), array_values( array_unique( array_column( $plan['pages'], 'post_id' ) ) ) );

		$applied = $this->apply( self::structure() );
		$this->assertFalse( $applied['dry_run'] );
		$this->assertSame( self::actions( $plan, 'pages' ), self::actions( $applied, 'pages' ) );
		$this->assertSame( self::actions( $plan, 'categories' ), self::actions( $applied, 'categories' ) );
		$this->assertSame( self::actions( $plan, 'menus' ), self::actions( $applied, 'menus' ) );
	}

	public function test_applying_creates_the_pages_categories_and_menu_and_applying_again_changes_nothing(): void {
		$report = $this->apply( self::structure() );
		$pages  = self::pages();
		$this->assertSame( array( 'about', 'ads', 'contact', 'home', 'seo', 'services' ), array_keys( $pages ) );
		$this->assertSame( (int) $pages['services']->ID, (int) $pages['seo']->post_parent );
		$this->assertSame( (int) $pages['services']->ID, (int) $pages['ads']->post_parent );
		$this->assertSame( 1, (int) $pages['ads']->menu_order );
		$this->assertSame( 'publish', $pages['about']->post_status );
		$this->assertSame( 'About us', $pages['about']->post_title );
		// The outline as blocks the editor reads: a heading and a paragraph block.
		$blocks = array_values( array_filter( parse_blocks( $pages['about']->post_content ), static fn( $block ) => null !== $block['blockName'] ) );
		$this->assertSame( array( 'core/heading', 'core/paragraph' ), array_column( $blocks, 'blockName' ) );
		$this->assertStringContainsString( 'About us &amp; more', $pages['about']->post_content );
		foreach ( $report['pages'] as $line ) {
			$this->assertSame( (int) $pages[ $line['key'] ]->ID, $line['post_id'] );
		}

		$guides = get_term_by( 'slug', 'sb-guides', 'category' );
		$how_to = get_term_by( 'slug', 'sb-how-to', 'category' );
		$this->assertSame( (int) $guides->term_id, (int) $how_to->parent );
		$this->assertSame( 'What is new', get_term_by( 'slug', 'sb-news', 'category' )->description );

		$menu  = wp_get_nav_menu_object( 'SB Main menu' );
		$items = wp_get_nav_menu_items( $menu->term_id );
		$this->assertSame( array( 'Home', 'Services', 'SEO audits', 'SB News', 'Docs' ), array_column( $items, 'title' ) );
		$this->assertSame( (string) $items[1]->ID, (string) $items[2]->menu_item_parent );
		$this->assertSame( (int) $pages['seo']->ID, (int) $items[2]->object_id );
		$this->assertSame( 'https://docs.example.test/', $items[4]->url );

		$before = self::snapshot();
		$again  = $this->apply( self::structure( array( 'version' => 2 ) ) );
		$this->assertSame( array( 'unchanged' ), array_values( array_unique( array_merge( array_column( $again['pages'], 'action' ), array_column( $again['categories'], 'action' ), array_column( $again['menus'], 'action' ) ) ) ) );
		$this->assertSame( $before, self::snapshot() );
	}

	public function test_a_renamed_page_is_updated_in_place_and_a_page_edited_in_wordpress_is_reported_not_overwritten(): void {
		$this->apply( self::structure() );
		$pages = self::pages();
		wp_update_post(
			array(
				'ID'           => $pages['contact']->ID,
				'post_content' => '<p>Our phone number, written by the owner.</p>',
			)
		);
		$renamed                     = self::structure( array( 'version' => 2 ) );
		$renamed['pages'][1]['title'] = 'About the team';
		$renamed['pages'][5]['title'] = 'Contact the team';

		$plan = $this->apply( array_merge( $renamed, array( 'dry_run' => true ) ) );
		$this->assertSame( 'update', self::actions( $plan, 'pages' )['about'] );
		$this->assertSame( 'edited', self::actions( $plan, 'pages' )['contact'] );

		$report = $this->apply( $renamed );
		$this->assertSame(
			array(
				'home'     => 'unchanged',
				'about'    => 'update',
				'services' => 'unchanged',
				'seo'      => 'unchanged',
				'ads'      => 'unchanged',
				'contact'  => 'edited',
			),
			self::actions( $report, 'pages' )
		);
		$after = self::pages();
		$this->assertSame( (int) $pages['about']->ID, (int) $after['about']->ID );
		$this->assertSame( 'About the team', $after['about']->post_title );
		$this->assertCount( 6, $after );
		$this->assertSame( 'Contact', $after['contact']->post_title );
		$this->assertSame( '<p>Our phone number, written by the owner.</p>', $after['contact']->post_content );
		// The menu links the page, not its title: nothing to change there.
		$this->assertSame( 'unchanged', self::actions( $report, 'menus' )['main'] );

		// Only when asked by key is an edited page overwritten.
		$forced = $this->apply( array_merge( $renamed, array( 'overwrite_keys' => array( 'contact' ) ) ) );
		$this->assertSame( 'update', self::actions( $forced, 'pages' )['contact'] );
		$this->assertSame( 'Contact the team', get_post( $pages['contact']->ID )->post_title );
	}

	public function test_a_page_the_blueprint_no_longer_has_is_offered_and_moved_only_when_asked_never_deleted(): void {
		$this->apply( self::structure() );
		$id      = (int) self::pages()['ads']->ID;
		$without = self::structure( array( 'version' => 2 ) );
		unset( $without['pages'][4] );
		$without['pages'] = array_values( $without['pages'] );

		$kept = $this->apply( $without );
		$this->assertSame( 'offered', self::actions( $kept, 'pages' )['ads'] );
		$this->assertSame( 'publish', get_post_status( $id ) );

		$drafted = $this->apply( array_merge( $without, array( 'removed' => 'draft' ) ) );
		$this->assertSame( 'draft', self::actions( $drafted, 'pages' )['ads'] );
		$this->assertSame( 'draft', get_post_status( $id ) );

		$trashed = $this->apply( array_merge( $without, array( 'removed' => 'trash' ) ) );
		$this->assertSame( 'trash', self::actions( $trashed, 'pages' )['ads'] );
		$this->assertSame( 'trash', get_post_status( $id ) );
		$again = $this->apply( array_merge( $without, array( 'removed' => 'trash' ) ) );
		$this->assertSame( 'unchanged', self::actions( $again, 'pages' )['ads'] );
		$this->assertInstanceOf( WP_Post::class, get_post( $id ) );

		// Back in the blueprint: the same page comes back, not a copy.
		$back = $this->apply( self::structure( array( 'version' => 3 ) ) );
		$this->assertSame( 'update', self::actions( $back, 'pages' )['ads'] );
		$this->assertSame( 'publish', get_post_status( $id ) );
		$this->assertSame( 'ads', get_post( $id )->post_name );
		$this->assertCount( 6, self::pages() );
	}

	public function test_a_category_of_the_same_slug_is_linked_and_a_menu_of_the_same_name_is_left_alone(): void {
		$own = wp_insert_term( 'Owner news', 'category', array( 'slug' => 'sb-news' ) );
		wp_create_nav_menu( 'SB Main menu' );
		$report = $this->apply( self::structure() );
		$this->assertSame( 'link', self::actions( $report, 'categories' )['sb-news'] );
		$this->assertSame( 'Owner news', get_term( $own['term_id'], 'category' )->name );
		$this->assertSame( 'conflict', self::actions( $report, 'menus' )['main'] );
		$this->assertNull( $report['menus'][0]['menu_id'] );
		$this->assertStringContainsString( 'A menu named "SB Main menu"', implode( ' ', $report['warnings'] ) );
		$this->assertSame( array(), wp_get_nav_menu_items( wp_get_nav_menu_object( 'SB Main menu' )->term_id ) );
	}

	public function test_a_menu_edited_in_wordpress_is_reported_and_kept(): void {
		$this->apply( self::structure() );
		$menu = wp_get_nav_menu_object( 'SB Main menu' );
		wp_update_nav_menu_item(
			$menu->term_id,
			0,
			array(
				'menu-item-type'   => 'custom',
				'menu-item-url'    => 'https://owner.example.test/',
				'menu-item-title'  => 'Owner link',
				'menu-item-status' => 'publish',
			)
		);
		$changed = self::structure( array( 'version' => 2 ) );
		unset( $changed['menus'][0]['items'][4] );
		$report = $this->apply( $changed );
		$this->assertSame( 'edited', self::actions( $report, 'menus' )['main'] );
		$this->assertContains( 'Owner link', array_column( wp_get_nav_menu_items( $menu->term_id ), 'title' ) );
		$this->assertCount( 6, wp_get_nav_menu_items( $menu->term_id ) );
	}
}

import type { BlueprintStructure } from '@igny8/shared-types';
import { structurePayload } from './structure';

/**
 * The preview: a WordPress Playground blueprint
 * (https://playground.wordpress.net/blueprint-schema.json) that builds the
 * structure in a disposable WordPress — nothing touches the live site.
 *
 * One `runPHP` step does the work with WordPress's own functions, the same
 * ones IGNY8 Bridge uses when it applies the structure (wp_insert_term,
 * wp_insert_post, wp_create_nav_menu, wp_update_nav_menu_item), from the
 * same bridge request the apply sends. The data travels base64-encoded, so
 * nothing in a title can break out of the PHP string it is in. Playground
 * has no IGNY8 Bridge, so the script stands alone: it is a look at the
 * structure, not a dry run of the plugin.
 */

const PREVIEW_PHP = `<?php
require_once '/wordpress/wp-load.php';
$structure = json_decode( base64_decode( '__DATA__' ), true );
$terms = array();
foreach ( $structure['categories'] as $category ) {
	$made = wp_insert_term( $category['name'], 'category', array(
		'slug'        => $category['slug'],
		'description' => $category['description'],
		'parent'      => null !== $category['parent_key'] && isset( $terms[ $category['parent_key'] ] ) ? $terms[ $category['parent_key'] ] : 0,
	) );
	if ( ! is_wp_error( $made ) ) {
		$terms[ $category['key'] ] = (int) $made['term_id'];
	}
}
$pages = array();
foreach ( $structure['pages'] as $page ) {
	$id = wp_insert_post( wp_slash( array(
		'post_type'    => 'page',
		'post_title'   => $page['title'],
		'post_name'    => $page['slug'],
		'post_status'  => $page['status'],
		'post_content' => $page['content'],
		'menu_order'   => $page['menu_order'],
		'post_parent'  => null !== $page['parent_key'] && isset( $pages[ $page['parent_key'] ] ) ? $pages[ $page['parent_key'] ] : 0,
	) ), true );
	if ( ! is_wp_error( $id ) ) {
		$pages[ $page['key'] ] = (int) $id;
	}
}
foreach ( $structure['menus'] as $menu ) {
	$menu_id = wp_create_nav_menu( $menu['name'] );
	if ( is_wp_error( $menu_id ) ) {
		continue;
	}
	$items = array();
	foreach ( $menu['items'] as $position => $item ) {
		$args = array(
			'menu-item-title'     => $item['label'],
			'menu-item-status'    => 'publish',
			'menu-item-position'  => $position + 1,
			'menu-item-parent-id' => null !== $item['parent_key'] && isset( $items[ $item['parent_key'] ] ) ? $items[ $item['parent_key'] ] : 0,
		);
		if ( 'page' === $item['type'] && isset( $pages[ $item['target_key'] ] ) ) {
			$args += array( 'menu-item-type' => 'post_type', 'menu-item-object' => 'page', 'menu-item-object-id' => $pages[ $item['target_key'] ] );
		} elseif ( 'category' === $item['type'] && isset( $terms[ $item['target_key'] ] ) ) {
			$args += array( 'menu-item-type' => 'taxonomy', 'menu-item-object' => 'category', 'menu-item-object-id' => $terms[ $item['target_key'] ] );
		} elseif ( 'custom' === $item['type'] ) {
			$args += array( 'menu-item-type' => 'custom', 'menu-item-url' => $item['url'] );
		} else {
			continue;
		}
		$item_id = wp_update_nav_menu_item( $menu_id, 0, $args );
		if ( ! is_wp_error( $item_id ) ) {
			$items[ $item['key'] ] = (int) $item_id;
		}
	}
	if ( null !== $menu['location'] && array_key_exists( $menu['location'], get_registered_nav_menus() ) ) {
		$locations = get_theme_mod( 'nav_menu_locations', array() );
		$locations[ $menu['location'] ] = $menu_id;
		set_theme_mod( 'nav_menu_locations', $locations );
	}
}
`;

export type PlaygroundBlueprint = {
	$schema: string;
	landingPage: string;
	preferredVersions: { php: string; wp: string };
	login: boolean;
	steps: Record< string, unknown >[];
};

export function playgroundBlueprint(
	blueprintId: number,
	version: number,
	structure: BlueprintStructure
): PlaygroundBlueprint {
	const data = structurePayload( blueprintId, version, structure, {
		dry_run: false,
		removed: 'keep',
		overwrite_keys: [],
	} );
	return {
		$schema: 'https://playground.wordpress.net/blueprint-schema.json',
		landingPage: '/wp-admin/edit.php?post_type=page',
		preferredVersions: { php: '8.2', wp: 'latest' },
		login: true,
		steps: [
			{
				step: 'setSiteOptions',
				options: { permalink_structure: '/%postname%/' },
			},
			{
				step: 'runPHP',
				code: PREVIEW_PHP.replace(
					'__DATA__',
					Buffer.from( JSON.stringify( data ), 'utf8' ).toString(
						'base64'
					)
				),
			},
		],
	};
}

/** Opens the blueprint in the public Playground (it reads a blueprint from the address's fragment). */
export function playgroundUrl( blueprint: PlaygroundBlueprint ): string {
	return `https://playground.wordpress.net/#${ encodeURIComponent(
		JSON.stringify( blueprint )
	) }`;
}

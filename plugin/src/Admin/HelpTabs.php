<?php
/**
 * The "Help" tabs of the IGNY8 wp-admin screens.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use WP_Screen;

/**
 * Adds WordPress's own Help panel (top right of the screen) to every IGNY8
 * page: what the screen is for, what to do next, and a link to the docs.
 * Attached on each page's `load-{hook}` action, so other admin pages pay
 * nothing for it.
 */
final class HelpTabs {

	public const DOCS_URL = 'https://igny8.com/docs/';

	/**
	 * Hooks in after the IGNY8 menu exists. Runs from Plugin::register().
	 */
	public function register(): void {
		// After AdminPage::register_menu (priority 10), so the page hooks are known.
		add_action( 'admin_menu', array( $this, 'attach' ), 20 );
	}

	/**
	 * One `load-{hook}` per IGNY8 page.
	 */
	public function attach(): void {
		foreach ( AdminPage::screens() as $screen => list( $slug ) ) {
			$hook = get_plugin_page_hookname( $slug, AdminPage::SLUG === $slug ? '' : AdminPage::SLUG );
			if ( ! is_string( $hook ) || '' === $hook ) {
				continue;
			}
			add_action(
				'load-' . $hook,
				function () use ( $screen ): void {
					$current = get_current_screen();
					if ( $current instanceof WP_Screen ) {
						$this->add_tabs( $current, $screen );
					}
				}
			);
		}
	}

	/**
	 * Adds the tabs and the sidebar for one screen.
	 *
	 * @param WP_Screen $current The screen WordPress is rendering.
	 * @param string    $screen  IGNY8 screen id (see AdminPage::screens()).
	 */
	public function add_tabs( WP_Screen $current, string $screen ): void {
		$texts = self::texts();
		if ( ! isset( $texts[ $screen ] ) ) {
			return;
		}
		list( $overview, $next ) = $texts[ $screen ];
		$current->add_help_tab(
			array(
				'id'      => 'igny8-overview',
				'title'   => __( 'Overview', 'igny8-bridge' ),
				'content' => '<p>' . esc_html( $overview ) . '</p>',
			)
		);
		$current->add_help_tab(
			array(
				'id'      => 'igny8-next-step',
				'title'   => __( 'Next step', 'igny8-bridge' ),
				'content' => '<p>' . esc_html( $next ) . '</p>',
			)
		);
		$current->add_help_tab(
			array(
				'id'      => 'igny8-workflow',
				'title'   => __( 'How IGNY8 works', 'igny8-bridge' ),
				'content' => '<p>' . esc_html__( 'Keywords are grouped into clusters; clusters become content ideas; approved ideas become writing tasks; tasks become drafts with images, which you review here and publish to this site. Every AI action shows its credit cost before it runs.', 'igny8-bridge' ) . '</p>',
			)
		);
		$current->set_help_sidebar(
			'<p><strong>' . esc_html__( 'For more information:', 'igny8-bridge' ) . '</strong></p>'
			. '<p><a href="' . esc_url( self::DOCS_URL . $screen . '/' ) . '" target="_blank" rel="noopener noreferrer">'
			. esc_html__( 'IGNY8 documentation', 'igny8-bridge' )
			. '<span class="screen-reader-text"> ' . esc_html__( '(opens in a new tab)', 'igny8-bridge' ) . '</span></a></p>'
		);
	}

	/**
	 * Screen id → [what it is for, what to do next].
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public static function texts(): array {
		return array(
			'dashboard'    => array(
				__( 'The Dashboard shows how far your content pipeline has come: keywords, clusters, ideas, tasks, drafts and published posts, your credits, and the AI jobs that are running.', 'igny8-bridge' ),
				__( 'New here? Follow the setup guide at the top of the Dashboard: it connects the site, adds a sector and keywords, and makes your first clusters.', 'igny8-bridge' ),
			),
			'keywords'     => array(
				__( 'Keywords are the search terms you want this site to rank for. Add them one by one, import a CSV file, filter and sort them, and assign them to clusters.', 'igny8-bridge' ),
				__( 'Once you have keywords, choose “Cluster all” to group them by topic. Lexical clustering is free and needs no AI key.', 'igny8-bridge' ),
			),
			'clusters'     => array(
				__( 'A cluster is a group of keywords one article can answer together. Good clusters avoid posts competing with each other for the same searches.', 'igny8-bridge' ),
				__( 'Select clusters and choose “Generate ideas” to get article ideas for them.', 'igny8-bridge' ),
			),
			'ideas'        => array(
				__( 'Ideas are proposed articles for your clusters: a title, an outline and the keywords they target.', 'igny8-bridge' ),
				__( 'Approve the ideas you like and turn them into writing tasks.', 'igny8-bridge' ),
			),
			'tasks'        => array(
				__( 'Tasks are articles waiting to be written. Each one knows its keywords, structure and the author profile to write with.', 'igny8-bridge' ),
				__( 'Select tasks and choose “Generate content” to get drafts you can review.', 'igny8-bridge' ),
			),
			'content'      => array(
				__( 'Content lists the drafts IGNY8 wrote and the posts it published. Review a draft, edit its SEO title and meta description, then publish it to this site.', 'igny8-bridge' ),
				__( 'Open a draft to review it, or open it in the block editor to edit it like any post.', 'igny8-bridge' ),
			),
			'images'       => array(
				__( 'Images are the featured and in-article pictures generated for your drafts, from prompts you can edit.', 'igny8-bridge' ),
				__( 'Generate image prompts on a draft first, then generate the images.', 'igny8-bridge' ),
			),
			'linker'       => array(
				__( 'Linker shows how the posts of this site link to each other: posts nothing links to (orphans), links to missing or unpublished posts, links to old addresses, and the internal links IGNY8 suggests for each post.', 'igny8-bridge' ),
				__( 'Open the Posts tab, choose “Review suggestions” on a post and apply the links you want. In the block editor, the IGNY8 sidebar’s “Internal links” panel inserts them while you write.', 'igny8-bridge' ),
			),
			'optimizer'    => array(
				__( 'Optimizer scores each draft and post of this site for SEO (focus keyphrase in the title, introduction and meta description, density, links, images…) and readability (reading ease, sentence and paragraph length, passive voice…), and keeps each content’s score history.', 'igny8-bridge' ),
				__( 'Open a content to see its checks. “Fix with AI” shows the credit cost first, then writes a revision you compare with the draft and accept or reject; the draft never changes by itself. In the block editor, the IGNY8 sidebar’s Optimizer panel scores the post as you write.', 'igny8-bridge' ),
			),
			'automation'   => array(
				__( 'Automation runs the pipeline without a person: a rule starts on a schedule or when something happens (keywords imported, a draft written…) and chains steps such as clustering, ideas, drafts, optimizing, links and publishing, within the credit caps you set. Runs lists what each run did, step by step.', 'igny8-bridge' ),
				__( 'Choose “New rule”, pick when it starts and its steps, then “Preview (dry run)” to see what each step would do and cost before you save it. A run that failed or hit a cap can be resumed from its step under Runs.', 'igny8-bridge' ),
			),
			'site-builder' => array(
				__( 'Site Builder plans this site’s structure: pages in a hierarchy with an outline and target keywords, categories and menus. Generate one with AI from your sectors and keyword clusters, or write it by hand; every save is a version you can go back to.', 'igny8-bridge' ),
				__( 'Edit the page tree (drag a page, or use its arrows), save, and choose “Preview…” to see it in a disposable WordPress. “Apply to WordPress…” first lists what will be created, updated or left as edited here; pages edited in WordPress are only overwritten when you tick them.', 'igny8-bridge' ),
			),
			'activity'     => array(
				__( 'Activity shows what IGNY8 did for this site: the AI runs and what each cost, the drafts sent to WordPress and how that went, and the changes this site is still to report to the cloud (its outbox).', 'igny8-bridge' ),
				__( 'Filter a tab by status or date to find a problem. Stop a run that is still waiting or running; retry outbox events that gave up, after fixing the connection under Settings.', 'igny8-bridge' ),
			),
			'settings'     => array(
				__( 'Settings connects this site to the IGNY8 cloud and holds its AI, prompt, publishing and data choices.', 'igny8-bridge' ),
				__( 'Enter the cloud URL and this site’s API key under Connection, then choose “Test connection”.', 'igny8-bridge' ),
			),
		);
	}
}

<?php
/**
 * What IGNY8 → Settings saves, the connection test, the admin notices, and the old Settings → IGNY8 address.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;
use IGNY8\Bridge\Sync\Outbox;

/**
 * What the IGNY8 → Settings tabs save, checked one way: every field has a
 * sanitize_* method here, used by the REST settings route (SettingsController).
 * Also the connection test, the admin notice shown while the site is
 * disconnected or the outbox is failing, and the old Settings → IGNY8 page,
 * kept only as a redirect to IGNY8 → Settings so bookmarks and links keep working.
 */
final class SettingsPage {

	public const SLUG       = 'igny8-settings';
	public const CAPABILITY = 'manage_options';

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @var CloudClient
	 */
	private $cloud;

	/**
	 * @var Outbox
	 */
	private $outbox;

	/**
	 * @var SiteMetadata
	 */
	private $metadata;

	/**
	 * What the sanitize_* methods refused since the last take_problems(), by option name.
	 *
	 * @var array<string, string>
	 */
	private $problems = array();

	/**
	 * @param Options       $options  Settings.
	 * @param CloudClient   $cloud    Cloud API.
	 * @param Outbox        $outbox   Queue.
	 * @param SiteMetadata  $metadata Site structure.
	 */
	public function __construct( Options $options, CloudClient $cloud, Outbox $outbox, SiteMetadata $metadata ) {
		$this->options  = $options;
		$this->cloud    = $cloud;
		$this->outbox   = $outbox;
		$this->metadata = $metadata;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_notices', array( $this, 'notice' ) );
		add_action( 'update_option_' . Options::API_KEY, array( $this, 'key_changed' ), 10, 2 );
		add_action( 'update_option_' . Options::CLOUD_URL, array( $this, 'key_changed' ), 10, 2 );
		add_filter( 'plugin_action_links_' . plugin_basename( IGNY8_BRIDGE_FILE ), array( $this, 'action_links' ) );
	}

	/**
	 * IGNY8 → Settings, on a tab (`connection`, `publishing`, `data`, …).
	 *
	 * @param string $tab The tab's name.
	 */
	public static function url( string $tab = 'connection' ): string {
		return add_query_arg( 'tab', $tab, admin_url( 'admin.php?page=' . AdminPage::SLUG . '-workspace-settings' ) );
	}

	/**
	 * `admin_menu`: the old page stays registered, so its URL still resolves,
	 * but out of the menu; opening it redirects.
	 */
	public function add_page(): void {
		$hook = add_options_page( __( 'IGNY8', 'igny8-bridge' ), __( 'IGNY8', 'igny8-bridge' ), self::CAPABILITY, self::SLUG, '__return_null' );
		remove_submenu_page( 'options-general.php', self::SLUG );
		if ( is_string( $hook ) && '' !== $hook ) {
			add_action( 'load-' . $hook, array( $this, 'redirect_old_page' ) );
		}
	}

	/**
	 * `load-settings_page_igny8-settings`: Settings → IGNY8 is now IGNY8 → Settings.
	 */
	public function redirect_old_page(): void {
		wp_safe_redirect( self::url( 'connection' ) );
		exit;
	}

	/**
	 * The plugin list's "Settings" link.
	 *
	 * @param array<int|string, string> $links The row's links.
	 * @return array<int|string, string>
	 */
	public function action_links( $links ): array {
		$links = is_array( $links ) ? $links : array();
		if ( current_user_can( self::CAPABILITY ) ) {
			array_unshift( $links, sprintf( '<a href="%1$s">%2$s</a>', esc_url( self::url( 'connection' ) ), esc_html__( 'Settings', 'igny8-bridge' ) ) );
		}
		return $links;
	}

	/**
	 * What the sanitize_* methods refused since the last call, by option
	 * name, and forgets it.
	 *
	 * @return array<string, string>
	 */
	public function take_problems(): array {
		$problems       = $this->problems;
		$this->problems = array();
		return $problems;
	}

	/**
	 * Records a refused value for take_problems().
	 *
	 * @param string $option  The option.
	 * @param string $message What is wrong and how to fix it.
	 */
	private function problem( string $option, string $message ): void {
		$this->problems[ $option ] = $message;
	}

	/**
	 * Keeps the stored URL and reports an error when the new one is not http(s).
	 *
	 * @param mixed $value Submitted.
	 */
	public function sanitize_cloud_url( $value ): string {
		$clean = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
		if ( '' === $clean && '' !== trim( (string) $value ) ) {
			$this->problem( Options::CLOUD_URL, __( 'The cloud URL must start with http:// or https://.', 'igny8-bridge' ) );
			return (string) get_option( Options::CLOUD_URL, '' );
		}
		return untrailingslashit( $clean );
	}

	/**
	 * An empty field keeps the stored key: the form never contains it.
	 *
	 * @param mixed $value Submitted.
	 */
	public function sanitize_api_key( $value ): string {
		$value = trim( sanitize_text_field( (string) $value ) );
		return '' === $value ? (string) get_option( Options::API_KEY, '' ) : $value;
	}

	/**
	 * @param mixed $value Submitted.
	 * @return string[]
	 */
	public function sanitize_post_types( $value ): array {
		$types = is_array( $value ) ? array_map( 'sanitize_key', $value ) : array();
		return array_values( array_unique( array_filter( $types, 'post_type_exists' ) ) );
	}

	/**
	 * @param mixed $value Submitted.
	 * @return string[]
	 */
	public function sanitize_export_statuses( $value ): array {
		return Options::clean_statuses( is_array( $value ) ? $value : array() );
	}

	/**
	 * The hosts typed in the textarea; entries that are not host names are
	 * dropped and named in an error.
	 *
	 * @param mixed $value Submitted.
	 * @return string[]
	 */
	public function sanitize_image_hosts( $value ): array {
		$parsed = Options::parse_image_hosts( $value );
		if ( ! empty( $parsed['invalid'] ) ) {
			$this->problem(
				Options::IMAGE_HOSTS,
				/* translators: %s: the entries that were refused, comma-separated. */
				sprintf( __( 'These are not host names: %s. Write one host per line, e.g. cdn.example.com or *.example.com.', 'igny8-bridge' ), implode( ', ', $parsed['invalid'] ) )
			);
		}
		return $parsed['hosts'];
	}

	/**
	 * Days dead letters are kept, within 1 to 3650.
	 *
	 * @param mixed $value Submitted.
	 */
	public function sanitize_dead_letter_days( $value ): string {
		if ( ! is_numeric( $value ) || (int) $value < 1 || (int) $value > 3650 ) {
			$this->problem( Options::DEAD_LETTER_DAYS, __( 'Keep dead letters for a number of days from 1 to 3650.', 'igny8-bridge' ) );
			return (string) $this->options->dead_letter_days();
		}
		return (string) (int) $value;
	}

	/**
	 * @param mixed $value Submitted: whether uninstall also deletes the post meta.
	 */
	public function sanitize_remove_meta( $value ): string {
		return in_array( $value, array( true, 1, '1', 'true' ), true ) ? '1' : '0';
	}

	/**
	 * @param mixed $value Submitted: draft, pending or publish.
	 */
	public function sanitize_default_status( $value ): string {
		$status = is_string( $value ) ? sanitize_key( $value ) : '';
		if ( ! in_array( $status, Options::DEFAULTABLE_STATUSES, true ) ) {
			$this->problem( Options::DEFAULT_STATUS, __( 'Choose Draft, Pending review or Published as the default status.', 'igny8-bridge' ) );
			return $this->options->default_post_status();
		}
		return $status;
	}

	/**
	 * A user who can publish posts, or 0 for whoever asked for the post.
	 *
	 * @param mixed $value Submitted user id.
	 */
	public function sanitize_default_author( $value ): int {
		$id = is_numeric( $value ) ? (int) $value : -1;
		if ( 0 === $id ) {
			return 0;
		}
		if ( $id < 0 || ! Options::can_author( $id ) ) {
			$this->problem( Options::DEFAULT_AUTHOR, __( 'The default author must be a user who can publish posts on this site.', 'igny8-bridge' ) );
			return $this->options->default_author();
		}
		return $id;
	}

	/**
	 * Existing category ids.
	 *
	 * @param mixed $value Submitted ids.
	 * @return int[]
	 */
	public function sanitize_default_categories( $value ): array {
		$ids     = array();
		$missing = array();
		foreach ( is_array( $value ) ? $value : array() as $id ) {
			$id = is_numeric( $id ) ? (int) $id : 0;
			if ( $id > 0 && term_exists( $id, 'category' ) ) {
				$ids[] = $id;
			} else {
				$missing[] = $id;
			}
		}
		if ( ! empty( $missing ) || ! is_array( $value ) ) {
			$this->problem( Options::DEFAULT_CATEGORIES, __( 'One of the default categories no longer exists. Reload the page and choose again.', 'igny8-bridge' ) );
			return $this->options->default_categories();
		}
		return array_values( array_unique( $ids ) );
	}

	/**
	 * A new key or cloud means the last connection test no longer holds.
	 *
	 * @param mixed $old_value Before.
	 * @param mixed $new_value After.
	 */
	public function key_changed( $old_value, $new_value ): void {
		if ( $old_value !== $new_value ) {
			delete_option( Options::CONNECTION );
		}
	}

	/**
	 * Posts the site's metadata to the cloud's test-connection endpoint and
	 * stores the outcome.
	 *
	 * @return bool Whether the cloud accepted the key.
	 */
	public function test_connection(): bool {
		$answer = $this->cloud->post(
			CloudClient::TEST_PATH,
			array(
				'site_url' => home_url(),
				'rest_url' => rest_url(),
				'metadata' => $this->metadata->collect(),
			)
		);
		$now    = gmdate( 'Y-m-d\TH:i:s\Z' );
		if ( is_wp_error( $answer ) ) {
			$this->options->set_connection(
				array(
					'connected'  => false,
					'checked_at' => $now,
					'error'      => $answer->get_error_message(),
				)
			);
			return false;
		}
		$this->options->set_connection(
			array(
				'connected'      => true,
				'checked_at'     => $now,
				'error'          => '',
				'integration_id' => isset( $answer['id'] ) && is_numeric( $answer['id'] ) ? (int) $answer['id'] : null,
				'console_url'    => isset( $answer['console_url'] ) && is_string( $answer['console_url'] ) ? esc_url_raw( $answer['console_url'] ) : '',
			)
		);
		// The cloud now has the current structure: no structure.changed needed for it.
		update_option( Options::STRUCTURE_HASH, $this->metadata->structure_hash(), false );
		return true;
	}

	/**
	 * Whether the current admin page is one of the IGNY8 screens (or the old settings page).
	 */
	private static function on_igny8_screen(): bool {
		global $plugin_page;
		return is_string( $plugin_page ) && ( self::SLUG === $plugin_page || AdminPage::SLUG === $plugin_page || 0 === strpos( $plugin_page, AdminPage::SLUG . '-' ) );
	}

	/**
	 * `admin_notices`: disconnected, not verified yet (IGNY8 screens only), or the outbox is failing.
	 */
	public function notice(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$connection = $this->options->connection();
		if ( ! $this->options->is_configured() || ( ! $connection['connected'] && '' !== $connection['error'] ) ) {
			self::notice_with_link( 'notice-warning igny8-notice-disconnected', __( 'IGNY8 is not connected: content will not sync until you connect this site.', 'igny8-bridge' ), __( 'IGNY8 settings', 'igny8-bridge' ) );
			return;
		}
		// A key that was never tested (e.g. set by a script) may well work, so
		// this is a hint where IGNY8 is being worked on, not a warning everywhere.
		if ( ! $connection['connected'] && '' === $connection['checked_at'] && self::on_igny8_screen() ) {
			self::notice_with_link( 'notice-info igny8-notice-unverified', __( 'The IGNY8 connection has not been verified yet.', 'igny8-bridge' ), __( 'Test connection', 'igny8-bridge' ) );
		}
		$stats = $this->outbox->stats();
		if ( $stats['failing'] > 0 || $stats['dead'] + $stats['rejected'] > 0 ) {
			self::notice_with_link(
				'notice-error igny8-notice-outbox',
				sprintf(
					/* translators: 1: e.g. "2 changes are failing", 2: e.g. "1 gave up". */
					__( 'IGNY8 cannot deliver changes to the cloud: %1$s, %2$s.', 'igny8-bridge' ),
					sprintf(
						/* translators: %s: number of changes still being retried. */
						_n( '%s change is failing', '%s changes are failing', $stats['failing'], 'igny8-bridge' ),
						number_format_i18n( $stats['failing'] )
					),
					sprintf(
						/* translators: %s: number of changes that are no longer retried. */
						_n( '%s gave up', '%s gave up', $stats['dead'] + $stats['rejected'], 'igny8-bridge' ),
						number_format_i18n( $stats['dead'] + $stats['rejected'] )
					)
				),
				__( 'See the outbox', 'igny8-bridge' ),
				admin_url( 'admin.php?page=' . AdminPage::SLUG . '-activity&tab=outbox' )
			);
		}
	}

	/**
	 * Prints an admin notice that ends with a link (to IGNY8 → Settings unless `$url` says otherwise).
	 *
	 * @param string $classes   The notice's classes after `notice`.
	 * @param string $message   Plain text.
	 * @param string $link_text The link's words.
	 * @param string $url       Where it goes, if not the Connection tab.
	 */
	private static function notice_with_link( string $classes, string $message, string $link_text, string $url = '' ): void {
		printf(
			'<div class="notice %1$s"><p>%2$s <a href="%3$s">%4$s</a></p></div>',
			esc_attr( $classes ),
			esc_html( $message ),
			esc_url( '' === $url ? self::url( 'connection' ) : $url ),
			esc_html( $link_text )
		);
	}
}

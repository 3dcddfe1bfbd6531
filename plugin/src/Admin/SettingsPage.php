<?php
/**
 * Settings → IGNY8.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

use IGNY8\Bridge\CloudClient;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\SiteMetadata;
use IGNY8\Bridge\Sync\Outbox;
use IGNY8\Bridge\Sync\OutboxDrainer;

/**
 * The connection settings (Settings API), the connection test and
 * disconnect, the outbox's health with its dead letters, and the admin notice
 * shown while the site is disconnected or the outbox is failing. Everything
 * here needs `manage_options`; every action is a nonce'd admin-post request.
 */
final class SettingsPage {

	public const SLUG       = 'igny8-settings';
	public const GROUP      = 'igny8_settings';
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
	 * @var OutboxDrainer
	 */
	private $drainer;

	/**
	 * @var SiteMetadata
	 */
	private $metadata;

	/**
	 * @param Options       $options  Settings.
	 * @param CloudClient   $cloud    Cloud API.
	 * @param Outbox        $outbox   Queue.
	 * @param OutboxDrainer $drainer  Sender.
	 * @param SiteMetadata  $metadata Site structure.
	 */
	public function __construct( Options $options, CloudClient $cloud, Outbox $outbox, OutboxDrainer $drainer, SiteMetadata $metadata ) {
		$this->options  = $options;
		$this->cloud    = $cloud;
		$this->outbox   = $outbox;
		$this->drainer  = $drainer;
		$this->metadata = $metadata;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_init', array( $this, 'register_settings' ) );
		add_action( 'admin_notices', array( $this, 'notice' ) );
		add_action( 'update_option_' . Options::API_KEY, array( $this, 'key_changed' ), 10, 2 );
		add_action( 'update_option_' . Options::CLOUD_URL, array( $this, 'key_changed' ), 10, 2 );
		foreach ( array( 'test_connection', 'disconnect', 'send_now', 'retry' ) as $action ) {
			add_action( 'admin_post_igny8_' . $action, array( $this, 'handle_' . $action ) );
		}
	}

	/**
	 * `admin_menu`.
	 */
	public function add_page(): void {
		add_options_page( __( 'IGNY8', 'igny8-bridge' ), __( 'IGNY8', 'igny8-bridge' ), self::CAPABILITY, self::SLUG, array( $this, 'render' ) );
	}

	/**
	 * `admin_init`: the Settings API fields.
	 */
	public function register_settings(): void {
		register_setting(
			self::GROUP,
			Options::CLOUD_URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( $this, 'sanitize_cloud_url' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::API_KEY,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( $this, 'sanitize_api_key' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::SYNCED_POST_TYPES,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( $this, 'sanitize_post_types' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::EXPORT_STATUSES,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( $this, 'sanitize_export_statuses' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::IMAGE_HOSTS,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( $this, 'sanitize_image_hosts' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::DEAD_LETTER_DAYS,
			array(
				'type'              => 'integer',
				'sanitize_callback' => static function ( $value ): string {
					$days = is_numeric( $value ) ? (int) $value : Options::DEFAULT_DEAD_DAYS;
					return (string) max( 1, min( 3650, $days ) );
				},
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::GROUP,
			Options::REMOVE_META,
			array(
				'type'              => 'string',
				'sanitize_callback' => static function ( $value ): string {
					return '1' === (string) $value ? '1' : '0';
				},
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Keeps the stored URL and reports an error when the new one is not http(s).
	 *
	 * @param mixed $value Submitted.
	 */
	public function sanitize_cloud_url( $value ): string {
		$clean = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
		if ( '' === $clean && '' !== trim( (string) $value ) ) {
			add_settings_error( Options::CLOUD_URL, 'igny8_bad_url', __( 'The cloud URL must start with http:// or https://.', 'igny8-bridge' ) );
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
			add_settings_error(
				Options::IMAGE_HOSTS,
				'igny8_bad_image_host',
				/* translators: %s: the entries that were dropped, comma-separated. */
				sprintf( __( 'These are not host names and were not saved: %s. Write one host per line, e.g. cdn.example.com or *.example.com.', 'igny8-bridge' ), implode( ', ', $parsed['invalid'] ) )
			);
		}
		return $parsed['hosts'];
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
	 * `admin_post_igny8_test_connection`.
	 */
	public function handle_test_connection(): void {
		$this->guard( 'igny8_test_connection' );
		$this->redirect( $this->test_connection() ? 'connected' : 'connection_failed' );
	}

	/**
	 * `admin_post_igny8_disconnect`.
	 */
	public function handle_disconnect(): void {
		$this->guard( 'igny8_disconnect' );
		$this->options->disconnect();
		$this->redirect( 'disconnected' );
	}

	/**
	 * `admin_post_igny8_send_now`.
	 */
	public function handle_send_now(): void {
		$this->guard( 'igny8_send_now' );
		$result = $this->drainer->drain();
		$this->redirect( $result['locked'] ? 'send_busy' : ( null === $result['error'] ? 'sent' : 'send_failed' ) );
	}

	/**
	 * `admin_post_igny8_retry`: one dead letter (`event_id`) or all of them.
	 */
	public function handle_retry(): void {
		$this->guard( 'igny8_retry' );
		$event_id = isset( $_POST['event_id'] ) ? sanitize_text_field( wp_unslash( (string) $_POST['event_id'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- guard() checked it.
		$this->outbox->retry( '' === $event_id ? null : array( $event_id ) );
		$this->drainer->drain();
		$this->redirect( 'retried' );
	}

	/**
	 * Capability and nonce, or stop.
	 *
	 * @param string $action The nonce action.
	 */
	private function guard( string $action ): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the IGNY8 connection.', 'igny8-bridge' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( $action );
	}

	/**
	 * Back to the settings page with a result code.
	 *
	 * @param string $done Result code.
	 */
	private function redirect( string $done ): void {
		wp_safe_redirect( add_query_arg( 'igny8_done', $done, admin_url( 'options-general.php?page=' . self::SLUG ) ) );
		exit;
	}

	/**
	 * A button posting to admin-post.php with a nonce.
	 *
	 * @param string               $action  The action (and nonce action).
	 * @param string               $label   The button's text.
	 * @param array<string,string> $fields  Extra hidden fields.
	 * @param string               $classes Button classes.
	 */
	private static function action_button( string $action, string $label, array $fields = array(), string $classes = 'button' ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline-block;margin-right:8px">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
		foreach ( $fields as $name => $value ) {
			echo '<input type="hidden" name="' . esc_attr( $name ) . '" value="' . esc_attr( $value ) . '">';
		}
		wp_nonce_field( $action );
		echo '<button type="submit" class="' . esc_attr( $classes ) . '">' . esc_html( $label ) . '</button></form>';
	}

	/**
	 * Prints the page.
	 */
	public function render(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$connection = $this->options->connection();
		$stats      = $this->outbox->stats();
		$state      = get_option( Options::OUTBOX_STATE, array() );
		$state      = is_array( $state ) ? $state : array();
		$prefix     = $this->options->api_key_prefix();
		$synced     = $this->options->synced_post_types();
		$messages   = array(
			'connected'         => array( 'success', __( 'Connected to IGNY8.', 'igny8-bridge' ) ),
			'connection_failed' => array( 'error', __( 'The connection test failed; see the status below.', 'igny8-bridge' ) ),
			'disconnected'      => array( 'success', __( 'Disconnected: the site API key was removed.', 'igny8-bridge' ) ),
			'sent'              => array( 'success', __( 'The outbox was sent.', 'igny8-bridge' ) ),
			'send_failed'       => array( 'error', __( 'Sending the outbox failed; see the last error below.', 'igny8-bridge' ) ),
			'send_busy'         => array( 'warning', __( 'The outbox is being sent by another request right now. Wait a minute, then look again.', 'igny8-bridge' ) ),
			'retried'           => array( 'success', __( 'The events were queued again.', 'igny8-bridge' ) ),
		);
		$done       = isset( $_GET['igny8_done'] ) ? sanitize_key( wp_unslash( (string) $_GET['igny8_done'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- display only.

		echo '<div class="wrap igny8-settings"><h1>' . esc_html__( 'IGNY8', 'igny8-bridge' ) . '</h1>';
		if ( isset( $messages[ $done ] ) ) {
			printf( '<div class="notice notice-%1$s is-dismissible"><p>%2$s</p></div>', esc_attr( $messages[ $done ][0] ), esc_html( $messages[ $done ][1] ) );
		}
		settings_errors( Options::CLOUD_URL );
		settings_errors( Options::IMAGE_HOSTS );

		echo '<h2>' . esc_html__( 'Connection', 'igny8-bridge' ) . '</h2>';
		echo '<p class="igny8-connection-status">';
		if ( null === $prefix ) {
			echo '<strong>' . esc_html__( 'Not connected:', 'igny8-bridge' ) . '</strong> ' . esc_html__( 'enter the cloud URL and the site API key from your IGNY8 account.', 'igny8-bridge' );
		} elseif ( $connection['connected'] ) {
			/* translators: %s: ISO time of the last successful test. */
			echo '<strong>' . esc_html__( 'Connected.', 'igny8-bridge' ) . '</strong> ' . esc_html( sprintf( __( 'Last checked %s.', 'igny8-bridge' ), $connection['checked_at'] ) );
		} elseif ( '' !== $connection['error'] ) {
			echo '<strong>' . esc_html__( 'Connection failed:', 'igny8-bridge' ) . '</strong> ' . esc_html( $connection['error'] );
		} else {
			echo '<strong>' . esc_html__( 'Not tested yet.', 'igny8-bridge' ) . '</strong> ' . esc_html__( 'Press "Test connection".', 'igny8-bridge' );
		}
		echo '</p>';

		echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '">';
		settings_fields( self::GROUP );
		echo '<table class="form-table" role="presentation"><tbody>';
		echo '<tr><th scope="row"><label for="igny8_cloud_url">' . esc_html__( 'Cloud URL', 'igny8-bridge' ) . '</label></th><td>';
		echo '<input type="url" class="regular-text" id="igny8_cloud_url" name="' . esc_attr( Options::CLOUD_URL ) . '" value="' . esc_attr( (string) $this->options->cloud_url() ) . '" placeholder="https://app.igny8.com"></td></tr>';
		echo '<tr><th scope="row"><label for="igny8_api_key">' . esc_html__( 'Site API key', 'igny8-bridge' ) . '</label></th><td>';
		echo '<input type="password" class="regular-text" id="igny8_api_key" name="' . esc_attr( Options::API_KEY ) . '" value="" autocomplete="off">';
		if ( null !== $prefix ) {
			/* translators: %s: the first characters of the stored key. */
			echo '<p class="description">' . esc_html( sprintf( __( 'Stored key: %s (leave empty to keep it).', 'igny8-bridge' ), $prefix ) ) . '</p>';
		}
		echo '</td></tr>';
		echo '<tr><th scope="row">' . esc_html__( 'Synced post types', 'igny8-bridge' ) . '</th><td><fieldset>';
		echo '<input type="hidden" name="' . esc_attr( Options::SYNCED_POST_TYPES ) . '[]" value="">';
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
			if ( 'attachment' === $type->name ) {
				continue;
			}
			printf(
				'<label><input type="checkbox" name="%1$s[]" value="%2$s"%3$s> %4$s</label><br>',
				esc_attr( Options::SYNCED_POST_TYPES ),
				esc_attr( $type->name ),
				checked( in_array( $type->name, $synced, true ), true, false ),
				esc_html( (string) $type->label )
			);
		}
		echo '</fieldset></td></tr>';
		echo '<tr><th scope="row">' . esc_html__( 'Statuses IGNY8 may read', 'igny8-bridge' ) . '</th><td><fieldset class="igny8-export-statuses">';
		echo '<input type="hidden" name="' . esc_attr( Options::EXPORT_STATUSES ) . '[]" value="">';
		$exported = $this->options->export_statuses();
		foreach ( Options::EXPORTABLE_STATUSES as $status ) {
			$object = get_post_status_object( $status );
			printf(
				'<label><input type="checkbox" name="%1$s[]" value="%2$s"%3$s> %4$s</label><br>',
				esc_attr( Options::EXPORT_STATUSES ),
				esc_attr( $status ),
				checked( in_array( $status, $exported, true ), true, false ),
				esc_html( $object ? (string) $object->label : $status )
			);
		}
		echo '<p class="description">' . esc_html__( 'IGNY8 reads the title and content only of posts of the synced post types in these statuses; of the others it learns only that they exist and their status. It updates only posts it published or that you let it manage (see "Let IGNY8 manage this post" on the posts list).', 'igny8-bridge' ) . '</p>';
		echo '</fieldset></td></tr>';
		echo '<tr><th scope="row"><label for="igny8_image_hosts">' . esc_html__( 'Also accept images from these hosts', 'igny8-bridge' ) . '</label></th><td>';
		echo '<textarea class="large-text code" rows="3" id="igny8_image_hosts" name="' . esc_attr( Options::IMAGE_HOSTS ) . '">' . esc_textarea( implode( "\n", $this->options->image_hosts() ) ) . '</textarea>';
		echo '<p class="description">' . esc_html__( 'Images in IGNY8 posts are downloaded only from the IGNY8 cloud and from these hosts: one per line, e.g. cdn.example.com, or *.example.com for all of its subdomains.', 'igny8-bridge' ) . '</p></td></tr>';
		echo '<tr><th scope="row"><label for="igny8_dead_letter_days">' . esc_html__( 'Keep dead letters for', 'igny8-bridge' ) . '</label></th><td>';
		printf(
			'<input type="number" class="small-text" min="1" max="3650" step="1" id="igny8_dead_letter_days" name="%1$s" value="%2$d"> %3$s',
			esc_attr( Options::DEAD_LETTER_DAYS ),
			(int) $this->options->dead_letter_days(),
			esc_html__( 'days', 'igny8-bridge' )
		);
		echo '<p class="description">' . esc_html__( 'Events the cloud never took stay listed under Outbox for a retry, then are deleted this many days after they happened.', 'igny8-bridge' ) . '</p></td></tr>';
		echo '<tr><th scope="row">' . esc_html__( 'Uninstall', 'igny8-bridge' ) . '</th><td>';
		echo '<input type="hidden" name="' . esc_attr( Options::REMOVE_META ) . '" value="0">';
		printf(
			'<label><input type="checkbox" name="%1$s" value="1"%2$s> %3$s</label>',
			esc_attr( Options::REMOVE_META ),
			checked( $this->options->remove_meta_on_uninstall(), true, false ),
			esc_html__( 'Remove IGNY8 post meta on uninstall', 'igny8-bridge' )
		);
		echo '</td></tr></tbody></table>';
		submit_button( __( 'Save settings', 'igny8-bridge' ) );
		echo '</form>';

		if ( $this->options->is_configured() ) {
			self::action_button( 'igny8_test_connection', __( 'Test connection', 'igny8-bridge' ), array(), 'button button-secondary' );
		}
		if ( null !== $prefix ) {
			self::action_button( 'igny8_disconnect', __( 'Disconnect', 'igny8-bridge' ), array(), 'button button-link-delete' );
		}

		echo '<h2>' . esc_html__( 'Outbox', 'igny8-bridge' ) . '</h2>';
		echo '<table class="widefat striped igny8-outbox" style="max-width:40em"><tbody>';
		printf( '<tr><th>%s</th><td class="igny8-pending">%d</td></tr>', esc_html__( 'Pending events', 'igny8-bridge' ), (int) $stats['pending'] );
		printf( '<tr><th>%s</th><td class="igny8-failing">%d</td></tr>', esc_html__( 'Failing (retrying with backoff)', 'igny8-bridge' ), (int) $stats['failing'] );
		printf( '<tr><th>%s</th><td class="igny8-dead">%d</td></tr>', esc_html__( 'Dead letters', 'igny8-bridge' ), (int) ( $stats['dead'] + $stats['rejected'] ) );
		printf( '<tr><th>%s</th><td class="igny8-last-error">%s</td></tr>', esc_html__( 'Last error', 'igny8-bridge' ), esc_html( (string) ( $state['last_error'] ?? '' ) ) );
		printf( '<tr><th>%s</th><td>%s</td></tr>', esc_html__( 'Last successful send', 'igny8-bridge' ), esc_html( (string) ( $state['last_success_at'] ?? '—' ) ) );
		echo '</tbody></table><p>';
		if ( $this->options->is_configured() ) {
			self::action_button( 'igny8_send_now', __( 'Send now', 'igny8-bridge' ) );
		}
		echo '</p>';

		$dead = $this->outbox->dead_letters();
		if ( ! empty( $dead ) ) {
			echo '<h3>' . esc_html__( 'Dead letters', 'igny8-bridge' ) . '</h3>';
			echo '<table class="widefat striped igny8-dead-letters"><thead><tr><th>' . esc_html__( 'Event', 'igny8-bridge' ) . '</th><th>' . esc_html__( 'Object', 'igny8-bridge' ) . '</th><th>' . esc_html__( 'Attempts', 'igny8-bridge' ) . '</th><th>' . esc_html__( 'Error', 'igny8-bridge' ) . '</th><th></th></tr></thead><tbody>';
			foreach ( $dead as $row ) {
				echo '<tr><td><code>' . esc_html( (string) $row['event_type'] ) . '</code><br><small>' . esc_html( (string) $row['event_id'] ) . '</small></td>';
				echo '<td>' . esc_html( (string) $row['object_id'] ) . '</td>';
				echo '<td>' . esc_html( (string) $row['attempts'] ) . ( 'rejected' === $row['status'] ? ' ' . esc_html__( '(rejected)', 'igny8-bridge' ) : '' ) . '</td>';
				echo '<td>' . esc_html( (string) $row['last_error'] ) . '</td><td>';
				self::action_button( 'igny8_retry', __( 'Retry', 'igny8-bridge' ), array( 'event_id' => (string) $row['event_id'] ) );
				echo '</td></tr>';
			}
			echo '</tbody></table><p>';
			self::action_button( 'igny8_retry', __( 'Retry all', 'igny8-bridge' ) );
			echo '</p>';
		}
		echo '</div>';
	}

	/**
	 * Whether the current admin page is Settings → IGNY8 or one of the IGNY8 screens.
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
					/* translators: 1: failing events, 2: dead letters. */
					__( 'IGNY8 cannot deliver changes to the cloud: %1$d events are failing and %2$d are dead letters.', 'igny8-bridge' ),
					$stats['failing'],
					$stats['dead'] + $stats['rejected']
				),
				__( 'IGNY8 settings', 'igny8-bridge' )
			);
		}
	}

	/**
	 * Prints an admin notice that ends with a link to Settings → IGNY8.
	 *
	 * @param string $classes   The notice's classes after `notice`.
	 * @param string $message   Plain text.
	 * @param string $link_text The link's words.
	 */
	private static function notice_with_link( string $classes, string $message, string $link_text ): void {
		printf(
			'<div class="notice %1$s"><p>%2$s <a href="%3$s">%4$s</a></p></div>',
			esc_attr( $classes ),
			esc_html( $message ),
			esc_url( admin_url( 'options-general.php?page=' . self::SLUG ) ),
			esc_html( $link_text )
		);
	}
}

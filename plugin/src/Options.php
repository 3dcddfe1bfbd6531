<?php
/**
 * The plugin's stored settings.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge;

/**
 * Reads and writes the options IGNY8 Bridge keeps in `wp_options`.
 *
 * The API key is a secret: it is stored with autoload off (so it is not loaded
 * on every request) and only ever shown back masked. It is sent once, to
 * pair; from then on the plugin signs with the key's public id and the
 * secret derived from it (`igny8_credentials`, autoload off), and accepts
 * the key a new one replaced until the cloud has used the new one.
 */
final class Options {

	public const CLOUD_URL          = 'igny8_cloud_url';
	public const API_KEY            = 'igny8_api_key';
	public const SYNCED_POST_TYPES  = 'igny8_synced_post_types';
	public const REMOVE_META        = 'igny8_uninstall_remove_meta';
	public const CONNECTION         = 'igny8_connection';
	public const OUTBOX_STATE       = 'igny8_outbox_state';
	public const DB_VERSION         = 'igny8_db_version';
	public const STRUCTURE_HASH     = 'igny8_structure_hash';
	public const IMAGE_HOSTS        = 'igny8_image_hosts';
	public const CREDENTIALS        = 'igny8_credentials';
	public const EXPORT_STATUSES    = 'igny8_export_statuses';
	public const DEAD_LETTER_DAYS   = 'igny8_dead_letter_days';
	public const DEFAULT_DEAD_DAYS  = 30;
	public const DEFAULT_STATUS     = 'igny8_default_post_status';
	public const DEFAULT_AUTHOR     = 'igny8_default_author';
	public const DEFAULT_CATEGORIES = 'igny8_default_categories';
	public const DEFAULT_POST_TYPES = array( 'post', 'page' );

	/** The statuses the cloud sees in full unless the owner chooses others. */
	public const DEFAULT_EXPORT_STATUSES = array( 'publish', 'future' );

	/** The statuses a post IGNY8 publishes may get when the request names none. */
	public const DEFAULTABLE_STATUSES = array( 'draft', 'pending', 'publish' );

	/** The statuses an owner may choose to export. */
	public const EXPORTABLE_STATUSES = array( 'publish', 'future', 'draft', 'pending', 'private', 'trash' );

	/** Every option the plugin owns (uninstall.php repeats this list). */
	public const ALL = array(
		self::CLOUD_URL,
		self::API_KEY,
		self::SYNCED_POST_TYPES,
		self::REMOVE_META,
		self::CONNECTION,
		self::OUTBOX_STATE,
		self::DB_VERSION,
		self::STRUCTURE_HASH,
		self::IMAGE_HOSTS,
		self::CREDENTIALS,
		self::EXPORT_STATUSES,
		self::DEAD_LETTER_DAYS,
		self::DEFAULT_STATUS,
		self::DEFAULT_AUTHOR,
		self::DEFAULT_CATEGORIES,
	);

	/**
	 * Creates the options on activation without overwriting existing values.
	 */
	public function install(): void {
		add_option( self::CLOUD_URL, '', '', false );
		add_option( self::API_KEY, '', '', false );
		add_option( self::SYNCED_POST_TYPES, self::default_post_types(), '', false );
		add_option( self::REMOVE_META, '0', '', false );
		add_option( self::IMAGE_HOSTS, array(), '', false );
		add_option( self::EXPORT_STATUSES, self::DEFAULT_EXPORT_STATUSES, '', false );
	}

	/**
	 * The post types whose every post is reported to the cloud.
	 *
	 * @return string[]
	 */
	public function synced_post_types(): array {
		$value = get_option( self::SYNCED_POST_TYPES, self::default_post_types() );
		if ( ! is_array( $value ) ) {
			return self::default_post_types();
		}
		return array_values( array_filter( array_map( 'sanitize_key', $value ) ) );
	}

	/**
	 * The post types synced until the owner chooses: posts and pages, and
	 * WooCommerce's products when the shop is active (their descriptions
	 * are content IGNY8 writes).
	 *
	 * @return string[]
	 */
	public static function default_post_types(): array {
		return Sync\Products::active() ? array_merge( self::DEFAULT_POST_TYPES, array( Sync\Products::POST_TYPE ) ) : self::DEFAULT_POST_TYPES;
	}

	/**
	 * Offers products on a site's first connection: WooCommerce may have
	 * been activated after IGNY8 (whose defaults were set then), and a shop
	 * connecting expects its products to be part of the content. A site
	 * already connected keeps what its owner chose.
	 */
	private function offer_products(): void {
		$types = $this->synced_post_types();
		if ( Sync\Products::active() && ! in_array( Sync\Products::POST_TYPE, $types, true ) ) {
			$this->set_synced_post_types( array_merge( $types, array( Sync\Products::POST_TYPE ) ) );
		}
	}

	/**
	 * Stores the synced post types; unknown types are dropped.
	 *
	 * @param string[] $types Post type names.
	 */
	public function set_synced_post_types( array $types ): void {
		$known = array_values( array_filter( array_map( 'sanitize_key', $types ), 'post_type_exists' ) );
		update_option( self::SYNCED_POST_TYPES, array_values( array_unique( $known ) ), false );
	}

	/**
	 * The post statuses whose posts the cloud may read in full (export,
	 * lookups, events): an unset or unreadable option means the default.
	 *
	 * @return string[]
	 */
	public function export_statuses(): array {
		$value = get_option( self::EXPORT_STATUSES, self::DEFAULT_EXPORT_STATUSES );
		return is_array( $value ) ? self::clean_statuses( $value ) : self::DEFAULT_EXPORT_STATUSES;
	}

	/**
	 * Stores the exported statuses; anything not in EXPORTABLE_STATUSES is dropped.
	 *
	 * @param string[] $statuses Post statuses.
	 */
	public function set_export_statuses( array $statuses ): void {
		update_option( self::EXPORT_STATUSES, self::clean_statuses( $statuses ), false );
	}

	/**
	 * The known statuses in a submitted list, each once.
	 *
	 * @param array<int|string, mixed> $statuses Submitted values.
	 * @return string[]
	 */
	public static function clean_statuses( array $statuses ): array {
		$clean = array();
		foreach ( $statuses as $status ) {
			$status = is_string( $status ) ? sanitize_key( $status ) : '';
			if ( in_array( $status, self::EXPORTABLE_STATUSES, true ) && ! in_array( $status, $clean, true ) ) {
				$clean[] = $status;
			}
		}
		return $clean;
	}

	/**
	 * Hosts, besides the cloud's own, that images for IGNY8 posts may be
	 * downloaded from (`cdn.example.com`, or `*.example.com` for its subdomains).
	 *
	 * @return string[]
	 */
	public function image_hosts(): array {
		$value = get_option( self::IMAGE_HOSTS, array() );
		return is_array( $value ) ? self::parse_image_hosts( $value )['hosts'] : array();
	}

	/**
	 * Stores the image hosts; what is not a host name is dropped.
	 *
	 * @param string|string[] $hosts One per line (or comma-separated), or a list.
	 */
	public function set_image_hosts( $hosts ): void {
		update_option( self::IMAGE_HOSTS, self::parse_image_hosts( $hosts )['hosts'], false );
	}

	/**
	 * Reads image hosts as a site owner types them: one per line or
	 * comma-separated, a pasted URL counts as its host, case does not matter.
	 *
	 * @param mixed $value A string or a list of strings.
	 * @return array{hosts: string[], invalid: string[]} The hosts, and the entries that are not host names.
	 */
	public static function parse_image_hosts( $value ): array {
		$entries = is_array( $value ) ? $value : preg_split( '/[\r\n,]+/', is_string( $value ) ? $value : '' );
		$hosts   = array();
		$invalid = array();
		foreach ( (array) $entries as $entry ) {
			$entry = strtolower( trim( sanitize_text_field( is_string( $entry ) ? $entry : '' ) ) );
			if ( '' === $entry ) {
				continue;
			}
			$host = preg_match( '#^https?://#', $entry ) ? (string) wp_parse_url( $entry, PHP_URL_HOST ) : $entry;
			$host = rtrim( $host, '.' );
			if ( 1 === preg_match( '/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/', $host ) && strlen( $host ) <= 253 ) {
				$hosts[] = $host;
			} else {
				$invalid[] = $entry;
			}
		}
		return array(
			'hosts'   => array_values( array_unique( $hosts ) ),
			'invalid' => $invalid,
		);
	}

	/**
	 * Days an event the cloud never took (dead or rejected) is kept for a
	 * retry from the settings page before the drainer deletes it.
	 */
	public function dead_letter_days(): int {
		$days = (int) get_option( self::DEAD_LETTER_DAYS, self::DEFAULT_DEAD_DAYS );
		return $days >= 1 && $days <= 3650 ? $days : self::DEFAULT_DEAD_DAYS;
	}

	/**
	 * @param int $days 1 to 3650.
	 */
	public function set_dead_letter_days( int $days ): void {
		update_option( self::DEAD_LETTER_DAYS, (string) max( 1, min( 3650, $days ) ), false );
	}

	/**
	 * Whether uninstalling should also delete the `_igny8_*` post meta.
	 */
	public function remove_meta_on_uninstall(): bool {
		return '1' === (string) get_option( self::REMOVE_META, '0' );
	}

	/**
	 * @param bool $remove Whether uninstall deletes the post meta.
	 */
	public function set_remove_meta_on_uninstall( bool $remove ): void {
		update_option( self::REMOVE_META, $remove ? '1' : '0', false );
	}

	/**
	 * The status a post IGNY8 creates gets when the request names none.
	 */
	public function default_post_status(): string {
		$value = get_option( self::DEFAULT_STATUS, 'draft' );
		return is_string( $value ) && in_array( $value, self::DEFAULTABLE_STATUSES, true ) ? $value : 'draft';
	}

	/**
	 * The user new IGNY8 posts are attributed to, or 0 for "whoever asked
	 * for the post" (the cloud names them). A user who can no longer publish
	 * counts as 0: a post must not be credited to someone who could not write it.
	 */
	public function default_author(): int {
		$id = (int) get_option( self::DEFAULT_AUTHOR, 0 );
		return $id > 0 && self::can_author( $id ) ? $id : 0;
	}

	/**
	 * Whether a user may be named as the author of IGNY8's posts.
	 *
	 * @param int $user_id User id.
	 */
	public static function can_author( int $user_id ): bool {
		$user = get_userdata( $user_id );
		return false !== $user && user_can( $user, 'publish_posts' );
	}

	/**
	 * The categories a new IGNY8 post is filed under when the request names none;
	 * deleted categories are skipped.
	 *
	 * @return int[]
	 */
	public function default_categories(): array {
		$value = get_option( self::DEFAULT_CATEGORIES, array() );
		if ( ! is_array( $value ) ) {
			return array();
		}
		$ids = array();
		foreach ( $value as $id ) {
			$id = (int) $id;
			if ( $id > 0 && term_exists( $id, 'category' ) && ! in_array( $id, $ids, true ) ) {
				$ids[] = $id;
			}
		}
		return $ids;
	}

	/**
	 * What the last connection test found.
	 *
	 * @return array{connected: bool, checked_at: string, error: string, integration_id: int|null, console_url: string}
	 */
	public function connection(): array {
		$value = get_option( self::CONNECTION, array() );
		$value = is_array( $value ) ? $value : array();
		return array(
			'connected'      => ! empty( $value['connected'] ),
			'checked_at'     => isset( $value['checked_at'] ) ? (string) $value['checked_at'] : '',
			'error'          => isset( $value['error'] ) ? (string) $value['error'] : '',
			'integration_id' => isset( $value['integration_id'] ) && is_numeric( $value['integration_id'] ) ? (int) $value['integration_id'] : null,
			'console_url'    => isset( $value['console_url'] ) ? (string) $value['console_url'] : '',
		);
	}

	/**
	 * Records the outcome of a connection test.
	 *
	 * @param array<string, mixed> $state See connection().
	 */
	public function set_connection( array $state ): void {
		update_option( self::CONNECTION, $state, false );
	}

	/**
	 * Forgets the key, the pairing and the connection state; the cloud URL
	 * stays for reconnecting.
	 */
	public function disconnect(): void {
		update_option( self::API_KEY, '', false );
		delete_option( self::CREDENTIALS );
		delete_option( self::CONNECTION );
	}

	/**
	 * The first 12 characters of the key, which identify it without revealing it.
	 */
	public function api_key_prefix(): ?string {
		$key = $this->api_key();
		if ( null === $key ) {
			return null;
		}
		// A short (test) key would be shown whole: never show more than half of it.
		return substr( $key, 0, min( 12, intdiv( strlen( $key ), 2 ) ) ) . '…';
	}

	/**
	 * The pairing: the paired key's public id, the secret derived from it, its
	 * display prefix, and the key it replaced while that one is still
	 * accepted. Null before the site has paired. Never send `secret` anywhere.
	 *
	 * @return array{key_id: int, secret: string, prefix: string, previous: array{key_id: int, secret: string, retires_at: int|null}|null}|null
	 */
	public function credentials(): ?array {
		$value = get_option( self::CREDENTIALS, array() );
		if ( ! is_array( $value ) || ! isset( $value['key_id'], $value['secret'] ) || ! is_numeric( $value['key_id'] ) || ! is_string( $value['secret'] ) || '' === $value['secret'] ) {
			return null;
		}
		$previous = isset( $value['previous'] ) && is_array( $value['previous'] ) && isset( $value['previous']['key_id'], $value['previous']['secret'] ) && is_numeric( $value['previous']['key_id'] ) && is_string( $value['previous']['secret'] )
			? array(
				'key_id'     => (int) $value['previous']['key_id'],
				'secret'     => $value['previous']['secret'],
				'retires_at' => isset( $value['previous']['retires_at'] ) && is_numeric( $value['previous']['retires_at'] ) ? (int) $value['previous']['retires_at'] : null,
			)
			: null;
		return array(
			'key_id'   => (int) $value['key_id'],
			'secret'   => $value['secret'],
			'prefix'   => isset( $value['prefix'] ) ? (string) $value['prefix'] : '',
			'previous' => $previous,
		);
	}

	/**
	 * The key typed in that has not paired yet (a first connection, or a
	 * rotation), which the next test-connection sends, once; null when
	 * there is none.
	 */
	public function key_to_pair(): ?string {
		$key     = $this->api_key();
		$current = get_option( self::CREDENTIALS, array() );
		if ( null === $key || ( is_array( $current ) && isset( $current['key_hash'] ) && hash_equals( (string) $current['key_hash'], hash( 'sha256', $key ) ) ) ) {
			return null;
		}
		return $key;
	}

	/**
	 * Whether the site has paired with the cloud (it signs its calls).
	 */
	public function is_paired(): bool {
		return null !== $this->credentials();
	}

	/**
	 * Stores a pairing: the id and derived secret of the key the cloud
	 * accepted (`$key`, sent this once, never again). The key paired before
	 * stays accepted until the cloud has signed with the new one (see
	 * confirm_current()).
	 *
	 * @param string $key    The key just paired.
	 * @param int    $key_id Its public id, as the cloud answered.
	 */
	public function pair( string $key, int $key_id ): void {
		$current = $this->credentials();
		if ( null === $current ) {
			$this->offer_products();
		}
		$previous = null !== $current && $current['key_id'] !== $key_id
			? array(
				'key_id'     => $current['key_id'],
				'secret'     => $current['secret'],
				'retires_at' => null,
			)
			: null;
		update_option(
			self::CREDENTIALS,
			array(
				'key_id'   => $key_id,
				'secret'   => Security\RequestVerifier::derive_secret( $key ),
				'prefix'   => substr( $key, 0, min( 12, intdiv( strlen( $key ), 2 ) ) ),
				'key_hash' => hash( 'sha256', $key ),
				'previous' => $previous,
			),
			false
		);
	}

	/**
	 * The cloud has signed a call with the current key: the key it replaced
	 * is accepted for `$grace` seconds more (calls signed before may still
	 * arrive), then never again.
	 *
	 * @param int $grace Seconds.
	 */
	public function confirm_current( int $grace ): void {
		$current = $this->credentials();
		if ( null === $current || null === $current['previous'] || null !== $current['previous']['retires_at'] ) {
			return;
		}
		$current['previous']['retires_at'] = time() + $grace;
		update_option( self::CREDENTIALS, $current, false );
	}

	/**
	 * The secrets a call signed right now may use, by key id: the current
	 * key's, and the replaced key's until it retires.
	 *
	 * @return array<int, string>
	 */
	public function signing_secrets(): array {
		$current = $this->credentials();
		if ( null === $current ) {
			return array();
		}
		$secrets = array( $current['key_id'] => $current['secret'] );
		$before  = $current['previous'];
		if ( null !== $before && ( null === $before['retires_at'] || $before['retires_at'] > time() ) ) {
			$secrets[ $before['key_id'] ] = $before['secret'];
		}
		return $secrets;
	}

	/**
	 * The cloud's base URL without a trailing slash, or null when not set.
	 */
	public function cloud_url(): ?string {
		$value = get_option( self::CLOUD_URL, '' );
		if ( ! is_string( $value ) ) {
			return null;
		}
		$value = untrailingslashit( trim( $value ) );
		return '' === $value ? null : $value;
	}

	/**
	 * Stores the cloud's base URL. Only http(s) URLs are accepted.
	 *
	 * @param string $url The base URL, e.g. `https://cloud.igny8.com`.
	 * @return bool Whether the value is valid and now stored.
	 */
	public function set_cloud_url( string $url ): bool {
		$clean = esc_url_raw( trim( $url ), array( 'http', 'https' ) );
		if ( '' === $clean ) {
			return false;
		}
		update_option( self::CLOUD_URL, untrailingslashit( $clean ), false );
		return true;
	}

	/**
	 * The site's API key, or null when not set. Never send this to a browser.
	 */
	public function api_key(): ?string {
		$value = get_option( self::API_KEY, '' );
		if ( ! is_string( $value ) || '' === trim( $value ) ) {
			return null;
		}
		return trim( $value );
	}

	/**
	 * Stores the site's API key (autoload off).
	 *
	 * @param string $key The key issued by the cloud.
	 */
	public function set_api_key( string $key ): void {
		update_option( self::API_KEY, sanitize_text_field( $key ), false );
	}

	/**
	 * The key's last four characters, to tell which key is stored without
	 * revealing it; null when there is no key or it is too short to hide.
	 */
	public function api_key_last4(): ?string {
		$key = $this->api_key();
		return null !== $key && strlen( $key ) > 8 ? substr( $key, -4 ) : null;
	}

	/**
	 * The API key masked for display: only its last four characters are kept.
	 */
	public function masked_api_key(): ?string {
		$key = $this->api_key();
		if ( null === $key ) {
			return null;
		}
		$visible = strlen( $key ) > 8 ? substr( $key, -4 ) : '';
		return str_repeat( '•', 8 ) . $visible;
	}

	/**
	 * Whether both the cloud URL and the API key are set.
	 */
	public function is_configured(): bool {
		return null !== $this->cloud_url() && null !== $this->api_key();
	}

	/**
	 * Deletes every option the plugin owns.
	 */
	public function delete_all(): void {
		foreach ( self::ALL as $name ) {
			delete_option( $name );
		}
	}
}

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
 * on every request) and only ever shown back masked.
 */
final class Options {

	public const CLOUD_URL = 'igny8_cloud_url';
	public const API_KEY   = 'igny8_api_key';

	/** Every option the plugin owns (uninstall.php repeats this list). */
	public const ALL = array( self::CLOUD_URL, self::API_KEY );

	/**
	 * Creates the options on activation without overwriting existing values.
	 */
	public function install(): void {
		add_option( self::CLOUD_URL, '', '', false );
		add_option( self::API_KEY, '', '', false );
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

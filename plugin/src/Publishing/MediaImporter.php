<?php
/**
 * Brings the cloud's images into the media library.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Publishing;

use IGNY8\Bridge\Options;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;

/**
 * Downloads an image with WordPress's own safe HTTP client and sideloads it
 * as an attachment; an image already imported from the same URL is reused.
 *
 * WordPress refuses downloads from private addresses and unusual ports. The
 * configured cloud is trusted (it may serve its own media from a private
 * address), and only while this class downloads.
 */
final class MediaImporter {

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * @param Options $options For the cloud URL.
	 */
	public function __construct( Options $options ) {
		$this->options = $options;
	}

	/**
	 * The attachment for an image URL, imported when missing.
	 *
	 * @param string $url     The image's URL.
	 * @param string $alt     Alt text.
	 * @param int    $post_id The post it belongs to (0 for none).
	 * @return int|WP_Error The attachment id.
	 */
	public function import( string $url, string $alt, int $post_id ) {
		$url = esc_url_raw( $url, array( 'http', 'https' ) );
		if ( '' === $url ) {
			return new WP_Error( 'igny8_bad_image', __( 'An image URL is not a valid http(s) URL.', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		$existing = $this->find( $url );
		if ( null !== $existing ) {
			$this->set_alt( $existing, $alt );
			return $existing;
		}

		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';

		$trust_host  = array( $this, 'trust_cloud_host' );
		$trust_ports = array( $this, 'trust_cloud_port' );
		add_filter( 'http_request_host_is_external', $trust_host, 10, 3 );
		add_filter( 'http_allowed_safe_ports', $trust_ports, 10, 3 );
		try {
			$file = download_url( $url, 30 );
		} finally {
			remove_filter( 'http_request_host_is_external', $trust_host, 10 );
			remove_filter( 'http_allowed_safe_ports', $trust_ports, 10 );
		}
		if ( is_wp_error( $file ) ) {
			return new WP_Error(
				'igny8_image_download_failed',
				/* translators: 1: image URL, 2: error. */
				sprintf( __( 'Could not download the image %1$s: %2$s', 'igny8-bridge' ), $url, $file->get_error_message() ),
				array( 'status' => 502 )
			);
		}

		$name = wp_basename( (string) wp_parse_url( $url, PHP_URL_PATH ) );
		if ( '' === $name || ! preg_match( '/\.(jpe?g|png|gif|webp|avif)$/i', $name ) ) {
			$name = 'igny8-image-' . substr( md5( $url ), 0, 8 ) . self::extension( $file );
		}
		$attachment_id = media_handle_sideload(
			array(
				'name'     => sanitize_file_name( $name ),
				'tmp_name' => $file,
			),
			$post_id,
			'' === $alt ? null : $alt
		);
		if ( is_wp_error( $attachment_id ) ) {
			wp_delete_file( $file );
			return new WP_Error(
				'igny8_image_import_failed',
				/* translators: 1: image URL, 2: error. */
				sprintf( __( 'Could not add the image %1$s to the media library: %2$s', 'igny8-bridge' ), $url, $attachment_id->get_error_message() ),
				array( 'status' => 422 )
			);
		}
		update_post_meta( (int) $attachment_id, PostSnapshot::META_SOURCE_URL, $url );
		$this->set_alt( (int) $attachment_id, $alt );
		return (int) $attachment_id;
	}

	/**
	 * An attachment already imported from this URL.
	 *
	 * @param string $url The source URL.
	 */
	public function find( string $url ): ?int {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a fresh read, as in PostPublisher::find_by_meta(): a cache could predate the request that just imported this image, which would then be imported twice.
		$id = $wpdb->get_var(
			$wpdb->prepare(
				"SELECT p.ID FROM %i p INNER JOIN %i m ON m.post_id = p.ID WHERE p.post_type = 'attachment' AND m.meta_key = %s AND m.meta_value = %s ORDER BY p.ID ASC LIMIT 1",
				$wpdb->posts,
				$wpdb->postmeta,
				PostSnapshot::META_SOURCE_URL,
				$url
			)
		);
		return null === $id ? null : (int) $id;
	}

	/**
	 * `http_request_host_is_external`: the cloud's host counts as allowed.
	 *
	 * @param bool   $external Current verdict.
	 * @param string $host     Host.
	 * @return bool
	 */
	public function trust_cloud_host( $external, $host ) {
		$cloud = $this->cloud_parts();
		return $external || ( null !== $cloud && strtolower( (string) $host ) === $cloud['host'] );
	}

	/**
	 * `http_allowed_safe_ports`: the cloud's port is allowed for the cloud's host.
	 *
	 * @param int[]  $ports Allowed ports.
	 * @param string $host  Host.
	 * @return int[]
	 */
	public function trust_cloud_port( $ports, $host ) {
		$ports = is_array( $ports ) ? $ports : array();
		$cloud = $this->cloud_parts();
		if ( null !== $cloud && null !== $cloud['port'] && strtolower( (string) $host ) === $cloud['host'] ) {
			$ports[] = $cloud['port'];
		}
		return $ports;
	}

	/**
	 * @return array{host: string, port: int|null}|null
	 */
	private function cloud_parts(): ?array {
		$url = $this->options->cloud_url();
		if ( null === $url ) {
			return null;
		}
		$host = wp_parse_url( $url, PHP_URL_HOST );
		$port = wp_parse_url( $url, PHP_URL_PORT );
		return is_string( $host ) ? array(
			'host' => strtolower( $host ),
			'port' => is_int( $port ) ? $port : null,
		) : null;
	}

	/**
	 * Stores alt text when given.
	 *
	 * @param int    $attachment_id Attachment.
	 * @param string $alt           Alt text.
	 */
	private function set_alt( int $attachment_id, string $alt ): void {
		if ( '' !== $alt ) {
			update_post_meta( $attachment_id, '_wp_attachment_image_alt', $alt );
		}
	}

	/**
	 * A file extension from the downloaded file's real type.
	 *
	 * @param string $file Path.
	 */
	private static function extension( string $file ): string {
		$type = wp_get_image_mime( $file );
		$map  = array(
			'image/jpeg' => '.jpg',
			'image/png'  => '.png',
			'image/gif'  => '.gif',
			'image/webp' => '.webp',
			'image/avif' => '.avif',
		);
		return is_string( $type ) && isset( $map[ $type ] ) ? $map[ $type ] : '.jpg';
	}
}

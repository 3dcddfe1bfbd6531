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
 * The URL comes from the cloud's push, and through it from whoever wrote
 * the content, so only images from the cloud itself (the configured cloud
 * URL's origin) or from hosts the site owner listed ("Also accept images
 * from these hosts") are downloaded, at most 20 MB, never through a
 * redirect, and kept only when the bytes are a PNG, JPEG, WebP or GIF.
 * WordPress refuses private addresses and unusual ports; the configured
 * cloud is trusted there (it may serve its own media from a private
 * address), and only while this class downloads.
 */
final class MediaImporter {

	/** The largest image accepted, in bytes. */
	public const MAX_BYTES = 20 * 1024 * 1024;

	/** What the downloaded bytes must be, and the extension the file gets for it. */
	private const TYPES = array(
		'image/jpeg' => '.jpg',
		'image/png'  => '.png',
		'image/gif'  => '.gif',
		'image/webp' => '.webp',
	);

	/**
	 * @var Options
	 */
	private $options;

	/**
	 * Attachments this importer added since the last take_created().
	 *
	 * @var int[]
	 */
	private $created = array();

	/**
	 * @param Options $options For the cloud URL and the allowed image hosts.
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
		$refused = $this->refusal( $url );
		if ( null !== $refused ) {
			return $refused;
		}

		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';

		$file = $this->download( $url );
		if ( is_wp_error( $file ) ) {
			return $file;
		}
		$mime = wp_get_image_mime( $file );
		if ( ! is_string( $mime ) || ! isset( self::TYPES[ $mime ] ) ) {
			wp_delete_file( $file );
			return new WP_Error(
				'igny8_image_not_an_image',
				/* translators: %s: image URL. */
				sprintf( __( 'The file at %s is not a PNG, JPEG, WebP or GIF image, so it was not added to the media library.', 'igny8-bridge' ), $url ),
				array( 'status' => 400 )
			);
		}

		// The name keeps the URL's words, with the extension of what the bytes really are.
		$base = pathinfo( wp_basename( (string) wp_parse_url( $url, PHP_URL_PATH ) ), PATHINFO_FILENAME );
		$name = ( '' === $base ? 'igny8-image-' . substr( md5( $url ), 0, 8 ) : $base ) . self::TYPES[ $mime ];

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
		$this->created[] = (int) $attachment_id;
		return (int) $attachment_id;
	}

	/**
	 * The attachments added since the last call (not the ones reused), so a
	 * publish that fails after sideloading some can take them back.
	 *
	 * @return int[]
	 */
	public function take_created(): array {
		$created       = $this->created;
		$this->created = array();
		return $created;
	}

	/**
	 * Why an image URL may not be downloaded, or null when it may: only the
	 * cloud's own origin and the hosts the site owner allowed.
	 *
	 * @param string $url The image's URL (http or https).
	 * @return WP_Error|null A 400 error naming the reason.
	 */
	public function refusal( string $url ): ?WP_Error {
		$host = strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) );
		if ( $this->is_cloud_origin( $url ) || ( '' !== $host && $this->host_allowed( $host ) ) ) {
			return null;
		}
		return new WP_Error(
			'igny8_image_refused',
			sprintf(
				/* translators: 1: image URL, 2: the image's host. */
				__( 'The image %1$s was not downloaded: %2$s is neither the IGNY8 cloud nor a host allowed in IGNY8 → Settings → Data ("Also accept images from these hosts").', 'igny8-bridge' ),
				$url,
				'' === $host ? __( 'its host', 'igny8-bridge' ) : $host
			),
			array( 'status' => 400 )
		);
	}

	/**
	 * Downloads to a temporary file: no redirects, at most MAX_BYTES.
	 *
	 * @param string $url An allowed image URL.
	 * @return string|WP_Error The temporary file.
	 */
	private function download( string $url ) {
		$file = wp_tempnam( $url );
		if ( '' === $file ) {
			return new WP_Error( 'igny8_image_download_failed', __( 'Could not create a temporary file for the image download.', 'igny8-bridge' ), array( 'status' => 500 ) );
		}
		$trust_host  = array( $this, 'trust_cloud_host' );
		$trust_ports = array( $this, 'trust_cloud_port' );
		if ( $this->is_cloud_origin( $url ) ) {
			add_filter( 'http_request_host_is_external', $trust_host, 10, 3 );
			add_filter( 'http_allowed_safe_ports', $trust_ports, 10, 3 );
		}
		try {
			$response = wp_safe_remote_get(
				$url,
				array(
					'timeout'             => 30,
					'redirection'         => 0,
					'stream'              => true,
					'filename'            => $file,
					// One byte past the cap: a file that long was cut off, so it is too large.
					'limit_response_size' => self::MAX_BYTES + 1,
				)
			);
		} finally {
			remove_filter( 'http_request_host_is_external', $trust_host, 10 );
			remove_filter( 'http_allowed_safe_ports', $trust_ports, 10 );
		}
		$failed = null;
		if ( is_wp_error( $response ) ) {
			$failed = new WP_Error(
				'igny8_image_download_failed',
				/* translators: 1: image URL, 2: error. */
				sprintf( __( 'Could not download the image %1$s: %2$s', 'igny8-bridge' ), $url, $response->get_error_message() ),
				array( 'status' => 502 )
			);
		} elseif ( 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
			$failed = new WP_Error(
				'igny8_image_download_failed',
				/* translators: 1: image URL, 2: HTTP status code. */
				sprintf( __( 'Could not download the image %1$s: the server answered HTTP %2$d.', 'igny8-bridge' ), $url, (int) wp_remote_retrieve_response_code( $response ) ),
				array( 'status' => 502 )
			);
		} else {
			clearstatcache( true, $file );
			$declared = (int) wp_remote_retrieve_header( $response, 'content-length' );
			if ( $declared > self::MAX_BYTES || (int) filesize( $file ) > self::MAX_BYTES ) {
				$failed = new WP_Error(
					'igny8_image_too_large',
					sprintf(
						/* translators: 1: image URL, 2: size limit in MB. */
						__( 'The image %1$s is larger than %2$d MB, so it was not added to the media library.', 'igny8-bridge' ),
						$url,
						(int) ( self::MAX_BYTES / ( 1024 * 1024 ) )
					),
					array( 'status' => 400 )
				);
			}
		}
		if ( null !== $failed ) {
			wp_delete_file( $file );
			return $failed;
		}
		return $file;
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
	 * Whether the URL has the configured cloud's origin (scheme, host and port).
	 *
	 * @param string $url An http(s) URL.
	 */
	private function is_cloud_origin( string $url ): bool {
		$cloud = $this->options->cloud_url();
		return null !== $cloud && null !== self::origin( $url ) && self::origin( $url ) === self::origin( $cloud );
	}

	/**
	 * `scheme://host:port`, the port written out, or null for a URL without a host.
	 *
	 * @param string $url An http(s) URL.
	 */
	private static function origin( string $url ): ?string {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] ) ) {
			return null;
		}
		$scheme = strtolower( (string) $parts['scheme'] );
		$port   = isset( $parts['port'] ) ? (int) $parts['port'] : ( 'https' === $scheme ? 443 : 80 );
		return $scheme . '://' . strtolower( (string) $parts['host'] ) . ':' . $port;
	}

	/**
	 * Whether the site owner allowed images from this host (`*.example.com` covers its subdomains).
	 *
	 * @param string $host Lower-case host.
	 */
	private function host_allowed( string $host ): bool {
		foreach ( $this->options->image_hosts() as $allowed ) {
			// str_ends_with(): PHP 8, or WordPress's polyfill on PHP 7.4.
			if ( $allowed === $host || ( 0 === strpos( $allowed, '*.' ) && str_ends_with( $host, substr( $allowed, 1 ) ) ) ) {
				return true;
			}
		}
		return false;
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
}

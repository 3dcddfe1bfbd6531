<?php
/**
 * Sideloading images: only from the cloud's origin or hosts the site owner
 * allowed, at most 20 MB, and only PNG, JPEG, WebP or GIF bytes.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Tests;

use IGNY8\Bridge\Admin\SettingsPage;
use IGNY8\Bridge\Options;
use IGNY8\Bridge\Plugin;
use IGNY8\Bridge\Publishing\MediaImporter;
use IGNY8\Bridge\Sync\PostSnapshot;
use WP_Error;

require_once __DIR__ . '/BridgeTestCase.php';

final class MediaImporterTest extends BridgeTestCase {

	/** The cloud BridgeTestCase configures. */
	private const CLOUD = 'http://127.0.0.1:9';

	private static function png(): string {
		return (string) base64_decode( 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- a 1×1 PNG fixture, spelled out in the test.
	}

	private static function gif(): string {
		return (string) base64_decode( 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- a 1×1 GIF fixture, spelled out in the test.
	}

	private function importer(): MediaImporter {
		return new MediaImporter( new Options() );
	}

	/**
	 * Serves `$body` for every download, as WordPress's streamed download
	 * would: written to the temporary file, cut at `limit_response_size`.
	 *
	 * @param string               $body    The bytes.
	 * @param int                  $code    HTTP status.
	 * @param array<string,string> $headers Response headers.
	 * @return \ArrayObject<int, array{url: string, args: array<string, mixed>}> The requests.
	 */
	private function serve( string $body, int $code = 200, array $headers = array() ): \ArrayObject {
		return $this->intercept_http(
			static function ( $url, $args ) use ( $body, $code, $headers ) {
				$limit = isset( $args['limit_response_size'] ) ? (int) $args['limit_response_size'] : null;
				$kept  = null === $limit ? $body : substr( $body, 0, $limit );
				if ( ! empty( $args['stream'] ) ) {
					file_put_contents( $args['filename'], $kept ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- stands in for the download, writing the temporary file WordPress asked for.
				}
				return array(
					'headers'  => $headers,
					'body'     => empty( $args['stream'] ) ? $kept : '',
					'response' => array(
						'code'    => $code,
						'message' => get_status_header_desc( $code ),
					),
					'cookies'  => array(),
					'filename' => $args['filename'] ?? null,
				);
			}
		);
	}

	private function attachments(): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE post_type = %s', $wpdb->posts, 'attachment' ) );
	}

	/**
	 * @param mixed $result What import() answered.
	 */
	private function assert_refused( $result, string $code, int $status ): WP_Error {
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( $code, $result->get_error_code() );
		$this->assertSame( array( 'status' => $status ), $result->get_error_data() );
		return $result;
	}

	public function test_an_image_from_the_clouds_origin_is_downloaded_safely_and_kept(): void {
		$requests = $this->serve( self::png(), 200, array( 'content-type' => 'image/png' ) );
		$url      = self::CLOUD . '/api/v1/writer/images/files/cover.png';
		$id       = $this->importer()->import( $url, 'A cover', 0 );

		$this->assertIsInt( $id );
		$this->assertSame( 'image/png', get_post_mime_type( $id ) );
		$this->assertSame( $url, get_post_meta( $id, PostSnapshot::META_SOURCE_URL, true ) );
		$this->assertSame( 'A cover', get_post_meta( $id, '_wp_attachment_image_alt', true ) );
		$this->assertCount( 1, $requests );
		$this->assertSame( $url, $requests[0]['url'] );
		$this->assertTrue( $requests[0]['args']['reject_unsafe_urls'], 'WordPress\'s safe client' );
		$this->assertSame( 0, $requests[0]['args']['redirection'] );
		$this->assertSame( MediaImporter::MAX_BYTES + 1, $requests[0]['args']['limit_response_size'] );
		// The same URL again is the same attachment, with no second download.
		$this->assertSame( $id, $this->importer()->import( $url, 'A cover', 0 ) );
		$this->assertCount( 1, $requests );
	}

	public function test_an_image_from_another_host_is_refused_before_any_download(): void {
		$requests = $this->serve( self::png() );
		$before   = $this->attachments();
		foreach ( array(
			'https://attacker.example.test/cover.png',
			'http://169.254.169.254/latest/meta-data/iam.png',
			'https://127.0.0.1:9/same-host-other-scheme.png',
			'http://127.0.0.1:8000/same-host-other-port.png',
		) as $url ) {
			$error = $this->assert_refused( $this->importer()->import( $url, '', 0 ), 'igny8_image_refused', 400 );
			$this->assertStringContainsString( 'is neither the IGNY8 cloud nor a host allowed in IGNY8 → Settings → Data', $error->get_error_message() );
		}
		$this->assertCount( 0, $requests, 'nothing was fetched' );
		$this->assertSame( $before, $this->attachments() );
	}

	public function test_hosts_the_site_owner_allowed_are_accepted_and_only_those(): void {
		( new Options() )->set_image_hosts( "cdn.example.test\n*.media.example.test" );
		$this->serve( self::gif(), 200, array( 'content-type' => 'image/gif' ) );

		$exact = $this->importer()->import( 'https://cdn.example.test/a.gif', '', 0 );
		$sub   = $this->importer()->import( 'https://img.media.example.test/b.gif', '', 0 );
		$this->assertIsInt( $exact );
		$this->assertIsInt( $sub );
		$this->assertSame( 'image/gif', get_post_mime_type( $sub ) );
		$this->assert_refused( $this->importer()->import( 'https://media.example.test/c.gif', '', 0 ), 'igny8_image_refused', 400 );
		$this->assert_refused( $this->importer()->import( 'https://cdn.example.test.evil.test/d.gif', '', 0 ), 'igny8_image_refused', 400 );
	}

	/**
	 * @return array<string, array{0: string}>
	 */
	public static function not_images(): array {
		return array(
			'HTML' => array( '<!doctype html><html><body><script>alert(1)</script></body></html>' ),
			'SVG'  => array( '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>' ),
		);
	}

	/**
	 * @dataProvider not_images
	 *
	 * @param string $body What the server sends, labelled as a PNG.
	 */
	public function test_bytes_that_are_not_an_image_are_refused_and_leave_nothing( string $body ): void {
		$before   = $this->attachments();
		$requests = $this->serve( $body, 200, array( 'content-type' => 'image/png' ) );
		$error    = $this->assert_refused( $this->importer()->import( self::CLOUD . '/files/not-an-image.png', '', 0 ), 'igny8_image_not_an_image', 400 );
		$this->assertStringContainsString( 'is not a PNG, JPEG, WebP or GIF image', $error->get_error_message() );
		$this->assertSame( $before, $this->attachments() );
		$this->assertFileDoesNotExist( (string) $requests[0]['args']['filename'], 'the temporary file is gone' );
	}

	public function test_an_image_over_20_mb_is_refused(): void {
		$before = $this->attachments();
		// A streamed body that does not stop: WordPress writes up to `limit_response_size` of it.
		$requests = $this->intercept_http(
			static function ( $url, $args ) {
				$file = fopen( $args['filename'], 'wb' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fopen -- stands in for the streamed download.
				fwrite( $file, self::png() ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- stands in for the streamed download.
				$chunk = str_repeat( "\0", 1024 * 1024 );
				for ( $written = strlen( self::png() ); $written < (int) $args['limit_response_size']; $written += strlen( $chunk ) ) {
					fwrite( $file, substr( $chunk, 0, (int) $args['limit_response_size'] - $written ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- stands in for the streamed download.
				}
				fclose( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- stands in for the streamed download.
				return array(
					'headers'  => array( 'content-type' => 'image/png' ),
					'body'     => '',
					'response' => array(
						'code'    => 200,
						'message' => 'OK',
					),
					'cookies'  => array(),
					'filename' => $args['filename'],
				);
			}
		);
		$error = $this->assert_refused( $this->importer()->import( self::CLOUD . '/files/huge.png', '', 0 ), 'igny8_image_too_large', 400 );
		$this->assertStringContainsString( 'is larger than 20 MB', $error->get_error_message() );
		$this->assertSame( $before, $this->attachments() );
		$this->assertFileDoesNotExist( (string) $requests[0]['args']['filename'] );
	}

	public function test_a_declared_length_over_20_mb_is_refused(): void {
		$this->serve( self::png(), 200, array( 'content-length' => (string) ( MediaImporter::MAX_BYTES + 1 ) ) );
		$this->assert_refused( $this->importer()->import( self::CLOUD . '/files/declared.png', '', 0 ), 'igny8_image_too_large', 400 );
	}

	public function test_a_redirect_is_not_followed(): void {
		$this->serve( '', 302, array( 'location' => 'http://10.0.0.5/internal.png' ) );
		$error = $this->assert_refused( $this->importer()->import( self::CLOUD . '/files/moved.png', '', 0 ), 'igny8_image_download_failed', 502 );
		$this->assertStringContainsString( 'the server answered HTTP 302', $error->get_error_message() );
	}

	public function test_a_push_with_a_refused_image_answers_400_and_writes_no_post(): void {
		$requests = $this->serve( self::png() );
		$response = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', self::publish_body( 990, array( 'featured_image' => array( 'url' => 'https://attacker.example.test/x.png', 'alt' => '' ) ) ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_image_refused', $response->get_data()['code'] );
		$this->assertCount( 0, $requests );
		$this->assertSame( array(), get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'meta_key' => '_igny8_content_id', 'meta_value' => '990' ) ) ); // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key, WordPress.DB.SlowDBQuery.slow_query_meta_value -- one lookup in a test.
	}

	public function test_a_push_refused_at_a_later_image_takes_back_the_images_it_had_added_and_keeps_reused_ones(): void {
		$requests = $this->serve( self::png(), 200, array( 'content-type' => 'image/png' ) );
		$reused   = $this->importer()->import( self::CLOUD . '/api/v1/writer/images/files/reused.png', 'Reused', 0 );
		$this->assertIsInt( $reused );
		$before = $this->attachments();

		$response = $this->dispatch(
			$this->signed(
				'POST',
				'/igny8/v1/posts',
				self::publish_body(
					991,
					array(
						'images'         => array(
							array( 'url' => self::CLOUD . '/api/v1/writer/images/files/reused.png', 'alt' => '' ),
							array( 'url' => self::CLOUD . '/api/v1/writer/images/files/new-inline.png', 'alt' => '' ),
						),
						'featured_image' => array(
							'url' => 'https://attacker.example.test/x.png',
							'alt' => '',
						),
					)
				)
			)
		);

		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_image_refused', $response->get_data()['code'] );
		$this->assertCount( 2, $requests, 'the reused image once, earlier, and the new inline one before the refusal' );
		$this->assertSame( $before, $this->attachments(), 'the inline image added for the refused push is gone' );
		$this->assertNull( $this->importer()->find( self::CLOUD . '/api/v1/writer/images/files/new-inline.png' ) );
		$this->assertInstanceOf( \WP_Post::class, get_post( $reused ), 'an image that was already in the library stays' );
		$this->assertSame( array(), get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'meta_key' => '_igny8_content_id', 'meta_value' => '991' ) ) ); // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key, WordPress.DB.SlowDBQuery.slow_query_meta_value -- one lookup in a test.

		// The same push with an allowed featured image then publishes with every image.
		$body                   = self::publish_body( 991 );
		$body['images']         = array( array( 'url' => self::CLOUD . '/api/v1/writer/images/files/new-inline.png', 'alt' => '' ) );
		$body['featured_image'] = array( 'url' => self::CLOUD . '/api/v1/writer/images/files/cover-991.png', 'alt' => 'Cover' );
		$published              = $this->dispatch( $this->signed( 'POST', '/igny8/v1/posts', $body ) );
		$this->assertSame( 201, $published->get_status() );
		$this->assertSame( $before + 2, $this->attachments() );
	}

	public function test_the_setting_keeps_host_names_and_names_what_it_dropped(): void {
		$page  = new SettingsPage( Plugin::instance()->options(), Plugin::instance()->cloud(), Plugin::instance()->outbox(), Plugin::instance()->metadata() );
		$hosts = $page->sanitize_image_hosts( "CDN.Example.test\r\nhttps://img.example.test/some/path.png\n\nnot a host!, *.media.example.test\n<script>x</script>" );
		$this->assertSame( array( 'cdn.example.test', 'img.example.test', '*.media.example.test' ), $hosts );
		$problems = $page->take_problems();
		$this->assertCount( 1, $problems );
		$this->assertStringContainsString( 'not a host!', $problems[ Options::IMAGE_HOSTS ] );
		$this->assertStringNotContainsString( '<script>', $problems[ Options::IMAGE_HOSTS ] );
	}

	public function test_the_settings_route_shows_only_host_names(): void {
		update_option( Options::IMAGE_HOSTS, array( 'cdn.example.test', '</textarea><script>alert(1)</script>' ), false );
		wp_set_current_user( $this->create_user( 'administrator' ) );
		$response = rest_do_request( new \WP_REST_Request( 'GET', '/igny8/v1/settings' ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'cdn.example.test' ), $response->get_data()['data']['image_hosts'] );
	}
}

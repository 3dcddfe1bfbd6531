<?php
/**
 * Plugin Name:       IGNY8 Bridge
 * Plugin URI:        https://igny8.com/
 * Description:       Connects this WordPress site to IGNY8, the AI-assisted SEO content system: plan keywords, write, publish and optimize from wp-admin.
 * Version:           0.1.0
 * Requires at least: 6.6
 * Requires PHP:      7.4
 * Author:            IGNY8
 * Author URI:        https://igny8.com/
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       igny8-bridge
 * Domain Path:       /languages
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

defined( 'ABSPATH' ) || exit;

define( 'IGNY8_BRIDGE_VERSION', '0.1.0' );
define( 'IGNY8_BRIDGE_FILE', __FILE__ );
define( 'IGNY8_BRIDGE_DIR', plugin_dir_path( __FILE__ ) );

spl_autoload_register(
	static function ( string $class_name ): void {
		$prefix = 'IGNY8\\Bridge\\';
		if ( 0 !== strpos( $class_name, $prefix ) ) {
			return;
		}
		$relative = substr( $class_name, strlen( $prefix ) );
		$file     = IGNY8_BRIDGE_DIR . 'src/' . str_replace( '\\', '/', $relative ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
);

register_activation_hook( __FILE__, array( \IGNY8\Bridge\Plugin::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \IGNY8\Bridge\Plugin::class, 'deactivate' ) );

add_action(
	'plugins_loaded',
	static function (): void {
		\IGNY8\Bridge\Plugin::instance()->register();
	}
);

/**
 * Sends the IGNY8 outbox now (what WP-cron does every minute), and the
 * site's health as a heartbeat when it has not been reported for an hour.
 *
 * @return array{sent: int, failed: int, rejected: int, locked: bool, heartbeat: bool, error: string|null}
 */
function igny8_bridge_drain_outbox(): array {
	return \IGNY8\Bridge\Plugin::instance()->drainer()->drain();
}

<?php
/**
 * The user's admin color scheme as the CSS variables WordPress components read.
 *
 * @package IGNY8\Bridge
 */

declare( strict_types=1 );

namespace IGNY8\Bridge\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * WordPress defines `--wp-admin-theme-color` per admin color scheme only on
 * the block editor's screens; elsewhere `@wordpress/components` falls back to
 * its own blue (#3858e9), so IGNY8's buttons would ignore the scheme the user
 * chose in their profile. This prints the same variables on IGNY8's screens.
 */
final class ColorScheme {

	/**
	 * Each core scheme's accent, as the block editor uses it (fresh: the
	 * wp-admin primary blue its own buttons use since WordPress 5.7).
	 */
	private const ACCENTS = array(
		'fresh'     => '#2271b1',
		'light'     => '#0085ba',
		'modern'    => '#3858e9',
		'blue'      => '#096484',
		'coffee'    => '#46403c',
		'ectoplasm' => '#523f6d',
		'midnight'  => '#e14d43',
		'ocean'     => '#627c83',
		'sunrise'   => '#dd823b',
	);

	/** Registers the hook; runs after the screens enqueued their stylesheet. */
	public function register(): void {
		add_action( 'admin_enqueue_scripts', array( $this, 'add_variables' ), 20 );
	}

	/**
	 * Adds the variables to the workspace's stylesheet, on the screens that
	 * load it (the block editor defines its own: the sidebar needs nothing).
	 */
	public function add_variables(): void {
		if ( wp_style_is( AssetLoader::HANDLE, 'enqueued' ) ) {
			wp_add_inline_style( AssetLoader::HANDLE, self::css( (string) get_user_option( 'admin_color' ) ) );
		}
	}

	/**
	 * The variables for one scheme; an unknown (plugin-added) scheme gets the default's.
	 *
	 * @param string $scheme The user's `admin_color` option.
	 */
	public static function css( string $scheme ): string {
		$accent = self::ACCENTS[ $scheme ] ?? self::ACCENTS['fresh'];
		list( $red, $green, $blue ) = self::rgb( $accent );
		$darker_10 = self::darken( $accent, 0.05 );
		$darker_20 = self::darken( $accent, 0.10 );
		return sprintf(
			'body{--wp-admin-theme-color:%1$s;--wp-admin-theme-color--rgb:%2$d,%3$d,%4$d;--wp-admin-theme-color-darker-10:%5$s;--wp-admin-theme-color-darker-20:%6$s;--wp-components-color-accent:%1$s;--wp-components-color-accent-darker-10:%5$s;--wp-components-color-accent-darker-20:%6$s}',
			$accent,
			$red,
			$green,
			$blue,
			$darker_10,
			$darker_20
		);
	}

	/**
	 * `#rrggbb` → [ r, g, b ].
	 *
	 * @param string $hex A six-digit hex color.
	 * @return int[]
	 */
	private static function rgb( string $hex ): array {
		return array_map( 'hexdec', str_split( substr( $hex, 1 ), 2 ) );
	}

	/**
	 * Sass's `darken()`: the same hue and saturation, lightness lowered by `$amount` (0–1).
	 *
	 * @param string $hex    A six-digit hex color.
	 * @param float  $amount How much lightness to take away.
	 */
	private static function darken( string $hex, float $amount ): string {
		list( $r, $g, $b ) = array_map(
			static function ( int $channel ): float {
				return $channel / 255;
			},
			self::rgb( $hex )
		);
		$max       = max( $r, $g, $b );
		$min       = min( $r, $g, $b );
		$lightness = ( $max + $min ) / 2;
		$hue       = 0.0;
		$sat       = 0.0;
		if ( $max !== $min ) {
			$delta = $max - $min;
			$sat   = $lightness > 0.5 ? $delta / ( 2 - $max - $min ) : $delta / ( $max + $min );
			if ( $max === $r ) {
				$hue = ( $g - $b ) / $delta + ( $g < $b ? 6 : 0 );
			} elseif ( $max === $g ) {
				$hue = ( $b - $r ) / $delta + 2;
			} else {
				$hue = ( $r - $g ) / $delta + 4;
			}
			$hue /= 6;
		}
		$lightness = max( 0.0, $lightness - $amount );
		return self::hsl_to_hex( $hue, $sat, $lightness );
	}

	/**
	 * HSL (each 0–1) → `#rrggbb`.
	 *
	 * @param float $hue        Hue.
	 * @param float $saturation Saturation.
	 * @param float $lightness  Lightness.
	 */
	private static function hsl_to_hex( float $hue, float $saturation, float $lightness ): string {
		if ( 0.0 === $saturation ) {
			$channels = array( $lightness, $lightness, $lightness );
		} else {
			$q        = $lightness < 0.5 ? $lightness * ( 1 + $saturation ) : $lightness + $saturation - $lightness * $saturation;
			$p        = 2 * $lightness - $q;
			$channels = array(
				self::hue_to_channel( $p, $q, $hue + 1 / 3 ),
				self::hue_to_channel( $p, $q, $hue ),
				self::hue_to_channel( $p, $q, $hue - 1 / 3 ),
			);
		}
		return '#' . implode(
			'',
			array_map(
				static function ( float $channel ): string {
					return str_pad( dechex( (int) round( $channel * 255 ) ), 2, '0', STR_PAD_LEFT );
				},
				$channels
			)
		);
	}

	/**
	 * One RGB channel from HSL's intermediate values.
	 *
	 * @param float $p Lower bound.
	 * @param float $q Upper bound.
	 * @param float $t Hue offset for the channel.
	 */
	private static function hue_to_channel( float $p, float $q, float $t ): float {
		if ( $t < 0 ) {
			++$t;
		}
		if ( $t > 1 ) {
			--$t;
		}
		if ( $t < 1 / 6 ) {
			return $p + ( $q - $p ) * 6 * $t;
		}
		if ( $t < 1 / 2 ) {
			return $q;
		}
		if ( $t < 2 / 3 ) {
			return $p + ( $q - $p ) * ( 2 / 3 - $t ) * 6;
		}
		return $p;
	}
}

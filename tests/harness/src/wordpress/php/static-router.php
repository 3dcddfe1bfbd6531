<?php
/**
 * Router for the test sites' `php -S`. The built-in server sends static files
 * with neither Last-Modified nor ETag, so a browser downloads every script
 * again on every page load; Apache and nginx send both, and browsers then
 * reuse what they have. This serves static files the way those servers do
 * (validators, 304 on a match) and leaves everything else to the server.
 *
 * @package IGNY8\Bridge\Tests
 */

declare( strict_types=1 );

const IGNY8_STATIC_TYPES = array(
	'js'    => 'application/javascript',
	'mjs'   => 'application/javascript',
	'css'   => 'text/css',
	'json'  => 'application/json',
	'map'   => 'application/json',
	'svg'   => 'image/svg+xml',
	'png'   => 'image/png',
	'jpg'   => 'image/jpeg',
	'jpeg'  => 'image/jpeg',
	'gif'   => 'image/gif',
	'webp'  => 'image/webp',
	'ico'   => 'image/x-icon',
	'woff'  => 'font/woff',
	'woff2' => 'font/woff2',
	'ttf'   => 'font/ttf',
	'txt'   => 'text/plain; charset=UTF-8',
);

return ( static function (): bool {
	$path = (string) parse_url( (string) ( $_SERVER['REQUEST_URI'] ?? '/' ), PHP_URL_PATH );
	$path = rawurldecode( $path );
	$type = IGNY8_STATIC_TYPES[ strtolower( pathinfo( $path, PATHINFO_EXTENSION ) ) ] ?? null;
	if ( null === $type || str_contains( $path, '..' ) || ! in_array( $_SERVER['REQUEST_METHOD'] ?? 'GET', array( 'GET', 'HEAD' ), true ) ) {
		return false;
	}
	$file = rtrim( (string) $_SERVER['DOCUMENT_ROOT'], '/' ) . $path;
	$stat = is_file( $file ) ? stat( $file ) : false;
	if ( false === $stat ) {
		return false;
	}
	$etag = sprintf( '"%x-%x"', $stat['mtime'], $stat['size'] );
	header( 'ETag: ' . $etag );
	header( 'Last-Modified: ' . gmdate( 'D, d M Y H:i:s', $stat['mtime'] ) . ' GMT' );
	$match = $_SERVER['HTTP_IF_NONE_MATCH'] ?? null;
	$since = isset( $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) ? strtotime( (string) $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) : false;
	if ( null !== $match ? in_array( $etag, array_map( 'trim', explode( ',', (string) $match ) ), true ) : ( false !== $since && $since >= $stat['mtime'] ) ) {
		http_response_code( 304 );
		return true;
	}
	header( 'Content-Type: ' . $type );
	header( 'Content-Length: ' . $stat['size'] );
	if ( 'HEAD' !== $_SERVER['REQUEST_METHOD'] ) {
		readfile( $file );
	}
	return true;
} )();

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * How a person signs in to the WordPress that `npm start` runs: the admin
 * user with a password generated for this data folder (kept in the start
 * state, so a restart prints the same one), or a one-time link for a browser
 * on this machine. Nobody is signed in without one of them.
 */

/** WordPress's option holding the link's token hash and expiry; deleted on use. */
export const LOGIN_TOKEN_OPTION = 'igny8_start_login';
export const LOGIN_ACTION = 'igny8-start';
export const LOGIN_LINK_MINUTES = 60;

const MU_PLUGIN = 'igny8-npm-start-login.php';

/** 24 characters from [A-Za-z0-9_-]: 144 random bits, safe in a URL, a shell and PHP quotes. */
export function generatePassword(): string {
	return crypto.randomBytes( 18 ).toString( 'base64url' );
}

export function isGeneratedPassword( value: unknown ): value is string {
	return typeof value === 'string' && /^[A-Za-z0-9_-]{24}$/.test( value );
}

export interface LoginToken {
	/** Goes into the printed link only. */
	token: string;
	/** What WordPress keeps: the SHA-256 of the token, hex. */
	hash: string;
	/** Unix seconds. */
	expires: number;
}

export function newLoginToken( now = Date.now() ): LoginToken {
	const token = crypto.randomBytes( 32 ).toString( 'base64url' );
	return {
		token,
		hash: crypto.createHash( 'sha256' ).update( token ).digest( 'hex' ),
		expires: Math.floor( now / 1000 ) + LOGIN_LINK_MINUTES * 60,
	};
}

export function loginLink( wpUrl: string, token: LoginToken ): string {
	const url = new URL( `${ wpUrl }/wp-login.php` );
	url.searchParams.set( 'action', LOGIN_ACTION );
	url.searchParams.set( 'token', token.token );
	return url.toString();
}

/**
 * PHP for a blueprint step: the admin's password becomes the generated one
 * (left alone when it already is, so sessions survive a restart) and the
 * link's token hash replaces any earlier, unused one.
 */
export function signInSetupPhp(
	user: string,
	password: string,
	token: LoginToken
): string {
	if (
		! /^[A-Za-z0-9_-]+$/.test( user ) ||
		! isGeneratedPassword( password ) ||
		! /^[0-9a-f]{64}$/.test( token.hash )
	) {
		throw new Error( 'Unexpected characters in the sign-in details.' );
	}
	return [
		`$user = get_user_by( 'login', '${ user }' );`,
		`if ( $user && ! wp_check_password( '${ password }', $user->user_pass, $user->ID ) ) { wp_set_password( '${ password }', $user->ID ); }`,
		`update_option( '${ LOGIN_TOKEN_OPTION }', array( 'hash' => '${ token.hash }', 'expires' => ${ token.expires } ), false );`,
	].join( ' ' );
}

/**
 * The mu-plugin that honours the link: `wp-login.php?action=igny8-start&token=…`
 * signs the admin in when the request comes from loopback, the token matches
 * the stored hash and has not expired; the first such request deletes the
 * token, so the link works once. It replaces the auto-login mu-plugin of
 * earlier versions (same file name), which signed in every visitor.
 */
export function writeSignInPlugin( wordpressDir: string, user: string ): void {
	if ( ! /^[A-Za-z0-9_-]+$/.test( user ) ) {
		throw new Error( 'Unexpected characters in the admin user name.' );
	}
	const dir = path.join( wordpressDir, 'wp-content', 'mu-plugins' );
	fs.mkdirSync( dir, { recursive: true } );
	fs.writeFileSync(
		path.join( dir, MU_PLUGIN ),
		`<?php
/**
 * Written by \`npm start\` (scripts/lib/sign-in.ts) on every start: the
 * one-time sign-in link it prints. Valid once, until it expires, and only for
 * a browser on this machine.
 */
add_action(
	'login_form_${ LOGIN_ACTION }',
	static function () {
		nocache_headers();
		$address  = isset( $_SERVER['REMOTE_ADDR'] ) ? (string) $_SERVER['REMOTE_ADDR'] : '';
		$loopback = '::1' === $address || 1 === preg_match( '/^(::ffff:)?127\\./', $address );
		$token    = isset( $_GET['token'] ) ? (string) wp_unslash( $_GET['token'] ) : '';
		$stored   = get_option( '${ LOGIN_TOKEN_OPTION }' );
		$valid    = $loopback
			&& '' !== $token
			&& is_array( $stored )
			&& isset( $stored['hash'], $stored['expires'] )
			&& time() < (int) $stored['expires']
			&& hash_equals( (string) $stored['hash'], hash( 'sha256', $token ) );
		$user = get_user_by( 'login', '${ user }' );
		// Of two requests racing with the same token, only the one whose delete
		// removed the row signs in.
		if ( ! $valid || ! $user || ! delete_option( '${ LOGIN_TOKEN_OPTION }' ) ) {
			wp_die(
				'This sign-in link is not valid: it was already used, has expired, or was opened from another machine. Sign in with the user and password that npm start printed, or restart npm start for a new link.',
				'Sign-in link not valid',
				array( 'response' => 403, 'back_link' => false )
			);
		}
		wp_set_auth_cookie( $user->ID, false );
		wp_safe_redirect( admin_url() );
		exit;
	}
);
`
	);
}

/**
 * Internal dependencies
 */
import { safeUrl } from '../safe-url';

describe( 'safeUrl', () => {
	it.each( [
		'https://example.com/hello/',
		'http://127.0.0.1:8080/wp-admin/admin.php?page=igny8',
		'HTTPS://Example.com/a#b',
	] )( 'keeps the http(s) address %s', ( url ) => {
		expect( safeUrl( url ) ).toBe( url );
	} );

	it( 'trims the spaces around an address', () => {
		expect( safeUrl( '  https://example.com/  ' ) ).toBe(
			'https://example.com/'
		);
	} );

	it.each( [
		'javascript:alert(document.cookie)',
		'JavaScript:alert(1)',
		' javascript:alert(1)',
		'java\tscript:alert(1)',
		'java\nscript:alert(1)',
		'\u0001javascript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'vbscript:msgbox(1)',
		'file:///etc/passwd',
		'//evil.example/',
		'/wp-admin/',
		'#',
		'https://',
		'https://exa mple.com/',
		'',
	] )( 'refuses %p', ( url ) => {
		expect( safeUrl( url ) ).toBeUndefined();
	} );

	it.each( [ null, undefined, 42, {}, [ 'https://example.com/' ] ] )(
		'refuses the non-string %p',
		( value ) => {
			expect( safeUrl( value ) ).toBeUndefined();
		}
	);
} );

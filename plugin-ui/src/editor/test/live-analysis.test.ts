/**
 * Internal dependencies
 */
import {
	ANALYZE_DELAY_MS,
	createLiveAnalyzer,
	fingerprint,
} from '../live-analysis';

type Input = { html: string };

/**
 * An analyzer over a text that changes as the test "types", with its reads,
 * requests and results recorded.
 */
function harness() {
	let text = 'Hello';
	const reads: string[] = [];
	const requests: Array< {
		input: Input;
		resolve: ( score: number ) => void;
		reject: ( error: Error ) => void;
	} > = [];
	const results: number[] = [];
	const errors: unknown[] = [];
	const analyzer = createLiveAnalyzer< Input, number >( {
		read: () => {
			reads.push( text );
			return { html: text };
		},
		analyze: ( input ) =>
			new Promise< number >( ( resolve, reject ) =>
				requests.push( { input, resolve, reject } )
			),
		onResult: ( score ) => results.push( score ),
		onError: ( error ) => errors.push( error ),
	} );
	const type = ( chars: string ) => {
		for ( const char of chars ) {
			text += char;
			analyzer.changed();
		}
	};
	return { analyzer, type, reads, requests, results, errors };
}

beforeEach( () => jest.useFakeTimers() );
afterEach( () => jest.useRealTimers() );

describe( 'createLiveAnalyzer', () => {
	it( 'reads and analyzes the post once, after the writer pauses, not on each keystroke', () => {
		const { type, reads, requests } = harness();
		for ( const char of 'grow tomatoes in pots on a balcony' ) {
			type( char );
			jest.advanceTimersByTime( 100 );
		}
		// 34 keystrokes, 100 ms apart: nothing read or sent yet.
		expect( reads ).toEqual( [] );
		expect( requests ).toEqual( [] );
		jest.advanceTimersByTime( ANALYZE_DELAY_MS );
		expect( reads ).toEqual( [
			'Hellogrow tomatoes in pots on a balcony',
		] );
		expect( requests ).toHaveLength( 1 );
	} );

	it( 'shows only the newest answer when an older one arrives late', async () => {
		const { type, requests, results } = harness();
		type( 'a' );
		jest.advanceTimersByTime( ANALYZE_DELAY_MS );
		type( 'b' );
		jest.advanceTimersByTime( ANALYZE_DELAY_MS );
		expect( requests ).toHaveLength( 2 );
		requests[ 1 ]!.resolve( 72 );
		requests[ 0 ]!.resolve( 40 );
		await Promise.resolve();
		await Promise.resolve();
		expect( results ).toEqual( [ 72 ] );
	} );

	it( 'does not send the same text twice, but tries again after a failure', async () => {
		const { analyzer, reads, requests, results, errors } = harness();
		analyzer.now();
		expect( requests ).toHaveLength( 1 );
		requests[ 0 ]!.reject( new Error( 'offline' ) );
		await Promise.resolve();
		expect( errors ).toHaveLength( 1 );
		// A store change that did not change the text (a selection, say).
		analyzer.changed();
		jest.advanceTimersByTime( ANALYZE_DELAY_MS );
		expect( requests ).toHaveLength( 2 );
		requests[ 1 ]!.resolve( 55 );
		await Promise.resolve();
		expect( results ).toEqual( [ 55 ] );
		analyzer.changed();
		jest.advanceTimersByTime( ANALYZE_DELAY_MS );
		expect( reads ).toHaveLength( 3 );
		expect( requests ).toHaveLength( 2 );
	} );

	it( 'stops after dispose: no timer fires and late answers are ignored', async () => {
		const { analyzer, type, requests, results } = harness();
		analyzer.now();
		type( 'x' );
		analyzer.dispose();
		jest.advanceTimersByTime( ANALYZE_DELAY_MS * 2 );
		expect( requests ).toHaveLength( 1 );
		requests[ 0 ]!.resolve( 90 );
		await Promise.resolve();
		expect( results ).toEqual( [] );
	} );
} );

describe( 'fingerprint', () => {
	it( 'tells texts apart by content and length, and is stable', () => {
		const long = 'word '.repeat( 10_000 );
		expect( fingerprint( long ) ).toBe(
			fingerprint( 'word '.repeat( 10_000 ) )
		);
		expect( fingerprint( long ) ).not.toBe( fingerprint( long + 'x' ) );
		expect( fingerprint( 'ab' ) ).not.toBe( fingerprint( 'ba' ) );
		expect( fingerprint( long ).length ).toBeLessThan( 20 );
	} );
} );

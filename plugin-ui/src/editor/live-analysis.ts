/**
 * The editor's live analysis, without the editor paying for it: changes
 * only restart a timer (no serializing, no request, no React render per
 * keystroke); when the writer pauses, the post is read once and analyzed on
 * the server. An answer that arrives after a newer request started is
 * dropped, so the panel never goes back to an older score.
 */

/** How long after the last change the post is analyzed. */
export const ANALYZE_DELAY_MS = 800;

export interface LiveAnalyzerOptions< Input, Result > {
	/** Reads what to analyze (the expensive part: serializing the post); called only when the timer fires. */
	read: () => Input;
	/** Asks the server. */
	analyze: ( input: Input ) => Promise< Result >;
	onResult: ( result: Result ) => void;
	onError: ( error: unknown ) => void;
	/** Told when an analysis starts (for a “Checking…” line); optional. */
	onStart?: () => void;
	/** Milliseconds of quiet before analyzing. */
	delay?: number;
	/** Identifies an input, so unchanged text is not sent twice. */
	keyOf?: ( input: Input ) => string;
	setTimer?: ( run: () => void, ms: number ) => unknown;
	clearTimer?: ( timer: unknown ) => void;
}

export interface LiveAnalyzer {
	/** Something changed: analyze after the next pause. Cheap; call it on every store change. */
	changed: () => void;
	/** Analyze now (the panel opening, a retry). */
	now: () => void;
	/** Stops the timer and ignores answers still on their way. */
	dispose: () => void;
}

/**
 * Creates the debounced analyzer.
 * @param options What to read, how to analyze and where results go.
 */
export function createLiveAnalyzer< Input, Result >(
	options: LiveAnalyzerOptions< Input, Result >
): LiveAnalyzer {
	const {
		read,
		analyze,
		onResult,
		onError,
		onStart,
		delay = ANALYZE_DELAY_MS,
		keyOf = ( input: Input ) => JSON.stringify( input ),
		setTimer = ( run, ms ) => setTimeout( run, ms ),
		clearTimer = ( timer ) =>
			clearTimeout( timer as ReturnType< typeof setTimeout > ),
	} = options;
	let timer: unknown = null;
	let sequence = 0;
	let lastKey: string | null = null;
	let disposed = false;

	const run = () => {
		timer = null;
		if ( disposed ) {
			return;
		}
		const input = read();
		const key = keyOf( input );
		if ( key === lastKey ) {
			return;
		}
		lastKey = key;
		const mine = ++sequence;
		onStart?.();
		analyze( input ).then(
			( result ) => {
				if ( ! disposed && mine === sequence ) {
					onResult( result );
				}
			},
			( error: unknown ) => {
				if ( ! disposed && mine === sequence ) {
					// Let the same text be tried again after a failure.
					lastKey = null;
					onError( error );
				}
			}
		);
	};

	return {
		changed: () => {
			if ( disposed ) {
				return;
			}
			if ( timer !== null ) {
				clearTimer( timer );
			}
			timer = setTimer( run, delay );
		},
		now: () => {
			if ( timer !== null ) {
				clearTimer( timer );
				timer = null;
			}
			lastKey = null;
			run();
		},
		dispose: () => {
			disposed = true;
			if ( timer !== null ) {
				clearTimer( timer );
			}
			timer = null;
		},
	};
}

/**
 * A short fingerprint of a long text (a polynomial hash of its characters,
 * with its length): the analyzer compares inputs by key, and a
 * 10,000-word post should not be kept twice to do so.
 * @param text Any text.
 */
export function fingerprint( text: string ): string {
	const MODULUS = 4_294_967_291; // The largest prime below 2^32: products stay exact in a double.
	let hash = 0;
	for ( let index = 0; index < text.length; index++ ) {
		hash = ( hash * 31 + text.charCodeAt( index ) ) % MODULUS;
	}
	return `${ text.length }:${ hash.toString( 36 ) }`;
}

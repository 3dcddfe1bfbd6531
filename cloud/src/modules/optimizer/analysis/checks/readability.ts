/**
 * The readability checks, with Yoast's thresholds and scores (yoastseo's
 * `scoring/assessments/readability`); docs/optimizer-checks.md has the
 * table. They read prose paragraphs only: headings, code, scripts and
 * styles are not sentences a reader reads.
 */
import type { OptimizerCheck } from '@igny8/shared-types';
import { plural, result, type Context } from '../context';
import { hasTransition, isPassive } from '../english';
import type { Sentence } from '../tokens';

const readability = (
	id: Parameters< typeof result >[ 0 ],
	score: number,
	message: string,
	fix?: string
) => result( id, 'readability', score, message, fix );

const percent = ( part: number, whole: number ) =>
	whole === 0 ? 0 : Math.round( ( part / whole ) * 1000 ) / 10;

const notAvailable = (
	id: Parameters< typeof result >[ 0 ],
	what: string,
	fix: string
) =>
	readability(
		id,
		6,
		`${ what } is not available for this language yet.`,
		fix
	);

/** Yoast's minimum for a meaningful analysis: 50 characters of prose. */
const MIN_CHARACTERS = 50;

function proseCharacters( ctx: Context ): number {
	return ctx.paragraphs.reduce(
		( sum, block ) => sum + block.text.length,
		0
	);
}

/**
 * With (almost) no text there is nothing to judge; a check that would
 * otherwise find "no long sentences" says so instead of passing.
 */
function tooLittle(
	ctx: Context,
	id: Parameters< typeof result >[ 0 ]
): OptimizerCheck | null {
	return proseCharacters( ctx ) < MIN_CHARACTERS
		? readability(
				id,
				3,
				'There is not enough text to check this.',
				'Write at least a few sentences.'
			)
		: null;
}

/** Flesch reading ease bands: 60+ good, 50–60 ok, below 50 bad. */
export function fleschReadingEase( ctx: Context ): OptimizerCheck {
	const { score } = ctx.flesch;
	if ( ! ctx.language.flesch ) {
		return notAvailable(
			'flesch_reading_ease',
			'Flesch reading ease',
			'Prefer short sentences and common words.'
		);
	}
	if ( score === null ) {
		return readability(
			'flesch_reading_ease',
			6,
			'The text is too short for a Flesch reading ease score (50 words or more).',
			'Write at least 50 words of prose.'
		);
	}
	const band =
		score >= 90
			? 'very easy'
			: score >= 80
				? 'easy'
				: score >= 70
					? 'fairly easy'
					: score >= 60
						? 'ok'
						: score >= 50
							? 'fairly difficult'
							: score >= 30
								? 'difficult'
								: 'very difficult';
	const found = `The text scores ${ score } in the Flesch reading ease test (${ ctx.language.flesch.name }), which is ${ band } to read`;
	if ( score >= 60 ) {
		return readability( 'flesch_reading_ease', 9, `${ found }.` );
	}
	return readability(
		'flesch_reading_ease',
		score >= 50 ? 6 : 3,
		`${ found }.`,
		'Use shorter sentences and shorter, more common words.'
	);
}

/** Sentences over 20 words: at most 25 % (up to 30 % ok). */
export function sentenceLength( ctx: Context ): OptimizerCheck {
	const empty = tooLittle( ctx, 'sentence_length' );
	if ( empty ) {
		return empty;
	}
	const total = ctx.sentences.length;
	const long = ctx.sentences.filter( ( s ) => s.words.length > 20 ).length;
	const share = percent( long, total );
	const found = `${ share } % of the sentences have more than 20 words`;
	if ( share <= 25 ) {
		return readability( 'sentence_length', 9, `${ found }. Good.` );
	}
	return readability(
		'sentence_length',
		share <= 30 ? 6 : 3,
		`${ found }, more than the recommended maximum of 25 %.`,
		'Split long sentences in two.'
	);
}

/** Paragraphs over 150 words (over 200 is bad). */
export function paragraphLength( ctx: Context ): OptimizerCheck {
	const empty = tooLittle( ctx, 'paragraph_length' );
	if ( empty ) {
		return empty;
	}
	// A loop, not Math.max( ...lengths ): a 2 MB post can hold more paragraphs than a call has arguments.
	let longest = 0;
	let tooLong = 0;
	for ( const block of ctx.paragraphs ) {
		longest = Math.max( longest, block.wordCount );
		if ( block.wordCount > 150 ) {
			tooLong += 1;
		}
	}
	if ( tooLong === 0 ) {
		return readability(
			'paragraph_length',
			9,
			'No paragraph is longer than 150 words.'
		);
	}
	return readability(
		'paragraph_length',
		longest > 200 ? 3 : 6,
		`${ plural( tooLong, 'paragraph has', 'paragraphs have' ) } more than 150 words (the longest has ${ longest }).`,
		'Break long paragraphs up: one idea per paragraph.'
	);
}

/** Words under one subheading (or before the first): at most 300, 350 tolerated. */
export function subheadingDistribution( ctx: Context ): OptimizerCheck {
	const empty = tooLittle( ctx, 'subheading_distribution' );
	if ( empty ) {
		return empty;
	}
	let longest = 0;
	let current = 0;
	let headings = 0;
	for ( const block of ctx.prose ) {
		if ( block.kind === 'heading' ) {
			headings += 1;
			longest = Math.max( longest, current );
			current = 0;
		} else {
			current += block.wordCount;
		}
	}
	longest = Math.max( longest, current );
	const fix = 'Add subheadings so no section runs longer than 300 words.';
	if ( headings === 0 ) {
		return ctx.wordCount <= 300
			? readability(
					'subheading_distribution',
					9,
					'There are no subheadings, but the text is short enough not to need them.'
				)
			: readability(
					'subheading_distribution',
					2,
					`The text has ${ plural( ctx.wordCount, 'word', 'words' ) } and no subheadings.`,
					fix
				);
	}
	const found = `The longest section has ${ plural( longest, 'word', 'words' ) }`;
	if ( longest <= 300 ) {
		return readability( 'subheading_distribution', 9, `${ found }. Good.` );
	}
	return readability(
		'subheading_distribution',
		longest <= 350 ? 6 : 3,
		`${ found }, more than the recommended 300.`,
		fix
	);
}

/** Sentences in the passive voice: at most 10 % (15 % ok). English only so far. */
export function passiveVoice( ctx: Context ): OptimizerCheck {
	if ( ctx.language.code !== 'en' ) {
		return notAvailable(
			'passive_voice',
			'The passive voice check',
			'Prefer the active voice: say who does what.'
		);
	}
	const empty = tooLittle( ctx, 'passive_voice' );
	if ( empty ) {
		return empty;
	}
	const total = ctx.sentences.length;
	const passive = ctx.sentences.filter( ( s ) =>
		isPassive( s.words )
	).length;
	const share = percent( passive, total );
	const found = `${ share } % of the sentences are in the passive voice`;
	if ( share <= 10 ) {
		return readability( 'passive_voice', 9, `${ found }. Good.` );
	}
	return readability(
		'passive_voice',
		share <= 15 ? 6 : 3,
		`${ found }, more than the recommended maximum of 10 %.`,
		'Rewrite passive sentences in the active voice: say who does what.'
	);
}

/** Sentences with a transition word: 30 % good, 20–30 % ok; texts under 200 words are exempt. */
export function transitionWords( ctx: Context ): OptimizerCheck {
	if ( ctx.language.code !== 'en' ) {
		return notAvailable(
			'transition_words',
			'The transition words check',
			'Link sentences with transition words where the thought turns.'
		);
	}
	const empty = tooLittle( ctx, 'transition_words' );
	if ( empty ) {
		return empty;
	}
	const total = ctx.sentences.length;
	const withTransition = ctx.sentences.filter( ( s ) =>
		hasTransition( s.words )
	).length;
	const share = percent( withTransition, total );
	const found = `${ share } % of the sentences contain a transition word`;
	if ( ctx.wordCount < 200 ) {
		return readability(
			'transition_words',
			9,
			`${ found }; the text is short enough not to need them.`
		);
	}
	if ( share >= 30 ) {
		return readability( 'transition_words', 9, `${ found }. Good.` );
	}
	return readability(
		'transition_words',
		share >= 20 ? 6 : 3,
		`${ found }, fewer than the recommended 30 %.`,
		'Link sentences with transition words: however, therefore, for example, as a result.'
	);
}

/** Determiners and numbers: a sentence's beginning is taken as its first two words then. */
const WEAK_BEGINNINGS = new Set( [
	'a',
	'an',
	'the',
	'this',
	'that',
	'these',
	'those',
	'one',
	'two',
	'three',
	'four',
	'five',
	'six',
	'seven',
	'eight',
	'nine',
	'ten',
	'my',
	'your',
	'his',
	'her',
	'its',
	'our',
	'their',
] );

function beginningOf( sentence: Sentence, english: boolean ): string {
	const first = sentence.words[ 0 ]?.text ?? '';
	if (
		english &&
		WEAK_BEGINNINGS.has( first ) &&
		sentence.words.length > 1
	) {
		return `${ first } ${ sentence.words[ 1 ]!.text }`;
	}
	return first;
}

/** Three or more sentences in a row starting with the same word(s). */
export function consecutiveSentences( ctx: Context ): OptimizerCheck {
	const empty = tooLittle( ctx, 'consecutive_sentences' );
	if ( empty ) {
		return empty;
	}
	const english = ctx.language.code === 'en';
	let runs = 0;
	let worst = '';
	let worstLength = 0;
	for ( const block of ctx.paragraphs ) {
		let previous = '';
		let length = 0;
		const close = () => {
			if ( length >= 3 ) {
				runs += 1;
				if ( length > worstLength ) {
					worstLength = length;
					worst = previous;
				}
			}
		};
		for ( const sentence of block.sentences ) {
			const beginning = beginningOf( sentence, english );
			if ( beginning !== '' && beginning === previous ) {
				length += 1;
			} else {
				close();
				previous = beginning;
				length = 1;
			}
		}
		close();
	}
	if ( runs === 0 ) {
		return readability(
			'consecutive_sentences',
			9,
			'No three sentences in a row start with the same word.'
		);
	}
	return readability(
		'consecutive_sentences',
		3,
		`${ plural( runs, 'time', 'times' ) } three or more sentences in a row start alike (${ worstLength } start with “${ worst }”).`,
		'Vary how consecutive sentences begin.'
	);
}

/** Enough text to analyze: 50 characters (Yoast's minimum). */
export function textPresence( ctx: Context ): OptimizerCheck {
	if ( proseCharacters( ctx ) < MIN_CHARACTERS ) {
		return readability(
			'text_presence',
			3,
			'There is far too little text to analyze.',
			'Write at least a few sentences.'
		);
	}
	return readability(
		'text_presence',
		9,
		'There is enough text to analyze.'
	);
}

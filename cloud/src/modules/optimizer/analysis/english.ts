/**
 * English word lists for the readability checks, written for this project
 * from standard grammar references (irregular verb tables, lists of
 * conjunctive adverbs and transitional expressions). Other languages have
 * none yet; their checks say so.
 */
import type { Word } from './tokens';

/** Forms of "be" and "get" that build a passive ("is written", "got fired"). */
const AUXILIARIES = new Set( [
	'am',
	'is',
	'are',
	'was',
	'were',
	'be',
	'been',
	'being',
	"isn't",
	"aren't",
	"wasn't",
	"weren't",
	"it's",
	"that's",
	'get',
	'gets',
	'got',
	'gotten',
	'getting',
] );

/** Words that may sit between the auxiliary and the participle ("was not always read"). */
const BETWEEN = new Set( [
	'not',
	'never',
	'also',
	'always',
	'already',
	'often',
	'just',
	'still',
	'then',
	'now',
	'being',
	'been',
	'really',
	'usually',
	'sometimes',
	'rarely',
	'easily',
	'quickly',
	'widely',
	'only',
	'even',
	'all',
	'both',
	'each',
] );

/** Irregular past participles (from the standard irregular-verb tables). */
const IRREGULAR = new Set(
	`arisen awoken borne born beaten become begun bent bet bidden bitten bled blown
	broken bred brought built burnt burst bought cast caught chosen clung come cost
	crept cut dealt dug done drawn dreamt drunk driven eaten fallen fed felt fought
	found fled flung flown forbidden forecast forgotten forgiven forsaken frozen given
	gone ground grown hung had heard hidden hit held hurt kept knelt known laid led
	leant learnt left lent let lain lit lost made meant met mistaken paid proven put
	quit read rid ridden rung risen run sawn said seen sought sold sent set sewn
	shaken shed shone shot shown shrunk shut sung sunk sat slain slept slid slung
	slit smelt sown spoken sped spelt spent spilt spun spat split spoilt spread
	sprung stood stolen stuck stung stunk strewn stridden struck strung striven sworn
	swept swollen swum swung taken taught torn told thought thrown thrust trodden
	understood undertaken undone upset woken worn woven wed wept won wound withdrawn
	withheld withstood wrung written`.split( /\s+/ )
);

/** "-ed" words that are adjectives or nouns after "be", not passives ("is interested" reads active). */
const NOT_PARTICIPLES = new Set( [
	'bed',
	'need',
	'seed',
	'feed',
	'speed',
	'red',
	'shed',
	'wed',
	'indeed',
	'hundred',
	'sacred',
	'naked',
	'wicked',
	'ragged',
	'rugged',
	'tired',
	'interested',
	'excited',
	'bored',
	'pleased',
	'worried',
	'scared',
	'supposed',
	'used',
	'married',
	'dead',
] );

/** Whether a sentence's words contain a passive construction. */
export function isPassive( words: readonly Word[] ): boolean {
	for ( let i = 0; i < words.length - 1; i++ ) {
		if ( ! AUXILIARIES.has( words[ i ]!.text ) ) {
			continue;
		}
		for ( let j = i + 1; j < words.length && j <= i + 4; j++ ) {
			const word = words[ j ]!.text;
			if (
				BETWEEN.has( word ) ||
				( word.endsWith( 'ly' ) && word.length > 4 )
			) {
				continue;
			}
			if (
				IRREGULAR.has( word ) ||
				( word.length > 4 &&
					word.endsWith( 'ed' ) &&
					! NOT_PARTICIPLES.has( word ) )
			) {
				return true;
			}
			break;
		}
	}
	return false;
}

/** One-word transitions: conjunctive adverbs and linking words. */
const TRANSITIONS = new Set(
	`accordingly additionally afterward afterwards also alternatively although
	besides because consequently conversely currently eventually finally first
	firstly formerly further furthermore hence however indeed initially instead
	lastly later likewise meanwhile moreover namely nevertheless next nonetheless
	notably otherwise overall particularly previously rather second secondly
	similarly since specifically subsequently then therefore third thirdly thus
	ultimately unlike whereas while yet`.split( /\s+/ )
);

/** Multi-word transitional expressions, matched as whole word sequences. */
const TRANSITION_PHRASES =
	`as a result|as a consequence|for example|for instance|in addition|
	in contrast|in conclusion|in fact|in other words|in short|in summary|on the other hand|
	on the contrary|to begin with|to sum up|as well as|as long as|as soon as|even though|
	after all|above all|at first|at last|at the same time|by contrast|by the way|
	due to|because of|in particular|in general|in the end|first of all|so that|
	such as|that is|to illustrate|with this in mind|all in all|not only|in order to|
	as shown|in the meantime|until now|up to now|of course`
		.split( '|' )
		.map( ( phrase ) => phrase.trim().split( /\s+/ ) );

/** Whether a sentence's words contain a transition word or expression. */
export function hasTransition( words: readonly Word[] ): boolean {
	for ( let i = 0; i < words.length; i++ ) {
		const word = words[ i ]!.text;
		if ( TRANSITIONS.has( word ) ) {
			return true;
		}
		for ( const phrase of TRANSITION_PHRASES ) {
			if ( phrase[ 0 ] !== word || i + phrase.length > words.length ) {
				continue;
			}
			let all = true;
			for ( let k = 1; k < phrase.length; k++ ) {
				if ( words[ i + k ]!.text !== phrase[ k ] ) {
					all = false;
					break;
				}
			}
			if ( all ) {
				return true;
			}
		}
	}
	return false;
}

import { performance } from 'node:perf_hooks';
import { analyze } from '../src/modules/optimizer/analysis';
import { mobyDickHtml } from './optimizer-corpus';
import {
	benchOwner,
	report,
	runBench,
	startBenchCloud,
	type BenchCloud,
} from './support';

/**
 * The Optimizer's analysis of the same 2,000- and 10,000-word texts
 * (Moby-Dick, optimizer-corpus.ts): our `POST /api/v1/optimizer/analyze/`
 * on a real cloud, HTTP round trip included, against yoastseo's content and
 * SEO assessors run in this process on the same text and fields. The value
 * is how many times faster we are (median against median); the target is
 * 10×. yoastseo is GPL and a devDependency: loaded here only.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const yoast = require( 'yoastseo' ) as {
	Paper: new (
		text: string,
		attributes: Record< string, unknown >
	) => object;
	ContentAssessor: new ( researcher: object ) => {
		assess( paper: object ): void;
		getValidResults(): unknown[];
	};
	SeoAssessor: new ( researcher: object ) => {
		assess( paper: object ): void;
		getValidResults(): unknown[];
	};
};
const EnglishResearcher = (
	require( 'yoastseo/build/languageProcessing/languages/en/Researcher' ) as {
		default: new ( paper: object ) => object;
	}
 ).default;
/* eslint-enable @typescript-eslint/no-require-imports */

const SIZES = [ 2000, 10000 ];
const FIELDS = {
	title: 'The white whale: Ishmael goes to sea on the Pequod',
	keyphrase: 'white whale',
	synonyms: [ 'leviathan' ],
	meta_description:
		'Ishmael signs on to the Pequod, a whaler out of Nantucket, and learns what drives its captain across the oceans in search of the white whale.',
	slug: 'white-whale',
	locale: 'en_US',
};

const median = ( times: number[] ) =>
	[ ...times ].sort( ( a, b ) => a - b )[ Math.floor( times.length / 2 ) ]!;

/** Milliseconds of each of `runs` calls, after `warmup` unmeasured ones (the JIT's share). */
async function timeRuns(
	runs: number,
	warmup: number,
	call: () => unknown
): Promise< number[] > {
	for ( let i = 0; i < warmup; i++ ) {
		await call();
	}
	const times: number[] = [];
	for ( let i = 0; i < runs; i++ ) {
		const started = performance.now();
		await call();
		times.push( performance.now() - started );
	}
	return times;
}

/** Everything yoastseo's editor integration runs on a change: a Paper, its researcher, both assessors. */
function yoastAnalysis( html: string ): void {
	const paper = new yoast.Paper( html, {
		keyword: FIELDS.keyphrase,
		synonyms: FIELDS.synonyms.join( ',' ),
		title: FIELDS.title,
		description: FIELDS.meta_description,
		slug: FIELDS.slug,
		locale: FIELDS.locale,
		permalink: `https://bench.example/${ FIELDS.slug }/`,
	} );
	const researcher = new EnglishResearcher( paper );
	const content = new yoast.ContentAssessor( researcher );
	const seo = new yoast.SeoAssessor( researcher );
	content.assess( paper );
	seo.assess( paper );
	if (
		content.getValidResults().length === 0 ||
		seo.getValidResults().length === 0
	) {
		throw new Error( 'yoastseo assessed nothing' );
	}
}

/** A site-scoped session, as the WordPress plugin holds one: the site's key traded for a token. */
async function siteSession(
	cloud: BenchCloud,
	owner: { siteId: number; auth: Record< string, string > }
): Promise< Record< string, string > > {
	const key = ( await (
		await fetch(
			`${ cloud.url }/api/v1/auth/sites/${ owner.siteId }/api-keys/`,
			{
				method: 'POST',
				headers: { ...owner.auth, 'content-type': 'application/json' },
				body: JSON.stringify( { name: 'Bench WordPress' } ),
			}
		)
	).json() ) as { data: { key: string } };
	const session = await fetch( `${ cloud.url }/api/v1/auth/site-session/`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'X-IGNY8-API-Key': key.data.key,
		},
		body: JSON.stringify( {
			wp_user: { id: 1, login: 'bench', display_name: 'Bench' },
			role: 'admin',
		} ),
	} );
	if ( ! session.ok ) {
		throw new Error( `site session: HTTP ${ session.status }` );
	}
	const { data } = ( await session.json() ) as { data: { access: string } };
	return { authorization: `Bearer ${ data.access }` };
}

runBench( async () => {
	const cloud = await startBenchCloud();
	try {
		const owner = await benchOwner( cloud, 'Bench Optimizer' );
		const auth = await siteSession( cloud, owner );
		// Every HTTP measurement first: a pause longer than the server's keep-alive (yoastseo takes
		// seconds) would leave fetch a closed socket to send the next POST on.
		const measured: {
			words: number;
			html: string;
			http: number;
			inProcess: number;
		}[] = [];
		for ( const words of SIZES ) {
			const html = mobyDickHtml( words );
			const body = JSON.stringify( { ...FIELDS, html } );
			const overHttp = async () => {
				const response = await fetch(
					`${ cloud.url }/api/v1/optimizer/analyze/`,
					{
						method: 'POST',
						headers: {
							...auth,
							'content-type': 'application/json',
						},
						body,
					}
				);
				const answer = ( await response.json() ) as {
					data?: { checks: unknown[] };
				};
				if ( ! response.ok || ! answer.data?.checks.length ) {
					throw new Error(
						`analyze: HTTP ${ response.status } ${ JSON.stringify( answer ).slice( 0, 300 ) }`
					);
				}
			};
			const http = median( await timeRuns( 30, 5, overHttp ) );
			const inProcess = median(
				await timeRuns( 30, 5, () =>
					analyze( {
						html,
						title: FIELDS.title,
						keyphrase: FIELDS.keyphrase,
						synonyms: FIELDS.synonyms,
						metaDescription: FIELDS.meta_description,
						slug: FIELDS.slug,
						locale: FIELDS.locale,
						siteUrl: 'https://bench.example',
						previousUses: [],
					} )
				)
			);
			measured.push( { words, html, http, inProcess } );
		}
		for ( const { words, html, http, inProcess } of measured ) {
			const theirs = median(
				await timeRuns( words > 5000 ? 3 : 5, 1, () =>
					yoastAnalysis( html )
				)
			);
			const line = {
				name: `optimizer.analyze_${ words }_words.speedup`,
				value: Number( ( theirs / http ).toFixed( 1 ) ),
				unit: '×',
				baseline:
					'yoastseo ContentAssessor + SeoAssessor on the same text in this process, divided by our POST /api/v1/optimizer/analyze/ (HTTP round trip, site session); target ≥ 10×',
				baseline_value: 10,
				ours_http_ms: Number( http.toFixed( 1 ) ),
				ours_function_ms: Number( inProcess.toFixed( 1 ) ),
				yoast_ms: Number( theirs.toFixed( 1 ) ),
			};
			report( line );
		}
	} finally {
		await cloud.stop();
	}
} );

import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { OPTIMIZER_CHECKS } from '@igny8/shared-types';
import {
	AI_ENV,
	balance,
	closedLedger,
	finished,
	grant,
	promptOf,
} from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import { deliverEvents, startTestCloud, type TestCloud } from './support';

/**
 * The Optimizer's API over a real PostgreSQL and the fake AI provider:
 * analysis of text and of saved drafts, the score history of saved
 * revisions (kept by the `optimizer.score` subscriber too), the dashboard's
 * scores, and AI fixes that wait as revisions until accepted — charged
 * once, refunded when they fail, never applied over a later edit.
 */

const WEAK_DRAFT = [
	'<p>This is a draft. It is short.</p>',
	'<p>It was written quickly by someone. It says little.</p>',
].join( '' );

const paragraph = ( topic: string, n: number ) =>
	`<p>Tomato seeds sprout quickly when the soil stays warm. ${ topic } matters for sturdy seedlings, so check it every morning. Water gently from below and keep the lid on until the first leaves open. Step ${ n } takes about a week.</p>`;
const GOOD_HTML = [
	paragraph( 'Light', 1 ),
	'<h2>Sowing tomato seeds indoors</h2>',
	...[ 'Warmth', 'Moisture', 'Air', 'Depth', 'Timing', 'Spacing' ].map(
		( topic, n ) => paragraph( topic, n + 2 )
	),
	'<h2>Moving tomato seeds on</h2>',
	...[ 'Hardening', 'Feeding' ].map( ( topic, n ) =>
		paragraph( topic, n + 8 )
	),
	'<h2>When seedlings struggle</h2>',
	paragraph( 'Potting', 10 ),
	'<p>Read more in <a href="https://example.test/compost/">our compost guide</a> and the <a href="https://extension.example.org/tomatoes">extension notes</a>.</p>',
].join( '' );

const REVISED = {
	title: 'Grow tomatoes from seed: a simple guide',
	meta_description:
		'Grow tomato seeds indoors in six weeks: warmth, light and water explained step by step, so every seedling comes up sturdy and ready to plant out.',
	content_html: `<p>Tomato seeds are easy to grow at home.</p>${ GOOD_HTML }`,
};

describe( 'the optimizer', () => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;

	const post = ( path: string, body: object, as: Tenant = tenant ) =>
		request( cloud.app )
			.post( `/api/v1/optimizer/${ path }` )
			.set( bearer( as.owner ) )
			.send( body );
	const get = ( path: string, as: Tenant = tenant ) =>
		request( cloud.app )
			.get( `/api/v1/optimizer/${ path }` )
			.set( bearer( as.owner ) );
	const addDraft = async ( fields: Record< string, unknown > ) =>
		(
			await request( cloud.app )
				.post( '/api/v1/writer/content/' )
				.set( bearer( tenant.owner ) )
				.send( { sector_id: tenant.sectorId, ...fields } )
				.expect( 201 )
		).body.data as { id: number };
	const stored = async ( id: number ) =>
		( await cloud.context.models.Content.findByPk( id ) )!;
	const revisionCount = async () =>
		Number(
			(
				( await cloud.context.db.sequelize.query(
					'SELECT count(*) AS n FROM optimizer_revisions',
					{ plain: true }
				) ) as { n: string }
			 ).n
		);
	/** The history once the `optimizer.score` subscriber has had every event. */
	const scored = async ( contentId: number ) => {
		await deliverEvents( cloud );
		return (
			await get( `history/?content_id=${ contentId }` ).expect( 200 )
		).body;
	};
	const checkOf = (
		analysis: { checks: { id: string; rating: string }[] },
		id: string
	) => analysis.checks.find( ( check ) => check.id === id )!;

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			AI_ENV( openai )
		);
		tenant = await addTenant( cloud, 'Optimizer' );
		other = await addTenant( cloud, 'Optimizer elsewhere' );
		await grant( cloud, tenant, 500 );
	} );
	beforeEach( () => openai.reset() );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	describe( 'analysis', () => {
		it( 'analyzes text it is sent with every check, and keeps nothing', async () => {
			const response = await post( 'analyze/', {
				html: GOOD_HTML,
				title: 'Tomato seeds: how to grow them indoors',
				keyphrase: 'tomato seeds',
				meta_description:
					'Grow tomato seeds indoors: warmth, light and water explained step by step so every seedling comes up sturdy and ready for the garden.',
				slug: 'grow-tomato-seeds',
				site_id: tenant.siteId,
			} ).expect( 200 );
			const analysis = response.body.data;
			expect(
				analysis.checks.map( ( c: { id: string } ) => c.id )
			).toEqual( [ ...OPTIMIZER_CHECKS ] );
			expect( analysis.history_id ).toBeNull();
			expect( analysis.keyphrase ).toBe( 'tomato seeds' );
			expect( analysis.word_count ).toBeGreaterThan( 300 );
			expect( analysis.flesch_reading_ease ).toEqual(
				expect.any( Number )
			);
			for ( const id of [
				'keyphrase_in_title',
				'keyphrase_in_introduction',
				'keyphrase_in_slug',
				'keyphrase_in_subheadings',
				'internal_links',
				'outbound_links',
			] ) {
				expect( [ id, checkOf( analysis, id ).rating ] ).toEqual( [
					id,
					'good',
				] );
			}
			// The site's address decides which link is internal.
			const elsewhere = await post( 'analyze/', {
				html: GOOD_HTML,
				title: 'How to grow tomato seeds indoors',
				keyphrase: 'tomato seeds',
			} ).expect( 200 );
			expect(
				checkOf( elsewhere.body.data, 'internal_links' ).rating
			).not.toBe( 'good' );
			const [ kept ] = ( await cloud.context.db.sequelize.query(
				'SELECT count(*)::int AS n FROM optimizer_analyses'
			) ) as [ { n: number }[], unknown ];
			expect( kept[ 0 ]!.n ).toBe( 0 );
		} );

		it( 'refuses bad input and another account’s content, in the envelope', async () => {
			const nothing = await post( 'analyze/', { title: 'x' } ).expect(
				400
			);
			expect( nothing.body ).toMatchObject( {
				success: false,
				code: 'validation_error',
				errors: { html: [ 'send html to analyze, or a content_id' ] },
			} );
			await post( 'analyze/', { html: 5 } ).expect( 400 );
			await post( 'analyze/', {
				html: '<p>x</p>',
				locale: 'not a locale!',
			} ).expect( 400 );
			await post( 'analyze/', { html: '<p>x</p>', extra: true } ).expect(
				400
			);
			const draft = await addDraft( {
				title: 'Mine',
				content_html: WEAK_DRAFT,
			} );
			const foreign = await post(
				'analyze/',
				{ content_id: draft.id },
				other
			).expect( 404 );
			expect( foreign.body.code ).toBe( 'not_found' );
			await get( `history/?content_id=${ draft.id }`, other ).expect(
				404
			);
			const site = await post( 'analyze/', {
				html: '<p>x</p>',
				site_id: other.siteId,
			} ).expect( 400 );
			expect( site.body.errors.site_id ).toEqual( [
				`site ${ other.siteId } does not exist`,
			] );
		} );

		it( 'keeps one history entry per saved revision, also without anyone asking', async () => {
			const draft = await addDraft( {
				title: 'Grow tomato seeds',
				content_html: WEAK_DRAFT,
				attributes: { focus_keyphrase: 'tomato seeds' },
			} );
			const first = await post( 'analyze/', {
				content_id: draft.id,
			} ).expect( 200 );
			expect( first.body.data.history_id ).toEqual(
				expect.any( Number )
			);
			expect( first.body.data.keyphrase ).toBe( 'tomato seeds' );
			// The same revision again: the same entry.
			const again = await post( 'analyze/', {
				content_id: draft.id,
			} ).expect( 200 );
			expect( again.body.data.history_id ).toBe(
				first.body.data.history_id
			);
			await request( cloud.app )
				.patch( `/api/v1/writer/content/${ draft.id }/` )
				.set( bearer( tenant.owner ) )
				.send( { content_html: GOOD_HTML } )
				.expect( 200 );
			// The subscriber scores the new revision from the writer's event.
			const history = await scored( draft.id );
			expect( history.count ).toBe( 2 );
			const [ newest, oldest ] = history.results;
			expect( newest.revision ).toBe( oldest.revision + 1 );
			expect( newest.score ).toBeGreaterThan( oldest.score );
			expect( oldest.failing ).toContain( 'text_length' );
			expect( newest.failing ).not.toContain( 'text_length' );
			// Delivering again adds nothing: one entry per revision.
			expect( ( await scored( draft.id ) ).count ).toBe( 2 );
		} );

		it( 'names the site’s other post that already targets the keyphrase', async () => {
			const first = await addDraft( {
				title: 'Pruning roses in spring',
				content_html: WEAK_DRAFT,
				attributes: { focus_keyphrase: 'Pruning roses' },
			} );
			const second = await addDraft( {
				title: 'Rose pruning mistakes',
				content_html: WEAK_DRAFT,
				attributes: { focus_keyphrase: 'pruning roses' },
			} );
			const analysis = (
				await post( 'analyze/', { content_id: second.id } ).expect(
					200
				)
			).body.data;
			const check = analysis.checks.find(
				( c: { id: string } ) => c.id === 'previously_used_keyphrase'
			);
			expect( check.rating ).not.toBe( 'good' );
			expect( check.message ).toContain( 'Pruning roses in spring' );
			// Editing the first post itself does not count it against itself… but counts the second.
			const own = (
				await post( 'analyze/', {
					content_id: first.id,
					html: WEAK_DRAFT,
					keyphrase: 'pruning roses',
				} ).expect( 200 )
			).body.data;
			expect( checkOf( own, 'previously_used_keyphrase' ) ).toMatchObject(
				{
					rating: 'ok',
				}
			);
			const fresh = (
				await post( 'analyze/', {
					html: WEAK_DRAFT,
					keyphrase: 'grafting apple trees',
					site_id: tenant.siteId,
				} ).expect( 200 )
			).body.data;
			expect( checkOf( fresh, 'previously_used_keyphrase' ).rating ).toBe(
				'good'
			);
		} );

		it( 'lists every content with its latest score, filtered by rating', async () => {
			const weak = await addDraft( {
				title: 'A weak one',
				content_html: WEAK_DRAFT,
			} );
			await scored( weak.id );
			const all = await get(
				`scores/?site_id=${ tenant.siteId }&page_size=100`
			).expect( 200 );
			const row = all.body.results.find(
				( r: { content_id: number } ) => r.content_id === weak.id
			);
			expect( row ).toMatchObject( {
				title: 'A weak one',
				pending_revision_id: null,
			} );
			expect( row.rating ).not.toBe( 'good' );
			expect( row.score ).toBeLessThan( 70 );
			const good = await get(
				`scores/?site_id=${ tenant.siteId }&rating=good&page_size=100`
			).expect( 200 );
			expect(
				good.body.results.every(
					( r: { score: number } ) => r.score >= 70
				)
			).toBe( true );
			expect(
				good.body.results.some(
					( r: { content_id: number } ) => r.content_id === weak.id
				)
			).toBe( false );
			await get( 'scores/?rating=great' ).expect( 400 );
			// The dashboard's figures agree with the list, in one request.
			const summary = (
				await get( `summary/?site_id=${ tenant.siteId }` ).expect( 200 )
			).body.data;
			const rows = all.body.results as {
				rating: string | null;
				score: number | null;
			}[];
			expect( summary ).toMatchObject( {
				total: all.body.count,
				good: rows.filter( ( r ) => r.rating === 'good' ).length,
				ok: rows.filter( ( r ) => r.rating === 'ok' ).length,
				bad: rows.filter( ( r ) => r.rating === 'bad' ).length,
				unanalyzed: rows.filter( ( r ) => r.rating === null ).length,
			} );
			const scoredRows = rows.filter( ( r ) => r.score !== null );
			expect( summary.average ).toBe(
				Math.round(
					scoredRows.reduce( ( sum, r ) => sum + r.score!, 0 ) /
						scoredRows.length
				)
			);
			await get( `summary/?site_id=${ other.siteId }` ).expect( 400 );
			const theirs = await get( 'scores/?page_size=100', other ).expect(
				200
			);
			expect( theirs.body.count ).toBe( 0 );
		} );
	} );

	describe( 'AI fixes', () => {
		it( 'proposes a revision, charged once, and changes the draft only when accepted', async () => {
			const draft = await addDraft( {
				title: 'Grow tomato seeds',
				content_html: WEAK_DRAFT,
				attributes: { focus_keyphrase: 'tomato seeds' },
			} );
			const estimate = await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( tenant.owner ) )
				.send( {
					function: 'optimize_content',
					input: {
						content_ids: [ draft.id ],
						check_ids: [
							'text_length',
							'keyphrase_in_introduction',
						],
					},
				} )
				.expect( 200 );
			expect( estimate.body.data.credits ).toBeGreaterThanOrEqual( 1 );
			openai.fallback( 'chat', () => ( { content: REVISED } ) );
			const before = await balance( cloud, tenant );
			const started = await post( 'fix/', {
				content_id: draft.id,
				check_ids: [ 'text_length', 'keyphrase_in_introduction' ],
			} ).expect( 202 );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			expect( run.status ).toBe( 'succeeded' );
			expect( run.credits_reserved ).toBe( estimate.body.data.credits );
			const prompt = promptOf( openai.received( 'chat' )[ 0 ]!.body );
			expect( prompt ).toContain( 'Focus keyphrase: tomato seeds' );
			expect( prompt ).toContain( '- text_length:' );
			expect( prompt ).toContain( '- keyphrase_in_introduction:' );
			expect( prompt ).not.toContain( '- passive_voice:' );

			// The draft is as it was; the revision waits.
			expect( ( await stored( draft.id ) ).content_html ).toBe(
				WEAK_DRAFT
			);
			const listed = await get(
				`revisions/?content_id=${ draft.id }&status=proposed`
			).expect( 200 );
			expect( listed.body.count ).toBe( 1 );
			const revision = listed.body.results[ 0 ];
			expect( revision ).toMatchObject( {
				content_id: draft.id,
				run_id: run.id,
				status: 'proposed',
				check_ids: [ 'keyphrase_in_introduction', 'text_length' ],
				title: REVISED.title,
				meta_description: REVISED.meta_description,
			} );
			expect( revision.score_after ).toBeGreaterThan(
				revision.score_before
			);
			const ledger = await closedLedger( cloud, run.id );
			expect( ledger.map( ( [ type ] ) => type ) ).toEqual( [
				'reserve',
				'settle',
			] );
			expect( before - ( await balance( cloud, tenant ) ) ).toBe(
				run.credits_charged
			);
			const scores = await get( `scores/?search=Grow%20tomato` ).expect(
				200
			);
			expect(
				scores.body.results.find(
					( r: { content_id: number } ) => r.content_id === draft.id
				).pending_revision_id
			).toBe( revision.id );

			const accepted = await post(
				`revisions/${ revision.id }/accept/`,
				{}
			).expect( 200 );
			expect( accepted.body.data ).toMatchObject( {
				id: draft.id,
				title: REVISED.title,
				meta_description: REVISED.meta_description,
			} );
			expect( ( await stored( draft.id ) ).content_html ).toContain(
				'Tomato seeds are easy to grow at home.'
			);
			const twice = await post(
				`revisions/${ revision.id }/accept/`,
				{}
			).expect( 409 );
			expect( twice.body.code ).toBe( 'conflict' );
			expect(
				( await get( `revisions/${ revision.id }/` ).expect( 200 ) )
					.body.data.status
			).toBe( 'accepted' );
		} );

		it( 'never accepts over an edit made after the proposal, and a rejection changes nothing', async () => {
			const draft = await addDraft( {
				title: 'Sow basil',
				content_html: WEAK_DRAFT,
				attributes: { focus_keyphrase: 'sow basil' },
			} );
			openai.fallback( 'chat', () => ( { content: REVISED } ) );
			const first = await post( 'fix/', {
				content_id: draft.id,
				check_ids: [ 'text_length' ],
			} ).expect( 202 );
			await finished( cloud, tenant, first.body.data.run_id );
			const [ proposed ] = (
				await get( `revisions/?content_id=${ draft.id }` ).expect( 200 )
			).body.results;
			await request( cloud.app )
				.patch( `/api/v1/writer/content/${ draft.id }/` )
				.set( bearer( tenant.owner ) )
				.send( { content_html: '<p>My own edit.</p>' } )
				.expect( 200 );
			const refused = await post(
				`revisions/${ proposed.id }/accept/`,
				{}
			).expect( 409 );
			expect( refused.body.error ).toContain( 'edited after' );
			expect( ( await stored( draft.id ) ).content_html ).toBe(
				'<p>My own edit.</p>'
			);
			expect(
				( await get( `revisions/${ proposed.id }/` ) ).body.data.status
			).toBe( 'proposed' );
			const rejected = await post(
				`revisions/${ proposed.id }/reject/`,
				{}
			).expect( 200 );
			expect( rejected.body.data.status ).toBe( 'rejected' );
			expect( ( await stored( draft.id ) ).content_html ).toBe(
				'<p>My own edit.</p>'
			);
			await post( `revisions/${ proposed.id }/reject/`, {} ).expect(
				409
			);
			await post(
				`revisions/${ proposed.id }/accept/`,
				{},
				other
			).expect( 404 );
		} );

		it( 'refunds a fix whose answer never validates and proposes nothing', async () => {
			const draft = await addDraft( {
				title: 'Grow chillies',
				content_html: WEAK_DRAFT,
			} );
			openai.fallback( 'chat', () => ( { content: { nope: true } } ) );
			const before = await balance( cloud, tenant );
			const revisions = await revisionCount();
			const started = await post( 'fix/', {
				content_id: draft.id,
				check_ids: [ 'text_length' ],
			} ).expect( 202 );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			expect( run.status ).toBe( 'failed' );
			const ledger = await closedLedger( cloud, run.id );
			expect( ledger.map( ( [ type ] ) => type ) ).toEqual( [
				'reserve',
				'refund',
			] );
			expect( await balance( cloud, tenant ) ).toBe( before );
			expect( await revisionCount() ).toBe( revisions );
			expect( ( await stored( draft.id ) ).content_html ).toBe(
				WEAK_DRAFT
			);
		} );

		it( 'refuses checks a rewrite cannot fix and unknown drafts, before any charge', async () => {
			const draft = await addDraft( {
				title: 'x',
				content_html: WEAK_DRAFT,
			} );
			const before = await balance( cloud, tenant );
			const slug = await post( 'fix/', {
				content_id: draft.id,
				check_ids: [ 'keyphrase_in_slug', 'previously_used_keyphrase' ],
			} ).expect( 400 );
			expect( slug.body.errors.check_ids[ 0 ] ).toContain(
				'keyphrase_in_slug, previously_used_keyphrase'
			);
			await post( 'fix/', {
				content_id: draft.id,
				check_ids: [],
			} ).expect( 400 );
			await post( 'fix/', {
				content_id: draft.id,
				check_ids: [ 'made_up' ],
			} ).expect( 400 );
			const foreign = await post(
				'fix/',
				{ content_id: draft.id, check_ids: [ 'text_length' ] },
				other
			).expect( 400 );
			expect(
				foreign.body.errors.input ?? foreign.body.errors.content_ids
			).toBeDefined();
			expect( await balance( cloud, tenant ) ).toBe( before );
			expect( openai.received( 'chat' ) ).toHaveLength( 0 );
		} );

		it( 'optimizes a selection within a credit cap, leaving out what the cap does not cover', async () => {
			const drafts = [];
			for ( const n of [ 1, 2, 3, 4 ] ) {
				drafts.push(
					await addDraft( {
						title: `Bulk draft ${ n }`,
						content_html: WEAK_DRAFT,
						attributes: { focus_keyphrase: 'tomato seeds' },
					} )
				);
			}
			const ids = drafts.map( ( d ) => d.id );
			const quote = async ( count: number ) =>
				(
					await request( cloud.app )
						.post( '/api/v1/billing/estimate/' )
						.set( bearer( tenant.owner ) )
						.send( {
							function: 'optimize_content',
							input: { content_ids: ids.slice( 0, count ) },
						} )
						.expect( 200 )
				).body.data.credits as number;
			const cap = await quote( 2 );
			expect( await quote( 3 ) ).toBeGreaterThan( cap );
			const tooSmall = await post( 'bulk/', {
				content_ids: ids,
				credit_cap: 0,
			} ).expect( 400 );
			expect( tooSmall.body.code ).toBe( 'validation_error' );
			openai.fallback( 'chat', () => ( { content: REVISED } ) );
			const before = await balance( cloud, tenant );
			const started = await post( 'bulk/', {
				content_ids: ids,
				credit_cap: cap,
			} ).expect( 202 );
			expect( started.body.data ).toMatchObject( {
				content_ids: ids.slice( 0, 2 ),
				left_out: ids.slice( 2 ),
				credits_reserved: cap,
			} );
			const run = await finished(
				cloud,
				tenant,
				started.body.data.run_id
			);
			expect( run.status ).toBe( 'succeeded' );
			expect( run.output_summary.revision_ids ).toHaveLength( 2 );
			expect( run.credits_charged ).toBeLessThanOrEqual( cap );
			expect( before - ( await balance( cloud, tenant ) ) ).toBe(
				run.credits_charged
			);
			for ( const id of ids.slice( 0, 2 ) ) {
				expect( ( await stored( id ) ).content_html ).toBe(
					WEAK_DRAFT
				);
			}
			const proposed = await get(
				'revisions/?status=proposed&page_size=100'
			);
			const covered = proposed.body.results.map(
				( r: { content_id: number } ) => r.content_id
			);
			expect( covered ).toEqual(
				expect.arrayContaining( ids.slice( 0, 2 ) )
			);
			expect( covered ).not.toContain( ids[ 2 ] );
		} );
	} );
} );

import { startFakeOpenAI } from '@igny8/test-harness';
import { benchOwner, report, runBench, startBenchCloud } from './support';

/**
 * Bulk optimization of 1,000 drafts as one run, with the fake provider
 * answering at once: the optimizer's own cost per draft (analysis before and
 * after, prompt, validation, the proposed revision) over the same number of
 * bare provider round trips made in the same run — and the credits charged
 * against the estimate shown before the run (they must be equal: every
 * draft needs a rewrite, and a run never charges more than it reserved).
 */

const DRAFTS = Number( process.env.BENCH_OPTIMIZER_DRAFTS ?? 1000 );

const WEAK = '<p>This draft is short. It was written in a hurry.</p>';
const REVISED = {
	title: 'Tomato seeds: a short guide to sowing them indoors',
	meta_description:
		'Sow tomato seeds indoors six weeks before the last frost: warmth, light and water explained, so every seedling comes up sturdy and ready to plant.',
	content_html: `<p>Tomato seeds sprout in a week when the soil stays warm.</p>${ '<p>Keep the tray in a bright window and water it from below so the seeds stay put. Turn it each day so the seedlings grow straight.</p>'.repeat( 20 ) }`,
};

runBench( async () => {
	const openai = await startFakeOpenAI();
	openai.fallback( 'chat', () => ( { content: REVISED } ) );
	const cloud = await startBenchCloud( {
		workers: true,
		env: {
			OPENAI_API_KEY: 'sk-bench',
			OPENAI_BASE_URL: openai.url,
			// The fake provider, exactly; every other internal address stays refused.
			IGNY8_OUTBOUND_ALLOW: new URL( openai.url ).host,
		},
	} );
	const { models, services } = cloud.context;
	try {
		const owner = await benchOwner( cloud, 'Optimizer bulk bench' );
		const sector = await models.Sector.create( {
			account_id: owner.accountId,
			site_id: owner.siteId,
			name: 'Bench',
			industry_sector_id: null,
		} );
		const drafts = await models.Content.bulkCreate(
			Array.from( { length: DRAFTS }, ( _, i ) => ( {
				account_id: owner.accountId,
				site_id: owner.siteId,
				sector_id: sector.id,
				task_id: null,
				title: `Tomato seeds, part ${ i + 1 }`,
				content_html: WEAK,
				content_plain:
					'This draft is short. It was written in a hurry.',
				attributes: { focus_keyphrase: 'tomato seeds' },
			} ) )
		);
		const ids = drafts.map( ( row ) => Number( row.id ) );
		await services.credits.add(
			owner.accountId,
			DRAFTS * 100,
			'grant',
			'Bench credits',
			'bench-grant'
		);
		const api = async ( path: string, body: object ) => {
			const response = await fetch( `${ cloud.url }/api/v1${ path }`, {
				method: 'POST',
				headers: { ...owner.auth, 'content-type': 'application/json' },
				body: JSON.stringify( body ),
			} );
			const json = ( await response.json() ) as { data: any };
			if ( ! response.ok ) {
				throw new Error( `${ path }: ${ JSON.stringify( json ) }` );
			}
			return json.data;
		};

		// The floor: the same number of provider round trips, nothing else.
		const floorStarted = performance.now();
		for ( let i = 0; i < DRAFTS; i++ ) {
			await fetch( `${ openai.url }/chat/completions`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					authorization: 'Bearer sk-bench',
				},
				body: JSON.stringify( {
					model: 'gpt-4o-mini',
					messages: [ { role: 'user', content: WEAK } ],
				} ),
			} );
		}
		const floor = ( performance.now() - floorStarted ) / 1000;

		const estimate = await api( '/billing/estimate/', {
			function: 'optimize_content',
			input: { content_ids: ids, min_score: 70 },
		} );
		const started = performance.now();
		const bulk = await api( '/optimizer/bulk/', {
			content_ids: ids,
			credit_cap: estimate.credits,
			min_score: 70,
		} );
		let run = await models.AiTaskRun.findByPk( bulk.run_id );
		while (
			run &&
			! [ 'succeeded', 'failed', 'cancelled' ].includes( run.status )
		) {
			await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
			run = await models.AiTaskRun.findByPk( bulk.run_id );
		}
		const elapsed = ( performance.now() - started ) / 1000;
		const summary = run?.output_summary as {
			revision_ids?: number[];
		} | null;
		if (
			run?.status !== 'succeeded' ||
			summary?.revision_ids?.length !== DRAFTS
		) {
			throw new Error(
				`the bulk run ended ${ run?.status } with ${ summary?.revision_ids?.length ?? 0 } of ${ DRAFTS } revisions: ${ run?.error ?? '' }`
			);
		}
		report( {
			name: `cloud.optimizer_bulk_${ DRAFTS }.seconds`,
			value: Number( elapsed.toFixed( 2 ) ),
			unit: 's',
			baseline: `${ DRAFTS } bare round trips to the same fake provider, in the same run`,
			baseline_value: Number( floor.toFixed( 2 ) ),
		} );
		report( {
			name: `cloud.optimizer_bulk_${ DRAFTS }.credits_charged`,
			value: run.credits_charged ?? 0,
			unit: 'credits',
			baseline:
				'the estimate shown before the run (POST /billing/estimate/)',
			baseline_value: estimate.credits,
		} );
	} finally {
		await cloud.stop();
		await openai.close();
	}
} );

/**
 * The product's promise, driven the way the wp-admin screens drive it: a
 * WordPress user's site session (minted by the plugin) calls the cloud API,
 * keyword → cluster → idea → task → draft → image prompts → images → publish,
 * then the post is read back from WordPress (title, HTML, terms, featured
 * image in the media library) and an edit made in WordPress is followed back
 * to the cloud. One driver for every shape the product runs in: `npm start`
 * (Playground on SQLite, PGlite, inline queue) and the test stack (php -S on
 * MariaDB, PostgreSQL, Redis).
 */
import type {
	FakeOpenAI,
	FakeRequest,
	WpRestClient,
} from '@igny8/test-harness';

type Envelope< T > = {
	success: boolean;
	data: T;
	message?: string;
	error?: string;
};

type ListPage< T > = { count: number; results: T[] };

type Run = {
	id: number;
	status: string;
	error?: string | null;
	credits_charged?: number | null;
};

export interface PipelineTarget {
	cloudUrl: string;
	/** An administrator's WordPress session (cookie + REST nonce). */
	wordpress: WpRestClient;
	/**
	 * Makes WordPress send its outbox now, the way the site itself would
	 * (a cron run); the step that follows an edit waits for the cloud after it.
	 */
	runCron(): Promise< void >;
	/** How long a step may wait for the cloud or WordPress (Playground is slow). */
	stepTimeoutMs: number;
	/** Called once the post is published in WordPress (a benchmark's clock). */
	onPublished?(): void;
}

export interface PipelineResult {
	contentId: number;
	postId: number;
	postUrl: string;
	title: string;
	/** The post's HTML as stored in WordPress. */
	html: string;
	editedTitle: string;
	featuredAlt: string;
	categories: string[];
	tags: string[];
	creditsBefore: number;
	creditsAfter: number;
	/** Every AI run the pipeline made, oldest first. */
	runs: { function_name: string; credits_charged: number }[];
}

const KEYWORDS = [
	{ keyword: 'tomato seeds', search_volume: 900 },
	{ keyword: 'tomato seedlings', search_volume: 500 },
	{ keyword: 'growing tomato seeds', search_volume: 300 },
	{ keyword: 'rose pruning', search_volume: 800 },
	{ keyword: 'pruning roses', search_volume: 400 },
	{ keyword: 'rose pruning shears', search_volume: 200 },
];

const schemaName = ( request: FakeRequest ): string | undefined =>
	request.body?.response_format?.json_schema?.name;

const promptOf = ( request: FakeRequest ): string =>
	( ( request.body?.messages ?? [] ) as { content: string }[] )
		.map( ( message ) => message.content )
		.join( '\n' );

/**
 * The fake provider's answers for every structured step the pipeline takes,
 * told apart by the json_schema name the cloud asks for (or, in JSON mode,
 * by the prompt).
 */
export function scriptPipelineProvider( openai: FakeOpenAI ): void {
	openai.fallback( 'chat', ( request ) => {
		const name = schemaName( request );
		const prompt = promptOf( request );
		if ( name === 'content_ideas' || /content ideas/i.test( prompt ) ) {
			const cluster =
				/Cluster: ([^\n—]+)/.exec( prompt )?.[ 1 ]?.trim() ??
				'the garden';
			return {
				content: {
					ideas: [
						{
							title: `The complete guide to ${ cluster }`,
							description: `Everything a beginner needs about ${ cluster }.`,
							content_type: 'post',
							target_word_count: 1200,
							suggested_keywords: [ cluster ],
						},
					],
				},
			};
		}
		if ( name === 'image_prompts' || /art director/i.test( prompt ) ) {
			return {
				content: {
					featured: {
						prompt: 'A sunlit vegetable garden with young tomato plants in terracotta pots',
						alt_text:
							'Young tomato plants in pots on a sunny patio',
					},
					in_article: [
						{
							prompt: 'Close-up of hands pruning a rose bush with garden shears',
							alt_text: 'Pruning a rose bush with shears',
						},
					],
				},
			};
		}
		const title =
			/titled "([^"]+)"/.exec( prompt )?.[ 1 ] ?? 'A garden article';
		return {
			content: {
				title,
				content_html: `<h2>${ title }</h2><p>Step one: start small.</p><h2>Tools</h2><p>Sharp shears and good soil.</p>`,
				excerpt: `A short guide: ${ title }.`,
				meta_description: `Learn ${ title.toLowerCase() }.`,
				categories: [ 'Guides' ],
				tags: [ 'garden' ],
			},
		};
	} );
}

async function poll< T >(
	what: string,
	timeoutMs: number,
	probe: () => Promise< T | undefined >
): Promise< T > {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while ( Date.now() < deadline ) {
		try {
			const value = await probe();
			if ( value !== undefined ) {
				return value;
			}
		} catch ( error ) {
			last = error;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
	}
	throw new Error(
		`${ what }: not within ${ timeoutMs / 1000 } s${
			last ? ` (last error: ${ ( last as Error ).message })` : ''
		}`
	);
}

/** The cloud API as the wp-admin screens call it: with the plugin's site session. */
class SiteSession {
	private token = '';
	siteId = 0;

	constructor( private readonly target: PipelineTarget ) {}

	async open(): Promise< void > {
		const minted = await this.target.wordpress.post< {
			token: string;
			site_id: number;
		} >( 'igny8/v1/session' );
		if ( minted.status !== 200 ) {
			throw new Error(
				`POST igny8/v1/session answered ${ minted.status }: ${ minted.text }`
			);
		}
		this.token = minted.body.token;
		this.siteId = minted.body.site_id;
	}

	async call< T >(
		method: string,
		path: string,
		body?: unknown,
		expected: number[] = [ 200, 201, 202 ]
	): Promise< T > {
		const response = await fetch(
			`${ this.target.cloudUrl }/api/v1${ path }`,
			{
				method,
				headers: {
					authorization: `Bearer ${ this.token }`,
					...( body === undefined
						? {}
						: { 'content-type': 'application/json' } ),
				},
				body: body === undefined ? undefined : JSON.stringify( body ),
			}
		);
		const text = await response.text();
		if ( ! expected.includes( response.status ) ) {
			throw new Error(
				`${ method } ${ path } answered ${ response.status }: ${ text }`
			);
		}
		return JSON.parse( text ) as T;
	}

	async data< T >(
		method: string,
		path: string,
		body?: unknown
	): Promise< T > {
		return ( await this.call< Envelope< T > >( method, path, body ) ).data;
	}

	async list< T >( path: string ): Promise< T[] > {
		return ( await this.call< ListPage< T > >( 'GET', path ) ).results;
	}

	/** Starts an AI action and waits for its run to succeed. */
	async runAi( path: string, body: unknown ): Promise< Run > {
		const { run_id: runId } = await this.data< { run_id: number } >(
			'POST',
			path,
			body
		);
		const run = await poll(
			`run ${ runId } (${ path })`,
			this.target.stepTimeoutMs,
			async () => {
				const current = await this.data< Run >(
					'GET',
					`/system/ai-runs/${ runId }/`
				);
				return [ 'succeeded', 'failed', 'cancelled' ].includes(
					current.status
				)
					? current
					: undefined;
			}
		);
		if ( run.status !== 'succeeded' ) {
			throw new Error(
				`${ path } ended ${ run.status }: ${ run.error ?? '(no error)' }`
			);
		}
		return run;
	}

	async balance(): Promise< number > {
		return (
			await this.data< { credits: number } >( 'GET', '/billing/balance/' )
		).credits;
	}
}

type WpPost = {
	id: number;
	link: string;
	status: string;
	title: { raw?: string; rendered: string };
	content: { raw?: string; rendered: string };
	categories: number[];
	tags: number[];
	featured_media: number;
};

/** Runs the whole pipeline against `target`; throws at the first step that does not do its job. */
export async function runPipeline(
	target: PipelineTarget
): Promise< PipelineResult > {
	const session = new SiteSession( target );
	await session.open();
	const creditsBefore = await session.balance();
	const [ sector ] = await session.list< { id: number } >(
		`/auth/sectors/?site_id=${ session.siteId }`
	);
	if ( ! sector ) {
		throw new Error( 'The connected site has no sector to work in.' );
	}

	// Plan.
	await session.data( 'POST', '/planner/keywords/bulk_create/', {
		sector_id: sector.id,
		keywords: KEYWORDS,
	} );
	await session.runAi( '/planner/keywords/auto_cluster/', {
		sector_id: sector.id,
		method: 'lexical',
	} );
	const clusters = await session.list< { id: number; name: string } >(
		`/planner/clusters/?sector_id=${ sector.id }`
	);
	if ( clusters.length < 2 ) {
		throw new Error(
			`Lexical clustering made ${ clusters.length } clusters of two clear topics.`
		);
	}
	const [ cluster ] = clusters;
	await session.runAi( '/planner/clusters/generate_ideas/', {
		ids: [ cluster!.id ],
		ideas_per_cluster: 1,
	} );
	const ideas = await session.list< { id: number; idea_title: string } >(
		`/planner/ideas/?sector_id=${ sector.id }`
	);
	const { tasks } = await session.data< { tasks: { id: number }[] } >(
		'POST',
		'/planner/ideas/bulk_to_tasks/',
		{ ids: ideas.map( ( idea ) => idea.id ) }
	);
	const task = tasks[ 0 ];
	if ( ! task ) {
		throw new Error( 'Approving the ideas made no writer task.' );
	}

	// Write, then illustrate.
	await session.runAi( '/writer/tasks/generate_content/', {
		ids: [ task.id ],
	} );
	const [ content ] = await session.list< {
		id: number;
		title: string;
	} >( `/writer/content/?sector_id=${ sector.id }&task_id=${ task.id }` );
	if ( ! content ) {
		throw new Error( 'Generating content saved no draft for the task.' );
	}
	await session.runAi( '/writer/tasks/generate_image_prompts/', {
		ids: [ task.id ],
		in_article_images: 1,
	} );
	await session.runAi( '/writer/tasks/generate_images/', {
		ids: [ task.id ],
	} );
	const images = await session.list< {
		id: number;
		is_featured: boolean;
		image_url: string | null;
		alt_text: string;
	} >( `/writer/images/?sector_id=${ sector.id }&task_id=${ task.id }` );
	const featured = images.find( ( image ) => image.is_featured );
	if (
		! featured?.image_url ||
		images.some( ( image ) => ! image.image_url )
	) {
		throw new Error(
			`Images were not all drawn: ${ JSON.stringify( images ) }`
		);
	}

	// Publish.
	await session.data( 'POST', '/publisher/publish/', {
		content_ids: [ content.id ],
		status: 'publish',
	} );
	type PublishingRecord = {
		status: string;
		post_id: number | null;
		post_url: string | null;
		last_error: string | null;
		last_pushed_hash: string | null;
		remote_hash: string | null;
	};
	const latestRecord = async () =>
		(
			await session.list< PublishingRecord >(
				`/publisher/publishing-records/?site_id=${ session.siteId }&content_id=${ content.id }`
			)
		)[ 0 ];
	const record = await poll(
		'the publishing record to settle',
		target.stepTimeoutMs,
		async () => {
			const latest = await latestRecord();
			if ( latest?.status === 'failed' ) {
				throw new Error(
					`Publishing failed: ${ latest.last_error ?? '(no error)' }`
				);
			}
			if ( latest?.status === 'published' ) {
				return latest;
			}
			throw new Error( `the record is ${ JSON.stringify( latest ) }` );
		}
	);
	target.onPublished?.();
	const postId = Number( record.post_id );

	// The post in WordPress, as WordPress itself reports it.
	const post = await target.wordpress.get< WpPost >(
		`wp/v2/posts/${ postId }`,
		{ context: 'edit' }
	);
	if ( post.status !== 200 ) {
		throw new Error( `WordPress has no post ${ postId }: ${ post.text }` );
	}
	const terms = async ( taxonomy: string, ids: number[] ) =>
		ids.length === 0
			? []
			: (
					await target.wordpress.get< { name: string }[] >(
						`wp/v2/${ taxonomy }`,
						{ include: ids.join( ',' ) }
					)
				).body.map( ( term ) => term.name );
	const media = await target.wordpress.get< {
		alt_text: string;
		media_type: string;
		source_url: string;
	} >( `wp/v2/media/${ post.body.featured_media }`, { context: 'edit' } );

	// An edit made in WordPress reaches the cloud.
	const editedTitle = `${ post.body.title.raw ?? content.title } (edited in WordPress)`;
	const edit = await target.wordpress.post( `wp/v2/posts/${ postId }`, {
		title: editedTitle,
	} );
	if ( edit.status !== 200 ) {
		throw new Error( `Editing the post failed: ${ edit.text }` );
	}
	// The plugin reports the edited post; the cloud then holds WordPress's
	// new content hash next to the one it pushed (what the conflict check reads).
	await poll(
		'the WordPress edit to reach the cloud',
		target.stepTimeoutMs,
		async () => {
			await target.runCron();
			const latest = await latestRecord();
			return latest?.remote_hash &&
				latest.remote_hash !== record.last_pushed_hash
				? latest
				: undefined;
		}
	);

	return {
		contentId: content.id,
		postId,
		postUrl: post.body.link,
		title: post.body.title.raw ?? post.body.title.rendered,
		html: post.body.content.raw ?? post.body.content.rendered,
		editedTitle,
		featuredAlt: media.status === 200 ? media.body.alt_text : '',
		categories: await terms( 'categories', post.body.categories ),
		tags: await terms( 'tags', post.body.tags ),
		creditsBefore,
		creditsAfter: await session.balance(),
		runs: (
			await session.list< {
				function_name: string;
				credits_charged: number;
			} >(
				`/system/ai-runs/?site_id=${ session.siteId }&ordering=created_at`
			)
		).map( ( { function_name, credits_charged } ) => ( {
			function_name,
			credits_charged,
		} ) ),
	};
}

/**
 * What a finished pipeline must have produced, wherever it ran: the article
 * with its terms and featured image in WordPress, and credits charged only
 * by the runs that called the model (lexical clustering is free).
 */
export function expectPipelineOutcome( result: PipelineResult ): void {
	expect( result.title ).toMatch( /^The complete guide to / );
	expect( result.html ).toContain( 'Step one: start small.' );
	expect( result.categories ).toEqual( [ 'Guides' ] );
	expect( result.tags ).toEqual( [ 'garden' ] );
	expect( result.featuredAlt ).toBe(
		'Young tomato plants in pots on a sunny patio'
	);
	expect( result.runs.map( ( run ) => run.function_name ) ).toEqual( [
		'auto_cluster',
		'generate_ideas',
		'generate_content',
		'generate_image_prompts',
		'generate_images',
	] );
	expect( result.runs[ 0 ]!.credits_charged ).toBe( 0 );
	expect(
		result.runs.slice( 1 ).every( ( run ) => run.credits_charged > 0 )
	).toBe( true );
	expect( result.creditsBefore - result.creditsAfter ).toBe(
		result.runs.reduce( ( sum, run ) => sum + run.credits_charged, 0 )
	);
}

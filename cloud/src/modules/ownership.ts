/**
 * Who writes which table. A table has one owner: the module (or the
 * cross-cutting part of cloud/src) whose service is the only code that
 * inserts, updates or deletes its rows; everyone else asks that service.
 * test/table-ownership.test.ts holds every write in cloud/src to this map.
 */

/** A module under modules/, or a cross-cutting folder that keeps its own tables. */
export type TableOwner =
	| 'auth'
	| 'billing'
	| 'integration'
	| 'planner'
	| 'publisher'
	| 'system'
	| 'tenancy'
	| 'writer'
	| 'linker'
	| 'optimizer'
	| 'site-builder'
	| 'automation'
	| 'ai'
	| 'domain-events'
	| 'audit'
	| 'jobs'
	| 'storage';

/** Every table the migrations create, by owner. */
export const TABLE_OWNERS = {
	accounts: 'tenancy',
	users: 'tenancy',
	// Accepting one makes a user in the same transaction: the users' owner keeps both.
	invites: 'tenancy',
	sites: 'tenancy',
	sectors: 'tenancy',
	industries: 'tenancy',
	industry_sectors: 'tenancy',

	refresh_tokens: 'auth',
	site_api_keys: 'auth',
	site_key_requests: 'auth',
	account_request_stats: 'auth',

	plans: 'billing',
	credit_transactions: 'billing',
	ai_function_prices: 'billing',
	site_credit_caps: 'billing',

	keywords: 'planner',
	keyword_imports: 'planner',
	keyword_import_problems: 'planner',
	clusters: 'planner',
	cluster_keywords: 'planner',
	content_ideas: 'planner',

	tasks: 'writer',
	content: 'writer',
	images: 'writer',

	site_integrations: 'integration',
	site_posts: 'integration',
	site_terms: 'integration',
	integration_events: 'integration',

	publishing_records: 'publisher',

	linker_documents: 'linker',
	linker_phrases: 'linker',
	linker_term_counts: 'linker',
	linker_links: 'linker',
	linker_suggestions: 'linker',
	linker_rebuilds: 'linker',
	linker_settings: 'linker',
	optimizer_analyses: 'optimizer',
	optimizer_revisions: 'optimizer',
	site_blueprints: 'site-builder',
	site_blueprint_pages: 'site-builder',
	site_blueprint_versions: 'site-builder',
	site_blueprint_applies: 'site-builder',
	automation_rules: 'automation',
	automation_runs: 'automation',
	automation_steps: 'automation',

	ai_prompts: 'system',
	author_profiles: 'system',
	content_strategies: 'system',
	ai_settings: 'system',

	ai_task_runs: 'ai',
	ai_structured_output_modes: 'ai',

	domain_events: 'domain-events',
	domain_event_cursors: 'domain-events',

	audit_log: 'audit',

	system_heartbeats: 'jobs',
	scheduler_tasks: 'jobs',

	stored_files: 'storage',
	stored_file_chunks: 'storage',
} as const satisfies Record< string, TableOwner >;

export type OwnedTable = keyof typeof TABLE_OWNERS;

/**
 * Writes a non-owner may make, each for a reason that outweighs moving them.
 * `columns`: the only columns it may set (an UPDATE); `insert`: it may add rows.
 */
export type SharedWrite = {
	table: OwnedTable;
	writer: TableOwner;
	columns?: readonly string[];
	insert?: true;
	reason: string;
};

export const SHARED_WRITES: readonly SharedWrite[] = [
	{
		table: 'accounts',
		writer: 'billing',
		columns: [ 'credits', 'updated_at' ],
		reason: 'The balance moves in the same statement as its ledger row, so it cannot overdraw (billing/credits.ts).',
	},
	{
		table: 'domain_events',
		writer: 'ai',
		insert: true,
		reason: "run.finished is appended in the statement that sets the run's final state, so no finished run lacks its event.",
	},
];

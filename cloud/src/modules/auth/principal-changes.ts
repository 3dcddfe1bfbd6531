import type { Sequelize, Transaction } from 'sequelize';

/**
 * The tables a cached principal is read from (or whose rows decide whether
 * its credential is still live). A write to any of them may change who a
 * caller is or whether they may still call.
 */
const PRINCIPAL_TABLES = [
	'users',
	'accounts',
	'sites',
	'site_api_keys',
	'refresh_tokens',
];

const WRITE = new RegExp(
	`\\b(UPDATE|DELETE\\s+FROM|INSERT\\s+INTO|TRUNCATE(?:\\s+TABLE)?)\\s+(?:ONLY\\s+)?"?(${ PRINCIPAL_TABLES.join( '|' ) })"?(?=[\\s(,;]|$)`,
	'gi'
);

/**
 * Columns that record use, not access: sign-in times, a refresh token
 * having been exchanged, a key's last use. Nothing a cached principal is
 * refused or allowed on changes with them, and they are written on every
 * sign-in, refresh and signed call, so they must not empty the cache.
 */
const USE_HINTS = new Set( [
	'last_login',
	'used_at',
	'last_used_at',
	'updated_at',
] );

/**
 * Whether a statement may change a cached principal. Errs towards yes: an
 * UPDATE counts as harmless only when every assignment it makes is
 * recognised as a use hint, and an INSERT only matters when it can update
 * (ON CONFLICT … DO UPDATE), since a new row cannot stale one already read.
 */
export function changesPrincipals( sql: string ): boolean {
	for ( const write of sql.matchAll( WRITE ) ) {
		const verb = ( write[ 1 ] ?? '' ).toUpperCase();
		const changes = verb.startsWith( 'INSERT' )
			? /\bON\s+CONFLICT\b[\s\S]*\bDO\s+UPDATE\b/i.test( sql )
			: verb !== 'UPDATE' ||
				! onlyUseHints( sql.slice( write.index + write[ 0 ].length ) );
		if ( changes ) {
			return true;
		}
	}
	return false;
}

/** `SET "a"=$1,"b"=NOW() WHERE …` → whether every assigned column is a use hint. */
function onlyUseHints( rest: string ): boolean {
	const set =
		/^\s*SET\s+([\s\S]*?)(?:\s+WHERE\b|\s+RETURNING\b|\s+FROM\b|$)/i.exec(
			rest
		);
	if ( ! set ) {
		return false;
	}
	// A comma inside a value (a function call) yields a part that is not
	// `column =`, which counts as a real change: the safe direction.
	return ( set[ 1 ] ?? '' ).split( ',' ).every( ( part ) => {
		const column = /^\s*"?(\w+)"?\s*=/.exec( part )?.[ 1 ];
		return column !== undefined && USE_HINTS.has( column );
	} );
}

/**
 * Calls `changed` for every statement this process runs that may change a
 * cached principal: at once, and again after its transaction commits (a
 * request that read the old rows meanwhile could have cached them), with
 * `committed` true on the call that follows what other processes can see.
 * Every write goes through Sequelize's query(), models and raw SQL alike.
 */
export function watchPrincipalChanges(
	sequelize: Sequelize,
	changed: ( committed: boolean ) => void
): void {
	const pending = new WeakSet< Transaction >();
	sequelize.addHook( 'afterQuery', ( options, query ) => {
		const sql = ( query as { sql?: unknown } ).sql;
		if ( typeof sql !== 'string' || ! changesPrincipals( sql ) ) {
			return;
		}
		const transaction = ( options as { transaction?: Transaction | null } )
			.transaction;
		if ( ! transaction ) {
			changed( true );
			return;
		}
		changed( false );
		if ( ! pending.has( transaction ) ) {
			pending.add( transaction );
			transaction.afterCommit( () => changed( true ) );
		}
	} );
}

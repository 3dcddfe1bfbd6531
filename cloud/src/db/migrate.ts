import pg from 'pg';
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type RunnableMigration } from 'umzug';
import type { Logger } from '../logger';
import { MIGRATIONS } from './migrations';

export type Migration = RunnableMigration< QueryInterface >;

/** Arbitrary, fixed: the advisory lock that serializes migrating processes. */
const MIGRATION_LOCK = 8_808_001;

function migrator( sequelize: Sequelize, logger: Logger ) {
	return new Umzug< QueryInterface >( {
		migrations: MIGRATIONS,
		context: sequelize.getQueryInterface(),
		storage: new SequelizeStorage( {
			sequelize,
			tableName: 'igny8_migrations',
		} ),
		logger: {
			info: ( event ) => logger.info( { migration: event }, 'migration' ),
			warn: ( event ) => logger.warn( { migration: event }, 'migration' ),
			error: ( event ) =>
				logger.error( { migration: event }, 'migration' ),
			debug: ( event ) =>
				logger.debug( { migration: event }, 'migration' ),
		},
	} );
}

/**
 * Applies pending migrations. Several API replicas and workers may start at
 * once: a session advisory lock, held on a connection of its own (outside the
 * pool, which may be a single connection), lets exactly one of them migrate
 * while the others wait and then find nothing to do. PGlite is one process's
 * database, so it needs no lock (and could not serve a second connection).
 */
export async function migrate(
	sequelize: Sequelize,
	logger: Logger,
	options: { lockUrl?: string }
): Promise< string[] > {
	const run = async () =>
		( await migrator( sequelize, logger ).up() ).map( ( m ) => m.name );
	if ( ! options.lockUrl ) {
		return run();
	}
	const lock = new pg.Client( { connectionString: options.lockUrl } );
	await lock.connect();
	try {
		await lock.query( 'SELECT pg_advisory_lock($1)', [ MIGRATION_LOCK ] );
		return await run();
	} finally {
		// Ending the session releases the lock too; unlocking first is just tidy.
		await lock
			.query( 'SELECT pg_advisory_unlock($1)', [ MIGRATION_LOCK ] )
			.catch( () => undefined );
		await lock.end();
	}
}

export async function pendingMigrations(
	sequelize: Sequelize,
	logger: Logger
): Promise< string[] > {
	return ( await migrator( sequelize, logger ).pending() ).map(
		( m ) => m.name
	);
}

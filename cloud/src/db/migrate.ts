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
 * once: a session advisory lock, held on one pooled connection, lets exactly
 * one of them migrate while the others wait and then find nothing to do.
 */
export async function migrate(
	sequelize: Sequelize,
	logger: Logger,
	options: { lock: boolean }
): Promise< string[] > {
	if ( ! options.lock ) {
		return ( await migrator( sequelize, logger ).up() ).map(
			( m ) => m.name
		);
	}
	const pool = sequelize.connectionManager as unknown as {
		getConnection(): Promise< {
			query( sql: string, values?: unknown[] ): Promise< unknown >;
		} >;
		releaseConnection( connection: unknown ): Promise< void >;
	};
	const connection = await pool.getConnection();
	try {
		await connection.query( 'SELECT pg_advisory_lock($1)', [
			MIGRATION_LOCK,
		] );
		return ( await migrator( sequelize, logger ).up() ).map(
			( m ) => m.name
		);
	} finally {
		await connection
			.query( 'SELECT pg_advisory_unlock($1)', [ MIGRATION_LOCK ] )
			.catch( () => undefined );
		await pool.releaseConnection( connection );
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

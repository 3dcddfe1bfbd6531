#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { openDatabase } from './db/connection';
import { migrate, pendingMigrations } from './db/migrate';
import { exitWith } from './fatal';
import { createLogger } from './logger';

const USAGE = `Usage: igny8-cloud <command> [options]

Commands:
  migrate            apply pending database migrations
  migrate --status   list pending migrations without applying them

Options:
  --json             machine-readable output`;

async function main( argv: string[] ): Promise< void > {
	const { positionals, values } = parseArgs( {
		args: argv,
		allowPositionals: true,
		options: {
			json: { type: 'boolean', default: false },
			status: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' },
		},
	} );
	const [ command ] = positionals;
	if ( values.help || ! command ) {
		process.stdout.write( `${ USAGE }\n` );
		process.exitCode = command || values.help ? 0 : 2;
		return;
	}
	const config = loadConfig();
	const logger = createLogger( values.json ? 'silent' : 'warn' );
	const print = ( human: string, data: unknown ) =>
		process.stdout.write(
			values.json ? `${ JSON.stringify( data ) }\n` : `${ human }\n`
		);

	switch ( command ) {
		case 'migrate': {
			const db = await openDatabase( {
				databaseUrl: config.databaseUrl,
				dataDir: config.dataDir,
				poolMax: 2,
				logger,
			} );
			try {
				if ( values.status ) {
					const pending = await pendingMigrations(
						db.sequelize,
						logger
					);
					print(
						pending.length
							? `pending: ${ pending.join( ', ' ) }`
							: 'no pending migrations',
						{ pending }
					);
				} else {
					const applied = await migrate( db.sequelize, logger, {
						lock: db.mode === 'postgres',
					} );
					print(
						applied.length
							? `applied: ${ applied.join( ', ' ) }`
							: 'database is up to date',
						{ applied }
					);
				}
			} finally {
				await db.close();
			}
			return;
		}
		default:
			process.stderr.write(
				`igny8-cloud: unknown command "${ command }"\n${ USAGE }\n`
			);
			process.exitCode = 2;
	}
}

main( process.argv.slice( 2 ) ).catch( exitWith );

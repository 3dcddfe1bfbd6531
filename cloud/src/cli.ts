#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
	emailSchema,
	nameSchema,
	passwordSchema,
	roleSchema,
	urlSchema,
	usernameSchema,
} from '@igny8/shared-types';
import { SYSTEM_ACTOR } from './audit';
import { boot, shutdown } from './boot';
import { loadConfig } from './config';
import type { AppContext } from './context';
import { openDatabase } from './db/connection';
import { migrate, pendingMigrations } from './db/migrate';
import { exitWith } from './fatal';
import { ApiError } from './http/errors';
import { parseInput } from './http/validate';
import { createLogger } from './logger';
import { hashPassword } from './modules/auth';
import {
	serializeAccount,
	serializeSite,
	serializeUser,
} from './modules/tenancy';

const USAGE = `Usage: igny8-cloud <command> [options]   (from the repo root: npm run cloud -- <command>)

Commands:
  migrate [--status]                        apply pending migrations (--status: only list them)
  create-account --name N --email E --password P [--username U] [--plan free|starter|growth|agency] [--credits N]
                                            a new account with its owner
  create-user --account SLUG --email E --password P --role R [--username U]
                                            a user in an account (any role, including developer)
  create-site --account SLUG --name N --url URL
                                            a site in an account (plan limits apply)
  create-api-key --site ID [--name N]       a site API key; the full key is printed once
  top-up --account SLUG --credits N [--note TEXT] [--key KEY]
                                            add credits to an account (--key makes a retry a no-op)
  grant-monthly [--month YYYY-MM]           give every active account its plan's monthly credits for the
                                            month (default: this one, UTC); once per account and month

Options:
  --json                                    machine-readable output`;

const OPTIONS = {
	json: { type: 'boolean', default: false },
	status: { type: 'boolean', default: false },
	help: { type: 'boolean', short: 'h', default: false },
	name: { type: 'string' },
	email: { type: 'string' },
	username: { type: 'string' },
	password: { type: 'string' },
	plan: { type: 'string' },
	credits: { type: 'string' },
	account: { type: 'string' },
	role: { type: 'string' },
	url: { type: 'string' },
	site: { type: 'string' },
	note: { type: 'string' },
	key: { type: 'string' },
	month: { type: 'string' },
} as const;

type Values = ReturnType<
	typeof parseArgs< { options: typeof OPTIONS; allowPositionals: true } >
>[ 'values' ];
type Output = { human: string; data: unknown };

const accountInput = z.object( {
	name: nameSchema,
	email: emailSchema,
	password: passwordSchema,
	username: usernameSchema.optional(),
	plan: z.string().default( 'free' ),
	credits: z.coerce.number().int().min( 0 ).optional(),
} );
const userInput = z.object( {
	account: z.string().min( 1 ),
	email: emailSchema,
	password: passwordSchema,
	role: roleSchema,
	username: usernameSchema.optional(),
} );
const siteInput = z.object( {
	account: z.string().min( 1 ),
	name: nameSchema,
	url: urlSchema,
} );
const keyInput = z.object( {
	site: z.coerce.number().int().positive(),
	name: nameSchema.default( 'WordPress' ),
} );

const topUpInput = z.object( {
	account: z.string().min( 1 ),
	credits: z.coerce.number().int().min( 1 ).max( 100_000_000 ),
	note: z.string().max( 400 ).default( 'Top-up by an administrator' ),
	key: z.string().min( 1 ).max( 120 ).optional(),
} );

const COMMANDS: Record<
	string,
	( context: AppContext, values: Values ) => Promise< Output >
> = {
	async 'create-account'( context, values ) {
		const input = parseInput( accountInput, values, 'body' );
		const { models, db, services } = context;
		const plan = await models.Plan.findOne( {
			where: { slug: input.plan },
		} );
		if ( ! plan ) {
			throw new ApiError(
				'validation_error',
				`Unknown plan "${ input.plan }".`,
				{ plan: [ 'no such plan' ] }
			);
		}
		const passwordHash = await hashPassword( input.password );
		const { account, user } = await db.sequelize.transaction(
			async ( transaction ) => {
				await services.auth.assertIdentityFree(
					input.email,
					input.username ?? input.email,
					transaction
				);
				return services.accounts.open( transaction, {
					name: input.name,
					plan,
					credits: input.credits ?? plan.monthly_credits,
					status: 'active',
					owner: {
						email: input.email,
						username: input.username ?? input.email,
						password_hash: passwordHash,
						last_login: null,
					},
				} );
			}
		);
		return {
			human: `account ${ account.slug } (id ${ account.id }) with owner ${ user.email }`,
			data: {
				account: serializeAccount( account ),
				user: serializeUser( user ),
			},
		};
	},
	async 'create-user'( context, values ) {
		const input = parseInput( userInput, values, 'body' );
		const account = await accountBySlug( context, input.account );
		await context.services.auth.assertIdentityFree(
			input.email,
			input.username ?? input.email
		);
		const user = await context.services.accounts.addUser( account, {
			email: input.email,
			username: input.username ?? input.email,
			password_hash: await hashPassword( input.password ),
			role: input.role,
			is_staff: input.role === 'developer',
			last_login: null,
		} );
		return {
			human: `user ${ user.email } (id ${ user.id }, ${ user.role }) in ${ account.slug }`,
			data: { user: serializeUser( user ) },
		};
	},
	async 'create-site'( context, values ) {
		const input = parseInput( siteInput, values, 'body' );
		const account = await accountBySlug( context, input.account );
		const site = await context.services.sites.create(
			account.id,
			{
				name: input.name,
				wordpress_url: input.url,
				domain: input.url,
			},
			SYSTEM_ACTOR
		);
		return {
			human: `site ${ site.name } (id ${ site.id }) in ${ account.slug }`,
			data: { site: serializeSite( site ) },
		};
	},
	async 'create-api-key'( context, values ) {
		const input = parseInput( keyInput, values, 'body' );
		const site = await context.models.Site.findByPk( input.site );
		if ( ! site ) {
			throw new ApiError(
				'not_found',
				`Site ${ input.site } not found.`
			);
		}
		const key = await context.services.apiKeys.create(
			site,
			input.name,
			null,
			SYSTEM_ACTOR
		);
		return {
			human: `${ key.key }\n(site ${ site.id }; key id ${ key.id }; shown once: store it now)`,
			data: { api_key: key },
		};
	},
};

COMMANDS[ 'top-up' ] = async ( context, values ) => {
	const input = parseInput( topUpInput, values, 'body' );
	const account = await accountBySlug( context, input.account );
	const entry = await context.services.credits.add(
		account.id,
		input.credits,
		'topup',
		input.note,
		input.key ?? `cli-topup-${ randomUUID() }`
	);
	return {
		human: `${ account.slug }: +${ input.credits } credits, balance ${ entry.balance_after }`,
		data: { transaction: entry },
	};
};

COMMANDS[ 'grant-monthly' ] = async ( context, values ) => {
	const report = await context.services.grants.grantMonth( values.month );
	return {
		human: `${ report.month }: ${ report.granted } account(s) granted ${ report.credits } credits; ${ report.already } already had this month's grant; ${ report.skipped } skipped (inactive, or a plan without monthly credits)`,
		data: report,
	};
};

async function accountBySlug( context: AppContext, slug: string ) {
	const account = await context.models.Account.findOne( { where: { slug } } );
	if ( ! account ) {
		throw new ApiError( 'not_found', `Account "${ slug }" not found.` );
	}
	return account;
}

async function main( argv: string[] ): Promise< void > {
	const { positionals, values } = parseArgs( {
		args: argv,
		options: OPTIONS,
		allowPositionals: true,
		strict: true,
	} );
	const [ command ] = positionals;
	if ( values.help || ! command ) {
		process.stdout.write( `${ USAGE }\n` );
		process.exitCode = values.help ? 0 : 2;
		return;
	}
	const config = loadConfig();
	const logger = createLogger( 'warn' );
	const print = ( output: Output ) =>
		process.stdout.write(
			values.json
				? `${ JSON.stringify( output.data ) }\n`
				: `${ output.human }\n`
		);

	if ( command === 'migrate' ) {
		const db = await openDatabase( {
			databaseUrl: config.databaseUrl,
			dataDir: config.dataDir,
			poolMax: 2,
			logger,
		} );
		try {
			if ( values.status ) {
				const pending = await pendingMigrations( db.sequelize, logger );
				print( {
					human: pending.length
						? `pending: ${ pending.join( ', ' ) }`
						: 'no pending migrations',
					data: { pending },
				} );
			} else {
				const applied = await migrate( db.sequelize, logger, {
					lockUrl: config.databaseUrl,
				} );
				print( {
					human: applied.length
						? `applied: ${ applied.join( ', ' ) }`
						: 'database is up to date',
					data: { applied },
				} );
			}
		} finally {
			await db.close();
		}
		return;
	}
	const run = COMMANDS[ command ];
	if ( ! run ) {
		process.stderr.write(
			`igny8-cloud: unknown command "${ command }"\n${ USAGE }\n`
		);
		process.exitCode = 2;
		return;
	}
	const context = await boot( config, logger );
	try {
		print( await run( context, values ) );
	} catch ( error ) {
		if ( ! ( error instanceof ApiError ) ) {
			throw error;
		}
		const fields = Object.entries( error.errors ?? {} ).map(
			( [ field, messages ] ) =>
				`  --${ field }: ${ messages.join( '; ' ) }`
		);
		process.stderr.write(
			values.json
				? `${ JSON.stringify( { error: error.message, errors: error.errors ?? {} } ) }\n`
				: `igny8-cloud: ${ error.message }\n${ fields.join( '\n' ) }${ fields.length ? '\n' : '' }`
		);
		process.exitCode = 1;
	} finally {
		await shutdown( context );
	}
}

main( process.argv.slice( 2 ) ).catch( exitWith );

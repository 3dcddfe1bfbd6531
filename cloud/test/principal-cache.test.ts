import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../src/app';
import { boot, shutdown } from '../src/boot';
import type { AppContext } from '../src/context';
import { createLogger } from '../src/logger';
import { PRINCIPAL_TTL_MS } from '../src/modules/auth/principal-cache';
import { changesPrincipals } from '../src/modules/auth/principal-changes';
import { addTenant, addUser, bearer, PASSWORD, type Tenant } from './fixtures';
import { as, siteSession } from './security-support';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * The principal cache: an access token's caller is read once and kept a
 * few seconds, and every change that could refuse it (a key revoked, a role
 * changed, a user deactivated, a session ended, a site or account switched
 * off) takes effect at once in the process that made it and, through the
 * signal, in every other process sharing the database (a second instance
 * here, booted on the same database and Redis), well before the TTL.
 */

type Instance = { context: AppContext; app: Express };

/** Another API process on the same database and Redis as `cloud`. */
async function secondInstance( cloud: TestCloud ): Promise< Instance > {
	const context = await boot(
		cloud.context.config,
		createLogger( 'silent' )
	);
	return { context, app: createApp( context ) };
}

/** Queries `run` makes through `instance`'s database connection. */
async function queriesOf(
	instance: Instance,
	run: () => Promise< unknown >
): Promise< number > {
	let count = 0;
	const count1 = () => {
		count += 1;
	};
	instance.context.db.sequelize.addHook( 'beforeQuery', 'count', count1 );
	try {
		await run();
	} finally {
		instance.context.db.sequelize.removeHook( 'beforeQuery', 'count' );
	}
	return count;
}

const me = ( app: Express, token: string ) =>
	request( app ).get( '/api/v1/auth/me/' ).set( as( token ) );

const keywords = ( app: Express, token: string ) =>
	request( app ).get( '/api/v1/planner/keywords/' ).set( as( token ) );

/**
 * Waits until `call` answers `status`; fails if that takes `within` (by
 * default the cache's whole TTL). A caller cached just before the change
 * is refused in under half the TTL only through a signal: its entry would
 * otherwise live nearly the whole TTL.
 */
async function refusedBeforeTtl(
	call: () => request.Test,
	status: number,
	within = PRINCIPAL_TTL_MS
): Promise< void > {
	const started = Date.now();
	await waitFor(
		async () => ( ( await call() ).status === status ? true : undefined ),
		PRINCIPAL_TTL_MS * 2
	);
	expect( Date.now() - started ).toBeLessThan( within );
}

const refusedOnSignal = ( call: () => request.Test, status: number ) =>
	refusedBeforeTtl( call, status, PRINCIPAL_TTL_MS / 2 );

describe( 'which statements change principals', () => {
	it.each( [
		[ 'UPDATE "users" SET "is_active"=$1,"updated_at"=$2 WHERE "id" = $3' ],
		[ 'UPDATE "users" SET "role"=$1 WHERE "id" = $2' ],
		[
			'UPDATE "refresh_tokens" SET "revoked_at"=$1,"updated_at"=$2 WHERE "family_id" = $3 AND "revoked_at" IS NULL',
		],
		[
			'UPDATE site_api_keys SET retires_at = NOW() + make_interval(secs => 5) WHERE site_id = 1',
		],
		[
			'UPDATE accounts SET credits = credits - 3, updated_at = NOW() WHERE id = 1',
		],
		[ 'UPDATE "sites" SET "status"=$1 WHERE "id" = $2' ],
		[ 'DELETE FROM "site_api_keys" WHERE "id" = 3' ],
		[ 'TRUNCATE users CASCADE' ],
		[
			'INSERT INTO accounts (id, name) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name',
		],
		[
			'WITH gone AS (UPDATE users SET is_active = false WHERE account_id = 2 RETURNING id) SELECT count(*) FROM gone',
		],
		// One hint does not hide a real change beside it.
		[ 'UPDATE "users" SET "last_login"=$1,"role"=$2 WHERE "id" = $3' ],
	] )( 'changes: %s', ( sql ) => {
		expect( changesPrincipals( sql ) ).toBe( true );
	} );

	it.each( [
		[
			'UPDATE "users" SET "last_login"=$1,"updated_at"=$2 WHERE "id" = $3',
		],
		[
			'UPDATE "refresh_tokens" SET "used_at"=$1,"updated_at"=$2 WHERE "id" = $3',
		],
		[
			'UPDATE "site_api_keys" SET "last_used_at"=$1,"updated_at"=$2 WHERE "id" = $3',
		],
		[
			'INSERT INTO "refresh_tokens" ("id","user_id") VALUES (DEFAULT,$1) RETURNING *',
		],
		[ 'SELECT u."id" FROM users u JOIN accounts a ON a.id = u.account_id' ],
		[ 'UPDATE "keywords" SET "status"=$1 WHERE "id" = $2' ],
		[ 'UPDATE user_settings SET value = $1' ],
	] )( 'leaves them: %s', ( sql ) => {
		expect( changesPrincipals( sql ) ).toBe( false );
	} );
} );

describe( 'principal cache across instances sharing PostgreSQL and Redis', () => {
	let cloud: TestCloud;
	let other: Instance;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{},
			{ workers: false }
		);
		other = await secondInstance( cloud );
		tenant = await addTenant( cloud, 'Cache Co' );
	} );
	afterAll( async () => {
		if ( other ) {
			await shutdown( other.context );
		}
		await cloud?.stop();
	} );

	it( 'serves a repeat caller without a query', async () => {
		// The fixtures' own writes are still being signalled when this starts.
		await waitFor( async () =>
			( await queriesOf( other, () =>
				me( other.app, tenant.owner.token ).expect( 200 )
			) ) === 0
				? true
				: undefined
		);
	} );

	it( 'refuses a deactivated user here at once and there on the signal', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		await me( cloud.app, editor.token ).expect( 200 );
		await me( other.app, editor.token ).expect( 200 );
		await request( cloud.app )
			.patch( `/api/v1/auth/users/${ editor.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { is_active: false } )
			.expect( 200 );
		const here = await me( cloud.app, editor.token ).expect( 401 );
		expect( here.body.error ).toBe( 'This user is deactivated.' );
		await refusedBeforeTtl( () => me( other.app, editor.token ), 401 );
	} );

	it( 'applies a role taken away on every instance', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		const write = ( app: Express ) =>
			request( app )
				.post( '/api/v1/planner/keywords/' )
				.set( bearer( editor ) )
				.send( {
					sector_id: tenant.sectorId,
					keyword: `role keyword ${ Date.now() }-${ Math.random() }`,
				} );
		await write( other.app ).expect( 201 );
		await request( cloud.app )
			.patch( `/api/v1/auth/users/${ editor.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { role: 'viewer' } )
			.expect( 200 );
		await write( cloud.app ).expect( 403 );
		await refusedBeforeTtl( () => write( other.app ), 403 );
	} );

	it( 'ends a signed-out session on every instance', async () => {
		const signIn = await request( cloud.app )
			.post( '/api/v1/auth/login/' )
			.send( { email: tenant.owner.email, password: PASSWORD } )
			.expect( 200 );
		const { access, refresh } = signIn.body.data as {
			access: string;
			refresh: string;
		};
		await me( other.app, access ).expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/auth/logout/' )
			.send( { refresh } )
			.expect( 204 );
		await me( cloud.app, access ).expect( 401 );
		await refusedBeforeTtl( () => me( other.app, access ), 401 );
		// The owner's other sign-in is untouched.
		await me( other.app, tenant.owner.token ).expect( 200 );
	} );

	it( 'ends the site sessions of a revoked key on every instance', async () => {
		const created = await request( cloud.app )
			.post( `/api/v1/auth/sites/${ tenant.siteId }/api-keys/` )
			.set( bearer( tenant.owner ) )
			.send( { name: 'Revoked soon' } )
			.expect( 201 );
		const session = await siteSession( cloud, created.body.data.key );
		await keywords( other.app, session ).expect( 200 );
		await request( cloud.app )
			.delete(
				`/api/v1/auth/sites/${ tenant.siteId }/api-keys/${ created.body.data.id }/`
			)
			.set( bearer( tenant.owner ) )
			.expect( 204 );
		await keywords( cloud.app, session ).expect( 401 );
		await refusedBeforeTtl( () => keywords( other.app, session ), 401 );
	} );

	it( 'refuses a switched-off site and a suspended account on every instance', async () => {
		const own = await addTenant( cloud, 'Switched Off Co' );
		const session = await siteSession( cloud, own.apiKey );
		await keywords( other.app, session ).expect( 200 );
		await me( other.app, own.owner.token ).expect( 200 );
		const { models } = cloud.context;
		await models.Site.update(
			{ status: 'inactive' },
			{ where: { id: own.siteId } }
		);
		await keywords( cloud.app, session ).expect( 401 );
		await refusedBeforeTtl( () => keywords( other.app, session ), 401 );
		await models.Account.update(
			{ status: 'suspended' },
			{ where: { id: own.accountId } }
		);
		await me( cloud.app, own.owner.token ).expect( 401 );
		await refusedBeforeTtl( () => me( other.app, own.owner.token ), 401 );
	} );

	it( 'sees a change made in raw SQL inside a transaction once it commits', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		await me( cloud.app, editor.token ).expect( 200 );
		await me( other.app, editor.token ).expect( 200 );
		await cloud.context.db.sequelize.transaction( async ( transaction ) => {
			await cloud.context.db.sequelize.query(
				'UPDATE users SET is_active = false WHERE id = :id',
				{ replacements: { id: editor.id }, transaction }
			);
		} );
		await me( cloud.app, editor.token ).expect( 401 );
		await refusedBeforeTtl( () => me( other.app, editor.token ), 401 );
	} );
} );

describe( 'principal cache on PostgreSQL without Redis', () => {
	let cloud: TestCloud;
	let other: Instance;
	let tenant: Tenant;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ workers: false }
		);
		other = await secondInstance( cloud );
		tenant = await addTenant( cloud, 'No Redis Co' );
	} );
	afterAll( async () => {
		if ( other ) {
			await shutdown( other.context );
		}
		await cloud?.stop();
	} );

	it( 'refuses at once in the changing process and elsewhere on the NOTIFY', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		// Cached there (once the fixtures' own signals have passed): without
		// the notification it would stay allowed for the TTL.
		await waitFor( async () =>
			( await queriesOf( other, () =>
				me( other.app, editor.token ).expect( 200 )
			) ) === 0
				? true
				: undefined
		);
		await cloud.context.db.sequelize.query(
			'UPDATE users SET is_active = false WHERE id = :id',
			{ replacements: { id: editor.id } }
		);
		await me( cloud.app, editor.token ).expect( 401 );
		await refusedOnSignal( () => me( other.app, editor.token ), 401 );
	} );

	it( 'applies a role taken away in a transaction once it commits', async () => {
		const editor = await addUser( cloud, tenant.accountId, 'editor' );
		const write = () =>
			request( other.app )
				.post( '/api/v1/planner/keywords/' )
				.set( bearer( editor ) )
				.send( {
					sector_id: tenant.sectorId,
					keyword: `notify keyword ${ Date.now() }-${ Math.random() }`,
				} );
		await write().expect( 201 );
		await cloud.context.db.sequelize.transaction( ( transaction ) =>
			cloud.context.db.sequelize.query(
				"UPDATE users SET role = 'viewer' WHERE id = :id",
				{ replacements: { id: editor.id }, transaction }
			)
		);
		await refusedOnSignal( write, 403 );
	} );
} );

import request from 'supertest';
import { QueryTypes } from 'sequelize';
import {
	auditEntrySchema,
	errorEnvelopeSchema,
	listEnvelope,
	type AuditEntry,
} from '@igny8/shared-types';
import { personActor, recordAudit } from '../src/audit';
import {
	addTenant,
	addUser,
	bearer,
	type Actor,
	type Tenant,
} from './fixtures';
import { as, siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';

/**
 * The audit log: every change an owner or admin would want to trace leaves
 * exactly one entry, written in the change's own transaction (a refused or
 * rolled-back change leaves none), naming who acted and what changed but no
 * secret; only the account's owners and admins read it, filtered; another
 * account sees none of it.
 */

const LOG = '/api/v1/system/audit-log/';
const page = listEnvelope( auditEntrySchema );
const TEST_CONNECTION = '/api/v1/integration/integrations/test-connection/';
const CONNECT_BODY = {
	site_url: 'https://audited.example.test',
	rest_url: 'https://audited.example.test/wp-json/',
	metadata: {},
};

describe( 'the audit log', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	let admin: Actor;
	let editor: Actor;
	let viewer: Actor;

	const api = () => request( cloud.app );

	/** The log as `who` reads it, with these filters; the answer checked against its schema. */
	async function read(
		who: { token: string },
		query: Record< string, string | number > = {}
	): Promise< {
		count: number;
		results: AuditEntry[];
		next: string | null;
	} > {
		const response = await api()
			.get( LOG )
			.query( { page_size: 100, ...query } )
			.set( bearer( who ) )
			.expect( 200 );
		return page.parse( response.body );
	}

	/** Every entry of an account, straight from the table. */
	async function rows( accountId: number ): Promise< number > {
		const [ row ] = await cloud.context.db.sequelize.query< {
			n: string;
		} >( 'SELECT count(*) AS n FROM audit_log WHERE account_id = :id', {
			replacements: { id: accountId },
			type: QueryTypes.SELECT,
		} );
		return Number( row!.n );
	}

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Audit Co' );
		other = await addTenant( cloud, 'Elsewhere Co' );
		admin = await addUser( cloud, tenant.accountId, 'admin' );
		editor = await addUser( cloud, tenant.accountId, 'editor' );
		viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'records a role change once, with who did it and from → to', async () => {
		const person = await addUser( cloud, tenant.accountId, 'editor' );
		await api()
			.patch( `/api/v1/auth/users/${ person.id }/` )
			.set( bearer( tenant.owner ) )
			.send( { role: 'admin' } )
			.expect( 200 );
		const { results } = await read( tenant.owner, {
			action: 'user.role_changed',
		} );
		expect( results ).toHaveLength( 1 );
		expect( results[ 0 ] ).toMatchObject( {
			action: 'user.role_changed',
			actor: {
				type: 'user',
				user_id: tenant.owner.id,
				email: tenant.owner.email,
				api_key_id: null,
			},
			target_type: 'user',
			target_id: String( person.id ),
			target_label: person.email,
			site_id: null,
			details: { from: 'editor', to: 'admin' },
		} );
		expect( results[ 0 ]!.ip ).toMatch( /127\.0\.0\.1|::1/ );

		// Removing them is its own entry; the same role again changes nothing and says nothing.
		await api()
			.patch( `/api/v1/auth/users/${ person.id }/` )
			.set( bearer( admin ) )
			.send( { role: 'admin' } )
			.expect( 200 );
		await api()
			.delete( `/api/v1/auth/users/${ person.id }/` )
			.set( bearer( admin ) )
			.expect( 204 );
		const about = (
			await read( tenant.owner, { target_type: 'user' } )
		).results.filter( ( e ) => e.target_id === String( person.id ) );
		expect( about.map( ( e ) => [ e.action, e.actor.user_id ] ) ).toEqual( [
			[ 'user.removed', admin.id ],
			[ 'user.role_changed', tenant.owner.id ],
		] );
	} );

	it( 'records a key rotation once, by the site that paired the new key, and the keys made and revoked', async () => {
		await api()
			.post( TEST_CONNECTION )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.send( CONNECT_BODY )
			.expect( 200 );
		const created = await api()
			.post( `/api/v1/auth/sites/${ tenant.siteId }/api-keys/` )
			.set( bearer( admin ) )
			.send( { name: 'Rotated' } )
			.expect( 201 );
		const newKey = created.body.data as { id: number; key: string };
		await api()
			.post( TEST_CONNECTION )
			.set( 'X-IGNY8-API-Key', newKey.key )
			.send( CONNECT_BODY )
			.expect( 200 );

		const keys = await read( tenant.owner, { action: 'api_key.' } );
		expect( keys.results.map( ( e ) => e.action ) ).toEqual( [
			'api_key.rotated',
			'api_key.created',
			// addTenant's own key.
			'api_key.created',
		] );
		const [ rotated, made ] = keys.results;
		expect( rotated ).toMatchObject( {
			actor: {
				type: 'site_key',
				user_id: null,
				api_key_id: newKey.id,
			},
			target_type: 'api_key',
			target_id: String( newKey.id ),
			site_id: tenant.siteId,
			details: { replaced_key_id: tenant.keyId },
		} );
		expect( rotated!.actor.name ).toContain( 'Rotated (ig8_' );
		expect( made ).toMatchObject( {
			actor: { type: 'user', user_id: admin.id },
			target_label: expect.stringMatching( /^Rotated \(ig8_\w{8}…\)$/ ),
		} );
		// The key itself is nowhere in the log.
		const all = await read( tenant.owner );
		expect( JSON.stringify( all ) ).not.toContain( newKey.key );
		expect( JSON.stringify( all ) ).not.toContain( tenant.apiKey );
		// The first pairing connected the site; the second was a rotation, not another connection.
		const connected = await read( tenant.owner, {
			action: 'integration.connected',
		} );
		expect( connected.results ).toHaveLength( 1 );
		expect( connected.results[ 0 ] ).toMatchObject( {
			actor: { type: 'site_key', api_key_id: tenant.keyId },
			site_id: tenant.siteId,
		} );

		// Revoking records once; revoking again changes nothing.
		for ( let i = 0; i < 2; i++ ) {
			await api()
				.delete(
					`/api/v1/auth/sites/${ tenant.siteId }/api-keys/${ newKey.id }/`
				)
				.set( bearer( tenant.owner ) )
				.expect( 204 );
		}
		const revoked = await read( tenant.owner, {
			action: 'api_key.revoked',
		} );
		expect( revoked.count ).toBe( 1 );
	} );

	it( 'records a site deletion once, and the entry outlives the site', async () => {
		const site = await api()
			.post( '/api/v1/auth/sites/' )
			.set( bearer( tenant.owner ) )
			.send( {
				name: 'Doomed Blog',
				wordpress_url: 'https://doomed.example.test',
			} )
			.expect( 201 );
		const siteId = site.body.data.id as number;
		await api()
			.patch( `/api/v1/auth/sites/${ siteId }/` )
			.set( bearer( admin ) )
			.send( { name: 'Doomed Blog 2', wordpress_password: 'hunter22' } )
			.expect( 200 );
		await api()
			.delete( `/api/v1/auth/sites/${ siteId }/` )
			.set( bearer( admin ) )
			.expect( 204 );

		const { results } = await read( tenant.owner, { site_id: siteId } );
		expect( results.map( ( e ) => e.action ) ).toEqual( [
			'site.deleted',
			'site.updated',
			'site.created',
		] );
		expect( results[ 0 ] ).toMatchObject( {
			actor: { type: 'user', user_id: admin.id, email: admin.email },
			target_type: 'site',
			target_id: String( siteId ),
			target_label: 'Doomed Blog 2',
			site_id: siteId,
		} );
		expect( results[ 1 ]!.details ).toEqual( {
			fields: expect.arrayContaining( [ 'name', 'wordpress_password' ] ),
			from_name: 'Doomed Blog',
			to_name: 'Doomed Blog 2',
		} );
		expect( JSON.stringify( results ) ).not.toContain( 'hunter22' );
	} );

	it( 'records an AI settings change once, naming the fields but never the key', async () => {
		await api()
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( tenant.owner ) )
			.send( {
				temperature: 0.3,
				api_key: 'sk-audit-secret-0123456789',
			} )
			.expect( 200 );
		const { results } = await read( tenant.owner, {
			action: 'settings.',
		} );
		expect( results ).toHaveLength( 1 );
		expect( results[ 0 ] ).toMatchObject( {
			action: 'settings.ai_updated',
			actor: { type: 'user', user_id: tenant.owner.id },
			target_type: 'ai_settings',
			details: {
				fields: expect.arrayContaining( [ 'temperature', 'api_key' ] ),
				own_key: 'set',
			},
		} );
		expect( JSON.stringify( results ) ).not.toContain( 'sk-audit' );
		expect( JSON.stringify( results ) ).not.toContain( '6789' );
	} );

	it( 'records invites made, accepted (by the new person) and withdrawn', async () => {
		const made = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( admin ) )
			.send( { email: 'joiner@example.test', role: 'viewer' } )
			.expect( 201 );
		const token = new URL( made.body.data.link ).hash.replace(
			/^#token=/,
			''
		);
		const joined = await api()
			.post( '/api/v1/auth/invites/accept/' )
			.send( { token, username: 'joiner', password: 'a long password' } )
			.expect( 200 );
		const withdrawn = await api()
			.post( '/api/v1/auth/invites/' )
			.set( bearer( admin ) )
			.send( { email: 'never@example.test', role: 'editor' } )
			.expect( 201 );
		await api()
			.delete( `/api/v1/auth/invites/${ withdrawn.body.data.id }/` )
			.set( bearer( tenant.owner ) )
			.expect( 204 );

		const { results } = await read( tenant.owner, { action: 'invite.' } );
		expect(
			results.map( ( e ) => [
				e.action,
				e.actor.email,
				e.target_label,
				e.details,
			] )
		).toEqual( [
			[
				'invite.revoked',
				tenant.owner.email,
				'never@example.test',
				{ role: 'editor' },
			],
			[
				'invite.created',
				admin.email,
				'never@example.test',
				{ role: 'editor' },
			],
			[
				'invite.accepted',
				'joiner@example.test',
				'joiner@example.test',
				{ role: 'viewer' },
			],
			[
				'invite.created',
				admin.email,
				'joiner@example.test',
				{ role: 'viewer' },
			],
		] );
		expect( results[ 2 ]!.actor.user_id ).toBe( joined.body.data.user.id );
	} );

	it( 'leaves no entry for a change that is refused or fails', async () => {
		const before = await rows( tenant.accountId );
		const otherBefore = await rows( other.accountId );
		const owner = tenant.owner;
		// Your own role; the last owner; someone above you; a bad body; another account's site.
		await api()
			.patch( `/api/v1/auth/users/${ owner.id }/` )
			.set( bearer( owner ) )
			.send( { role: 'viewer' } )
			.expect( 403 );
		await api()
			.patch( `/api/v1/auth/users/${ owner.id }/` )
			.set( bearer( admin ) )
			.send( { role: 'viewer' } )
			.expect( 403 );
		await api()
			.patch( `/api/v1/auth/users/${ editor.id }/` )
			.set( bearer( owner ) )
			.send( { role: 'wizard' } )
			.expect( 400 );
		await api()
			.post( '/api/v1/auth/sites/' )
			.set( bearer( owner ) )
			.send( { name: 'Nowhere', industry_id: 987654 } )
			.expect( 400 );
		await api()
			.put( '/api/v1/system/settings/ai/' )
			.set( bearer( owner ) )
			.send( { temperature: 3 } )
			.expect( 400 );
		await api()
			.delete( `/api/v1/auth/sites/${ other.siteId }/` )
			.set( bearer( owner ) )
			.expect( 404 );
		await api()
			.delete( `/api/v1/auth/sites/${ tenant.siteId }/` )
			.set( bearer( editor ) )
			.expect( 403 );
		// Resetting a prompt that was never changed changes nothing.
		await api()
			.delete( '/api/v1/system/prompts/generate_ideas/' )
			.set( bearer( owner ) )
			.expect( 200 );
		expect( await rows( tenant.accountId ) ).toBe( before );
		expect( await rows( other.accountId ) ).toBe( otherBefore );
	} );

	it( 'writes in the caller’s transaction: a rollback takes the change and its entry with it', async () => {
		const { sequelize } = cloud.context.db;
		const before = await rows( tenant.accountId );
		const site = await cloud.context.models.Site.findByPk( tenant.siteId );
		const entry = {
			account_id: tenant.accountId,
			actor: personActor(
				{
					id: tenant.owner.id,
					email: tenant.owner.email,
					username: tenant.owner.email,
				},
				null
			),
			action: 'site.updated' as const,
			target_type: 'site',
			target_id: tenant.siteId,
			site_id: tenant.siteId,
		};
		await expect(
			sequelize.transaction( async ( transaction ) => {
				await site!.update( { name: 'Never saved' }, { transaction } );
				await recordAudit( sequelize, transaction, {
					...entry,
					details: { fields: [ 'name' ] },
				} );
				throw new Error( 'the change fails after its entry' );
			} )
		).rejects.toThrow( 'the change fails after its entry' );
		// An entry that would keep a secret is refused, and the change with it.
		await expect(
			sequelize.transaction( async ( transaction ) => {
				await site!.update( { name: 'Never saved' }, { transaction } );
				await recordAudit( sequelize, transaction, {
					...entry,
					details: { wordpress_password: 'hunter22' },
				} );
			} )
		).rejects.toThrow( /leave secrets out of details/ );
		await site!.reload();
		expect( site!.name ).not.toBe( 'Never saved' );
		expect( await rows( tenant.accountId ) ).toBe( before );
		// The log is append-only.
		await expect(
			sequelize.query(
				"UPDATE audit_log SET action = 'site.created' WHERE account_id = :id",
				{ replacements: { id: tenant.accountId } }
			)
		).rejects.toThrow( /append-only/ );
	} );

	it( 'records deletions of profiles, strategies, sectors and automation rules, and prompt changes', async () => {
		const auth = bearer( admin );
		const profile = await api()
			.post( '/api/v1/system/author-profiles/' )
			.set( auth )
			.send( { name: 'Old voice' } )
			.expect( 201 );
		await api()
			.delete(
				`/api/v1/system/author-profiles/${ profile.body.data.id }/`
			)
			.set( auth )
			.expect( 204 );
		const strategy = await api()
			.post( '/api/v1/system/strategies/' )
			.set( auth )
			.send( { name: 'Old plan' } )
			.expect( 201 );
		await api()
			.delete( `/api/v1/system/strategies/${ strategy.body.data.id }/` )
			.set( auth )
			.expect( 204 );
		const sector = await api()
			.post( '/api/v1/auth/sectors/' )
			.set( auth )
			.send( { site_id: tenant.siteId, name: 'Old sector' } )
			.expect( 201 );
		const rule = await api()
			.post( '/api/v1/automation/rules/' )
			.set( auth )
			.send( {
				name: 'Old rule',
				site_id: tenant.siteId,
				sector_id: sector.body.data.id,
				trigger: { kind: 'event', event: 'keywords.imported' },
				actions: [ { type: 'cluster_keywords', method: 'lexical' } ],
			} )
			.expect( 201 );
		await api()
			.delete( `/api/v1/automation/rules/${ rule.body.data.id }/` )
			.set( auth )
			.expect( 204 );
		await api()
			.delete( `/api/v1/auth/sectors/${ sector.body.data.id }/` )
			.set( auth )
			.expect( 204 );
		const prompt = await api()
			.get( '/api/v1/system/prompts/generate_ideas/' )
			.set( auth )
			.expect( 200 );
		await api()
			.put( '/api/v1/system/prompts/generate_ideas/' )
			.set( auth )
			.send( prompt.body.data.default )
			.expect( 200 );
		await api()
			.delete( '/api/v1/system/prompts/generate_ideas/' )
			.set( auth )
			.expect( 200 );

		const { results } = await read( tenant.owner, {
			actor_user_id: admin.id,
			from: new Date().toISOString().slice( 0, 10 ),
		} );
		expect(
			results
				.slice( 0, 6 )
				.map( ( e ) => [ e.action, e.target_label, e.site_id ] )
		).toEqual( [
			[ 'prompt.reset', 'generate_ideas', null ],
			[ 'prompt.updated', 'generate_ideas', null ],
			[ 'sector.deleted', 'Old sector', tenant.siteId ],
			[ 'automation.rule_deleted', 'Old rule', tenant.siteId ],
			[ 'strategy.deleted', 'Old plan', null ],
			[ 'author_profile.deleted', 'Old voice', null ],
		] );
	} );

	it( 'filters by action or kind, person, site, target, days and words, and pages newest first', async () => {
		const all = await read( tenant.owner );
		expect( all.count ).toBe( await rows( tenant.accountId ) );
		const times = all.results.map( ( e ) => e.created_at );
		expect( [ ...times ].sort().reverse() ).toEqual( times );

		const users = await read( tenant.owner, { action: 'user.' } );
		expect( users.count ).toBeGreaterThan( 1 );
		expect(
			users.results.every( ( e ) => e.action.startsWith( 'user.' ) )
		).toBe( true );
		// The underscore of a kind is matched as itself, not as any character.
		expect(
			( await read( tenant.owner, { action: 'api_key.' } ) ).count
		).toBe(
			all.results.filter( ( e ) => e.action.startsWith( 'api_key.' ) )
				.length
		);
		const byAdmin = await read( tenant.owner, { actor_user_id: admin.id } );
		expect( byAdmin.count ).toBeGreaterThan( 0 );
		expect(
			byAdmin.results.every( ( e ) => e.actor.user_id === admin.id )
		).toBe( true );
		const onSite = await read( tenant.owner, { site_id: tenant.siteId } );
		expect(
			onSite.results.every( ( e ) => e.site_id === tenant.siteId )
		).toBe( true );
		expect( onSite.count ).toBeGreaterThan( 0 );
		const sites = await read( tenant.owner, { target_type: 'site' } );
		expect( sites.results.every( ( e ) => e.target_type === 'site' ) ).toBe(
			true
		);
		const found = await read( tenant.owner, { search: 'JOINER@' } );
		expect( found.count ).toBeGreaterThan( 0 );
		expect(
			found.results.every( ( e ) =>
				JSON.stringify( [ e.actor.email, e.target_label ] ).includes(
					'joiner@'
				)
			)
		).toBe( true );

		const today = new Date().toISOString().slice( 0, 10 );
		const day = ( offset: number ) =>
			new Date( Date.now() + offset * 86_400_000 )
				.toISOString()
				.slice( 0, 10 );
		expect(
			( await read( tenant.owner, { from: today, to: today } ) ).count
		).toBe( all.count );
		expect( ( await read( tenant.owner, { from: day( 1 ) } ) ).count ).toBe(
			0
		);
		expect( ( await read( tenant.owner, { to: day( -1 ) } ) ).count ).toBe(
			0
		);

		const first = await read( tenant.owner, { page_size: 2 } );
		const second = await read( tenant.owner, { page_size: 2, page: 2 } );
		expect( first.results ).toHaveLength( 2 );
		expect( first.next ).toMatch( /page=2/ );
		expect( second.results[ 0 ]!.id ).toBe( all.results[ 2 ]!.id );
	} );

	it( 'refuses a filter it cannot read, in the envelope', async () => {
		for ( const [ query, field ] of [
			[ { action: 'Users' }, 'action' ],
			[ { from: '2026-02-30' }, 'from' ],
			[ { from: '2026-03-02', to: '2026-03-01' }, 'to' ],
			[ { actor_user_id: 'me' }, 'actor_user_id' ],
		] as const ) {
			const response = await api()
				.get( LOG )
				.query( query )
				.set( bearer( tenant.owner ) )
				.expect( 400 );
			const body = errorEnvelopeSchema.parse( response.body );
			expect( Object.keys( body.errors ?? {} ) ).toContain( field );
		}
	} );

	it( 'shows another account nothing of this one', async () => {
		const theirs = await read( other.owner );
		expect( theirs.count ).toBe( await rows( other.accountId ) );
		expect(
			theirs.results.every(
				( e ) =>
					e.actor.user_id === other.owner.id &&
					e.site_id !== tenant.siteId
			)
		).toBe( true );
		// Naming this account's people or sites finds nothing.
		expect(
			( await read( other.owner, { actor_user_id: tenant.owner.id } ) )
				.count
		).toBe( 0 );
		expect(
			( await read( other.owner, { site_id: tenant.siteId } ) ).count
		).toBe( 0 );
	} );

	it( 'refuses editors, viewers, site keys and WordPress sessions', async () => {
		for ( const who of [ editor, viewer ] ) {
			const response = await api()
				.get( LOG )
				.set( bearer( who ) )
				.expect( 403 );
			expect( errorEnvelopeSchema.parse( response.body ) ).toMatchObject(
				{
					success: false,
					code: 'permission_denied',
					error: `Your role (${ who.role }) does not allow this action.`,
				}
			);
		}
		// A WordPress administrator's session (the other account's site has not paired: its key still works in plain).
		const session = await siteSession( cloud, other.apiKey, 'admin' );
		const refused = await api()
			.get( LOG )
			.set( as( session ) )
			.expect( 403 );
		expect( refused.body.code ).toBe( 'permission_denied' );
		const key = await api()
			.get( LOG )
			.set( 'X-IGNY8-API-Key', other.apiKey )
			.expect( 401 );
		expect( key.body.success ).toBe( false );
	} );

	it( 'names a WordPress administrator who changes the AI settings from their site', async () => {
		// The other account holds one site: its WordPress admin may change the account's AI settings.
		const session = await siteSession( cloud, other.apiKey, 'admin' );
		await api()
			.put( '/api/v1/system/settings/ai/' )
			.set( as( session ) )
			.send( { temperature: 0.5 } )
			.expect( 200 );
		const { results } = await read( other.owner, {
			action: 'settings.ai_updated',
		} );
		expect( results ).toHaveLength( 1 );
		expect( results[ 0 ]!.actor ).toEqual( {
			type: 'wordpress_user',
			user_id: null,
			api_key_id: null,
			email: null,
			name: 'Maria (maria)',
		} );
	} );
} );

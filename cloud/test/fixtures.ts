import request from 'supertest';
import type { Role } from '@igny8/shared-types';
import { deriveSigningSecret } from '../src/modules/auth/bridge-signing';
import { encryptSecret } from '../src/modules/auth/crypto';
import { hashPassword } from '../src/modules/auth/passwords';
import type { TestCloud } from './support';

export const PASSWORD = 'correct horse battery';

export type Actor = {
	id: number;
	email: string;
	role: Role;
	token: string;
	accountId: number;
};
export type Tenant = {
	accountId: number;
	owner: Actor;
	siteId: number;
	sectorId: number;
	keyId: number;
	apiKey: string;
};

let hashed: Promise< string > | undefined;
let counter = 0;

/** Creates a user straight in the database (fast) and signs them in through the API (real). */
export async function addUser(
	cloud: TestCloud,
	accountId: number,
	role: Role,
	label = role
): Promise< Actor > {
	hashed ??= hashPassword( PASSWORD );
	counter += 1;
	const email = `${ label }-${ counter }-${ accountId }@example.test`;
	const user = await cloud.context.models.User.create( {
		email,
		username: email,
		password_hash: await hashed,
		account_id: accountId,
		role,
		last_login: null,
	} );
	return {
		id: user.id,
		email,
		role,
		token: await login( cloud, email ),
		accountId,
	};
}

export async function login(
	cloud: TestCloud,
	email: string,
	password = PASSWORD
): Promise< string > {
	const response = await request( cloud.app )
		.post( '/api/v1/auth/login/' )
		.send( { email, password } )
		.expect( 200 );
	return response.body.data.access as string;
}

/** An account on the given plan with an owner, one site, one sector and one site API key. */
export async function addTenant(
	cloud: TestCloud,
	name: string,
	plan = 'agency'
): Promise< Tenant > {
	const { models } = cloud.context;
	const planRow = await models.Plan.findOne( { where: { slug: plan } } );
	const account = await models.Account.create( {
		name,
		slug: `${ name.toLowerCase().replace( /\W+/g, '-' ) }-${ ++counter }`,
		owner_id: null,
		plan_id: planRow!.id,
		credits: 0,
		status: 'active',
	} );
	const owner = await addUser( cloud, account.id, 'owner' );
	await account.update( { owner_id: owner.id } );
	const auth = { Authorization: `Bearer ${ owner.token }` };
	const site = await request( cloud.app )
		.post( '/api/v1/auth/sites/' )
		.set( auth )
		.send( {
			name: `${ name } site`,
			wordpress_url: 'https://example.test',
		} )
		.expect( 201 );
	const sector = await request( cloud.app )
		.post( '/api/v1/auth/sectors/' )
		.set( auth )
		.send( { site_id: site.body.data.id, name: 'Main' } )
		.expect( 201 );
	const key = await request( cloud.app )
		.post( `/api/v1/auth/sites/${ site.body.data.id }/api-keys/` )
		.set( auth )
		.send( { name: 'WordPress' } )
		.expect( 201 );
	return {
		accountId: account.id,
		owner,
		siteId: site.body.data.id,
		sectorId: sector.body.data.id,
		keyId: key.body.data.id,
		apiKey: key.body.data.key,
	};
}

export const bearer = ( actor: { token: string } ) => ( {
	Authorization: `Bearer ${ actor.token }`,
} );

export type ContentFixtures = {
	keywordId: number;
	clusterId: number;
	ideaId: number;
};

/** One of each planner object in the tenant's sector, made through the API. */
export async function addContent(
	cloud: TestCloud,
	tenant: Tenant
): Promise< ContentFixtures > {
	const auth = bearer( tenant.owner );
	const keyword = await request( cloud.app )
		.post( '/api/v1/planner/keywords/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			keyword: 'running shoes',
			search_volume: 1000,
		} )
		.expect( 201 );
	const cluster = await request( cloud.app )
		.post( '/api/v1/planner/clusters/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			name: 'Shoes',
			keyword_ids: [ keyword.body.data.id ],
		} )
		.expect( 201 );
	const idea = await request( cloud.app )
		.post( '/api/v1/planner/ideas/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			cluster_id: cluster.body.data.id,
			title: 'Best running shoes',
		} )
		.expect( 201 );
	return {
		keywordId: keyword.body.data.id,
		clusterId: cluster.body.data.id,
		ideaId: idea.body.data.id,
	};
}

/**
 * An integration's `credentials_json` as a pairing leaves it: the id of the
 * key and the secret derived from it, sealed (the key itself is not kept).
 */
export function pairedCredentials(
	cloud: TestCloud,
	key: string,
	keyId: number
): Record< string, unknown > {
	return {
		signing_secret: encryptSecret(
			cloud.context.secrets.encryptionKey,
			deriveSigningSecret( key )
		),
		key_id: keyId,
		key_prefix: key.slice( 0, 12 ),
	};
}

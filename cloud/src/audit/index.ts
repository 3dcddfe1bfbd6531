import type { Request } from 'express';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type {
	AuditAction,
	AuditActorType,
	AuditEntry,
	AuditLogQuery,
} from '@igny8/shared-types';
import {
	containsPattern,
	listPage,
	pageLimits,
	type ListPage,
} from '../http/pagination';
import type { Principal } from '../modules/auth';

/**
 * The audit log: who changed what in an account (roles, invites, sites,
 * keys, integrations, AI settings, prompts, deletions), for its owners and
 * admins to read. Like a domain event, an entry is an INSERT in the
 * transaction of the change it describes: a rolled-back change has no
 * entry, a committed one always has one. Reads and sign-ins are not
 * recorded. The table is append-only.
 */

/** Who acted, as the entry keeps it: ids, and a snapshot of who they were. */
export type AuditActor = {
	type: AuditActorType;
	user_id: number | null;
	api_key_id: number | null;
	email: string | null;
	name: string | null;
	/** The address the request came from; null for work nobody asked for in a request. */
	ip: string | null;
};

/** IGNY8 itself (a scheduled or automatic change). */
export const SYSTEM_ACTOR: AuditActor = {
	type: 'system',
	user_id: null,
	api_key_id: null,
	email: null,
	name: null,
	ip: null,
};

/** A person of the account, by their user row (e.g. one an invite just made). */
export function personActor(
	user: { id: number; email: string; username: string },
	ip: string | null
): AuditActor {
	return {
		type: 'user',
		user_id: Number( user.id ),
		api_key_id: null,
		email: user.email,
		name: user.username,
		ip,
	};
}

/** Whoever a request speaks for: its principal, and the address it came from. */
export function auditActor(
	principal: Principal,
	req?: Pick< Request, 'ip' >
): AuditActor {
	const ip = req?.ip ?? null;
	switch ( principal.kind ) {
		case 'user':
			return personActor( principal.user, ip );
		case 'site_user':
			return {
				type: 'wordpress_user',
				user_id: null,
				api_key_id: null,
				email: null,
				name: `${ principal.wpUser.display_name } (${ principal.wpUser.login })`,
				ip,
			};
		case 'site_key':
			return {
				type: 'site_key',
				user_id: null,
				api_key_id: Number( principal.key.id ),
				email: null,
				name: `${ principal.key.name } (${ principal.key.prefix }…)`,
				ip,
			};
	}
}

export type AuditRecord = {
	account_id: number;
	actor: AuditActor;
	action: AuditAction;
	target_type: string;
	target_id?: number | string | null;
	/** What the target is called now (it may be gone when the entry is read). */
	target_label?: string | null;
	site_id?: number | null;
	/** What changed, small: `{ from: 'editor', to: 'admin' }`. Never a secret. */
	details?: Record< string, unknown >;
};

/** Keys that would mean a secret is about to be kept in the log: a bug, refused loudly. */
const SECRET_KEY = /password|secret|token|hash|encrypted/i;

/** Records a change inside the transaction that makes it. */
export async function recordAudit(
	sequelize: Sequelize,
	transaction: Transaction,
	entry: AuditRecord
): Promise< void > {
	const details = entry.details ?? {};
	const secret = Object.keys( details ).find( ( key ) =>
		SECRET_KEY.test( key )
	);
	if ( secret ) {
		throw new Error(
			`The audit entry for ${ entry.action } would keep "${ secret }": leave secrets out of details.`
		);
	}
	const { actor } = entry;
	await sequelize.query(
		`INSERT INTO audit_log (account_id, actor_type, actor_user_id, actor_api_key_id, actor_email, actor_name,
		   action, target_type, target_id, target_label, site_id, details, ip)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		{
			bind: [
				entry.account_id,
				actor.type,
				actor.user_id,
				actor.api_key_id,
				actor.email,
				actor.name?.slice( 0, 255 ) ?? null,
				entry.action,
				entry.target_type,
				entry.target_id === undefined || entry.target_id === null
					? null
					: String( entry.target_id ),
				entry.target_label?.slice( 0, 255 ) ?? null,
				entry.site_id ?? null,
				JSON.stringify( details ),
				actor.ip?.slice( 0, 64 ) ?? null,
			],
			transaction,
		}
	);
}

type EntryRow = {
	id: string;
	action: string;
	actor_type: AuditActorType;
	actor_user_id: string | null;
	actor_api_key_id: string | null;
	actor_email: string | null;
	actor_name: string | null;
	target_type: string;
	target_id: string | null;
	target_label: string | null;
	site_id: string | null;
	details: Record< string, unknown >;
	ip: string | null;
	created_at: Date | string;
};

const idOrNull = ( value: string | null ) =>
	value === null ? null : Number( value );

function serializeEntry( row: EntryRow ): AuditEntry {
	return {
		id: Number( row.id ),
		action: row.action,
		actor: {
			type: row.actor_type,
			user_id: idOrNull( row.actor_user_id ),
			api_key_id: idOrNull( row.actor_api_key_id ),
			email: row.actor_email,
			name: row.actor_name,
		},
		target_type: row.target_type,
		target_id: row.target_id,
		target_label: row.target_label,
		site_id: idOrNull( row.site_id ),
		details: row.details,
		ip: row.ip,
		created_at: new Date( row.created_at ).toISOString(),
	};
}

const DAY_MS = 86_400_000;
const midnight = ( day: string ) => Date.parse( `${ day }T00:00:00Z` );

/** Reads an account's entries, newest first. */
export class AuditLog {
	constructor( private readonly sequelize: Sequelize ) {}

	async list(
		accountId: number,
		query: AuditLogQuery,
		req: Request
	): Promise< ListPage< AuditEntry > > {
		const where = [ 'account_id = :account' ];
		const replacements: Record< string, unknown > = {
			account: accountId,
		};
		if ( query.action ) {
			// `user.` is every action of that kind; anything else is one action.
			where.push(
				query.action.endsWith( '.' )
					? 'action LIKE :action'
					: 'action = :action'
			);
			replacements.action = query.action.endsWith( '.' )
				? `${ query.action.replace( /_/g, '\\_' ) }%`
				: query.action;
		}
		if ( query.actor_user_id !== undefined ) {
			where.push( 'actor_user_id = :actor' );
			replacements.actor = query.actor_user_id;
		}
		if ( query.site_id !== undefined ) {
			where.push( 'site_id = :site' );
			replacements.site = query.site_id;
		}
		if ( query.target_type ) {
			where.push( 'target_type = :targetType' );
			replacements.targetType = query.target_type;
		}
		if ( query.from ) {
			where.push( 'created_at >= :from' );
			replacements.from = new Date( midnight( query.from ) );
		}
		if ( query.to ) {
			where.push( 'created_at < :to' );
			replacements.to = new Date( midnight( query.to ) + DAY_MS );
		}
		if ( query.search ) {
			where.push(
				'(actor_email ILIKE :search OR actor_name ILIKE :search OR target_label ILIKE :search OR action ILIKE :search)'
			);
			replacements.search = containsPattern( query.search );
		}
		const { limit, offset } = pageLimits( query );
		const condition = where.join( ' AND ' );
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< EntryRow >(
				`SELECT * FROM audit_log WHERE ${ condition }
				 ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
				{
					replacements: { ...replacements, limit, offset },
					type: QueryTypes.SELECT,
				}
			),
			this.sequelize.query< { count: string } >(
				`SELECT count(*) AS count FROM audit_log WHERE ${ condition }`,
				{ replacements, type: QueryTypes.SELECT }
			),
		] );
		return listPage(
			req,
			query,
			Number( counted?.count ?? 0 ),
			rows.map( serializeEntry )
		);
	}
}

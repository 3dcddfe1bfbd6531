import { z } from 'zod';
import { idParam, idSchema, listQuerySchema, timestampSchema } from './common';
import { dayParam } from './planner';

/**
 * The audit log: who changed what in an account. Actions are stable dotted
 * names, `<kind>.<what happened>`; a filter may name one action or a whole
 * kind (`user.`). Reads and sign-ins are not recorded.
 */
export const AUDIT_ACTIONS = [
	'user.created',
	'user.role_changed',
	'user.removed',
	'user.restored',
	'invite.created',
	'invite.revoked',
	'invite.accepted',
	'account.renamed',
	'site.created',
	'site.updated',
	'site.deleted',
	'site.credit_cap_set',
	'sector.deleted',
	'api_key.created',
	'api_key.revoked',
	'api_key.rotated',
	'integration.connected',
	'integration.updated',
	'integration.disconnected',
	'settings.ai_updated',
	'prompt.updated',
	'prompt.reset',
	'author_profile.deleted',
	'strategy.deleted',
	'automation.rule_deleted',
] as const;
export type AuditAction = ( typeof AUDIT_ACTIONS )[ number ];

/** Who acted: a person of the account, a WordPress user through their site, a site's key, or IGNY8 itself. */
export const AUDIT_ACTOR_TYPES = [
	'user',
	'wordpress_user',
	'site_key',
	'system',
] as const;
export type AuditActorType = ( typeof AUDIT_ACTOR_TYPES )[ number ];

export const auditEntrySchema = z.object( {
	id: idSchema,
	action: z.string(),
	actor: z.object( {
		type: z.enum( AUDIT_ACTOR_TYPES ),
		user_id: idSchema.nullable(),
		api_key_id: idSchema.nullable(),
		/** As it was when they acted. */
		email: z.string().nullable(),
		name: z.string().nullable(),
	} ),
	target_type: z.string(),
	target_id: z.string().nullable(),
	/** What the target was called when it changed (it may be gone since). */
	target_label: z.string().nullable(),
	site_id: idSchema.nullable(),
	/** What changed, e.g. `{ from: 'editor', to: 'admin' }`; never a secret. */
	details: z.record( z.string(), z.unknown() ),
	ip: z.string().nullable(),
	created_at: timestampSchema,
} );
export type AuditEntry = z.infer< typeof auditEntrySchema >;

/** GET /system/audit-log/: newest first. */
export const auditLogQuerySchema = listQuerySchema
	.omit( { ordering: true } )
	.extend( {
		/** One action (`user.role_changed`), or every action of a kind (`user.`). */
		action: z
			.string()
			.trim()
			.max( 64 )
			.regex(
				/^[a-z_]+\.[a-z_]*$/,
				'use an action like user.role_changed, or a kind like user.'
			)
			.optional(),
		actor_user_id: idParam.optional(),
		site_id: idParam.optional(),
		target_type: z
			.string()
			.trim()
			.max( 32 )
			.regex( /^[a-z_]+$/, 'use a target type like user or site' )
			.optional(),
		/** On or after this day (UTC), YYYY-MM-DD. */
		from: dayParam.optional(),
		/** On or before this day (UTC), YYYY-MM-DD. */
		to: dayParam.optional(),
	} )
	.refine( ( q ) => ! q.from || ! q.to || q.from <= q.to, {
		message: 'must not be before from',
		path: [ 'to' ],
	} );
export type AuditLogQuery = z.infer< typeof auditLogQuerySchema >;

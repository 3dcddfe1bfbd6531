import { z } from 'zod';
import {
	emailSchema,
	passwordSchema,
	tokenPairSchema,
	usernameSchema,
} from './auth';
import { idSchema, timestampSchema } from './common';

/** Roles an invite may carry: the account's own people (never staff or bots). */
export const INVITE_ROLES = [ 'owner', 'admin', 'editor', 'viewer' ] as const;
export const inviteRoleSchema = z.enum( INVITE_ROLES );

/** A pending invite as the account's managers see it: never its token. */
export const inviteSchema = z.object( {
	id: idSchema,
	email: z.string(),
	role: inviteRoleSchema,
	expires_at: timestampSchema,
	invited_by: idSchema.nullable(),
	created_at: timestampSchema,
} );

/** The answer to creating an invite: its link, shown this once (only its hash is kept). */
export const createdInviteSchema = inviteSchema.extend( {
	link: z.string(),
} );

export const inviteCreateSchema = z.strictObject( {
	email: emailSchema,
	role: inviteRoleSchema,
} );

export const inviteAcceptSchema = z.strictObject( {
	token: z.string().min( 1 ).max( 256 ),
	username: usernameSchema,
	password: passwordSchema,
} );

/** Who a link invites, for the accept page (the token is the credential). */
export const inviteLookupSchema = z.strictObject( {
	token: z.string().min( 1 ).max( 256 ),
} );
export const invitePreviewSchema = z.object( {
	email: z.string(),
	role: inviteRoleSchema,
	account_name: z.string(),
	expires_at: timestampSchema,
} );

/** Accepting answers like signing in. */
export const inviteAcceptedSchema = tokenPairSchema;

export type InviteRole = z.infer< typeof inviteRoleSchema >;
export type Invite = z.infer< typeof inviteSchema >;
export type CreatedInvite = z.infer< typeof createdInviteSchema >;
export type InviteCreate = z.infer< typeof inviteCreateSchema >;
export type InvitePreview = z.infer< typeof invitePreviewSchema >;
export type InviteAccept = z.infer< typeof inviteAcceptSchema >;

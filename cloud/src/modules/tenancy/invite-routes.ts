import { z } from 'zod';
import {
	createdInviteSchema,
	idPathSchema,
	inviteAcceptSchema,
	inviteAcceptedSchema,
	inviteCreateSchema,
	inviteLookupSchema,
	invitePreviewSchema,
	inviteSchema,
} from '@igny8/shared-types';
import { auditActor } from '../../audit';
import { route, type AnyRoute } from '../../http/route';
import type { InviteService } from './invites';

/** Invites to the account: managed by its owners and admins, accepted by whoever holds the link. */
export function inviteRoutes( invites: InviteService ): AnyRoute[] {
	return [
		route( {
			method: 'get',
			path: '/auth/invites/',
			summary: 'Invites of your account that can still be accepted',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			response: { data: z.array( inviteSchema ) },
			handler: async ( { principal } ) => ( {
				data: await invites.pending( principal.account.id ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/auth/invites/',
			summary:
				'Invite someone by email (the link is in this answer only; it works once, for 7 days)',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			body: inviteCreateSchema,
			response: { status: 201, data: createdInviteSchema },
			handler: async ( { body, principal, req } ) => ( {
				status: 201,
				data: await invites.create(
					principal,
					body,
					auditActor( principal, req )
				),
				message:
					'Invite created. Copy the link now: it is not shown again.',
			} ),
		} ),
		route( {
			method: 'delete',
			path: '/auth/invites/:id/',
			summary: 'Withdraw a pending invite (its link stops working)',
			tag: 'users',
			auth: 'account_user',
			permission: 'manage_users',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await invites.revoke(
					principal,
					params.id,
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),
		route( {
			method: 'post',
			path: '/auth/invites/lookup/',
			summary:
				'Who an invite link is for (public: the link is the credential; throttled like sign-in)',
			tag: 'users',
			auth: 'public',
			body: inviteLookupSchema,
			response: { data: invitePreviewSchema },
			handler: async ( { body, req } ) => ( {
				data: await invites.preview( body.token, req.ip ?? 'unknown' ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/auth/invites/accept/',
			summary:
				'Accept an invite: creates your user with the invited role and signs you in (public: the link is the credential; each link works once; throttled like sign-in)',
			tag: 'users',
			auth: 'public',
			body: inviteAcceptSchema,
			response: { data: inviteAcceptedSchema },
			handler: async ( { body, req } ) => ( {
				data: await invites.accept( body, req.ip ?? 'unknown' ),
			} ),
		} ),
	];
}

import {
	automationDryRunSchema,
	automationRuleCreateSchema,
	automationRuleListQuerySchema,
	automationRuleSchema,
	automationRuleUpdateSchema,
	automationRunListQuerySchema,
	automationRunSchema,
	automationSpendQuerySchema,
	automationSpendSchema,
	idPathSchema,
} from '@igny8/shared-types';
import { auditActor } from '../../audit';
import { route, type AnyRoute } from '../../http/route';
import type { AutomationService } from './service';

const TAG = 'automation';

/** The seed's Automation module (`/api/v1/automation/`): rules, their runs ("tasks"), dry runs, spend. */
export function automationRoutes( automation: AutomationService ): AnyRoute[] {
	const ruleAction = (
		path: string,
		summary: string,
		run: (
			principal: Parameters< AutomationService[ 'get' ] >[ 0 ],
			id: number
		) => Promise< unknown >,
		message: string
	) =>
		route( {
			method: 'post',
			path,
			summary,
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { data: automationRuleSchema },
			handler: async ( { params, principal } ) => ( {
				data: await run( principal, params.id ),
				message,
			} ),
		} );
	return [
		route( {
			method: 'get',
			path: '/automation/rules/',
			summary: 'Automation rules, newest first',
			tag: TAG,
			auth: 'user',
			query: automationRuleListQuerySchema,
			response: { list: automationRuleSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await automation.list( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/automation/rules/',
			summary:
				'Save a rule: a trigger, conditions, ordered actions and credit caps',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			body: automationRuleCreateSchema,
			response: {
				status: 201,
				data: automationRuleSchema,
				description: 'The rule',
			},
			handler: async ( { body, principal } ) => ( {
				status: 201,
				data: await automation.create( principal, body ),
				message: 'Rule saved.',
			} ),
		} ),
		route( {
			method: 'post',
			path: '/automation/rules/dry_run/',
			summary:
				'What an unsaved rule would do now, step by step, and its credit estimate; changes and charges nothing',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			body: automationRuleCreateSchema,
			response: { data: automationDryRunSchema },
			handler: async ( { body, principal } ) => ( {
				data: await automation.dryRun( principal, body ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/automation/rules/:id/',
			summary: 'One automation rule',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: automationRuleSchema },
			handler: async ( { params, principal } ) => ( {
				data: await automation.get( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'patch',
			path: '/automation/rules/:id/',
			summary: 'Change a rule; it then runs as the person who saved it',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			body: automationRuleUpdateSchema,
			response: { data: automationRuleSchema },
			handler: async ( { params, body, principal } ) => ( {
				data: await automation.update( principal, params.id, body ),
				message: 'Rule saved.',
			} ),
		} ),
		route( {
			method: 'delete',
			path: '/automation/rules/:id/',
			summary: 'Delete a rule; its past runs stay in the history',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { status: 204 },
			handler: async ( { params, principal, req } ) => {
				await automation.remove(
					principal,
					params.id,
					auditActor( principal, req )
				);
				return { status: 204 };
			},
		} ),
		ruleAction(
			'/automation/rules/:id/pause/',
			'Pause a rule: no schedule or event starts it until it is resumed',
			( p, id ) => automation.setEnabled( p, id, false ),
			'Rule paused.'
		),
		ruleAction(
			'/automation/rules/:id/resume/',
			'Resume a paused rule; a schedule fires next at its next time from now',
			( p, id ) => automation.setEnabled( p, id, true ),
			'Rule resumed.'
		),
		route( {
			method: 'post',
			path: '/automation/rules/:id/dry_run/',
			summary:
				'What the saved rule would do now, with the caps it has left this day and month',
			tag: TAG,
			auth: 'user',
			permission: 'write_content',
			params: idPathSchema,
			response: { data: automationDryRunSchema },
			handler: async ( { params, principal } ) => {
				const rule = await automation.get( principal, params.id );
				return {
					data: await automation.dryRun(
						principal,
						{
							name: rule.name,
							site_id: rule.site_id,
							sector_id: rule.sector_id,
							trigger: rule.trigger,
							conditions: rule.conditions,
							actions: rule.actions,
							caps: rule.caps,
							enabled: rule.enabled,
						},
						rule.id
					),
				};
			},
		} ),
		route( {
			method: 'post',
			path: '/automation/rules/:id/run/',
			summary: 'Run the rule now',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: {
				status: 202,
				data: automationRunSchema,
				description: 'The queued run',
			},
			handler: async ( { params, principal } ) => ( {
				status: 202,
				data: await automation.runNow( principal, params.id ),
				message: 'Run started.',
			} ),
		} ),
		route( {
			method: 'get',
			path: '/automation/tasks/',
			summary: 'Automation runs with their steps, newest first',
			tag: TAG,
			auth: 'user',
			query: automationRunListQuerySchema,
			response: { list: automationRunSchema },
			handler: async ( { query, principal, req } ) => ( {
				list: await automation.tasks( principal, req, query ),
			} ),
		} ),
		route( {
			method: 'get',
			path: '/automation/tasks/:id/',
			summary:
				'One automation run with each step: status, credits, what it made, errors',
			tag: TAG,
			auth: 'user',
			params: idPathSchema,
			response: { data: automationRunSchema },
			handler: async ( { params, principal } ) => ( {
				data: await automation.task( principal, params.id ),
			} ),
		} ),
		route( {
			method: 'post',
			path: '/automation/tasks/:id/resume/',
			summary:
				'Go on with a failed or capped run from the step it stopped at',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { data: automationRunSchema },
			handler: async ( { params, principal } ) => ( {
				data: await automation.resume( principal, params.id ),
				message: 'Run resumed.',
			} ),
		} ),
		route( {
			method: 'post',
			path: '/automation/tasks/:id/cancel/',
			summary: 'Stop a run before its next step',
			tag: TAG,
			auth: 'user',
			permission: 'manage_sites',
			params: idPathSchema,
			response: { data: automationRunSchema },
			handler: async ( { params, principal } ) => ( {
				data: await automation.cancel( principal, params.id ),
				message: 'Run cancelled.',
			} ),
		} ),
		route( {
			method: 'get',
			path: '/automation/spend/',
			summary: "This month's automation credits, in all and per rule",
			tag: TAG,
			auth: 'user',
			query: automationSpendQuerySchema,
			response: { data: automationSpendSchema },
			handler: async ( { query, principal } ) => ( {
				data: await automation.spend( principal, query ),
			} ),
		} ),
	];
}

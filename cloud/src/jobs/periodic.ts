import type { Services } from '../services';
import type { PeriodicTask } from './scheduler';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** How often runs are reconciled with the queue (ai/engine.ts reconcile). */
export const RECONCILE_EVERY_MS = 15_000;

/** Everything the cloud does on a clock, each once per tick across all processes (jobs/scheduler.ts). */
export function periodicTasks(
	services: Services,
	retentionDays: number
): PeriodicTask[] {
	return [
		{
			name: 'domain-events.dispatch',
			everyMs: 1_000,
			run: () => services.domainEvents.dispatch(),
		},
		{
			name: 'billing.grants',
			everyMs: HOUR_MS,
			run: () => services.grants.enqueueThisHour(),
		},
		{
			name: 'publisher.sweep',
			everyMs: services.publisher.sweepEveryMs,
			run: () => services.publisher.sweep(),
		},
		{
			name: 'ai.reconcile',
			everyMs: RECONCILE_EVERY_MS,
			run: () => services.ai.reconcile(),
		},
		{
			name: 'automation.schedule',
			everyMs: 10_000,
			run: () => services.automationTriggers.tick(),
		},
		{
			name: 'automation.reconcile',
			everyMs: RECONCILE_EVERY_MS,
			run: () => services.automationExecutor.reconcile(),
		},
		{
			name: 'ai.file-sweep',
			everyMs: DAY_MS,
			run: () => services.ai.sweepOrphanedFiles(),
		},
		{
			name: 'integration.event-retention',
			everyMs: DAY_MS,
			run: () => services.events.purgeExpired(),
		},
		{
			name: 'domain-events.prune',
			everyMs: DAY_MS,
			run: () => services.domainEvents.prune( retentionDays ),
		},
	];
}

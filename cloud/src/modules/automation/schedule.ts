import { CronExpressionParser } from 'cron-parser';
import type { AutomationTrigger } from '@igny8/shared-types';
import { ValidationError } from '../../http/errors';

/**
 * When a schedule fires next, strictly after `after`. Computed from now —
 * never from the missed due time — so a deployment that was down for six
 * hours fires a daily rule once on recovery, not once per missed tick.
 */
export function nextFireAt(
	trigger: AutomationTrigger,
	after: Date
): Date | null {
	if ( trigger.kind !== 'schedule' ) {
		return null;
	}
	return CronExpressionParser.parse( trigger.cron, {
		currentDate: after,
		tz: trigger.timezone,
	} )
		.next()
		.toDate();
}

/** A 400 naming the field when the cron expression does not parse. */
export function assertSchedule( trigger: AutomationTrigger ): void {
	if ( trigger.kind !== 'schedule' ) {
		return;
	}
	try {
		nextFireAt( trigger, new Date() );
	} catch ( error ) {
		throw new ValidationError( 'Invalid body.', {
			'trigger.cron': [
				`"${ trigger.cron }" is not a cron expression this server understands (${ ( error as Error ).message }); e.g. "0 6 * * *" is 06:00 every day`,
			],
		} );
	}
}

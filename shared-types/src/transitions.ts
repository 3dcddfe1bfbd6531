/**
 * Which status may follow which, per resource. The cloud refuses anything
 * else (400, naming the allowed next statuses); screens use the same table to
 * offer only the moves that will work.
 */
export const TRANSITIONS = {
	keyword: {
		active: [ 'inactive', 'used' ],
		inactive: [ 'active' ],
		used: [ 'active', 'inactive' ],
	},
	cluster: {
		active: [ 'archived' ],
		archived: [ 'active' ],
	},
	idea: {
		draft: [ 'approved' ],
		approved: [ 'draft', 'in_progress' ],
		in_progress: [ 'approved', 'completed' ],
		completed: [ 'in_progress' ],
	},
	task: {
		pending: [ 'in_progress', 'completed' ],
		in_progress: [ 'pending', 'completed' ],
		completed: [ 'in_progress', 'published' ],
		published: [ 'completed' ],
	},
} as const;

export type TransitionTable = typeof TRANSITIONS;
export type StatusOf< R extends keyof TransitionTable > =
	keyof TransitionTable[ R ] & string;

export function allowedNext< R extends keyof TransitionTable >(
	resource: R,
	from: string
): readonly string[] {
	const table = TRANSITIONS[ resource ] as Record<
		string,
		readonly string[]
	>;
	return table[ from ] ?? [];
}

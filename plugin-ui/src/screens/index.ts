/**
 * Internal dependencies
 */
import type { ScreenId } from '../boot';
import { ActivityScreen } from './activity';
import { AutomationScreen } from './automation/index';
import { ContentScreen, ImagesScreen, TasksScreen } from './writer';
import { ClustersScreen, IdeasScreen } from './planner';
import { DashboardScreen } from './dashboard';
import { KeywordsScreen } from './keywords';
import { LinkerScreen } from './linker/index';
import { OptimizerScreen } from './optimizer/index';
import { SettingsScreen } from './settings/index';
import { SiteBuilderScreen } from './site-builder/index';
import type { ScreenProps } from './types';

export const SCREENS: Record<
	ScreenId,
	( props: ScreenProps ) => JSX.Element | null
> = {
	dashboard: DashboardScreen,
	keywords: KeywordsScreen,
	clusters: ClustersScreen,
	ideas: IdeasScreen,
	tasks: TasksScreen,
	content: ContentScreen,
	images: ImagesScreen,
	linker: LinkerScreen,
	optimizer: OptimizerScreen,
	automation: AutomationScreen,
	'site-builder': SiteBuilderScreen,
	activity: ActivityScreen,
	settings: SettingsScreen,
};

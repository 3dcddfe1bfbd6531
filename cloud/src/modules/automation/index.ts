/** The automation module's public face. */
export { Actions, type ActionPorts } from './actions';
export { AutomationExecutor, type AutomationAi } from './executor';
export { automationRoutes } from './routes';
export { AutomationService } from './service';
export { AutomationStore } from './store';
export { AutomationTriggers } from './triggers';

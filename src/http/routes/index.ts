// Every authenticated `/api/v1` route module, in one list.
import type { ApiRoutes } from './types.ts';
import { activityRoutes } from './activities.routes.ts';
import { leadRoutes } from './leads.routes.ts';
import { pipelineRoutes } from './pipelines.routes.ts';
import { userRoutes } from './users.routes.ts';

export const API_ROUTES: ApiRoutes[] = [userRoutes, pipelineRoutes, leadRoutes, activityRoutes];

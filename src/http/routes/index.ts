// Every authenticated `/api/v1` route module, in one list.
import type { ApiRoutes } from './types.ts';
import { activityRoutes } from './activities.routes.ts';
import { leadRoutes } from './leads.routes.ts';
import { pipelineRoutes } from './pipelines.routes.ts';
import { userRoutes } from './users.routes.ts';
import { keyRoutes } from './keys.routes.ts';
// CRM sub-resources and catalogues.
import { attachmentRoutes } from './attachments.routes.ts';
import { catalogueRoutes } from './catalogues.routes.ts';
import { contactRoutes } from './contacts.routes.ts';
import { customFieldRoutes } from './custom-fields.routes.ts';
import { organizationRoutes } from './organizations.routes.ts';
import { emailRoutes } from './emails.routes.ts';
import { fieldRoutes } from './fields.routes.ts';
import { noteRoutes } from './notes.routes.ts';
import { todoRoutes } from './todos.routes.ts';
// Webhooks and deliveries.
import { deliveryRoutes } from './deliveries.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { webhookSecretRoutes } from './webhook-secret.routes.ts';
import { inspectorRoutes } from './inspector.routes.ts';

export const API_ROUTES: ApiRoutes[] = [
  userRoutes, keyRoutes, pipelineRoutes, leadRoutes, activityRoutes,
  todoRoutes, noteRoutes, fieldRoutes, emailRoutes, attachmentRoutes, catalogueRoutes,
  contactRoutes, organizationRoutes, customFieldRoutes,
  webhookRoutes, webhookSecretRoutes, deliveryRoutes, inspectorRoutes,
];

// leadhook/receiver: verify, type and deduplicate leadhook webhooks in any Node service
// (docs/RECEIVING.md). Imports nothing from leadhook's server: only the catalogue's types and
// schemas, bundled into dist/receiver/ by scripts/build.mjs.
export type { ActivityEvent, ActivityOf, ActivityType, EventLead, EventType, EventUser, LeadhookEvent, TestEvent } from './events.ts';
export { verify, type HeaderBag, type VerifiedEvent, type VerifyError, type VerifyErrorCode, type VerifyOptions, type VerifyResult } from './verify.ts';
export { createDeduper, type Deduper, type DeduperOptions } from './dedupe.ts';
export { createReceive, type EventHandler, type ReceiverAnswer, type ReceiverOptions } from './receive.ts';
export { createNodeHandler, readRawBody } from './node.ts';
export { createExpressHandler } from './express.ts';
export { fastifyReceiver, type FastifyLike, type FastifyReceiverOptions } from './fastify.ts';
export { allEventSchemas, eventSchema, testEventSchema, type JsonSchema } from '../activities/event-schemas.ts';

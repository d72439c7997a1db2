// The request bodies leadhook sends, as types derived from the activity catalogue
// (src/activities/catalogue.ts): a type added there appears here without a second edit.
import type { ActivityFieldsByType, ActivityType } from '../activities/catalogue.ts';
import type { ActivityUser, LeadSnapshot } from '../activities/payload.ts';

export type { ActivityType };
export type EventUser = ActivityUser;
export type EventLead = LeadSnapshot;

/** The `activity` object of one type: common keys plus exactly that type's fields. */
export type ActivityOf<T extends ActivityType> = {
  _id: string;
  /** ISO-8601, whole seconds, UTC (`2026-01-10T09:37:58Z`). */
  created_at: string;
  type: T;
  user: EventUser;
} & ActivityFieldsByType[T];

/** A webhook body for one of the 33 activity types; `T` narrows it. */
export type ActivityEvent<T extends ActivityType = ActivityType> = {
  [K in T]: { activity: ActivityOf<K>; lead: EventLead; handshake_key?: string };
}[T];

/** The body of `POST /webhooks/:id/test`: sample lead data, never a real change. */
export interface TestEvent {
  activity: { _id: string; created_at: string; test: true; message: string; type: 'webhook:test'; user: EventUser };
  lead: EventLead;
  handshake_key?: string;
}

/** Every body leadhook sends: a union discriminated on `activity.type`. */
export type LeadhookEvent = ActivityEvent | TestEvent;
export type EventType = LeadhookEvent['activity']['type'];

/** Compile-time proof that the union covers the whole catalogue and nothing else. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const EVENT_TYPES_MATCH_CATALOGUE: Exactly<Exclude<EventType, 'webhook:test'>, ActivityType> = true;

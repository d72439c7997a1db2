// The webhook body of docs/SPEC.md §3, built from an activity and the lead right after it. Built once:
// the activity and lead JSON are stored with the activity, and every delivery's body is composed
// from them when the delivery is created, so every attempt and replay sends the same bytes.
import { isoSeconds } from '../shared/clock.ts';
import { ACTIVITY_CATALOGUE, type ActivityChange } from './catalogue.ts';

export interface ActivityUser {
  _id: string;
  name: string;
  photo_url: string | null;
}

export interface LeadSnapshot {
  _id: string;
  name: string;
  stage: { _id: string; name: string };
  pipe: { _id: string; name: string };
}

/**
 * The `activity` object: `_id`, `created_at`, the type's fields in catalogue order (optional ones
 * omitted when undefined), `type`, `user` — the key order of ClinchPad's example.
 */
export function buildActivityObject(
  id: string,
  createdAt: Date,
  change: ActivityChange,
  user: ActivityUser,
): Record<string, unknown> {
  const activity: Record<string, unknown> = { _id: id, created_at: isoSeconds(createdAt) };
  const values = change.fields as Record<string, unknown>;
  for (const field of ACTIVITY_CATALOGUE[change.type].fields) {
    const value = values[field.name];
    if (value !== undefined && value !== null) activity[field.name] = value;
  }
  activity.type = change.type;
  activity.user = { _id: user._id, name: user.name, photo_url: user.photo_url };
  return activity;
}

/** `{"activity":…,"lead":…[,"handshake_key":…]}` from the stored JSON, without re-serialising. */
export function composeWebhookBody(activityJson: string, leadJson: string, handshakeKey: string | null): string {
  const key = handshakeKey ? `,"handshake_key":${JSON.stringify(handshakeKey)}` : '';
  return `{"activity":${activityJson},"lead":${leadJson}${key}}`;
}

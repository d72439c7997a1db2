// A webhook's event filter: a JSON array of activity types, or ["*"] for every type. The outbox
// reads it for every activity; the webhooks API shows and normalises it.
export const ALL_EVENTS = '*';

export function parseEvents(json: string): string[] {
  return JSON.parse(json) as string[];
}

/** Does a webhook with this filter want this activity type? */
export function wantsEvent(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

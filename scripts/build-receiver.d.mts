// Types of build-receiver.mjs for the TypeScript callers (tests).
export function buildReceiver(): Promise<void>;

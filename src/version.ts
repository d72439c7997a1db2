import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** The package version, also sent as `user-agent: leadhook/<version>`. */
export const VERSION: string = pkg.version;

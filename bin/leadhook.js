#!/usr/bin/env node
// The leadhook command. The sources are TypeScript; scripts/build.mjs bundles them into dist/
// (again whenever a source changed), so `npm install` is the only step before `leadhook serve`
// and the process runs plain JavaScript.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';

process.setSourceMapsEnabled(true);
await import(pathToFileURL(await ensureBuilt()).href);

#!/usr/bin/env node
// The leadhook command. The sources are TypeScript, run through tsx so that `npm install` is the
// only step before `leadhook serve` (no build directory to keep in sync).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

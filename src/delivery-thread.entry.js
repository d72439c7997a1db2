// The delivery thread's entry point. Worker threads do not inherit the tsx loader of the main
// thread, so this plain-JS file registers it before importing the TypeScript thread side.
import { register } from 'tsx/esm/api';

register();
await import('./delivery-thread.ts');

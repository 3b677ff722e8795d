/**
 * The configuration's API in one place: loading (loader.ts), checking a text (check.ts), the shapes (settings.ts)
 * and the errors (issues.ts). Importing this module loads the checker, yaml and the validator with it; the CLI's
 * hot path imports loader.ts instead, so that a run whose settings come from the cache loads none of them.
 */
export { ConfigError, type ConfigIssue } from './issues.js';
export type * from './settings.js';
export { checkConfigText } from './check.js';
export { loadConfig, resolveConfig, toDetectConfig, type LoadOptions } from './loader.js';

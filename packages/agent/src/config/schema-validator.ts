/**
 * The configuration's validator, compiled from the schema by ajv at run time. The CLI's bundle (build.mjs) swaps
 * this module for the same validator generated ahead of time (ajv's standalone code), so a cron run does not spend
 * tens of milliseconds compiling the schema on every start; tests and the language server use this one. Both come
 * from the same options, so they report the same errors.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { CONFIG_SCHEMA } from './schema.js';

export const VALIDATOR_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true } as const;

export function configValidator(): ValidateFunction {
  return new Ajv(VALIDATOR_OPTIONS).compile(CONFIG_SCHEMA);
}

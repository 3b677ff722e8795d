#!/usr/bin/env node
// The bundle (build.mjs, made by `npm run build`): a few files to read instead of a module graph to resolve.
import { main } from '../dist/bundle/main.js';
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

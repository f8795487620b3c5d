#!/usr/bin/env node
// A shim: the CLI lives in dist/ (built by `npm install` / `npm run build`).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2), process);

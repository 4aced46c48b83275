#!/usr/bin/env node
// npx runs this shim: it registers tsx so the TypeScript entry runs as-is, without a build step.
require('tsx/cjs');
require('./egress.ts');

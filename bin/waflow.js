#!/usr/bin/env node
// The `waflow` command: the compiled CLI (`npm run build` produces dist/).
import '../dist/cli/bin.js';

#!/usr/bin/env node
// The `segmenter` bin: registers tsx's require hook in this process and runs the TypeScript entry.
// In process rather than a child `node --import tsx`, so Ctrl-C, stdio and the exit code need no relaying.
'use strict';
require('tsx/cjs/api').register();
require('../src/main.ts');

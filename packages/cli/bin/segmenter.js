#!/usr/bin/env node
// The `segmenter` bin. Where tsx is installed (a development checkout) it registers tsx's require
// hook in this process and runs the TypeScript sources, so what runs is what was just edited; in a
// production install (no dev dependencies) it runs the compiled dist/ of `npm run build`.
// In process rather than a child `node --import tsx`, so Ctrl-C, stdio and the exit code need no relaying.
'use strict';
let tsx;
try {
  tsx = require('tsx/cjs/api');
} catch (err) {
  if (err.code !== 'MODULE_NOT_FOUND') throw err;
}
if (tsx) {
  tsx.register();
  require('../src/main.ts');
} else {
  require('../dist/main.js');
}

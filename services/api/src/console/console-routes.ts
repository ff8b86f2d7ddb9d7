// Serves the web console (services/console, built by Vite) at /console: its hashed assets cached
// for a year, index.html for every other path so the console's own routes survive a reload.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';
import { AppError, NotFoundError } from '../errors/app-error';

/**
 * The console's build. This file sits at services/api/src/console/ when run from the sources and
 * at services/api/dist/console/ when compiled, and the console's dist/ is services/console/dist in
 * the repository and in the production tree (`./dev build --production`, the Docker image) alike.
 */
export const DEFAULT_CONSOLE_DIR = resolve(__dirname, '..', '..', '..', 'console', 'dist');

// Only the console's own origin: no CDN, no inline script or style, no framing by another site.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export class ConsoleNotBuiltError extends AppError {
  constructor(dir: string) {
    super(
      503,
      'Console not built',
      `The console has not been built (no ${join(dir, 'index.html')}): run \`npm run build -w services/console\` (or \`./dev up\`, which builds it)`,
    );
  }
}

export function consoleRoutes(dir: string = DEFAULT_CONSOLE_DIR): Router {
  const router = Router();
  const indexFile = join(dir, 'index.html');
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  });
  // Vite names every file under assets/ by its content hash: a changed file is a new name.
  router.use('/assets', express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  // A missing asset is a 404, not index.html: a stale page asking for an old bundle must not get HTML for JS.
  router.use('/assets', (req, _res, next) => next(new NotFoundError(`The console asset ${req.path}`)));
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  // Any other GET is a route of the console's own: index.html. A middleware, not a `/{*path}` route,
  // so the request metrics do not label each client path (a contact id in it) as a route pattern.
  // Checked per request, so a console built while the api runs is served without a restart.
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!existsSync(indexFile)) return next(new ConsoleNotBuiltError(dir));
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return router;
}

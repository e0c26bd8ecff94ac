// Serving a browser page of this package: its HTML at the mount point, the shared stylesheet and the
// compiled browser modules under `assets/` (relative URLs, so a page works mounted at / or /ui/).
import { existsSync } from 'node:fs';
import express, { type Router } from 'express';
import { packagePath } from '../cluster/paths.js';

export type UiPage = 'dashboard' | 'master' | 'marathon';

/** A router to mount where the page lives: GET / → ui/<page>/index.html; GET /assets/… → styles and modules. */
export function uiRouter(page: UiPage): Router {
  const router = express.Router();
  const pageDir = packagePath('ui', page);
  router.use('/assets', express.static(packagePath('dist', 'ui'), { index: false, fallthrough: true }));
  router.use('/assets', express.static(packagePath('ui'), { index: false }));
  router.get('/', (_req, res, next) => {
    const index = `${pageDir}/index.html`;
    if (!existsSync(index)) return next();
    res.set('Cache-Control', 'no-store');
    res.sendFile(index);
  });
  return router;
}

// The Marathon-style web UI of a scheduler at /ui/: its page and assets, served by whichever scheduler
// answers (a standby too); the page's API calls go to ../v2/… and are proxied like any other request.
import express, { type Router } from 'express';
import { uiRouter } from '../../common/ui-assets.js';

const UI_MOUNT = '/ui';

/** Mount at UI_MOUNT: `/ui` redirects to `/ui/` so the page's relative URLs resolve under it. */
export function marathonUi(): Router {
  const router = express.Router();
  router.use(UI_MOUNT, (req, res, next) => {
    const [path, query] = splitUrl(req.originalUrl);
    if (path === UI_MOUNT) return void res.redirect(301, `ui/${query}`);
    next();
  });
  router.use(UI_MOUNT, uiRouter('marathon'));
  return router;
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at)];
}

// Launch backoff per app config version (reference §8.2): backoffSeconds, × backoffFactor per further
// failure, capped at maxLaunchDelaySeconds, forgotten after delay + maxLaunchDelay without failures.
import type { AppVersion, LaunchDelay } from './model.js';

const MS_PER_SECOND = 1000;

/**
 * The version a delay belongs to: the app's last config change, so scaling keeps the delay and any other
 * change (a new config, a restart) starts afresh.
 */
export function delayVersion(app: AppVersion): string {
  return app.versionInfo.lastConfigChangeAt;
}

/**
 * After TASK_FAILED, TASK_FINISHED, TASK_ERROR, TASK_LOST/GONE/DROPPED or a health kill (not TASK_KILLED):
 * the new delay of this app version. A delay of another version, or one that expired, is replaced.
 */
export function delayAfterFailure(o: { app: AppVersion; previous: LaunchDelay | undefined; now: number }): LaunchDelay {
  const { app, previous, now } = o;
  const max = app.maxLaunchDelaySeconds * MS_PER_SECOND;
  const ongoing = previous !== undefined && previous.delayMs > 0 && !delayExpired({ app, delay: previous, now });
  const delayMs = Math.min(max, ongoing ? previous.delayMs * app.backoffFactor : app.backoffSeconds * MS_PER_SECOND);
  return { appId: app.id, version: delayVersion(app), delayMs, until: now + delayMs, lastFailureAt: now };
}

/** Whether the delay no longer applies: another version, or `delay + maxLaunchDelay` has passed since the last failure. */
export function delayExpired(o: { app: AppVersion; delay: LaunchDelay; now: number }): boolean {
  const { app, delay, now } = o;
  const quietUntil = delay.lastFailureAt + delay.delayMs + app.maxLaunchDelaySeconds * MS_PER_SECOND;
  return delay.version !== delayVersion(app) || now >= quietUntil;
}

/** ms until the app may launch again (0 = now). */
export function launchWaitMs(delay: LaunchDelay | undefined, now: number): number {
  return delay === undefined ? 0 : Math.max(0, Math.ceil(delay.until - now));
}

// Marathon's two renderings of an app id (its PathId) that others match on: the safe id that prefixes
// instance and task ids and names ZooKeeper nodes, and the hostname tasks are named by.

/** `/group/app` → `group_app`: no leading `/`, the other `/` as `_`. */
export const safeId = (appId: string): string => appId.replace(/^\//, '').replaceAll('/', '_');

/** Marathon's PathId.toHostname: segments reversed and joined with `.` (`/group/app` → `app.group`). */
export function toHostname(appId: string): string {
  return appId
    .split('/')
    .filter((s) => s !== '')
    .reverse()
    .join('.');
}

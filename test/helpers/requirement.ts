// Suites that need something installed on the machine (a Docker engine, Chromium, a real ZooKeeper):
// skipped with the reason when it is missing, or failed instead when its MINICLUSTER_REQUIRE_* switch is 1.
import { beforeAll, describe, it } from 'vitest';

export interface Requirement {
  /** The switch that turns a skip into a failure, e.g. MINICLUSTER_REQUIRE_DOCKER. */
  readonly switch: string;
  /** Why the suite cannot run here, or null when it can. */
  readonly missing: string | null;
}

export function required(switchName: string): boolean {
  return process.env[switchName] === '1';
}

/** A describe() that runs only when the requirement is met; otherwise it skips saying why, or fails when required. */
export function describeRequiring(requirement: Requirement, name: string, body: () => void): void {
  const { missing } = requirement;
  if (missing !== null && !required(requirement.switch)) {
    describe(name, () => {
      it.skip(`skipped: ${missing}; ${requirement.switch}=1 makes this fail instead`, () => {});
    });
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      if (missing !== null) throw new Error(`${requirement.switch}=1 but ${missing}`);
    });
    body();
  });
}

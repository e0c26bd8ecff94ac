// Our ZooKeeper client against a real ZooKeeper 3.8, standalone and as a 3-member ensemble, and the
// requests off the happy path against a standalone one (skipped, saying why, when java or the ZooKeeper
// distribution is not installed; failed instead under MINICLUSTER_REQUIRE_ZOOKEEPER=1).
import { badInputSuite } from '../helpers/bad-input.js';
import { clientSuite, type SuiteProvider } from '../helpers/client-suite.js';
import { realZooKeeperMissing, startRealZooKeeper, ZOOKEEPER_SWITCH } from '../helpers/real-zookeeper.js';

function realZooKeeper(members: 1 | 3): SuiteProvider {
  return {
    requirement: { switch: ZOOKEEPER_SWITCH, missing: realZooKeeperMissing() },
    start: async () => {
      const zk = await startRealZooKeeper({ members });
      return zk === null ? null : { clientPorts: zk.members.map((m) => m.clientPort), stop: () => zk.stop() };
    },
  };
}

clientSuite('client vs real ZooKeeper 3.8 (standalone)', realZooKeeper(1));
clientSuite('client vs real ZooKeeper 3.8 (3-member ensemble)', realZooKeeper(3));
badInputSuite('bad input vs real ZooKeeper 3.8 (standalone)', realZooKeeper(1));

// Our ZooKeeper client's behaviour suite, run against our own three-member ensemble (the same suite
// runs against a real ZooKeeper 3.8 in client-vs-zookeeper.test.ts).
import { clientSuite, type SuiteProvider } from '../helpers/client-suite.js';
import { TestEnsemble } from '../helpers/ensemble.js';

const ourEnsemble: SuiteProvider = {
  start: async () => {
    const ensemble = await TestEnsemble.start();
    return { clientPorts: ensemble.sids.map((sid) => ensemble.clientPort(sid)), stop: () => ensemble.stop() };
  },
};

clientSuite('client vs the minicluster ensemble', ourEnsemble);

// Types for the parts of node-zookeeper-client (a plain JavaScript package) the benchmark uses.
declare module 'node-zookeeper-client' {
  import { EventEmitter } from 'node:events';

  export type Callback = (error: Error | null) => void;

  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    create(path: string, data: Buffer, mode: number, callback: Callback): void;
    mkdirp(path: string, data: Buffer, callback: Callback): void;
    setData(path: string, data: Buffer, version: number, callback: Callback): void;
    getData(path: string, callback: Callback): void;
    exists(path: string, callback: Callback): void;
  }

  const zookeeper: {
    createClient(connectString: string, options: { sessionTimeout: number; spinDelay: number }): Client;
    CreateMode: { PERSISTENT: number };
  };
  export default zookeeper;
}

// The normalised Marathon app definition (1.5+ output shape) and the defaults Marathon fills in.
// Validation and legacy translation live in app.ts and its app-*.ts siblings.

export type Protocol = 'tcp' | 'udp' | 'udp,tcp';

export interface PortDefinition {
  port: number;
  protocol: Protocol;
  name?: string;
  labels: Record<string, string>;
}

export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  servicePort: number;
  protocol: Protocol;
  name?: string;
  labels: Record<string, string>;
}

export type NetworkMode = 'host' | 'container' | 'container/bridge';

export interface Network {
  mode: NetworkMode;
  name?: string;
  labels: Record<string, string>;
}

export interface DockerParameter {
  key: string;
  value: string;
}

export interface Docker {
  image: string;
  privileged: boolean;
  forcePullImage: boolean;
  parameters: DockerParameter[];
}

export interface HostVolume {
  containerPath: string;
  hostPath: string;
  mode: 'RO' | 'RW';
}

export interface Container {
  type: 'DOCKER' | 'MESOS';
  docker?: Docker;
  portMappings: PortMapping[];
  volumes: HostVolume[];
}

export type ConstraintOperator = 'UNIQUE' | 'CLUSTER' | 'GROUP_BY' | 'LIKE' | 'UNLIKE' | 'MAX_PER' | 'IS';
export type Constraint = [field: string, operator: ConstraintOperator] | [string, ConstraintOperator, string];

export type HealthCheckProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_HTTP' | 'MESOS_HTTPS' | 'MESOS_TCP';

export interface HealthCheck {
  protocol: HealthCheckProtocol;
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value: string };
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  ignoreHttp1xx: boolean;
  delaySeconds: number;
}

export type ReadinessCheckProtocol = 'HTTP' | 'HTTPS';

/** Marathon's ReadinessCheck (raml/v2/types/readinessCheck.raml): probed only while a deployment runs. */
export interface ReadinessCheck {
  name: string;
  protocol: ReadinessCheckProtocol;
  path: string;
  /** Names a port definition or port mapping. */
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

export interface FetchUri {
  uri: string;
  extract: boolean;
  executable: boolean;
  cache: boolean;
  destPath?: string;
}

export interface UpgradeStrategy {
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
}

export type UnreachableStrategy = 'disabled' | { inactiveAfterSeconds: number; expungeAfterSeconds: number };

export type EnvValue = string | { secret: string };

export interface AppDefinition {
  id: string;
  cmd?: string;
  args?: string[];
  user?: string;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  executor: string;
  env: Record<string, EnvValue>;
  labels: Record<string, string>;
  constraints: Constraint[];
  acceptedResourceRoles?: string[];
  container?: Container;
  networks: Network[];
  portDefinitions: PortDefinition[];
  requirePorts: boolean;
  healthChecks: HealthCheck[];
  readinessChecks: ReadinessCheck[];
  dependencies: string[];
  upgradeStrategy: UpgradeStrategy;
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
  taskKillGracePeriodSeconds?: number;
  fetch: FetchUri[];
  killSelection: 'YOUNGEST_FIRST' | 'OLDEST_FIRST';
  unreachableStrategy: UnreachableStrategy;
}

export const APP_DEFAULTS = {
  instances: 1,
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  executor: '',
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 3600,
  killSelection: 'YOUNGEST_FIRST',
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
  unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
} as const;

export const HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  path: '/',
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  ignoreHttp1xx: false,
  delaySeconds: 15,
} as const;

export const READINESS_CHECK_DEFAULTS = {
  name: 'readinessCheck',
  protocol: 'HTTP',
  path: '/',
  portName: 'http-api',
  intervalSeconds: 30,
  timeoutSeconds: 10,
  httpStatusCodesForReady: [200],
  preserveLastResponse: false,
} as const;

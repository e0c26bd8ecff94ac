// The house's layering, checked in CI (`npm run deps`): no import cycles; pure cores and the ZooKeeper
// wire codecs touch no I/O; roles depend on the shared contracts, never on each other's insides;
// common/ depends on nothing above it. ARCHITECTURE.md explains each rule.
const ROLES = ['agent', 'master', 'scheduler', 'chronos'];
const IO_MODULES = [
  'fs',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'os',
  'path',
  'crypto',
  'dgram',
  'dns',
  'tls',
  'zlib',
  'readline',
  'timers',
];

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles make start-up order and layering accidental.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'A core is a synchronous object fed messages and ticks: no I/O module, no shell, no cluster.',
      severity: 'error',
      from: { path: ['^src/[a-z-]+/core/', '^src/[a-z-]+/[a-z-]+/core/', '^src/ensemble/wire/'] },
      to: {
        path: [`^(node:)?(${IO_MODULES.join('|')})(/|$)`, '^src/[a-z-]+/io/', '^src/cluster/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    ...ROLES.map((role) => ({
      name: `${role}-through-contracts`,
      comment: `${role}/ reaches the other roles only through the shared contracts.`,
      severity: 'error',
      from: { path: `^src/${role}/` },
      to: { path: `^src/(${ROLES.filter((r) => r !== role).join('|')})/` },
    })),
    {
      name: 'contracts-below-roles',
      comment: 'api/, cli/ and ui/ use what roles expose, not their cores.',
      severity: 'error',
      from: { path: '^src/(api|cli|ui)/' },
      to: { path: `^src/(${ROLES.join('|')})/core/` },
    },
    {
      name: 'common-at-the-bottom',
      comment: 'common/ imports nothing from the layers above it.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/(?!common/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

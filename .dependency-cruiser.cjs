/**
 * The layering of docs/architecture.md, enforced: libraries never import services, the gateway
 * or the CLI; services never import each other; test helpers stay in tests.
 */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-app',
      severity: 'error',
      comment: 'Libraries hold no service logic and never import a service, the gateway or the CLI.',
      from: { path: '^libs/' },
      to: { path: '^(services|gateway|cli)/' },
    },
    {
      name: 'service-imports-service',
      severity: 'error',
      comment: 'Services talk over NATS or federation, never by importing each other.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'service-imports-gateway-or-cli',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^(gateway|cli)/' },
    },
    {
      name: 'gateway-imports-service',
      severity: 'error',
      comment: 'The gateway composes subgraphs by their SDL and talks to them over HTTP.',
      from: { path: '^gateway/' },
      to: { path: '^(services|cli)/' },
    },
    {
      name: 'cli-imports-service',
      severity: 'error',
      comment: 'The CLI speaks to the running system over GraphQL, or uses libraries for break-glass work.',
      from: { path: '^cli/' },
      to: { path: '^(services|gateway)/' },
    },
    {
      name: 'testkit-outside-tests',
      severity: 'error',
      comment: 'The testkit is for tests only.',
      from: { path: '^(libs|services|gateway|cli)/', pathNot: '(\\.test\\.ts$|/test/|^libs/testkit/)' },
      to: { path: '^libs/testkit/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'], extensions: ['.ts', '.js', '.json', '.d.ts'] },
  },
};

// Apps of about 4 KB as real definitions carry them (env, labels, a health check), for the tests and
// benchmarks that hold hundreds of apps.
export function fleetApp(i: number, instances = 0): Record<string, unknown> {
  const env = Object.fromEntries(
    Array.from({ length: 20 }, (_, k) => [`SETTING_${k}`, `value-${i}-${'v'.repeat(60)}`]),
  );
  const labels = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`label-${k}`, 'l'.repeat(80)]));
  const healthChecks = [
    { protocol: 'COMMAND', command: { value: 'true' }, intervalSeconds: 1, gracePeriodSeconds: 10 },
  ];
  return { id: `/fleet/app-${i}`, cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances, env, labels, healthChecks };
}

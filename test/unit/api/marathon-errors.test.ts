// Marathon's error answers in words (the one translation the CLI, the dashboard and the Marathon UI share): every
// validation key the scheduler's readers produce reads as the rule it stands for, the rules agree with the readers
// and with src/common/limits.ts, the 409 lock names its deployments and --force, JSON mistakes have a line and column.
import { describe, expect, it } from 'vitest';
import {
  MARATHON_MAX_NETWORK_NAME_LENGTH,
  MARATHON_MAX_URI_LENGTH,
  MAX_APP_ID_LENGTH,
  MAX_APP_STRING_LENGTH,
} from '../../../src/common/limits.js';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import { isValidPathId } from '../../../src/scheduler/core/path-id.js';
import { jsonSyntaxError, readableError, violationText } from '../../../src/ui/common/marathon-errors.js';

const APP = { id: '/ok', cmd: 'sleep 1', cpus: 0.1, mem: 16 };

/** The readable texts of what the scheduler answers for `definition`. */
function texts(definition: Record<string, unknown>): string[] {
  const result = normalizeApp(definition);
  if (result.ok) throw new Error(`${JSON.stringify(definition)} was accepted`);
  return readableError(result.error, { force: '--force' }).details.map((d) => d.text);
}

describe('validation errors in words', () => {
  it('says what cpus and id must be, as the README promises', () => {
    expect(texts({ ...APP, cpus: -1 })).toEqual(['cpus must be at least 0.001']);
    expect(texts({ ...APP, id: '/Bad_Id' })).toEqual([
      'id must match ^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$ in each part between slashes',
    ]);
  });

  it('reads every rule the readers check as that rule, never as a bare key', () => {
    const check = { protocol: 'HTTP', path: '/' };
    const cases: [Record<string, unknown>, string][] = [
      [{ instances: -1 }, 'instances must be at least 0'],
      [{ instances: 1.5 }, 'instances must be a whole number'],
      [{ mem: 'lots' }, 'mem must be a number'],
      [{ backoffFactor: 0.5 }, 'backoffFactor must be at least 1'],
      [{ executor: '//cmd//' }, 'executor must match ^(//cmd)|(/?[^/]+(/[^/]+)*)|$'],
      [{ killSelection: 'RANDOM' }, 'killSelection must be one of YOUNGEST_FIRST, OLDEST_FIRST'],
      [{ portDefinitions: [{ port: 70000 }] }, 'portDefinitions[0].port must be at most 65535'],
      [
        { portDefinitions: [{ port: 0, name: 'Web' }] },
        'portDefinitions[0].name must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      ],
      [{ healthChecks: [{ ...check, intervalSeconds: -2 }] }, 'healthChecks[0].intervalSeconds must be at least 0'],
      [
        { healthChecks: [{ protocol: 'UDP' }] },
        'healthChecks[0].protocol must be one of HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP',
      ],
      [{ dependencies: ['/Up'] }, 'dependencies[0] must match'],
      [{ labels: [] }, 'labels must be an object'],
      [{ env: { A: 1 } }, 'env.A must be a string'],
      [{ fetch: [{ uri: '' }] }, 'fetch[0].uri must not be empty'],
      [{ fetch: [{}] }, 'fetch[0].uri is required'],
    ];
    for (const [change, text] of cases) expect(texts({ ...APP, ...change }).join('; ')).toContain(text);
  });

  it('takes the lengths the scheduler checks from the same limits', () => {
    expect(violationText('/id', 'error.maxLength')).toBe(`id must be at most ${MAX_APP_ID_LENGTH} characters long`);
    expect(violationText('/fetch(0)/uri', 'error.maxLength')).toContain(`${MARATHON_MAX_URI_LENGTH} characters`);
    expect(violationText('/networks(0)/name', 'error.maxLength')).toContain(`${MARATHON_MAX_NETWORK_NAME_LENGTH} `);
    expect(violationText('/env/X', 'error.maxLength')).toContain(`${MAX_APP_STRING_LENGTH} characters`);
    expect(texts({ ...APP, id: `/${'a'.repeat(MAX_APP_ID_LENGTH)}` })).toEqual([
      `id must be at most ${MAX_APP_ID_LENGTH} characters long`,
    ]);
  });

  it('shows the id pattern that accepts exactly the segments the scheduler accepts (matched whole, as Marathon does)', () => {
    const pattern = /must match (\S+)/.exec(violationText('/id', 'error.pattern'))?.[1] ?? '';
    const whole = new RegExp(`^(?:${pattern})$`);
    for (const segment of ['a', 'a-b', 'a.b', '0', '..', '.', 'A', '-a', 'a-', 'a_b', 'a..b', 'a.-b'])
      expect([segment, whole.test(segment)]).toEqual([segment, isValidPathId(`/${segment}`)]);
  });

  it('gives semantic answers their field, and the whole definition its message as is', () => {
    expect(texts({ id: '/no-command', cpus: 0.1 })).toEqual([
      "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.",
    ]);
    expect(violationText('/upgradeStrategy/minimumHealthCapacity', 'is greater than 1')).toBe(
      'upgradeStrategy.minimumHealthCapacity is greater than 1',
    );
  });
});

describe('the deployment lock', () => {
  it('names the deployments and the way to force instead of ?force=true and <DEPLOYMENT_ID>', () => {
    const body = {
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: '97c136bf-5a2e' }],
    };
    expect(readableError(body, { force: '--force' })).toEqual({
      message:
        "App is locked by one or more deployments. Override with --force. View details at '/v2/deployments/97c136bf-5a2e'.",
      details: [],
    });
  });
});

describe('JSON mistakes', () => {
  it('says the line and column where the text stops being JSON', () => {
    const text = '{\n  "id": "/web",\n  "cpus": 0.1\n  "mem": 32\n}';
    expect(jsonSyntaxError(text)).toBe(`line 4, column 3: expected ',' or '}', found '"'`);
    expect(jsonSyntaxError('{"a": }')).toBe("line 1, column 7: expected a value, found '}'");
    expect(jsonSyntaxError('[1,]')).toBe("line 1, column 4: expected a value, found ']'");
    expect(jsonSyntaxError('{"a": 1')).toBe("line 1, column 8: expected ',' or '}', found the end");
    expect(jsonSyntaxError('{"a": "x\ny"}')).toBe(`line 1, column 9: expected '"' before the line ends, found '\n'`);
    expect(jsonSyntaxError('{"a": 1} x')).toBe("line 1, column 10: expected the end, found 'x'");
    expect(jsonSyntaxError('{"a": [1, {"b": null}], "c": "\\u0041"}')).toBeNull();
  });
});

// Reading and validation of an app's readiness check (reference §5.3, raml/v2/types/readinessCheck.raml):
// Marathon's defaults, the RAML's typed-read rules, at most one check, the port it names, timeout < interval.
import { MARATHON_MAX_PATH_LENGTH } from '../../common/limits.js';
import { PORT_NAME } from './app-networking.js';
import { READINESS_CHECK_DEFAULTS, type ReadinessCheck, type ReadinessCheckProtocol } from './app-types.js';
import {
  type ReadContext,
  child,
  invalid,
  item,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readPattern,
  readString,
  violate,
} from './json-read.js';

const PROTOCOLS: readonly ReadinessCheckProtocol[] = ['HTTP', 'HTTPS'];
const STATUS_CODE = { integer: true, min: 100, max: 999 };

/**
 * The app's readiness checks; `portNames` are the names of its port definitions and port mappings.
 * Semantic violations use Marathon's paths: `/readinessChecks(0)/portName`, `/readinessChecks(0)/timeoutSeconds`.
 */
export function readReadinessChecks(ctx: ReadContext, value: unknown, portNames: readonly string[]): ReadinessCheck[] {
  const path = '/readinessChecks';
  const checks = readArray(ctx, value, path, (v, p) => readReadinessCheck(ctx, v, p)) ?? [];
  if (checks.length > 1) invalid(ctx, child(path, 'size'), `got ${checks.length}, expected 1 or less`);
  checks.forEach((check, i) => {
    const at = item(path, i);
    if (!portNames.includes(check.portName)) {
      invalid(ctx, child(at, 'portName'), `No port definition reference for portName ${check.portName}`);
    }
    if (check.timeoutSeconds >= check.intervalSeconds) {
      invalid(
        ctx,
        child(at, 'timeoutSeconds'),
        `got ${check.timeoutSeconds}, expected less than ${check.intervalSeconds}`,
      );
    }
  });
  return checks;
}

function readReadinessCheck(ctx: ReadContext, value: unknown, path: string): ReadinessCheck | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const at = (key: string): string => child(path, key);
  const defaults = READINESS_CHECK_DEFAULTS;
  return {
    name: readText(ctx, obj['name'], at('name')) ?? defaults.name,
    protocol: readEnum(ctx, obj['protocol'], at('protocol'), PROTOCOLS) ?? defaults.protocol,
    path: readText(ctx, obj['path'], at('path'), MARATHON_MAX_PATH_LENGTH) ?? defaults.path,
    portName: readPattern(ctx, obj['portName'], at('portName'), PORT_NAME) ?? defaults.portName,
    intervalSeconds:
      readNumber(ctx, obj['intervalSeconds'], at('intervalSeconds'), { integer: true, min: 0 }) ??
      defaults.intervalSeconds,
    timeoutSeconds:
      readNumber(ctx, obj['timeoutSeconds'], at('timeoutSeconds'), { integer: true, min: 1 }) ??
      defaults.timeoutSeconds,
    httpStatusCodesForReady: readStatusCodes(ctx, obj['httpStatusCodesForReady'], at('httpStatusCodesForReady')) ?? [
      ...defaults.httpStatusCodesForReady,
    ],
    preserveLastResponse:
      readBoolean(ctx, obj['preserveLastResponse'], at('preserveLastResponse')) ?? defaults.preserveLastResponse,
  };
}

/** A non-empty string of at most `maxLength` characters. */
function readText(ctx: ReadContext, value: unknown, path: string, maxLength?: number): string | undefined {
  const text = readString(ctx, value, path, maxLength);
  return text?.length === 0 ? violate(ctx, path, 'error.minLength') : text;
}

/** At least one code, each 100–999; read as a set, as Marathon does (duplicates collapse). */
function readStatusCodes(ctx: ReadContext, value: unknown, path: string): number[] | undefined {
  if (Array.isArray(value) && value.length === 0) return violate(ctx, path, 'error.minLength');
  const codes = readArray(ctx, value, path, (v, p) => readNumber(ctx, v, p, STATUS_CODE));
  return codes === undefined ? undefined : [...new Set(codes)];
}

// Translation of the Marathon 0.6 container form (`{"image": "docker:///img", "options": [...]}`)
// into the current `{"type": "DOCKER", "docker": {...}}` JSON, before the app is read.
import { MAX_APP_STRING_LENGTH } from '../../common/limits.js';
import { type Json, type ReadContext, isObject, item, stringMap, violate } from './json-read.js';

export interface LegacyContainer {
  container: Json;
  env: Record<string, string>;
}

const DOCKER_SCHEME = /^docker:\/\/\/?/;

export function isLegacyContainer(container: Json): boolean {
  return typeof container['image'] === 'string' && !isObject(container['docker']);
}

export function translateLegacyContainer(ctx: ReadContext, container: Json): LegacyContainer {
  const rawImage = String(container['image']);
  const image = rawImage.replace(DOCKER_SCHEME, '');
  ctx.warnings.push(`/container: 0.6 form with image "${rawImage}" read as container.docker.image "${image}"`);
  const options = Array.isArray(container['options']) ? container['options'].map(String) : [];
  if (options.length > 0)
    ctx.warnings.push(`/container/options: translated to env, volumes, portMappings and docker.parameters`);
  options.forEach((option, i) => {
    if (option.length > MAX_APP_STRING_LENGTH) violate(ctx, item('/container/options', i), 'error.maxLength');
  });
  const parsed = parseOptions(options);
  const docker: Json = { image, parameters: parsed.parameters };
  if (parsed.portMappings.length > 0) Object.assign(docker, { network: 'BRIDGE', portMappings: parsed.portMappings });
  return { container: { type: 'DOCKER', docker, volumes: parsed.volumes }, env: parsed.env };
}

interface ParsedOptions {
  env: Record<string, string>;
  volumes: Json[];
  portMappings: Json[];
  parameters: Json[];
}

/** `docker run` options: `-e K=V`, `-v host:container[:ro]`, `-p host:container`, anything else a parameter. */
function parseOptions(options: string[]): ParsedOptions {
  const out: ParsedOptions = { env: stringMap(), volumes: [], portMappings: [], parameters: [] };
  for (let i = 0; i < options.length; i++) {
    const flag = options[i] ?? '';
    const next = options[i + 1];
    const takesValue = next !== undefined && !next.startsWith('-') && !flag.includes('=');
    applyOption(out, flag, takesValue ? next : undefined);
    if (takesValue) i++;
  }
  return out;
}

function applyOption(out: ParsedOptions, flag: string, value: string | undefined): void {
  const [name = '', inline] = splitOnce(flag.replace(/^-+/, ''), '=');
  const arg = value ?? inline ?? '';
  if (name === 'e' || name === 'env') {
    const [k = '', v = ''] = splitOnce(arg, '=');
    out.env[k] = v;
  } else if (name === 'v' || name === 'volume') {
    const [hostPath, containerPath, mode] = arg.split(':');
    out.volumes.push({ hostPath, containerPath, mode: mode?.toUpperCase() === 'RO' ? 'RO' : 'RW' });
  } else if (name === 'p' || name === 'publish') {
    const [hostPort = '0', containerPort = hostPort] = arg.split(':');
    out.portMappings.push({ hostPort: Number(hostPort), containerPort: Number(containerPort) });
  } else {
    out.parameters.push({ key: name, value: arg });
  }
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + sep.length)];
}

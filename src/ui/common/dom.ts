// Small DOM helpers the browser pages share: building elements, fetching JSON with errors shown as
// text (Marathon's in words), and formatting times the way the CLI does.
import { readableError } from './marathon-errors.js';

export type Child = Node | string | null | undefined | false;

/** An element with attributes (`class`, `data-*`, …) and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : `HTTP ${status}`,
    );
  }
}

/** What failed, in words: a Marathon answer read by readableError (`force`: how this page overrides a lock). */
export function errorText(err: unknown, force: string): string {
  if (!(err instanceof HttpError) || typeof err.body !== 'object' || err.body === null)
    return err instanceof Error ? err.message : String(err);
  const { message, details } = readableError(err.body, { force });
  const parser = details.find((d) => d.path === '');
  return parser === undefined ? message : `${message}: ${parser.text}`;
}

/** fetch + JSON; a non-2xx answer throws HttpError with the parsed body. */
export async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: {
      Accept: 'application/json',
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
  });
  const text = await res.text();
  const body: unknown = text === '' ? null : safeParse(text);
  if (!res.ok) throw new HttpError(res.status, body);
  return body as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** 14:03:07.412 in local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

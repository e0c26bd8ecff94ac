// JSONP as the Mesos web UI uses it: a <script> whose `?jsonp=` callback receives the body, so the page
// can read the leading master (after a standby's 307) and the agents, which live on other origins.

const TIMEOUT_MS = 5_000;
const callbacks = window as unknown as Record<string, ((body: unknown) => void) | undefined>;
let counter = 0;

/** GETs `url` with `jsonp=<fresh callback>`; rejects when the script fails to load or never calls back. */
export function jsonp<T>(url: string): Promise<T> {
  counter += 1;
  const name = `minicluster_jsonp_${counter}`;
  return new Promise<T>((resolve, reject) => {
    const script = document.createElement('script');
    const cleanUp = (): void => {
      window.clearTimeout(timer);
      script.remove();
      delete callbacks[name];
    };
    const timer = window.setTimeout(() => {
      cleanUp();
      // A late answer still finds a function to call, so it cannot throw in the page.
      callbacks[name] = () => delete callbacks[name];
      reject(new Error(`no answer from ${url}`));
    }, TIMEOUT_MS);
    callbacks[name] = (body) => {
      cleanUp();
      resolve(body as T);
    };
    script.onerror = () => {
      cleanUp();
      reject(new Error(`cannot load ${url}`));
    };
    script.src = `${url}${url.includes('?') ? '&' : '?'}jsonp=${name}`;
    document.head.append(script);
  });
}

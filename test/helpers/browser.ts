// Browser tests: Debian's Chromium (/usr/bin/chromium, headless) driven by playwright-core, pages that
// record console errors, and screenshots saved under test-artifacts/screenshots/. Without Chromium the
// suite skips with the reason (MINICLUSTER_REQUIRE_BROWSER=1 makes it fail instead).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from './repo.js';
import { describeRequiring } from './requirement.js';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');

/** A page that keeps every console error and uncaught page error it saw. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  /** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
  screenshot(name: string): Promise<void>;
}

export class BrowserSession {
  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<BrowserSession> {
    return new BrowserSession(
      await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] }),
    );
  }

  async open(url: string): Promise<WatchedPage> {
    const page = await this.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(url);
    return {
      page,
      errors,
      screenshot: async (name) => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      },
    };
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

/** A describe() that needs Chromium: it gets one browser for its tests, or skips saying why. */
export function describeWithBrowser(name: string, body: (browser: () => BrowserSession) => void): void {
  const missing = existsSync(CHROMIUM) ? null : `there is no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  describeRequiring({ switch: 'MINICLUSTER_REQUIRE_BROWSER', missing }, name, () => {
    let session: BrowserSession | null = null;
    beforeAll(async () => {
      session = await BrowserSession.launch();
    });
    afterAll(() => session?.close());
    body(() => {
      if (session === null) throw new Error('the browser did not start');
      return session;
    });
  });
}

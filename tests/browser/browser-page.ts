import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** console errors and uncaught exceptions of the page so far */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Chromium at 1280x800 with the API key as the Basic password, as a person would type it into the browser's prompt. */
export async function openBrowserPage(apiKey: string): Promise<BrowserPage> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'owner', password: apiKey } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { browser, page, consoleErrors, close: () => browser.close() };
}

/** Where the tests save screenshots: the system's temp directory, or DASHBOARD_SCREENSHOTS (docs/img refreshes the README's). */
export function screenshotDir(): string {
  const dir = resolve(join(import.meta.dirname, '..', '..'), process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'genie-dashboard-screenshots'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

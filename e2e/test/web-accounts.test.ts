/**
 * Accounts in the web app, in Chromium: sign-up and sign-in forms refuse bad input inline (empty, too long, a script
 * tag, a taken login, a wrong password) and never show a blank page; a new account lands on its dashboard, signs
 * out and back in; the home page shows a retry state while the API cannot be reached, and recovers.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SHOTS = fileURLToPath(new URL('../../player/test-results/', import.meta.url));
let t: TestGlint;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startGlint(['existing']);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const errorOf = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).evaluate((input) => {
    const id = input
      .getAttribute('aria-describedby')
      ?.split(' ')
      .find((d) => d.endsWith('-error'));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  });

it('sign-up refuses bad input inline, then creates the account and opens its dashboard', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  await page.goto(t.http('/signup'));
  await page.getByRole('button', { name: 'Sign up' }).click();
  expect(await errorOf(page, 'Login')).toBe('Enter a login.');
  expect(await errorOf(page, 'Password')).toBe('Enter a password.');

  await page.getByLabel('Login', { exact: true }).fill('<script>alert(1)</script>');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Display name (optional)').fill('x'.repeat(41));
  await page.getByRole('button', { name: 'Sign up' }).click();
  expect(await errorOf(page, 'Login')).toMatch(/3 to 25 letters/);
  expect(await errorOf(page, 'Password')).toMatch(/at least 8/);
  expect(await errorOf(page, 'Display name (optional)')).toMatch(/at most 40/);
  expect(await page.locator('script:not([src])').count()).toBe(0);
  await page.screenshot({ path: `${SHOTS}web-accounts-signup-errors-390.png`, fullPage: true });

  // A login the server has: its own error, shown by the login field.
  await page.getByLabel('Login', { exact: true }).fill('existing');
  await page.getByLabel('Password', { exact: true }).fill('a-good-password');
  await page.getByLabel('Display name (optional)').fill('<b>New</b> streamer');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByText(/is taken/).waitFor();
  expect(await errorOf(page, 'Login')).toMatch(/the login existing is taken/);

  await page.getByLabel('Login', { exact: true }).fill('newstreamer');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/\/dashboard$/);
  // The display name is text, not markup.
  await page.getByTestId('account').getByText('<b>New</b> streamer').waitFor();
  expect(await page.getByTestId('account').locator('b').count()).toBe(0);
  await page.close();
}, 60_000);

it('signs out, refuses a wrong password inline, and signs back in to the page that asked', async () => {
  const page = await browser.newPage();
  await page.goto(t.http('/signin?next=/dashboard'));
  await page.getByLabel('Login', { exact: true }).fill('newstreamer');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /do not match/ })
    .waitFor();
  await page.getByLabel('Password', { exact: true }).fill('a-good-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('account').getByRole('link', { name: 'Sign in' }).waitFor();
  // An outside address in ?next= is not followed.
  await page.goto(t.http('/signin?next=//elsewhere.example/'));
  await page.getByLabel('Login', { exact: true }).fill('newstreamer');
  await page.getByLabel('Password', { exact: true }).fill('a-good-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(t.http('/'));
  await page.screenshot({ path: `${SHOTS}web-accounts-signed-in-1280.png`, fullPage: true });
  await page.close();
}, 60_000);

it('shows a retry state while the API cannot be reached, and the page once it can', async () => {
  const page = await browser.newPage();
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.goto(t.http('/'));
  const retry = page.getByRole('button', { name: 'Try again' });
  await retry.waitFor();
  expect(await page.getByRole('alert').textContent()).toMatch(/cannot be reached/);
  await page.screenshot({ path: `${SHOTS}web-accounts-api-down-1280.png`, fullPage: true });
  await page.unroute('**/api/**');
  await retry.click();
  await page.getByRole('heading', { name: /live/i }).first().waitFor();
  await page.close();
}, 60_000);

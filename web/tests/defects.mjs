// Quick check of the web map defects of issue 13 against a running build: one PASS / FAIL line each.
//   node web/tests/defects.mjs http://127.0.0.1:8080
// (The full browser test is tests/e2e.mjs; this one also runs against an older build to show the defects.)
import { chromium } from 'playwright-core';
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'] });
const res = [];
const say = (name, ok, info = '') => res.push(`${ok ? 'PASS' : 'FAIL'} ${name} ${info}`);
{
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(20000);
  await page.goto(`${base}/?from=UZTAS&to=PKKHI&modes=road&alternatives=2`);
  await page.waitForFunction(() => window.__caravan && window.__caravan.lastResponse && window.__caravan.drawn.routes > 0 && !window.__caravan.routing);
  await page.waitForTimeout(1200);
  // 1. marker popups
  const n = await page.locator('[data-testid=bcp-marker]').count();
  let opened = 0;
  let switched = 0;
  for (let i = 0; i < n; i++) {
    await page.locator('[data-testid=bcp-marker]').nth(i).click({ timeout: 5000 }).catch(() => {});
    await page.waitForTimeout(300);
    if (await page.locator('.maplibregl-popup').count()) opened++;
    if (new URL(page.url()).searchParams.get('route')) switched++;
    await page.keyboard.press('Escape');
    await page.evaluate(() => document.querySelectorAll('.maplibregl-popup').forEach((p) => p.remove()));
    if (switched) break;
  }
  say('marker click opens popup, no error, route kept', opened === n && errors.length === 0 && switched === 0, `(${opened}/${n} opened, errors ${errors.length}: ${errors[0] || ''}, switched ${switched})`);
  await page.goto(`${base}/?from=UZTAS&to=PKKHI&modes=road&alternatives=2`);
  await page.waitForFunction(() => window.__caravan && window.__caravan.lastResponse && window.__caravan.drawn.routes > 0 && !window.__caravan.routing);
  await page.waitForTimeout(800);
  await page.locator('[data-testid=bcp-marker]').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  say('Enter on a focused marker opens it', (await page.locator('.maplibregl-popup').count()) > 0);
  const named = await page.locator('[data-testid=bcp-marker]').first().getAttribute('aria-label');
  say('markers have accessible names', !!named, named || '');
  // closures
  say('closure note (Torkham/Chaman closed) shown', (await page.locator('[data-testid=closure-note]:visible').count()) > 0);
  // chart axes
  await page.getByTestId('profile-toggle').click();
  await page.waitForTimeout(500);
  const cover = await page.evaluate(() => [...document.querySelectorAll('[data-testid=profile-chart] svg polyline')].every((pl) => pl.getAttribute('points').split(' ').every((pt) => Number(pt.split(',')[1]) >= 25)));
  say('chart lines stay inside the frame', cover);
  // autocomplete vs Route button
  const d = page.getByTestId('destination-input');
  await d.fill('');
  await d.pressSequentially('Karachi', { delay: 30 });
  await page.getByTestId('destination-suggestions').waitFor({ state: 'visible' }).catch(() => {});
  const lb = await page.getByTestId('destination-suggestions').boundingBox();
  const bb = await page.getByTestId('route-button').boundingBox();
  say('suggestions do not cover the Route button', !lb || lb.y + lb.height <= bb.y || lb.y >= bb.y + bb.height);
  await page.close();
}
{
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${base}/?from=UZTAS&to=PKKHI&modes=road&close=torkham`);
  await page.waitForFunction(() => window.__caravan && window.__caravan.lastResponse && !window.__caravan.routing);
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, map: document.getElementById('map').getBoundingClientRect().width }));
  say('phone: no sideways scroll, map visible', m.sw <= 390 && m.map > 300, JSON.stringify(m));
  say('shared link with a scenario says so', (await page.locator('[data-testid=scenario-indicator]:visible').count()) > 0);
  await page.close();
}
await browser.close();
console.log(res.join('\n'));

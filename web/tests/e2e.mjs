// End-to-end browser test of the web UI against a real `caravan serve`.
//
//   npm run test:e2e
//
// Env: CARAVAN_BIN   server binary (default <repo>/target/release/caravan, else target/debug)
//      CARAVAN_URL   use an already running server instead of starting one
//      CHROMIUM_PATH browser (default /usr/bin/chromium)
// Exit code 0 = pass. Screenshots go to web/test-output/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repo = path.resolve(webDir, '..');
const outDir = path.join(webDir, 'test-output');
const STEP_TIMEOUT = 60_000;

let step = 0;
const log = (msg) => console.log(`[e2e] ${String(++step).padStart(2, '0')} ${msg}`);
function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function findBinary() {
  if (process.env.CARAVAN_BIN) return process.env.CARAVAN_BIN;
  const rel = path.join(repo, 'target', 'release', 'caravan');
  if (fs.existsSync(rel)) return rel;
  return path.join(repo, 'target', 'debug', 'caravan');
}

/** Start `caravan serve` on a free port; resolve with {url, proc} once it prints its URL. */
function startServer() {
  const bin = findBinary();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caravan-e2e-'));
  const args = ['serve', '--addr', '127.0.0.1:0', '--db', path.join(tmp, 'scenarios.sqlite')];
  console.log(`[e2e] starting ${bin} ${args.join(' ')}`);
  const proc = spawn(bin, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not print its URL within 60 s\nstdout: ${out}\nstderr: ${err}`)), 60_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/$/, ''), proc, tmp });
      }
    });
    proc.stderr.on('data', (d) => {
      err += d;
      if (process.env.E2E_VERBOSE) process.stderr.write(d);
    });
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early with code ${code}\nstderr: ${err}`));
    });
  });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  let server = null;
  let browser = null;
  const problems = [];
  try {
    let base = process.env.CARAVAN_URL;
    if (base) base = base.replace(/\/$/, '');
    else {
      server = await startServer();
      base = server.url;
    }
    log(`server at ${base}`);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-quic', '--no-first-run',
        // WebGL without a GPU: MapLibre needs it; SwiftShader provides it in software.
        '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // Nothing may leave the machine: record and block any non-loopback request.
    await context.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && !LOOPBACK.has(u.hostname)) {
        problems.push(`request to non-loopback host: ${u.href}`);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[browser console.error] ${m.text()}`);
    });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol.startsWith('http') && !LOOPBACK.has(u.hostname)) problems.push(`request to non-loopback host: ${u.href}`);
    });
    const checkProblems = () => assert(problems.length === 0, problems.join('\n'));

    // 1. open, wait for the map
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.__caravan && (window.__caravan.mapReady || window.__caravan.mapError));
    const mapError = await page.evaluate(() => window.__caravan.mapError);
    assert(!mapError, `map failed to start: ${mapError}`);
    log('map ready');

    // 2. origin and destination via autocomplete
    async function pickPlace(testid, typed, name) {
      const input = page.getByTestId(testid);
      await input.click();
      await input.fill('');
      await input.pressSequentially(typed, { delay: 40 });
      const list = page.locator(`#${testid === 'origin-input' ? 'origin' : 'destination'}-list`);
      const option = list.locator('li', { has: page.locator('.ac-name', { hasText: new RegExp(`^${name}$`) }) }).first();
      await option.waitFor({ state: 'visible' });
      await option.click();
      const v = await input.inputValue();
      assert(v === name, `${testid} shows "${v}", expected "${name}"`);
      log(`picked ${name} from the autocomplete for "${typed}"`);
    }
    await pickPlace('origin-input', 'Tashk', 'Tashkent');
    await pickPlace('destination-input', 'Karach', 'Karachi');

    // 3. road only
    for (const m of ['rail', 'sea']) await page.getByTestId(`mode-${m}`).uncheck();
    await page.getByTestId('mode-road').check();
    log('modes: road only');

    // 4. route
    await page.getByTestId('route-button').click();
    await page.waitForFunction(() => {
      const c = window.__caravan;
      return c.lastResponse && c.lastResponse.routes && c.lastResponse.routes.length > 0 && c.drawn.routes > 0 && !c.routing;
    });
    await page.getByTestId('route-summary').waitFor({ state: 'visible' });
    // The map source really holds the lines (not only our counter).
    await page.waitForFunction(() => window.__caravan.map.querySourceFeatures('routes').length > 0);
    const base1 = await page.evaluate(() => {
      const r = window.__caravan.lastResponse;
      return { n: r.routes.length, bcps: r.routes[0].border_crossings.map((b) => b.id), modes: r.routes[0].summary.modes };
    });
    assert(base1.bcps.length > 0, 'best route has border crossings');
    assert(base1.modes.every((m) => m === 'road'), `road only, got ${base1.modes}`);
    log(`routed: ${base1.n} route(s); best crosses ${base1.bcps.join(', ')}`);
    const summaryText = await page.getByTestId('route-summary').innerText();
    assert(/km/.test(summaryText) && /USD/.test(summaryText), 'summary shows km and USD');

    // Selecting an alternative (card click) makes it the bold one and goes into the URL.
    if (base1.n > 1) {
      await page.getByTestId('route-card').first().click();
      await page.waitForFunction(() => new URL(location.href).searchParams.get('route') === '1');
      await page.getByTestId('route-summary').click();
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('route'));
      log('alternative 1 selected and back to the best route');
    }

    // 5. itinerary
    await page.getByTestId('itinerary-toggle').click();
    const table = page.getByTestId('itinerary-table');
    await table.waitFor({ state: 'visible' });
    const rows = await table.locator('tbody tr').count();
    const borderRows = await table.locator('tbody tr[data-kind=border]').count();
    assert(rows > 2 && borderRows > 0, `itinerary rows ${rows}, border rows ${borderRows}`);
    log(`itinerary: ${rows} rows, ${borderRows} border crossing(s)`);
    await page.waitForTimeout(800); // let fitBounds finish for the screenshot
    await page.screenshot({ path: path.join(outDir, 'route.png') });
    log('screenshot test-output/route.png');

    // 6. profile chart
    await page.getByTestId('profile-toggle').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=profile-chart] svg polyline').length >= 2);
    log('profile chart drawn (time and cost)');

    // 7. scenario: close the first crossing of the best route, compare
    const firstRow = page.getByTestId('scenario-bcp-row').first();
    const closedId = await firstRow.getAttribute('data-bcp');
    assert(closedId === base1.bcps[0], `first scenario row ${closedId} is the first crossing ${base1.bcps[0]}`);
    await firstRow.getByTestId('scenario-close').check();
    await page.getByTestId('scenario-compare').click();
    await page.waitForFunction(() => !window.__caravan.comparing && (window.__caravan.scenarioResponse || window.__caravan.scenarioError));
    const cmp = await page.evaluate(() => ({
      err: window.__caravan.scenarioError,
      base: window.__caravan.compareBase.routes[0].border_crossings.map((b) => b.id),
      scn: window.__caravan.scenarioResponse && window.__caravan.scenarioResponse.routes[0].border_crossings.map((b) => b.id),
      drawn: window.__caravan.drawn.scenario,
    }));
    assert(!cmp.err, `scenario failed: ${JSON.stringify(cmp.err)}`);
    assert(JSON.stringify(cmp.base) !== JSON.stringify(cmp.scn), 'scenario crossings differ from base');
    assert(!cmp.scn.includes(closedId), `closed crossing ${closedId} not used by the scenario route`);
    assert(cmp.drawn > 0, 'scenario route drawn on the map');
    const comparison = page.getByTestId('scenario-comparison');
    await comparison.waitFor({ state: 'visible' });
    assert((await comparison.getByTestId('comparison-base-bcps').locator('li').count()) === cmp.base.length, 'base crossings listed');
    assert((await comparison.getByTestId('comparison-scenario-bcps').locator('li').count()) === cmp.scn.length, 'scenario crossings listed');
    assert((await comparison.locator('li.moved-to').count()) > 0, 'the crossing the route moved to is highlighted');
    log(`scenario (close ${closedId}): ${cmp.base.join(',')} -> ${cmp.scn.join(',')}`);
    await page.getByTestId('scenario-comparison').scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(outDir, 'scenario.png') });
    log('screenshot test-output/scenario.png');

    // 8. save the scenario
    await page.getByTestId('scenario-name').fill('e2e: first crossing closed');
    await page.getByTestId('scenario-save').click();
    await page.waitForFunction(() => window.__caravan.savedScenario && window.__caravan.savedScenario.id);
    const saved = await page.evaluate(() => window.__caravan.savedScenario);
    await page.locator(`[data-testid=saved-scenario][data-id="${saved.id}"]`).waitFor({ state: 'visible' });
    log(`scenario saved as ${saved.id}`);

    // 9. URL state and reload
    const url = page.url();
    const qs = new URL(url).searchParams;
    assert(qs.get('from') && qs.get('to'), `URL has from/to: ${url}`);
    assert(qs.get('modes') === 'road', `URL has modes=road: ${url}`);
    log(`URL: ${url}`);
    await page.goto(url);
    await page.waitForFunction(() => window.__caravan && window.__caravan.mapReady);
    await page.getByTestId('route-summary').waitFor({ state: 'visible' });
    await page.waitForFunction(() => window.__caravan.lastResponse && window.__caravan.drawn.routes > 0);
    const again = await page.evaluate(() => window.__caravan.lastResponse.routes[0].border_crossings.map((b) => b.id));
    assert(JSON.stringify(again) === JSON.stringify(base1.bcps), `reloaded route matches: ${again} vs ${base1.bcps}`);
    // The scenario in the URL (saved id) is compared again automatically.
    await page.waitForFunction(() => !window.__caravan.comparing && window.__caravan.scenarioResponse);
    log('reload reproduces the route and the scenario comparison');

    // 10. landed cost with the freight from the route
    await page.getByTestId('cost-toggle').click();
    const hsInput = page.getByTestId('cost-hs');
    await hsInput.waitFor({ state: 'visible' });
    await hsInput.click();
    await hsInput.fill('');
    await hsInput.pressSequentially('cotton t-shirts', { delay: 30 });
    const hsOption = page.locator('#cost-hs-list li[data-code="610910"]');
    await hsOption.waitFor({ state: 'visible' });
    await hsOption.click();
    assert((await hsInput.inputValue()) === '610910', `HS input shows ${await hsInput.inputValue()}`);
    log('picked HS 610910 from the autocomplete for "cotton t-shirts"');
    await page.getByTestId('cost-value').fill('20000');
    assert(await page.getByTestId('cost-from-route').isChecked(), 'freight from the route is on by default');
    const kg = await page.getByTestId('cost-weight').inputValue();
    assert(Number(kg) > 0, `weight defaults from the route's tonnes: ${kg}`);
    await page.getByTestId('cost-compute').click();
    await page.waitForFunction(() => !window.__caravan.costing && (window.__caravan.costResponse || window.__caravan.costError));
    const cost = await page.evaluate(() => ({ err: window.__caravan.costError, resp: window.__caravan.costResponse }));
    assert(!cost.err, `cost failed: ${JSON.stringify(cost.err)}`);
    const kinds = cost.resp.lines.map((l) => l.kind);
    for (const k of ['goods', 'freight', 'duty', 'vat']) assert(kinds.includes(k), `cost lines include ${k}: ${kinds}`);
    const costResult = page.getByTestId('cost-result');
    await costResult.waitFor({ state: 'visible' });
    const totalText = await costResult.getByTestId('cost-total').innerText();
    assert(/USD\s*[\d,]+/.test(totalText), `cost total shown: ${totalText}`);
    assert((await costResult.locator('tr[data-testid=cost-line][data-kind=duty]').count()) > 0, 'duty line shown');
    assert((await costResult.locator('tr[data-testid=cost-line][data-kind=vat]').count()) > 0, 'VAT line shown');
    // The panel says whether the MFN rate is a tariff line, an average or unknown (into
    // Pakistan there is no line for 610910: an average)
    const rateKind = await costResult.getByTestId('cost-rate-kind').getAttribute('data-kind');
    const mfnLevel = cost.resp.duty_basis.mfn_level || 'unknown';
    const expected = ['national_line', 'line', 'user_schedule'].includes(mfnLevel) ? 'line' : mfnLevel.endsWith('_average') ? 'average' : 'unknown';
    assert(rateKind === expected, `rate kind ${rateKind} for MFN level ${mfnLevel}`);
    await costResult.getByTestId('cost-duty-basis').waitFor({ state: 'visible' });
    const costQs = new URL(page.url()).searchParams;
    assert(costQs.get('hs') === '610910' && costQs.get('val') === '20000', `cost inputs in the URL: ${page.url()}`);
    log(`landed cost ${cost.resp.origin} -> ${cost.resp.destination}: ${totalText.replace(/\s+/g, ' ')} (${kinds.join(', ')})`);
    await costResult.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outDir, 'cost.png') });
    log('screenshot test-output/cost.png');

    // The link restores the cost panel and recomputes it once the route is in.
    await page.goto(page.url());
    await page.waitForFunction(() => window.__caravan && window.__caravan.lastResponse && !window.__caravan.costing && (window.__caravan.costResponse || window.__caravan.costError));
    const restored = await page.evaluate(() => ({ err: window.__caravan.costError, hs: window.__caravan.costResponse && window.__caravan.costResponse.goods.hs }));
    assert(!restored.err && restored.hs === '610910', `reloaded cost: ${JSON.stringify(restored)}`);
    assert((await page.getByTestId('cost-hs').inputValue()) === '610910' && (await page.getByTestId('cost-value').inputValue()) === '20000', 'cost inputs restored');
    await page.getByTestId('cost-result').waitFor({ state: 'visible' });
    log('reload restores and recomputes the landed cost');

    // 11. a bad HS code gives a clear error
    await page.getByTestId('cost-hs').fill('999999');
    await page.getByTestId('cost-compute').click();
    const costError = page.getByTestId('cost-error');
    await costError.waitFor({ state: 'visible' });
    await page.waitForFunction(() => !window.__caravan.costing && window.__caravan.costError);
    const costErrText = await costError.innerText();
    assert(/999999/.test(costErrText) && /HS code/i.test(costErrText), `HS error message: ${costErrText}`);
    assert(await page.getByTestId('cost-result').isHidden(), 'no stale result next to the error');
    assert((await page.evaluate(() => window.__caravan.costError.code)) === 'unknown_hs_code', 'error code unknown_hs_code');
    log(`unknown HS code: ${costErrText.replace(/\s+/g, ' ')}`);

    // 12. errors are shown plainly
    await page.goto(`${base}/?from=Tashkentt&to=Karachi&modes=road`);
    const msg = page.getByTestId('message');
    await msg.waitFor({ state: 'visible' });
    assert(/Tashkent/.test(await msg.innerText()), 'unknown place message suggests Tashkent');
    assert((await page.getByTestId('error-suggestion').count()) > 0, 'suggestion buttons shown');
    log('unknown place: message with suggestions');

    checkProblems();
    log('no page errors, no non-loopback requests');
    console.log('[e2e] PASS');
    return 0;
  } catch (e) {
    console.error(`[e2e] FAIL at step ${step + 1}: ${e.stack || e}`);
    if (problems.length) console.error(`[e2e] also: ${problems.join('\n')}`);
    try {
      const pages = browser ? browser.contexts().flatMap((c) => c.pages()) : [];
      if (pages[0]) await pages[0].screenshot({ path: path.join(outDir, 'failure.png') });
    } catch {
      /* ignore */
    }
    return 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) {
      server.proc.removeAllListeners('exit');
      server.proc.kill('SIGTERM');
      fs.rmSync(server.tmp, { recursive: true, force: true });
    }
  }
}

main().then((code) => process.exit(code));

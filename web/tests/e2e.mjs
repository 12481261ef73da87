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
    const axeSource = fs.readFileSync(path.join(webDir, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

    /** A page at `viewport`; nothing may leave the machine: non-loopback requests are recorded and blocked. */
    async function newPage(viewport) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
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
      page.on('pageerror', (e) => problems.push(`page error (${viewport.width}px): ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.log(`[browser console.error] ${m.text()}`);
        // Whatever Content-Security-Policy the server sends, the app must live within it.
        if (/Content Security Policy/i.test(m.text())) problems.push(`CSP violation: ${m.text().slice(0, 300)}`);
      });
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.protocol.startsWith('http') && !LOOPBACK.has(u.hostname)) problems.push(`request to non-loopback host: ${u.href}`);
      });
      return page;
    }
    const checkProblems = () => assert(problems.length === 0, problems.join('\n'));
    const shot = async (page, name) => {
      await page.screenshot({ path: path.join(outDir, name) });
      log(`screenshot test-output/${name}`);
    };
    /** axe-core on the page as it is; fails on serious or critical violations. */
    async function axeCheck(page, label) {
      // Evaluated through the DevTools protocol (not an inline <script>), so a page CSP does not block it.
      await page.evaluate(`${axeSource}\n;0`);
      const res = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const minor = res.filter((v) => !bad.includes(v)).map((v) => `${v.id}(${v.impact})`);
      assert(bad.length === 0, `axe (${label}): ${JSON.stringify(bad, null, 1)}`);
      log(`axe-core (${label}): no serious or critical violations${minor.length ? `; minor: ${minor.join(', ')}` : ''}`);
    }
    async function waitRoute(page) {
      await page.waitForFunction(() => {
        const c = window.__caravan;
        return c && c.mapReady && !c.routing && ((c.lastResponse && c.drawn.routes > 0) || c.lastError);
      });
      const err = await page.evaluate(() => window.__caravan.lastError);
      assert(!err, `routing failed: ${JSON.stringify(err)}`);
    }
    async function noSideScroll(page, label) {
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth, map: document.getElementById('map').getBoundingClientRect().width }));
      assert(m.sw <= m.iw, `${label}: the page scrolls sideways (${m.sw} > ${m.iw})`);
      assert(m.map >= Math.min(300, m.iw * 0.4), `${label}: map only ${m.map}px wide`);
      return m;
    }
    const inViewport = async (locator) => {
      const b = await locator.boundingBox();
      const vp = locator.page().viewportSize();
      return b && b.y >= 0 && b.y + b.height <= vp.height && b.x >= 0 && b.x + b.width <= vp.width;
    };

    const page = await newPage({ width: 1366, height: 768 });

    // 1. open, wait for the map, its labels and the all-crossings layer
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.__caravan && (window.__caravan.mapReady || window.__caravan.mapError));
    const mapError = await page.evaluate(() => window.__caravan.mapError);
    assert(!mapError, `map failed to start: ${mapError}`);
    await page.waitForFunction(() => window.__caravan.allBcps > 0 && window.__caravan.labels().drawn > 5);
    const lab = await page.evaluate(() => ({ ...window.__caravan.labels(), bcps: window.__caravan.allBcps }));
    log(`map ready: ${lab.drawn} labels drawn (of ${lab.countries} countries, ${lab.cities} cities), ${lab.bcps} crossings on the map`);
    await axeCheck(page, 'desktop, start');

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

    // 3. road only
    for (const m of ['rail', 'sea']) await page.getByTestId(`mode-${m}`).uncheck();
    await page.getByTestId('mode-road').check();
    log('modes: road only');

    // 4. Defect: the suggestion list covered the Route button (a click there picked a
    // suggestion). Type the destination, leave the list open, click Route.
    const dest = page.getByTestId('destination-input');
    await dest.click();
    await dest.fill('');
    await dest.pressSequentially('Karachi', { delay: 30 });
    const destList = page.getByTestId('destination-suggestions');
    await destList.waitFor({ state: 'visible' });
    const [lb, bb] = [await destList.boundingBox(), await page.getByTestId('route-button').boundingBox()];
    assert(lb.y + lb.height <= bb.y || lb.y >= bb.y + bb.height, `suggestion list ${JSON.stringify(lb)} covers the Route button ${JSON.stringify(bb)}`);
    await page.getByTestId('route-button').click();
    await waitRoute(page);
    const destName = await page.evaluate(() => window.__caravan.lastResponse.destination.name);
    assert(destName === 'Karachi', `routed to ${destName}, expected Karachi`);
    await page.getByTestId('route-summary').waitFor({ state: 'visible' });
    await page.waitForFunction(() => window.__caravan.map.querySourceFeatures('routes').length > 0);
    const base1 = await page.evaluate(() => {
      const r = window.__caravan.lastResponse;
      return { n: r.routes.length, bcps: r.routes[0].border_crossings.map((b) => b.id), modes: r.routes[0].summary.modes };
    });
    assert(base1.bcps.length > 0, 'best route has border crossings');
    assert(base1.modes.every((m) => m === 'road'), `road only, got ${base1.modes}`);
    log(`Route clicked with the suggestions open: routed to Karachi; ${base1.n} route(s); best crosses ${base1.bcps.join(', ')}`);
    const summaryText = await page.getByTestId('route-summary').innerText();
    assert(/km/.test(summaryText) && /USD/.test(summaryText), 'summary shows km and USD');
    await page.waitForFunction(() => /route/.test(document.querySelector('[data-testid=announce]').textContent));
    log(`announced: "${await page.getByTestId('announce').textContent()}"`);
    // Closed crossings the route goes around are named (Tashkent -> Karachi avoids Torkham / Chaman when closed).
    const closedNear = await page.evaluate(() => [...document.querySelectorAll('[data-testid=closure-note] li')].map((l) => l.dataset.bcp));
    log(`closure note: ${closedNear.length ? closedNear.join(', ') : 'none'}`);

    // Selecting an alternative (card click) makes it the bold one and goes into the URL.
    if (base1.n > 1) {
      await page.getByTestId('route-card').first().click();
      await page.waitForFunction(() => new URL(location.href).searchParams.get('route') === '1');
      await page.getByTestId('route-summary').click();
      await page.waitForFunction(() => !new URL(location.href).searchParams.has('route'));
      log('alternative 1 selected and back to the best route');
    }
    await page.waitForTimeout(700); // fitBounds
    await axeCheck(page, 'desktop, route');

    // 5. Defect: crossing markers threw in Popup.addTo and could switch the alternative.
    // Every marker opens its details by click; the selection stays; Enter opens it too.
    const nMarkers = await page.getByTestId('bcp-marker').count();
    assert(nMarkers === base1.bcps.length, `${nMarkers} crossing markers for ${base1.bcps.length} crossings`);
    for (let i = 0; i < nMarkers; i++) {
      const marker = page.getByTestId('bcp-marker').nth(i);
      const id = await marker.getAttribute('data-bcp');
      const name = await marker.getAttribute('aria-label');
      assert(name && name.length > 10 && (await marker.getAttribute('role')) === 'button', `marker ${id} has an accessible name: ${name}`);
      await marker.click();
      const pop = page.locator(`[data-testid=bcp-popup][data-bcp="${id}"]`);
      await pop.waitFor({ state: 'visible' });
      for (const k of ['status', 'wait', 'fee']) assert((await pop.getByTestId(`bcp-popup-${k}`).innerText()).trim().length > 0, `popup ${id} shows ${k}`);
      assert(/Source/.test(await pop.innerText()), `popup ${id} shows its sources`);
      assert((await pop.locator('[data-testid=bcp-popup-close], [data-testid=bcp-popup-reopen]').count()) === 1, `popup ${id} offers close / reopen`);
      const sel = await page.evaluate(() => ({ sel: window.__caravan.selected, url: new URL(location.href).searchParams.get('route') }));
      assert(sel.sel === 0 && sel.url === null, `clicking marker ${id} changed the selected route: ${JSON.stringify(sel)}`);
      checkProblems();
      if (i === 0) await shot(page, 'popup.png');
      await page.locator('.maplibregl-popup-close-button').click();
      await pop.waitFor({ state: 'detached' });
    }
    const m0 = page.getByTestId('bcp-marker').first();
    await m0.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=bcp-popup]').waitFor({ state: 'visible' });
    await axeCheck(page, 'desktop, crossing popup');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=bcp-popup]').waitFor({ state: 'detached' });
    log(`${nMarkers} crossing marker(s): click opens wait / fee / status / sources without changing the route; Enter opens, Escape closes`);
    // A crossing of the all-crossings layer opens the same popup.
    const pt = await page.evaluate(() => {
      const m = window.__caravan.map;
      const f = m.queryRenderedFeatures({ layers: ['bcps-all'] }).find((x) => {
        const p = m.project(x.geometry.coordinates);
        return p.x > 260 && p.y > 60 && p.x < m.getCanvas().clientWidth - 60 && p.y < m.getCanvas().clientHeight - 60 && !document.elementFromPoint(p.x + m.getCanvas().getBoundingClientRect().left, p.y + m.getCanvas().getBoundingClientRect().top).closest('.maplibregl-marker');
      });
      if (!f) return null;
      const p = m.project(f.geometry.coordinates);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y, id: f.properties.id };
    });
    if (pt) {
      await page.mouse.click(pt.x, pt.y);
      await page.locator('[data-testid=bcp-popup]').waitFor({ state: 'visible' });
      assert((await page.evaluate(() => window.__caravan.selected)) === 0, 'all-crossings click keeps the route');
      await page.keyboard.press('Escape');
      log(`all-crossings layer: ${pt.id} opens its popup`);
    }

    // 6. itinerary, with arrival times from a departure date
    await page.getByTestId('departure-input').fill('2026-12-07T08:00');
    await page.getByTestId('departure-input').dispatchEvent('change');
    await page.getByTestId('itinerary-toggle').click();
    const table = page.getByTestId('itinerary-table');
    await table.waitFor({ state: 'visible' });
    const rows = await table.locator('tbody tr').count();
    const borderRows = await table.locator('tbody tr[data-kind=border]').count();
    assert(rows > 2 && borderRows > 0, `itinerary rows ${rows}, border rows ${borderRows}`);
    const arrival = await table.getByTestId('arrival').last().innerText();
    assert(/Dec/.test(arrival), `arrival time shown: ${arrival}`);
    assert(new URL(page.url()).searchParams.get('dep') === '2026-12-07T08:00', 'departure in the URL');
    log(`itinerary: ${rows} rows, ${borderRows} border crossing(s); last step arrives ${arrival}`);
    await page.waitForTimeout(700);
    await shot(page, 'route.png');

    // 7. profile chart; Defect: the axes stopped below the data.
    await page.getByTestId('profile-toggle').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=profile-chart] svg polyline').length >= 2);
    const axes = await page.evaluate(() => [...document.querySelectorAll('[data-testid=profile-chart] svg')].map((s) => ({ ...s.dataset })));
    for (const a of axes) assert(Number(a.xMax) >= Number(a.dataXMax) && Number(a.yMax) >= Number(a.dataYMax), `chart axes cover the data: ${JSON.stringify(a)}`);
    log(`profile chart drawn; axes cover the data (${axes.map((a) => `${a.dataYMax} <= ${a.yMax}`).join(', ')})`);

    // 8. scenario: close the first crossing of the best route, compare
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
    await page.getByTestId('scenario-indicator').waitFor({ state: 'visible' });
    log(`scenario (close ${closedId}): ${cmp.base.join(',')} -> ${cmp.scn.join(',')}`);
    await page.getByTestId('scenario-comparison').scrollIntoViewIfNeeded();
    await page.waitForTimeout(700);
    await shot(page, 'scenario.png');

    // 9. save the scenario; Defect: the saved message appeared off screen.
    await page.getByTestId('scenario-name').fill('e2e: first crossing closed');
    await page.getByTestId('scenario-save').click();
    await page.waitForFunction(() => window.__caravan.savedScenario && window.__caravan.savedScenario.id);
    const saved = await page.evaluate(() => window.__caravan.savedScenario);
    await page.locator(`[data-testid=saved-scenario][data-id="${saved.id}"]`).waitFor({ state: 'visible' });
    const saveStatus = page.getByTestId('scenario-save-status');
    await saveStatus.waitFor({ state: 'visible' });
    assert(await inViewport(saveStatus), 'the save message is on screen');
    assert((await saveStatus.innerText()).includes(saved.id), 'the save message names the scenario');
    log(`scenario saved as ${saved.id}; message on screen next to the button`);
    await axeCheck(page, 'desktop, scenario');

    // 10. landed cost on the selected route: the weight is asked, not defaulted.
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
    assert((await page.getByTestId('cost-weight').inputValue()) === '', 'the weight is not defaulted');
    await page.getByTestId('cost-compute').click();
    await page.getByTestId('cost-error').waitFor({ state: 'visible' });
    assert(/weight/i.test(await page.getByTestId('cost-error').innerText()), 'a missing weight is asked for');
    await page.getByTestId('cost-weight').fill('5000');
    await page.getByTestId('cost-compute').click();
    await page.waitForFunction(() => !window.__caravan.costing && (window.__caravan.costResponse || window.__caravan.costError));
    const cost = await page.evaluate(() => ({ err: window.__caravan.costError, resp: window.__caravan.costResponse, req: window.__caravan.costRequest }));
    assert(!cost.err, `cost failed: ${JSON.stringify(cost.err)}`);
    const kinds = cost.resp.lines.map((l) => l.kind);
    for (const k of ['goods', 'freight', 'duty', 'vat']) assert(kinds.includes(k), `cost lines include ${k}: ${kinds}`);
    // A scenario is compared: the freight is the scenario route's, planned for 5 t.
    assert(/Scenario active/.test(cost.req.body.transport.source) && /5 t\)/.test(cost.req.body.transport.source), `freight from the scenario route at 5 t: ${cost.req.body.transport.source}`);
    const costResult = page.getByTestId('cost-result');
    await costResult.waitFor({ state: 'visible' });
    const totalText = await costResult.getByTestId('cost-total').innerText();
    assert(/USD\s*[\d,]+/.test(totalText), `cost total shown: ${totalText}`);
    // The panel says whether the MFN rate is a tariff line, an average or unknown (into
    // Pakistan there is no line for 610910: an average)
    const rateKind = await costResult.getByTestId('cost-rate-kind').getAttribute('data-kind');
    const mfnLevel = cost.resp.duty_basis.mfn_level || 'unknown';
    const expected = ['national_line', 'line', 'user_schedule'].includes(mfnLevel) ? 'line' : mfnLevel.endsWith('_average') ? 'average' : 'unknown';
    assert(rateKind === expected, `rate kind ${rateKind} for MFN level ${mfnLevel}`);
    await costResult.getByTestId('cost-duty-basis').waitFor({ state: 'visible' });
    const costQs = new URL(page.url()).searchParams;
    assert(costQs.get('hs') === '610910' && costQs.get('val') === '20000' && costQs.get('kg') === '5000', `cost inputs in the URL: ${page.url()}`);
    log(`landed cost ${cost.resp.origin} -> ${cost.resp.destination} on the scenario route: ${totalText.replace(/\s+/g, ' ')}`);
    await costResult.scrollIntoViewIfNeeded();
    await shot(page, 'cost.png');
    // Without the scenario, an alternative's freight is that alternative's.
    if (base1.n > 1) {
      await page.getByTestId('scenario-indicator-clear').click();
      await page.getByTestId('route-card').first().click();
      await page.getByTestId('cost-compute').click();
      await page.waitForFunction(() => !window.__caravan.costing && window.__caravan.costResponse && /Alternative 1/.test(window.__caravan.costRequest.body.transport.source));
      log('landed cost follows the selected alternative');
      await page.getByTestId('route-summary').click();
    }

    // 11. a bad HS code gives a clear error
    await page.getByTestId('cost-hs').fill('999999');
    await page.getByTestId('cost-compute').click();
    const costError = page.getByTestId('cost-error');
    await costError.waitFor({ state: 'visible' });
    await page.waitForFunction(() => !window.__caravan.costing && window.__caravan.costError && window.__caravan.costError.code === 'unknown_hs_code');
    const costErrText = await costError.innerText();
    assert(/999999/.test(costErrText) && /HS code/i.test(costErrText), `HS error message: ${costErrText}`);
    assert(await page.getByTestId('cost-result').isHidden(), 'no stale result next to the error');
    log(`unknown HS code: ${costErrText.replace(/\s+/g, ' ').slice(0, 100)}`);

    // 12. exports, share and the printed route sheet
    const exp = async (testid, check) => {
      await page.getByTestId(testid).click();
      const e = await page.evaluate(() => window.__caravan.lastExport);
      check(e);
      return e;
    };
    await exp('export-geojson', (e) => {
      const g = JSON.parse(e.text);
      assert(e.name.endsWith('.geojson') && g.features.some((f) => f.geometry.type === 'LineString') && g.features.some((f) => f.properties.kind === 'border_crossing'), 'GeoJSON export');
    });
    await exp('export-gpx', (e) => assert(e.name.endsWith('.gpx') && /<trkpt lat=/.test(e.text) && /<wpt /.test(e.text), 'GPX export'));
    await exp('export-csv', (e) => assert(e.name.endsWith('.csv') && /^step,kind,description/.test(e.text) && e.text.trim().split('\n').length === rows, `CSV export (${e.text.split('\n').length} lines)`));
    await page.getByTestId('share').click();
    await page.getByTestId('share-status').waitFor({ state: 'visible' });
    log('exports: GeoJSON, GPX, CSV itinerary; share gives the link');
    await page.evaluate(() => window.__caravan.preparePrint());
    await page.emulateMedia({ media: 'print' });
    const sheet = await page.evaluate(() => {
      const s = document.querySelector('[data-testid=print-sheet]');
      const img = s.querySelector('img');
      return { h: s.getBoundingClientRect().height, img: img ? img.src.slice(0, 22) : '', app: getComputedStyle(document.getElementById('app')).display, rows: s.querySelectorAll('tbody tr').length };
    });
    assert(sheet.app === 'none' && sheet.img.startsWith('data:image/png') && sheet.rows > 2, `print sheet: ${JSON.stringify(sheet)}`);
    await page.screenshot({ path: path.join(outDir, 'print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    log(`print: one route sheet (map picture, ${sheet.rows} itinerary rows), ${Math.round(sheet.h)} px high`);

    // 13. Closures: Kabul -> Peshawar goes around closed Torkham; the note says so, and
    // Torkham can be reopened from it (and shows as closed in the scenario table).
    // (Only while the data has Torkham closed: the network data changes on main.)
    const torkhamStatus = await page.evaluate(async () => {
      const r = await fetch('/v1/bcps/torkham');
      const j = await r.json();
      return (j.bcps ? j.bcps[0] : j.bcp || j).status;
    });
    await page.getByTestId('origin-input').fill('Kabul');
    await page.getByTestId('destination-input').fill('Peshawar');
    await page.getByTestId('route-button').click();
    await waitRoute(page);
    if (torkhamStatus !== 'closed') log(`Torkham is ${torkhamStatus} in the data: closure steps skipped`);
    else {
      const kp = await page.evaluate(() => window.__caravan.lastResponse.routes[0].border_crossings.map((b) => b.id));
      const note = page.getByTestId('closure-note');
      await note.waitFor({ state: 'visible' });
      const torkham = note.locator('li[data-bcp=torkham]');
      await torkham.waitFor({ state: 'visible' });
      assert(!kp.includes('torkham'), `Kabul -> Peshawar avoids closed Torkham (${kp})`);
      const row = page.locator('[data-testid=scenario-bcp-row][data-bcp=torkham]');
      assert(await row.getByTestId('scenario-close').isChecked(), 'closed Torkham is ticked closed in the scenario table');
      await shot(page, 'closure.png');
      await torkham.getByTestId('closure-reopen').click();
      await page.waitForFunction(() => !window.__caravan.comparing && (window.__caravan.scenarioResponse || window.__caravan.scenarioError));
      const reo = await page.evaluate(() => ({ err: window.__caravan.scenarioError, bcps: window.__caravan.scenarioResponse && window.__caravan.scenarioResponse.routes[0].border_crossings.map((b) => b.id) }));
      assert(!reo.err && reo.bcps.includes('torkham'), `reopened Torkham is used: ${JSON.stringify(reo)}`);
      assert(new URL(page.url()).searchParams.get('open') === 'torkham', 'open=torkham in the URL');
      assert(!(await row.getByTestId('scenario-close').isChecked()), 'reopened Torkham is unticked');
      await page.getByTestId('scenario-indicator').waitFor({ state: 'visible' });
      log(`Kabul -> Peshawar: closure note names Torkham (route via ${kp.join(', ')}); reopened in the scenario, the route takes it`);
      await page.waitForTimeout(600);
      await shot(page, 'closure-reopened.png');
      // The popup closes it again.
      await page.locator('[data-testid=scenario-bcp-marker][data-bcp=torkham]').click();
      // The popup may open partly outside the viewport on the long base route's extent: the
      // button is pressed by its click event, as a keyboard user would.
      await page.locator('[data-testid=bcp-popup][data-bcp=torkham] [data-testid=bcp-popup-close]').dispatchEvent('click');
      await page.waitForFunction(() => !window.__caravan.comparing && !new URL(location.href).searchParams.has('open'));
      log('closed again from its popup');
    }
    // 14. History: Back returns to the previous route (Tashkent -> Karachi), not out of the app.
    await page.goBack();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('from') !== 'Kabul' && window.__caravan.lastResponse && window.__caravan.lastResponse.origin.name === 'Tashkent' && !window.__caravan.routing);
    log(`Back: ${page.url().replace(base, '')}`);

    // 15. Ferry legs coloured, no raw coordinates as names: Urumqi -> Tbilisi avoiding RU, IR.
    await page.goto(`${base}/?from=Urumqi&to=Tbilisi&avoid=RU,IR&alternatives=1`);
    await waitRoute(page);
    const ferry = await page.evaluate(() => {
      const r = window.__caravan.lastResponse.routes[0];
      const chips = [...document.querySelectorAll('[data-testid=route-summary] .chip')].map((c) => ({ text: c.textContent, color: getComputedStyle(c).backgroundColor }));
      return { modes: r.legs.map((l) => l.mode), chips };
    });
    assert(ferry.modes.includes('caspian_ferry'), `a Caspian ferry leg: ${ferry.modes}`);
    const fchip = ferry.chips.find((c) => /ferry/i.test(c.text));
    assert(fchip && fchip.color === 'rgb(126, 34, 206)', `ferry chip coloured: ${JSON.stringify(ferry.chips)}`);
    await page.getByTestId('itinerary-toggle').click();
    const text = await page.evaluate(() => document.getElementById('panel').innerText + document.getElementById('drawer').innerText);
    assert(!/-?\d{1,3}\.\d{2,},\s?-?\d{1,3}\.\d{2,}/.test(text), `raw coordinates shown as a place name: ${(text.match(/.{30}-?\d{1,3}\.\d{2,},\s?-?\d{1,3}\.\d{2,}.{10}/) || [''])[0]}`);
    log(`Urumqi -> Tbilisi (avoid RU, IR): ferry leg coloured ${fchip.color}; no raw coordinates as names`);
    await page.waitForTimeout(600);
    await shot(page, 'ferry.png');

    // 15b. Stops on the way: Tashkent -> Bishkek -> Almaty, planned part by part and joined.
    await page.goto(`${base}/?from=UZTAS&to=Almaty&modes=road&via=Bishkek`);
    await waitRoute(page);
    const via = await page.evaluate(() => {
      const r = window.__caravan.lastResponse;
      return { stops: r.stops, n: r.routes.length, legs: r.routes[0].legs.map((l) => `${l.from}>${l.to}`), km: r.routes[0].summary.distance_km, last: r.routes[0].profile.at(-1).km };
    });
    assert(via.n === 1 && via.stops.length === 1 && /Bishkek/.test(via.stops[0]), `one joined route via Bishkek: ${JSON.stringify(via)}`);
    assert(via.legs.some((l) => /Bishkek/.test(l)) && Math.abs(via.km - via.last) < 1, `legs reach Bishkek and the profile spans the trip: ${JSON.stringify(via)}`);
    assert((await page.getByTestId('via-input').inputValue()).length > 0, 'the stop is shown in the form');
    await page.getByTestId('add-via').click();
    assert((await page.getByTestId('via-input').count()) === 2, 'a second stop field added');
    await page.getByTestId('via-remove').last().click();
    assert((await page.getByTestId('via-input').count()) === 1, 'and removed');
    log(`stops: Tashkent -> ${via.stops.join(', ')} -> Almaty joined into one route of ${Math.round(via.km)} km`);

    // 15c. Drag the destination pin: the trip is planned again to where it is dropped.
    await page.waitForTimeout(700);
    const pin = await page.getByTestId('destination-marker').boundingBox();
    await page.mouse.move(pin.x + pin.width / 2, pin.y + pin.height - 4);
    await page.mouse.down();
    await page.mouse.move(pin.x + pin.width / 2 - 25, pin.y + pin.height - 4, { steps: 5 });
    await page.mouse.move(pin.x + pin.width / 2 - 50, pin.y + pin.height + 10, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => /^-?\d+\.\d+,-?\d+\.\d+$/.test(new URL(location.href).searchParams.get('to') || ''));
    await waitRoute(page);
    log(`dragged the destination pin: re-planned to ${new URL(page.url()).searchParams.get('to')}`);

    // 16. errors are shown plainly
    await page.goto(`${base}/?from=Tashkentt&to=Karachi&modes=road`);
    const msg = page.getByTestId('message');
    await msg.waitFor({ state: 'visible' });
    assert(/Tashkent/.test(await msg.innerText()), 'unknown place message suggests Tashkent');
    assert((await page.getByTestId('error-suggestion').count()) > 0, 'suggestion buttons shown');
    log('unknown place: message with suggestions');

    // 17. Phone and tablet: map first, no sideways scroll, tabs reachable, markers open.
    const shared = `${base}/?from=UZTAS&to=PKKHI&modes=road&close=${encodeURIComponent(closedId)}`;
    for (const [label, vp] of [['phone', { width: 390, height: 844 }], ['tablet', { width: 768, height: 1024 }]]) {
      const p = await newPage(vp);
      await p.goto(shared);
      await waitRoute(p);
      // Defect: a shared link with a scenario did not say a scenario is active.
      await p.getByTestId('scenario-indicator').waitFor({ state: 'visible' });
      await p.waitForFunction(() => !window.__caravan.comparing && window.__caravan.scenarioResponse);
      const m = await noSideScroll(p, label);
      const mapBox = await p.getByTestId('map').boundingBox();
      if (label === 'phone') assert(mapBox.y < 5 && mapBox.height > 300, `phone: the map comes first (${JSON.stringify(mapBox)})`);
      await p.waitForTimeout(700);
      await shot(p, `${label}-route.png`);
      const mk = p.getByTestId('bcp-marker').first();
      // On a small screen another marker may lie on top of the first: open it from the
      // keyboard (the click path is checked at desktop size above).
      await mk.focus();
      await p.keyboard.press('Enter');
      await p.locator('[data-testid=bcp-popup]').waitFor({ state: 'visible' });
      await p.keyboard.press('Escape');
      await p.getByTestId('itinerary-toggle').click();
      await p.getByTestId('itinerary-table').waitFor({ state: 'visible' });
      await p.getByTestId('profile-toggle').click();
      await p.waitForFunction(() => document.querySelectorAll('[data-testid=profile-chart] svg polyline').length >= 2);
      await noSideScroll(p, `${label} with the profile open`);
      await p.getByTestId('route-summary').scrollIntoViewIfNeeded();
      await shot(p, `${label}-panel.png`);
      await axeCheck(p, label);
      log(`${label} ${vp.width}x${vp.height}: map ${Math.round(m.map)} px wide, no sideways scroll, scenario indicator, tabs and popups reachable`);
      await p.context().close();
    }

    // 18. Russian interface, chosen in the URL; numbers in the Russian format.
    await page.goto(`${base}/?from=UZTAS&to=PKKHI&modes=road&lang=ru`);
    await waitRoute(page);
    const ru = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      button: document.querySelector('[data-testid=route-button] .label').textContent,
      card: document.querySelector('[data-testid=route-summary]').innerText,
    }));
    assert(ru.lang === 'ru' && ru.button === 'Маршрут', `Russian interface: ${JSON.stringify(ru).slice(0, 200)}`);
    assert(/Лучший маршрут/.test(ru.card) && /\d[\u00a0\u202f ]\d{3}/.test(ru.card), `Russian card with Russian number format: ${ru.card.slice(0, 200)}`);
    assert(new URL(page.url()).searchParams.get('lang') === 'ru', 'lang=ru kept in the URL');
    await page.waitForTimeout(600);
    await shot(page, 'russian.png');
    await axeCheck(page, 'desktop, Russian');
    log('Russian interface from ?lang=ru');

    // 19. Analyst panel: a library scenario drawn on the map, applied to the route on the map,
    //     compared over many places, and the accessibility layer (before / after / difference).
    await page.goto(`${base}/?from=Termez&to=Peshawar&modes=rail`);
    await waitRoute(page);
    await page.getByTestId('analyst-toggle').click();
    await page.waitForFunction(() => window.__caravan.library > 0);
    await page.getByTestId('analyst-scenario').selectOption('trans-afghan-railway');
    await page.waitForFunction(() => window.__caravan.plannedLines > 0);
    const about = await page.getByTestId('analyst-about').innerText();
    assert(/Trans-Afghan/.test(about) && /planned/.test(about), `scenario described: ${about.slice(0, 200)}`);
    const planned = await page.evaluate(() => window.__caravan.plannedLines);
    assert(planned === 7, `7 planned links drawn, got ${planned}`);
    log('analyst panel: library loaded, the Trans-Afghan railway drawn on the map with its sources');
    await page.getByTestId('analyst-route').click();
    await page.waitForFunction(() => !window.__caravan.comparing && (window.__caravan.scenarioResponse || window.__caravan.scenarioError));
    const used = await page.evaluate(() => window.__caravan.scenarioResponse && window.__caravan.scenarioResponse.routes[0].projects);
    assert(Array.isArray(used) && used.includes('trans-afghan-railway'), `the scenario route uses the project: ${JSON.stringify(used)}`);
    assert(new URL(page.url()).searchParams.get('scenario') === 'trans-afghan-railway', 'library id kept in the URL');
    log('library scenario applied to the route: the scenario route runs on the planned line');
    await page.getByTestId('analyst-places').selectOption('top:50');
    await page.getByTestId('analyst-compare').click();
    await page.waitForFunction(() => window.__caravan.compareResult);
    const cmpPlaces = await page.evaluate(() => ({
      improved: window.__caravan.compareResult.improved_pairs,
      worse: window.__caravan.compareResult.worsened_pairs,
      rows: document.querySelectorAll('[data-testid=analyst-country-pairs] tbody tr').length,
      summary: document.querySelector('[data-testid=analyst-compare-summary]').textContent,
    }));
    assert(cmpPlaces.improved > 0 && cmpPlaces.worse === 0 && cmpPlaces.rows > 0, `comparison: ${JSON.stringify(cmpPlaces)}`);
    await page.getByTestId('analyst-compare-out').scrollIntoViewIfNeeded();
    await shot(page, 'analyst.png');
    log(`comparison of the 50 largest cities: ${cmpPlaces.improved} pairs improved, ${cmpPlaces.rows} country pairs listed`);
    await page.getByTestId('analyst-access').click();
    await page.waitForFunction(() => window.__caravan.accessResult && window.__caravan.accessDrawn > 0);
    await page.getByTestId('access-legend').waitFor({ state: 'visible' });
    const acc = await page.evaluate(() => ({
      rows: document.querySelectorAll('[data-testid=analyst-access-table] tbody tr').length,
      drawn: window.__caravan.accessDrawn,
      first: document.querySelector('[data-testid=analyst-access-table] tbody tr td').textContent,
      scale: document.querySelector('[data-testid=access-scale]').textContent,
    }));
    assert(acc.rows === 10 && acc.drawn === 50 && /Kabul/.test(acc.first) && /gain/.test(acc.scale), `accessibility: ${JSON.stringify(acc)}`);
    await page.waitForTimeout(600);
    await shot(page, 'access.png');
    await page.getByTestId('access-before').check();
    await page.waitForFunction(() => window.__caravan.accessView === 'before' && /market access/.test(document.querySelector('[data-testid=access-scale]').textContent));
    await page.getByTestId('analyst-access-csv').click();
    const exported = await page.evaluate(() => window.__caravan.lastExport);
    assert(exported.name === 'accessibility.csv' && exported.text.split('\n').length === 52, `accessibility CSV: ${exported.name}, ${exported.text.split('\n').length} lines`);
    // A scenario built in the panel: two projects and a rail tariff cut, saved, then compared.
    await page.locator('[data-testid=analyst-build] summary').click();
    await page.locator('[data-testid=analyst-project][value=trans-afghan-railway]').check();
    await page.locator('[data-testid=analyst-project][value=cku-railway]').check();
    await page.getByTestId('analyst-rail-tariff').fill('-20');
    await page.getByTestId('analyst-name').fill('Two railways, rail 20% cheaper');
    await page.getByTestId('analyst-save').click();
    await page.waitForFunction(() => window.__caravan.builtScenario && window.__caravan.plannedLines >= 11);
    await page.evaluate(() => { window.__caravan.compareResult = null; });
    await page.getByTestId('analyst-compare').click();
    await page.waitForFunction(() => window.__caravan.compareResult);
    const built = await page.evaluate(() => window.__caravan.compareResult);
    assert(built.scenario.projects.length === 2 && built.scenario.mode_changes[0].cost_factor === 0.8 && built.improved_pairs > cmpPlaces.improved,
      `built scenario compared: ${JSON.stringify({ projects: built.scenario.projects, improved: built.improved_pairs })}`);
    log(`a scenario built in the panel (two projects, rail -20%): ${built.improved_pairs} pairs improved`);
    await axeCheck(page, 'analyst panel');
    log('accessibility: graduated circles with a legend (difference, before), the places that gain most (Kabul first), CSV export');

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

// tests/explore_page_clicks.js — drives the explorer's teaching page in
// headless Chromium with real mouse clicks (the DevTools protocol over its
// WebSocket; no npm packages: Node's WebSocket where it has one, else the
// small client below).
//
//   node tests/explore_page_clicks.js CHROMIUM PAGE.html TARGET
//
// From the first decision it keeps clicking, with Input.dispatchMouseEvent
// at the button's centre, a button that can still lead to outcome #TARGET,
// until the page says the program ended; then Back, then Start over. It
// prints one line per step and "ended: ..." with the page's words, and exits
// 0 if the end reached is outcome #TARGET, 1 otherwise (2 on a driver error).
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromium, page, target] = process.argv.slice(2);
if (!chromium || !page || !target) {
  console.error('usage: explore_page_clicks.js CHROMIUM PAGE.html TARGET');
  process.exit(2);
}
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-cdp-'));
const chrome = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--remote-debugging-port=0', '--user-data-dir=' + profile, 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
const fail = (why) => { console.error('driver: ' + why); cleanup(); process.exit(2); };
function cleanup() {
  try { chrome.kill('SIGKILL'); } catch (e) { /* gone */ }
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* left */ }
}
setTimeout(() => fail('timed out'), 60000).unref();
// never leave a browser behind, however this process ends
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'])
  process.on(sig, () => { cleanup(); process.exit(2); });
process.on('exit', () => { try { chrome.kill('SIGKILL'); } catch (e) { /* gone */ } });

let err = '';
chrome.stderr.on('data', (d) => {
  err += d;
  const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
  if (m && !started) { started = true; run(m[1]).catch((e) => fail(e.stack || String(e))); }
});
let started = false;

// A minimal WebSocket client (RFC 6455: text frames, client masking), for a
// Node.js without one; the same onopen/onmessage/onerror/send/close.
class MiniSocket {
  constructor(url) {
    const u = new URL(url);
    this.sock = net.connect(Number(u.port), u.hostname);
    this.buf = Buffer.alloc(0);
    this.open = false;
    const key = crypto.randomBytes(16).toString('base64');
    this.sock.on('connect', () => this.sock.write(
      `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    this.sock.on('error', (e) => this.onerror && this.onerror(e));
    this.sock.on('data', (d) => this.data(d));
  }
  data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    if (!this.open) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.buf = this.buf.subarray(end + 4);
      this.open = true;
      if (this.onopen) this.onopen();
    }
    for (;;) {
      if (this.buf.length < 2) return;
      let len = this.buf[1] & 0x7f, off = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      if (this.buf.length < off + len) return;
      const op = this.buf[0] & 0x0f, payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 1 && this.onmessage) this.onmessage({ data: payload.toString('utf8') });
    }
  }
  send(text) {
    const p = Buffer.from(text, 'utf8'), mask = crypto.randomBytes(4);
    let head;
    if (p.length < 126) head = Buffer.from([0x81, 0x80 | p.length]);
    else if (p.length < 65536) { head = Buffer.alloc(4); head[0] = 0x81; head[1] = 0x80 | 126; head.writeUInt16BE(p.length, 2); }
    else { head = Buffer.alloc(10); head[0] = 0x81; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(p.length), 2); }
    const body = Buffer.alloc(p.length);
    for (let i = 0; i < p.length; i++) body[i] = p[i] ^ mask[i & 3];
    this.sock.write(Buffer.concat([head, mask, body]));
  }
  close() { this.sock.destroy(); }
}
const Socket = typeof WebSocket === 'function' ? WebSocket : MiniSocket;

async function run(url) {
  const ws = new Socket(url);
  await new Promise((ok, no) => { ws.onopen = ok; ws.onerror = () => no(new Error('no websocket')); });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && waiting.has(msg.id)) {
      const { ok, no } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) no(new Error(JSON.stringify(msg.error))); else ok(msg.result);
    }
  };
  const send = (method, params = {}, sessionId) => new Promise((ok, no) => {
    const n = ++id;
    waiting.set(n, { ok, no });
    ws.send(JSON.stringify(sessionId ? { id: n, method, params, sessionId } : { id: n, method, params }));
  });
  const { targetId } = await send('Target.createTarget', { url: 'file://' + path.resolve(page) });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const S = (method, params) => send(method, params, sessionId);
  const js = async (expr) => { const r = await S('Runtime.evaluate', { expression: expr, returnByValue: true }); if (process.env.TS_CDP_DEBUG) console.error(expr.slice(0, 40), JSON.stringify(r).slice(0, 200)); return r.result.value; };
  // the page, not about:blank before it: its script has drawn the first decision
  const ready = "document.readyState === 'complete' && !!document.getElementById('where') && " +
    "document.getElementById('where').textContent.length > 0";
  for (let i = 0; i < 200 && !(await js(ready)); i++)
    await new Promise((r) => setTimeout(r, 50));

  // a real click: the element's centre, pressed and released
  async function click(selectorExpr) {
    const box = await js(`(() => { const e = ${selectorExpr}; if (!e) return null;
      e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`);
    if (!box) throw new Error('nothing to click: ' + selectorExpr);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
      await S('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
  }
  const where = () => js("document.getElementById('where').textContent");
  const want = '#' + target;
  let steps = 0;
  while (!(await where()).startsWith('The program ended') && steps < 500) {
    const labels = await js("[...document.querySelectorAll('#choices button')].map(b => b.textContent)");
    const k = labels.findIndex((t) => t.split('can lead to ')[1].split(', ').includes(want));
    if (k < 0) { console.log('no button leads to ' + want + ': ' + labels.join(' | ')); break; }
    console.log('click: ' + labels[k]);
    await click(`document.querySelectorAll('#choices button')[${k}]`);
    steps++;
  }
  const end = await where();
  const printed = await js("document.getElementById('sofar').textContent");
  console.log('ended: ' + end);
  console.log('printed: ' + JSON.stringify(printed));
  const reached = end.startsWith('The program ended: outcome ' + want + ',');
  await click("document.getElementById('back')");
  const back = await where();
  console.log('after back: ' + back);
  await click("document.getElementById('restart')");
  console.log('after start over: ' + (await where()));
  ws.close();
  cleanup();
  process.exit(reached && back.startsWith('Decision ') ? 0 : 1);
}
chrome.on('exit', (code) => { if (!started) fail('chromium exited (' + code + '): ' + err); });

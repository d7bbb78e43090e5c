// mcast-gateway live page: follows /api/events with EventSource. Events are collected as they come
// and rendered at most once per animation frame; payloads are only ever set as text.
'use strict';

const MAX_ROWS = 200;          // rows kept in the table
const MAX_SEEN_IDS = 5000;     // ids remembered to drop duplicates after a reconnect
const RATE_SECONDS = 60;
const PREVIEW_CHARS = 200;

const els = {
  connection: document.getElementById('connection'),
  channels: document.getElementById('channels'),
  tbody: document.querySelector('#datagrams tbody'),
  sources: document.querySelector('#sources tbody'),
  pause: document.getElementById('pause'),
  clear: document.getElementById('clear'),
  channel: document.getElementById('channel-filter'),
  group: document.getElementById('group-filter'),
  source: document.getElementById('source-filter'),
  pausedInfo: document.getElementById('paused-info'),
  spark: document.getElementById('sparkline'),
  rateNow: document.getElementById('rate-now'),
  total: document.getElementById('total'),
  login: document.getElementById('login'),
  loginForm: document.getElementById('login-form'),
  readToken: document.getElementById('read-token'),
  loginInfo: document.getElementById('login-info'),
  sendChannel: document.getElementById('send-channel'),
  publishTokenLabel: document.getElementById('publish-token-label'),
  publishToken: document.getElementById('publish-token'),
  sendForm: document.getElementById('send-form'),
  sendText: document.getElementById('send-text'),
  sendButton: document.getElementById('send-button'),
  sendInfo: document.getElementById('send-info'),
  playersSection: document.getElementById('players-section'),
  players: document.querySelector('#players tbody'),
  playersInfo: document.getElementById('players-info'),
};
document.getElementById('max-rows').textContent = MAX_ROWS;

const state = {
  rows: [],            // newest first, at most MAX_ROWS
  incoming: [],        // arrived since the last frame (or while paused)
  paused: false,
  seen: new Set(),
  seenOrder: [],
  groups: new Set(),
  rate: new Array(RATE_SECONDS).fill(0),
  rateSecond: Math.floor(Date.now() / 1000),
  total: 0,
  frameRequested: false,
};

// ---- the stream ----
function setConnection(text) {
  els.connection.textContent = text;
  els.connection.className = 'state ' + text;
}

// With read protection (mcast.read.token or JWTs) the data answers 401 until the page has the session
// cookie: it asks for the read token or a JWT once and trades it for the cookie (POST /api/session),
// because EventSource cannot send headers. The token itself is not kept. When the session ends (the
// JWT's expiry), the stream ends, the reconnect is refused, and the page asks again.
let source = null;
function connect() {
  source = new EventSource('/api/events');
  source.onopen = () => setConnection('connected');
  source.onerror = async () => {
    if (source.readyState !== EventSource.CLOSED) {
      setConnection('reconnecting');
      return;
    }
    setConnection('closed');
    const response = await fetch('/api/channels', { cache: 'no-store' }).catch(() => null);
    if (response && response.status === 401) {
      setConnection('locked');
      els.login.hidden = false;
      els.readToken.focus();
    }
  };
  source.addEventListener('datagram', (e) => onDatagram(JSON.parse(e.data)));
  source.addEventListener('status', (e) => onChannelStatus(JSON.parse(e.data)));
  source.addEventListener('gap', (e) => {
    const gap = JSON.parse(e.data);
    const how = gap.missed === undefined ? 'Datagrams were missed' : gap.missed + ' datagrams were missed';
    els.pausedInfo.textContent = how + ' (' + gap.reason + ')';
  });
}

async function start() {
  let response;
  try {
    response = await fetch('/api/channels', { cache: 'no-store' });
  } catch (e) {
    setConnection('reconnecting'); // the gateway is not reachable yet: try again
    setTimeout(start, 2000);
    return;
  }
  if (response.status === 401) {
    setConnection('locked');
    els.login.hidden = false;
    els.readToken.focus();
    return;
  }
  els.login.hidden = true;
  connect();
  refreshChannels();
  refreshSources();
  if (!state.polling) { // once, also when the page logs in again
    state.polling = true;
    setInterval(refreshChannels, 5000);
    setInterval(refreshSources, 2000);
    setInterval(refreshPlayers, 2000);
  }
  refreshPlayers();
}

// the players' raw streams (/api/passthrough): shown once a group has players or the gateway joins on demand
async function refreshPlayers() {
  let info;
  try {
    const response = await fetch('/api/passthrough', { cache: 'no-store' });
    if (!response.ok) {
      return;
    }
    info = await response.json();
  } catch (e) {
    return;
  }
  els.playersSection.hidden = !info.joinsOnDemand && info.groups.length === 0;
  els.playersInfo.textContent = (info.joinsOnDemand ? 'Groups in ' + info.allow.join(', ') + ' are joined on demand on '
      + info.interfaceName : 'Only channels\' raw streams (mcast.passthrough.allow is unset)') + '; ' + info.clients + ' of at most '
      + info.maxClients + ' players, ' + info.joinedGroups + ' of at most ' + info.maxGroups + ' groups joined for them'
      + (info.rejected ? '; ' + info.rejected + ' refused for a limit' : '') + '.';
  const fragment = document.createDocumentFragment();
  for (const g of info.groups) {
    const tr = document.createElement('tr');
    tr.dataset.target = g.target;
    cell(tr, g.target);
    cell(tr, g.channel || '');
    cell(tr, g.state, g.state === 'joined' ? '' : 'bad');
    cell(tr, String(g.clients.length), 'num');
    cell(tr, String(g.received), 'num');
    cell(tr, formatBytes(g.sent), 'num');
    cell(tr, String(g.dropped), g.dropped ? 'num bad' : 'num');
    const errors = g.sources.reduce((n, s) => n + errorTotal(s), 0);
    cell(tr, String(errors), errors ? 'num bad' : 'num');
    cell(tr, g.clients.map((c) => (c.address || c.kind) + ' ' + formatBytes(c.bytes)
        + (c.dropped ? ', ' + c.dropped + ' dropped' : '') + (c.behind ? ' (behind)' : '')).join('; '));
    fragment.appendChild(tr);
  }
  els.players.replaceChildren(fragment);
}

els.loginForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + els.readToken.value },
  });
  els.readToken.value = '';
  if (response.ok) {
    els.loginInfo.textContent = '';
    start();
  } else {
    els.loginInfo.textContent = response.status === 401 ? 'wrong token' : 'refused: HTTP ' + response.status;
  }
});

function onDatagram(d) {
  if (state.seen.has(d.id)) {
    return; // already shown before a reconnect
  }
  state.seen.add(d.id);
  state.seenOrder.push(d.id);
  if (state.seenOrder.length > MAX_SEEN_IDS) {
    state.seen.delete(state.seenOrder.shift());
  }
  countRate();
  state.total++;
  if (!state.groups.has(d.group)) {
    state.groups.add(d.group);
    const option = document.createElement('option');
    option.value = d.group;
    option.textContent = d.group;
    els.group.appendChild(option);
  }
  state.incoming.push(d);
  if (state.incoming.length > MAX_ROWS) {
    state.incoming.splice(0, state.incoming.length - MAX_ROWS);
  }
  if (state.paused) {
    els.pausedInfo.textContent = state.incoming.length + ' new while paused';
  }
  requestRender();
}

// ---- rendering, once per frame ----
function requestRender() {
  if (!state.frameRequested) {
    state.frameRequested = true;
    requestAnimationFrame(render);
  }
}

function render() {
  state.frameRequested = false;
  if (!state.paused && state.incoming.length > 0) {
    state.rows = state.incoming.reverse().concat(state.rows).slice(0, MAX_ROWS);
    state.incoming = [];
    els.pausedInfo.textContent = '';
  }
  renderRows();
  els.total.textContent = state.total;
}

function matches(d) {
  const channel = els.channel.value;
  const group = els.group.value;
  const source = els.source.value.trim();
  return (!channel || d.channel === channel) && (!group || d.group === group)
    && (!source || d.source.includes(source));
}

function renderRows() {
  const fragment = document.createDocumentFragment();
  for (const d of state.rows) {
    if (!matches(d)) {
      continue;
    }
    const tr = document.createElement('tr');
    tr.dataset.id = d.id;
    cell(tr, d.receivedAt.substring(11, 23));
    cell(tr, d.channel + ' ' + d.group + ':' + d.port);
    cell(tr, d.source, 'source');
    cell(tr, String(d.size), 'num');
    if (d.text !== undefined) {
      cell(tr, preview(d.text), 'payload');
    } else {
      cell(tr, 'base64 ' + preview(d.base64), 'payload binary');
    }
    fragment.appendChild(tr);
  }
  els.tbody.replaceChildren(fragment);
}

// ---- senders, from /api/sources: counts, rate, loss figures for sequenced senders, and stream health
// (RTP jitter, MPEG-TS continuity and tables, bitrate) with a chart of the last minutes per sender ----
const HISTORY_SECONDS = 300;
const history = new Map(); // channel + ' ' + source -> samples {t, bitrate, errors (new since the previous), total}

// the first poll (and the one after a sender the page has not charted yet appears) asks for the senders'
// last five minutes, so a chart is full as soon as the page opens
let wantHistory = true;

async function refreshSources() {
  let channels;
  const withHistory = wantHistory;
  try {
    const response = await fetch(withHistory ? '/api/sources?history=true' : '/api/sources', { cache: 'no-store' });
    if (!response.ok) {
      return;
    }
    channels = await response.json();
  } catch (e) {
    return;
  }
  const now = Date.now();
  const all = channels.flatMap((c) => c.sources);
  all.sort((a, b) => b.datagrams - a.datagrams);
  const shown = all.slice(0, 50);
  wantHistory = false;
  for (const s of shown) { // the senders shown, so the history stays bounded
    const key = s.channel + ' ' + s.source;
    if (!history.has(key)) {
      if (s.history) {
        seed(key, s);
      } else {
        wantHistory = true; // charted from the next poll on, with its last minutes
        continue;
      }
    }
    sample(s, now);
  }
  pruneHistory(now);
  const fragment = document.createDocumentFragment();
  for (const s of shown) {
    const tr = document.createElement('tr');
    tr.dataset.source = s.source;
    tr.dataset.channel = s.channel;
    if (channelState(s.channel) === 'silent') {
      tr.classList.add('silent');
    }
    cell(tr, s.source);
    cell(tr, s.channel);
    cell(tr, String(s.datagrams), 'num');
    cell(tr, s.ratePerSecond.toFixed(1), 'num');
    cell(tr, figure(s.lost), s.lost ? 'num bad' : 'num');
    cell(tr, figure(s.duplicated), 'num');
    cell(tr, figure(s.reordered), 'num');
    cell(tr, figure(s.restarts), 'num');
    healthCells(tr, s, now);
    cell(tr, s.lastSeen.substring(11, 23));
    fragment.appendChild(tr);
  }
  els.sources.replaceChildren(fragment);
}

function figure(v) {
  return v === null || v === undefined ? '–' : String(v);
}

function bitrateOf(s) {
  if (typeof s.bitrate === 'number') {
    return s.bitrate;
  }
  return s.ts && typeof s.ts.bitrate === 'number' ? s.ts.bitrate : null;
}

/** Every error counted for a sender so far: loss, then the MPEG-TS checks. */
// the errors the gateway's history counts per step (stats/SourceStats.errors): the page's own samples
// count the same, so a chart seeded from the history goes on alike
function errorTotal(s) {
  const ts = s.ts || {};
  return (s.lost || 0) + (ts.continuityErrors || 0) + (ts.syncByteErrors || 0) + (ts.patErrors || 0)
    + (ts.pmtErrors || 0);
}

function healthCells(tr, s, now) {
  const ts = s.ts || null;
  const jitter = typeof s.jitterMs === 'number' ? s.jitterMs.toFixed(2) + ' ms' : '–';
  cell(tr, jitter, 'num jitter');
  const cc = ts ? ts.continuityErrors : null;
  const ccCell = cell(tr, figure(cc), 'num cc-errors' + (cc ? ' bad' : ''));
  if (ts && ts.lastError) {
    ccCell.title = 'last error: ' + ts.lastError + (ts.lastErrorAt ? ' at ' + ts.lastErrorAt.substring(11, 19) + ' UTC' : '');
  }
  const bits = bitrateOf(s);
  const rate = cell(tr, bits === null ? '–' : formatBitrate(bits), 'num bitrate');
  if (bits !== null) {
    rate.dataset.value = String(bits);
  }
  tablesCell(tr, ts);
  const chart = cell(tr, '', 'history');
  chart.appendChild(historyChart(history.get(s.channel + ' ' + s.source) || [], now));
}

/** PAT and each PMT's state, TS sync, and the table and sync error counts when there are any. */
function tablesCell(tr, ts) {
  if (!ts) {
    cell(tr, '–', 'ts-tables');
    return;
  }
  const programs = ts.programs || [];
  const parts = ['PAT ' + ts.pat];
  for (const p of programs) {
    parts.push('PMT ' + (programs.length > 1 ? p.program + ' ' : '') + p.state);
  }
  if (ts.pat === 'ok' && programs.length === 0) {
    parts.push('no program');
  }
  if (ts.inSync === false) {
    parts.push('no sync');
  }
  const counts = [[ts.syncLosses, 'sync losses'], [ts.syncByteErrors, 'sync byte errors'],
    [ts.patErrors, 'PAT errors'], [ts.pmtErrors, 'PMT errors']];
  for (const [n, what] of counts) {
    if (n) {
      parts.push(n + ' ' + what);
    }
  }
  const ok = ts.pat === 'ok' && programs.every((p) => p.state === 'ok') && ts.inSync !== false
    && counts.every(([n]) => !n);
  const td = cell(tr, parts.join(' · '), 'ts-tables' + (ok ? ' ok' : ' bad'));
  td.dataset.pat = ts.pat;
  td.dataset.pmt = programs.map((p) => p.state).join(',');
  td.title = ts.packets + ' packets, ' + ts.pidCount + ' PIDs'
    + (ts.untrackedPrograms ? ', ' + ts.untrackedPrograms + ' programs not tracked' : '');
}

function formatBitrate(bits) {
  if (bits >= 1e6) {
    return (bits / 1e6).toFixed(2) + ' Mbit/s';
  }
  if (bits >= 1e3) {
    return (bits / 1e3).toFixed(1) + ' kbit/s';
  }
  return Math.round(bits) + ' bit/s';
}

function formatBytes(n) {
  if (n === null || n === undefined) {
    return 'unknown';
  }
  return n >= 1048576 && n % 1048576 === 0 ? n / 1048576 + ' MiB'
    : n >= 1024 ? (n / 1024).toFixed(0) + ' KiB' : n + ' bytes';
}

// ---- the last minutes of each sender, sampled at each poll of /api/sources ----
function sample(s, now) {
  const key = s.channel + ' ' + s.source;
  let samples = history.get(key);
  if (!samples) {
    samples = [];
    history.set(key, samples);
  }
  const total = errorTotal(s);
  const previous = samples[samples.length - 1];
  // errors counted before the page opened are not marked; a counter that went down (the sender was
  // forgotten and heard again) starts over
  const errors = previous ? Math.max(0, total - previous.total) : 0;
  samples.push({ t: now, bitrate: bitrateOf(s) || 0, errors, total });
}

// the gateway's record of a sender's last minutes (complete 5 s steps, oldest first), from its first step on
function seed(key, s) {
  const h = s.history;
  const step = h.stepSeconds * 1000;
  const end = Date.parse(h.end);
  const firstSeen = Date.parse(s.firstSeen);
  const total = errorTotal(s);
  const samples = [];
  h.bitrate.forEach((bitrate, i) => {
    const t = end - (h.bitrate.length - 1 - i) * step;
    if (t > firstSeen) {
      samples.push({ t, bitrate, errors: h.errors[i], total });
    }
  });
  history.set(key, samples);
}

function pruneHistory(now) {
  const oldest = now - HISTORY_SECONDS * 1000;
  for (const [key, samples] of history) {
    while (samples.length > 0 && samples[0].t < oldest) {
      samples.shift();
    }
    if (samples.length === 0) {
      history.delete(key);
    }
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART_WIDTH = 96;
const CHART_HEIGHT = 28;

function svg(name, attributes) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) {
    element.setAttribute(k, String(v));
  }
  return element;
}

/** Bitrate as a line, broken where polls were missed; a red mark at each poll that counted errors. */
function historyChart(samples, now) {
  const chart = svg('svg', {
    class: 'history-chart', viewBox: '0 0 ' + CHART_WIDTH + ' ' + CHART_HEIGHT,
    width: CHART_WIDTH, height: CHART_HEIGHT, role: 'img',
  });
  const max = Math.max(1, ...samples.map((p) => p.bitrate));
  const x = (t) => (CHART_WIDTH - ((now - t) / 1000 / HISTORY_SECONDS) * CHART_WIDTH).toFixed(1);
  const y = (b) => (CHART_HEIGHT - 2 - (b / max) * (CHART_HEIGHT - 6)).toFixed(1);
  let line = '';
  let before = null;
  for (const p of samples) {
    line += (before === null || p.t - before > 7000 ? 'M' : 'L') + x(p.t) + ' ' + y(p.bitrate) + ' ';
    before = p.t;
  }
  if (line) {
    chart.appendChild(svg('path', { class: 'bitrate-line', d: line }));
  }
  let errors = 0;
  for (const p of samples) {
    if (p.errors > 0) {
      errors += p.errors;
      chart.appendChild(svg('line', { class: 'error-mark', x1: x(p.t), x2: x(p.t), y1: 0, y2: CHART_HEIGHT }));
    }
  }
  const label = 'last 5 minutes: bitrate up to ' + formatBitrate(max === 1 ? 0 : max) + ', '
    + errors + (errors === 1 ? ' error' : ' errors');
  const title = svg('title', {});
  title.textContent = label;
  chart.appendChild(title);
  chart.setAttribute('aria-label', label);
  chart.dataset.samples = String(samples.length);
  chart.dataset.errors = String(errors);
  chart.dataset.oldest = samples.length > 0 ? String(Math.round((now - samples[0].t) / 1000)) : '0'; // seconds ago
  return chart;
}

function cell(tr, text, className) {
  const td = document.createElement('td');
  td.textContent = text; // never innerHTML: payloads are shown as text
  if (className) {
    td.className = className;
  }
  tr.appendChild(td);
  return td;
}

function preview(text) {
  return text.length > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + '…' : text;
}

// ---- rate ----
function advanceRate() {
  const now = Math.floor(Date.now() / 1000);
  while (state.rateSecond < now) {
    state.rate.shift();
    state.rate.push(0);
    state.rateSecond++;
  }
}

function countRate() {
  advanceRate();
  state.rate[RATE_SECONDS - 1]++;
}

function drawSparkline() {
  advanceRate();
  const canvas = els.spark;
  const ctx = canvas.getContext('2d');
  const max = Math.max(1, ...state.rate);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const points = state.rate.map((v, i) => [
    (i / (RATE_SECONDS - 1)) * (canvas.width - 4) + 2,
    canvas.height - 2 - (v / max) * (canvas.height - 8),
  ]);
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.strokeStyle = '#1f6feb';
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.lineTo(points[points.length - 1][0], canvas.height);
  ctx.lineTo(points[0][0], canvas.height);
  ctx.closePath();
  ctx.fillStyle = 'rgba(31, 111, 235, 0.15)';
  ctx.fill();
  ctx.fillStyle = '#5b6570';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText('max ' + max + '/s', 6, 12);
  els.rateNow.textContent = state.rate[RATE_SECONDS - 2]; // the last complete second
}
setInterval(() => requestAnimationFrame(drawSparkline), 1000);

// ---- controls ----
els.pause.addEventListener('click', () => {
  state.paused = !state.paused;
  els.pause.textContent = state.paused ? 'Resume' : 'Pause';
  els.pause.setAttribute('aria-pressed', String(state.paused));
  els.pausedInfo.textContent = state.paused ? state.incoming.length + ' new while paused' : '';
  requestRender();
});
els.clear.addEventListener('click', () => {
  state.rows = [];
  state.incoming = [];
  els.pausedInfo.textContent = '';
  requestRender();
});
els.channel.addEventListener('change', requestRender);
els.group.addEventListener('change', requestRender);
els.source.addEventListener('input', requestRender);

// ---- channels with their join state and health, from /api/channels; the SSE status event turns a
// channel silent (or back) at once, without waiting for the next poll ----
const channelViews = new Map(); // name -> the channel as /api/channels gave it, patched by status events
let statusEvents = 0;           // a poll begun before a status event may answer the state before it

function channelState(name) {
  const c = channelViews.get(name);
  return c ? c.state : null;
}

function describe(c) {
  const group = c.group.includes(':') ? '[' + c.group + ']' : c.group;
  return c.name + ': ' + group + ':' + c.port + (c.source ? ' from ' + c.source : '') + ' on ' + c.interface
    + ' — ' + c.state + (c.reason ? ' (' + c.reason + ')' : '');
}

async function refreshChannels() {
  let channels;
  for (let attempt = 0; ; attempt++) {
    const before = statusEvents;
    try {
      const response = await fetch('/api/channels', { cache: 'no-store' });
      channels = await response.json();
    } catch (e) {
      els.channels.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'channels not reachable' }));
      return;
    }
    if (before === statusEvents || attempt === 2) {
      break; // else a status event came meanwhile: ask again for the state after it
    }
  }
  channelViews.clear();
  for (const c of channels) {
    channelViews.set(c.name, c);
  }
  renderChannels();
  for (const select of [els.channel, els.sendChannel]) {
    const known = new Set([...select.options].map((o) => o.value));
    for (const c of channels) {
      if (!known.has(c.name)) {
        select.appendChild(Object.assign(document.createElement('option'), { value: c.name, textContent: c.name }));
      }
    }
  }
}

function onChannelStatus(status) {
  statusEvents++;
  const c = channelViews.get(status.channel);
  if (c) {
    if (status.state === 'silent') {
      c.state = 'silent';
      c.silentSince = status.since;
      c.lastReceivedAt = status.since;
      c.reason = status.reason || null;
    } else if (c.state === 'silent') {
      c.state = 'joined';
      c.silentSince = null;
      c.reason = null;
    }
    renderChannels();
    markSilentSources();
  } else {
    refreshChannels();
  }
}

function markSilentSources() {
  for (const tr of els.sources.rows) {
    tr.classList.toggle('silent', channelState(tr.dataset.channel) === 'silent');
  }
}

function renderChannels() {
  els.channels.replaceChildren(...[...channelViews.values()].map(channelItem));
}

function channelItem(c) {
  const li = document.createElement('li');
  li.dataset.channel = c.name;
  li.className = 'channel ' + c.state.replaceAll(' ', '-');
  li.append(describe(c));
  const kernel = c.kernel || null;
  const dropping = !!(kernel && kernel.dropsRising);
  if (c.state === 'silent') {
    li.append(' ', badge('SILENT', 'badge silent-badge'));
  }
  if (dropping) {
    li.classList.add('dropping');
    li.append(' ', badge('DROPPING', 'badge dropping-badge'));
  }
  const details = [];
  if (c.state === 'silent') {
    details.push(line('silent-info', silentText(c)));
  } else if (c.expectWithinMillis && c.silences) {
    details.push(line('silent-info', 'silent ' + times(c.silences) + ' since start (expected every '
      + seconds(c.expectWithinMillis) + ')'));
  }
  if (kernel) {
    const k = line('kernel', kernelText(kernel));
    k.dataset.status = kernel.status;
    if (kernel.status === 'ok' && typeof kernel.drops === 'number') {
      k.dataset.drops = String(kernel.drops);
    }
    details.push(k);
  }
  if (dropping) {
    const warning = line('warning', dropWarning(kernel));
    warning.classList.add('drop-warning');
    details.push(warning);
  }
  if (details.length > 0) {
    const box = document.createElement('div');
    box.className = 'channel-health';
    box.append(...details);
    li.append(box);
  }
  return li;
}

function badge(text, className) {
  return Object.assign(document.createElement('span'), { textContent: text, className });
}

function line(className, text) {
  return Object.assign(document.createElement('div'), { textContent: text, className });
}

function times(n) {
  return n === 1 ? 'once' : n + ' times';
}

function seconds(millis) {
  return millis % 1000 === 0 ? millis / 1000 + ' s' : millis + ' ms';
}

/** silentSince (and the status event's since) is when the last datagram arrived. */
function silentText(c) {
  const since = c.silentSince ? 'no datagram since ' + c.silentSince.substring(11, 19) + ' UTC' : 'no datagram';
  const expected = c.expectWithinMillis ? ' (expected every ' + seconds(c.expectWithinMillis) + ')' : '';
  return 'Stream silent: ' + since + expected + '.';
}

/** The kernel's drops as read from /proc: "unknown" where they could not be read, never 0. */
function kernelText(k) {
  if (k.status !== 'ok' || typeof k.drops !== 'number') {
    return 'kernel drops: unknown' + (k.reason ? ' (' + k.reason + ')' : '');
  }
  let text = 'kernel drops: ' + k.drops;
  if (k.dropsRising) {
    text += ', rising';
  }
  if (k.lastDropAt) {
    text += ', last at ' + k.lastDropAt.substring(11, 19) + ' UTC';
  }
  text += '; receive buffer ' + formatBytes(k.receiveBufferGranted) + ' granted of '
    + formatBytes(k.receiveBufferRequested) + ' asked';
  if (k.hostRcvbufErrors !== undefined) {
    text += '; host RcvbufErrors ' + (k.hostRcvbufErrors === null ? 'unknown' : k.hostRcvbufErrors);
  }
  return text;
}

/** What to change when the kernel drops: the host's cap when it granted less than asked, else the ask. */
function dropWarning(k) {
  const text = 'The kernel is dropping this channel\'s datagrams before the gateway reads them: the socket\'s '
    + 'receive buffer overflows. ';
  const asked = k.receiveBufferRequested;
  const granted = k.receiveBufferGranted;
  if (typeof asked === 'number' && typeof granted === 'number' && granted < asked) {
    return text + 'The host granted ' + formatBytes(granted) + ' of the ' + formatBytes(asked) + ' asked for: raise '
      + 'net.core.rmem_max to at least ' + asked + ' (sysctl -w net.core.rmem_max=' + asked + ').';
  }
  return text + 'Raise mcast.receiver.receive-buffer-size (now ' + formatBytes(asked) + ') and net.core.rmem_max '
    + 'with it (the kernel caps the buffer there), or send less to this group.';
}
start();

// ---- sending: POST /api/channels/{name}/messages, offered when GET /api/publish answers 2xx ----
// The publish token is asked for once and kept in this tab's sessionStorage only.
const PUBLISH_TOKEN_KEY = 'mcast-gateway.publish-token';

async function checkPublish() {
  try {
    const response = await fetch('/api/publish', { cache: 'no-store' });
    if (response.ok) {
      els.sendText.disabled = false;
      els.sendButton.disabled = false;
      els.sendChannel.disabled = false;
      els.publishTokenLabel.hidden = !!sessionStorage.getItem(PUBLISH_TOKEN_KEY);
      els.sendInfo.textContent = '';
      return;
    }
  } catch (e) {
    // not offered
  }
  els.sendInfo.textContent = 'Publishing is not enabled on this gateway.';
}

els.sendForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (els.publishToken.value) {
    sessionStorage.setItem(PUBLISH_TOKEN_KEY, els.publishToken.value);
    els.publishToken.value = '';
  }
  const token = sessionStorage.getItem(PUBLISH_TOKEN_KEY);
  if (!token) {
    els.publishTokenLabel.hidden = false;
    els.sendInfo.textContent = 'the publish token is needed';
    return;
  }
  const channel = els.sendChannel.value || 'default';
  const response = await fetch('/api/channels/' + encodeURIComponent(channel) + '/messages', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ text: els.sendText.value }),
  });
  let answer = '';
  try {
    const body = await response.json();
    answer = response.ok ? 'sent ' + body.sent + ' bytes to ' + body.channel : body.error || '';
  } catch (err) {
    // no JSON body
  }
  if (response.ok) {
    els.sendText.value = '';
  } else if (response.status === 401) {
    sessionStorage.removeItem(PUBLISH_TOKEN_KEY);
    els.publishTokenLabel.hidden = false;
    answer = 'wrong publish token';
  } else if (response.status === 429) {
    answer = 'too fast: retry in ' + response.headers.get('Retry-After') + ' s';
  }
  els.sendInfo.textContent = (response.ok ? '' : 'not sent (HTTP ' + response.status + '): ') + answer;
});
checkPublish();

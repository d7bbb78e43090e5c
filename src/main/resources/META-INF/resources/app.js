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
  }
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

// ---- senders, from /api/sources: counts, rate, and loss figures for sequenced senders ----
async function refreshSources() {
  let channels;
  try {
    const response = await fetch('/api/sources', { cache: 'no-store' });
    if (!response.ok) {
      return;
    }
    channels = await response.json();
  } catch (e) {
    return;
  }
  const all = channels.flatMap((c) => c.sources);
  all.sort((a, b) => b.datagrams - a.datagrams);
  const fragment = document.createDocumentFragment();
  const figure = (v) => (v === null || v === undefined ? '–' : String(v));
  for (const s of all.slice(0, 50)) {
    const tr = document.createElement('tr');
    tr.dataset.source = s.source;
    cell(tr, s.source);
    cell(tr, s.channel);
    cell(tr, String(s.datagrams), 'num');
    cell(tr, s.ratePerSecond.toFixed(1), 'num');
    cell(tr, figure(s.lost), s.lost ? 'num bad' : 'num');
    cell(tr, figure(s.duplicated), 'num');
    cell(tr, figure(s.reordered), 'num');
    cell(tr, figure(s.restarts), 'num');
    cell(tr, s.lastSeen.substring(11, 23));
    fragment.appendChild(tr);
  }
  els.sources.replaceChildren(fragment);
}

function cell(tr, text, className) {
  const td = document.createElement('td');
  td.textContent = text; // never innerHTML: payloads are shown as text
  if (className) {
    td.className = className;
  }
  tr.appendChild(td);
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

// ---- channels and their join state, from /api/channels ----
function describe(c) {
  const group = c.group.includes(':') ? '[' + c.group + ']' : c.group;
  return c.name + ': ' + group + ':' + c.port + (c.source ? ' from ' + c.source : '') + ' on ' + c.interface
    + ' — ' + c.state + (c.reason ? ' (' + c.reason + ')' : '');
}

async function refreshChannels() {
  let channels;
  try {
    const response = await fetch('/api/channels', { cache: 'no-store' });
    channels = await response.json();
  } catch (e) {
    els.channels.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'channels not reachable' }));
    return;
  }
  els.channels.replaceChildren(...channels.map((c) => {
    const li = document.createElement('li');
    li.textContent = describe(c);
    li.dataset.channel = c.name;
    li.className = 'channel ' + c.state.replace(' ', '-');
    return li;
  }));
  for (const select of [els.channel, els.sendChannel]) {
    const known = new Set([...select.options].map((o) => o.value));
    for (const c of channels) {
      if (!known.has(c.name)) {
        select.appendChild(Object.assign(document.createElement('option'), { value: c.name, textContent: c.name }));
      }
    }
  }
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

// rota dashboard: a small single-page app on the REST API. No framework, no build step, no
// network beyond this server.
'use strict';

const view = document.getElementById('view');
const tokenInput = document.getElementById('token');
const hashToken = new URLSearchParams(location.hash.split('?')[1] || '').get('token');
if (hashToken) { localStorage.setItem('rota.token', hashToken); history.replaceState(null, '', '#/'); }
tokenInput.value = localStorage.getItem('rota.token') || '';
document.getElementById('token-form').onsubmit = (ev) => {
  ev.preventDefault(); localStorage.setItem('rota.token', tokenInput.value.trim()); route();
};

const h = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) e.append(kid instanceof Node ? kid : String(kid));
  return e;
};

async function api(path, init = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + (localStorage.getItem('rota.token') || '') }, init.headers || {});
  if (init.body && typeof init.body !== 'string') { init.body = JSON.stringify(init.body); headers['Content-Type'] = 'application/json'; }
  const res = await fetch('/api/v1' + path, Object.assign({}, init, { headers }));
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) { const err = new Error(body && body.detail ? body.detail : res.statusText); err.status = res.status; err.problem = body; throw err; }
  return { body, res };
}

const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (s, n) => { const d = new Date(s + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return iso(d); };
const today = () => iso(new Date());
const fmt = (x, digits = 1) => (x === null || x === undefined) ? '–' : Number(x).toFixed(digits);

function show(title, ...content) {
  view.replaceChildren(h('h1', {}, title), ...content);
  document.title = title + ' · rota';
  view.focus();
}

function failure(err) {
  if (err.status === 401) return h('p', { class: 'error' }, 'Paste an API token above (rota demo prints one; or run: rota token create --role planner).');
  return h('p', { class: 'error', role: 'alert' }, 'Error: ' + err.message);
}

// Units overview: next 7 days of forecast demand, model accuracy, drift.
async function unitsPage() {
  show('Units', h('p', { class: 'muted' }, 'Loading…'));
  try {
    const units = (await api('/units?limit=500')).body.items;
    const cards = await Promise.all(units.map(async (u) => {
      const [fc, models] = await Promise.all([
        api(`/units/${u.id}/forecast?from=${today()}&to=${addDays(today(), 6)}`).then(r => r.body),
        api(`/units/${u.id}/models`).then(r => r.body.items),
      ]);
      const active = models.find(m => m.active);
      const perDay = {};
      for (const p of fc.items) perDay[p.date] = (perDay[p.date] || 0) + p.yhat;
      const total = Object.values(perDay).reduce((a, b) => a + b, 0);
      const drift = active && active.reason && /drift/i.test(active.reason);
      return h('article', { class: 'card' },
        h('h2', {}, h('a', { href: `#/units/${u.id}` }, u.name)),
        h('p', {}, fc.items.length ? `Next 7 days: ${fmt(total, 0)} staff-shifts` : h('span', { class: 'muted' }, 'No forecast yet')),
        h('p', {}, 'Model: ', active ? `v${active.version} ${active.algorithm}, MAPE ${fmt(active.holdout_mape)} %` : h('span', { class: 'muted' }, 'none'), ' ',
          active ? h('span', { class: 'badge ' + (drift ? 'warn' : 'ok') }, drift ? 'drift' : 'no drift') : h('span', { class: 'badge none' }, 'no model')),
        h('p', {}, h('a', { href: `#/units/${u.id}/rota` }, 'Rota'), ' · ', h('a', { href: `#/units/${u.id}/models` }, 'Models')));
    }));
    show('Units', units.length ? h('div', { class: 'cards' }, cards) : h('p', {}, 'No units yet.'));
  } catch (err) { show('Units', failure(err)); }
}

// History and forecast of one unit, daily totals, with the interval band.
async function unitPage(id) {
  show('Unit', h('p', { class: 'muted' }, 'Loading…'));
  try {
    const unit = (await api(`/units/${id}`)).body;
    const history = (await api(`/units/${id}/demand`)).body.items;
    const fc = (await api(`/units/${id}/forecast`)).body;
    const sum = (rows, key) => { const m = new Map(); for (const r of rows) m.set(r.date, (m.get(r.date) || 0) + r[key]); return m; };
    const hist = sum(history, 'required'), yhat = sum(fc.items, 'yhat'), lo = sum(fc.items, 'lower'), hi = sum(fc.items, 'upper');
    show(unit.name,
      h('p', {}, fc.model_version ? `Active model v${fc.model_version} (${fc.algorithm})` : 'No active model yet: the chart shows history only.'),
      chart(hist, yhat, lo, hi),
      h('p', {}, h('a', { href: `#/units/${id}/rota` }, 'Rota'), ' · ', h('a', { href: `#/units/${id}/models` }, 'Models')));
  } catch (err) { show('Unit', failure(err)); }
}

function chart(hist, yhat, lo, hi) {
  const dates = [...new Set([...hist.keys(), ...yhat.keys()])].sort();
  if (!dates.length) return h('p', { class: 'muted' }, 'No data.');
  const values = [...hist.values(), ...hi.values(), ...yhat.values()];
  const max = Math.max(...values, 1), W = 900, H = 300, P = 30;
  const x = (d) => P + (W - 2 * P) * dates.indexOf(d) / Math.max(dates.length - 1, 1);
  const y = (v) => H - P - (H - 2 * P) * v / max;
  const line = (m) => [...m.keys()].sort().map((d, i) => `${i ? 'L' : 'M'}${x(d).toFixed(1)},${y(m.get(d)).toFixed(1)}`).join(' ');
  const band = () => { const ks = [...hi.keys()].sort(); if (!ks.length) return '';
    return ks.map((d, i) => `${i ? 'L' : 'M'}${x(d).toFixed(1)},${y(hi.get(d)).toFixed(1)}`).join(' ') + ' ' +
      ks.reverse().map(d => `L${x(d).toFixed(1)},${y(lo.get(d)).toFixed(1)}`).join(' ') + ' Z'; };
  const svg = `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Daily demand history and forecast">
    <path d="${band()}" fill="#1f4fb322" stroke="none"/>
    <path d="${line(hist)}" fill="none" stroke="#5b6475" stroke-width="1"/>
    <path d="${line(yhat)}" fill="none" stroke="#1f4fb3" stroke-width="2"/>
    <text x="${P}" y="${P - 8}">max ${max.toFixed(0)}</text>
    <text x="${P}" y="${H - 8}">${dates[0]}</text><text x="${W - P - 70}" y="${H - 8}">${dates[dates.length - 1]}</text></svg>`;
  const wrap = h('figure', {}); wrap.innerHTML = svg;
  wrap.append(h('figcaption', { class: 'muted' }, 'Grey: history (staff required per day). Blue: forecast, with its interval band.'));
  return wrap;
}

// The rota as a staff × days grid, the explanation, and the solve form with live progress.
async function rotaPage(id) {
  show('Rota', h('p', { class: 'muted' }, 'Loading…'));
  let unit;
  try { unit = (await api(`/units/${id}`)).body; } catch (err) { return show('Rota', failure(err)); }
  const monday = (() => { const d = new Date(); d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7)); return iso(d); })();
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Solve progress' });
  const status = h('p', { role: 'status' });
  const cancel = h('button', { type: 'button', class: 'secondary', disabled: '' }, 'Cancel');
  const gridBox = h('div', {});
  const form = h('form', { class: 'row', 'aria-label': 'Solve' },
    h('label', {}, 'Horizon start', h('input', { name: 'horizon_start', type: 'date', value: monday, required: '' })),
    h('label', {}, 'Days', h('input', { name: 'days', type: 'number', min: 7, max: 84, value: 28 })),
    h('label', {}, 'Time limit (s)', h('input', { name: 'time_limit', type: 'number', min: 1, max: 600, value: 30 })),
    h('label', {}, 'Cover from', h('select', { name: 'cover' },
      h('option', { value: 'history' }, 'history (same weekday, last 8 weeks)'),
      h('option', { value: 'forecast' }, 'forecast (active model)'),
      h('option', { value: 'explicit' }, 'cover overrides only'))),
    h('label', {}, 'Cover quantile', h('input', { name: 'quantile', type: 'number', min: 0.05, max: 0.95, step: 0.05, value: 0.5 })),
    h('button', { type: 'submit' }, 'Solve'), cancel);
  let current = null;
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { horizon_start: f.get('horizon_start'), days: +f.get('days'), time_limit: +f.get('time_limit'), cover: f.get('cover'), quantile: +f.get('quantile') };
    try {
      const { res } = await api(`/units/${id}/solve`, { method: 'POST', body });
      current = res.headers.get('Location'); cancel.disabled = false; status.textContent = 'Queued…';
      await follow(current, progress, status);
      cancel.disabled = true; await renderLatest(id, gridBox);
    } catch (err) { status.replaceChildren(failure(err)); cancel.disabled = true; }
  };
  cancel.onclick = async () => { if (current) { try { await api(current.replace('/api/v1', ''), { method: 'DELETE' }); } catch (err) { status.replaceChildren(failure(err)); } } };
  show(`Rota · ${unit.name}`, form, progress, status, gridBox);
  await renderLatest(id, gridBox);
}

// Follows a job's server-sent events until it ends.
async function follow(location, progress, status) {
  const res = await fetch(location + '/events', { headers: { Authorization: 'Bearer ' + localStorage.getItem('rota.token') } });
  if (!res.ok || !res.body) throw new Error('cannot follow the job (' + res.status + ')');
  const reader = res.body.getReader(); const dec = new TextDecoder(); let buf = '';
  for (;;) {
    const { value, done } = await reader.read(); if (done) break;
    buf += dec.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const chunk = buf.slice(0, cut); buf = buf.slice(cut + 2);
      const data = chunk.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
      if (!data) continue;
      const job = JSON.parse(data);
      progress.value = job.progress || 0;
      status.textContent = `${job.status}${job.message ? ': ' + job.message : ''} (${Math.round(100 * (job.progress || 0))} %)`;
      if (['succeeded', 'cancelled', 'dead'].includes(job.status)) { if (job.status === 'succeeded') progress.value = 1; return job; }
    }
  }
}

async function renderLatest(id, box) {
  let rota;
  try { rota = (await api(`/units/${id}/rotas/latest`)).body; }
  catch (err) { box.replaceChildren(err.status === 404 ? h('p', { class: 'muted' }, 'No rota yet: press Solve.') : failure(err)); return; }
  const days = Array.from({ length: rota.days }, (_, i) => addDays(rota.horizon_start, i));
  const staff = new Map();
  for (const a of rota.assignments) { if (!staff.has(a.staff)) staff.set(a.staff, {}); staff.get(a.staff)[a.date] = a.shift; }
  const ex = rota.explanation || {};
  const shortBy = {};
  for (const u of ex.uncovered || []) { const d = days[u.day]; if (d) shortBy[d] = (shortBy[d] || 0) + u.shortfall; }
  const head = h('tr', {}, h('th', { class: 'name', scope: 'col' }, 'Staff'), days.map(d => h('th', { scope: 'col', title: d }, d.slice(8) + ['Su','Mo','Tu','We','Th','Fr','Sa'][new Date(d + 'T00:00:00Z').getUTCDay()].slice(0, 1))));
  const rows = [...staff.entries()].sort().map(([name, byDay]) => h('tr', {}, h('th', { class: 'name', scope: 'row' }, name),
    days.map(d => h('td', { class: byDay[d] || '' }, byDay[d] || ''))));
  const cover = h('tr', { class: 'cover' }, h('th', { class: 'name', scope: 'row' }, 'Uncovered'), days.map(d => h('td', { class: shortBy[d] ? 'short' : '' }, shortBy[d] || '')));
  const kinds = ex.by_kind || {};
  box.replaceChildren(
    h('p', {}, `Rota ${rota.id}: ${rota.status}, objective ${fmt(rota.objective, 0)}`, rota.gap ? `, gap ${fmt(100 * rota.gap)} %` : '', `, ${fmt(rota.seconds)} s`),
    h('p', { class: 'legend' }, h('span', { style: 'background:var(--e)' }, 'E early'), h('span', { style: 'background:var(--l)' }, 'L late'), h('span', { style: 'background:var(--n)' }, 'N night')),
    h('div', { class: 'grid-wrap' }, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, rows, cover))),
    h('h2', {}, 'Why it costs what it costs'),
    h('table', {}, h('tbody', {},
      h('tr', {}, h('th', { scope: 'row' }, 'Cover under'), h('td', {}, kinds.cover_under ?? '–')),
      h('tr', {}, h('th', { scope: 'row' }, 'Cover over'), h('td', {}, kinds.cover_over ?? '–')),
      h('tr', {}, h('th', { scope: 'row' }, 'On-requests not granted'), h('td', {}, kinds.on_requests ?? '–')),
      h('tr', {}, h('th', { scope: 'row' }, 'Off-requests not granted'), h('td', {}, kinds.off_requests ?? '–')))),
    (ex.unmet_requests || []).length ? h('details', {}, h('summary', {}, `${ex.unmet_requests.length} unmet request(s)`),
      h('ul', {}, ex.unmet_requests.map(r => h('li', {}, `${r.staff}: ${r.kind} ${r.shift} on ${days[r.day] || r.day} (weight ${r.weight})`)))) : '');
}

async function modelsPage(id) {
  show('Models', h('p', { class: 'muted' }, 'Loading…'));
  try {
    const unit = (await api(`/units/${id}`)).body;
    const models = (await api(`/units/${id}/models`)).body.items;
    const msg = h('p', { role: 'status' });
    const rows = models.map(m => h('tr', {},
      h('td', {}, 'v' + m.version), h('td', {}, m.algorithm), h('td', {}, m.trained_at.slice(0, 16).replace('T', ' ')),
      h('td', {}, fmt(m.holdout_mape)), h('td', {}, fmt(m.baseline_mape)), h('td', {}, m.status), h('td', {}, m.reason || ''),
      h('td', {}, m.active || m.status === 'rejected' ? '' : h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await api(`/units/${id}/models/${m.version}/activate`, { method: 'POST', body: {} }); modelsPage(id); }
        catch (err) { msg.replaceChildren(failure(err)); } } }, 'Activate'))));
    show(`Models · ${unit.name}`, msg, models.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['Version', 'Algorithm', 'Trained', 'MAPE %', 'Baseline MAPE %', 'Status', 'Reason', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : h('p', {}, 'No model versions yet.'));
  } catch (err) { show('Models', failure(err)); }
}

async function jobsPage() {
  show('Jobs', h('p', { class: 'muted' }, 'Loading…'));
  try {
    const jobs = (await api('/jobs?limit=100')).body.items;
    show('Jobs', jobs.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['Created', 'Kind', 'Unit', 'Status', 'Progress', 'Duration (s)', 'Error'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, jobs.map(j => h('tr', {}, h('td', {}, j.created_at.slice(0, 19).replace('T', ' ')), h('td', {}, j.kind), h('td', {}, j.unit_id ?? ''),
        h('td', {}, j.status), h('td', {}, Math.round(100 * j.progress) + ' %'), h('td', {}, fmt(j.duration_s)), h('td', { class: 'error' }, j.error || ''))))) :
      h('p', {}, 'No jobs yet.'));
  } catch (err) { show('Jobs', failure(err)); }
}

function route() {
  const path = location.hash.replace(/^#/, '').split('?')[0] || '/';
  let m;
  if (path === '/') return unitsPage();
  if (path === '/jobs') return jobsPage();
  if ((m = path.match(/^\/units\/(\d+)$/))) return unitPage(m[1]);
  if ((m = path.match(/^\/units\/(\d+)\/rota$/))) return rotaPage(m[1]);
  if ((m = path.match(/^\/units\/(\d+)\/models$/))) return modelsPage(m[1]);
  show('Not found', h('p', {}, h('a', { href: '#/' }, 'Back to the units')));
}
window.addEventListener('hashchange', route);
route();

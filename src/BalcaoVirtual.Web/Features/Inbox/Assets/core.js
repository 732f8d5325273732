// What every page of the clerks' app shares: texts, the API, building the DOM, times and deadlines.
// Everything a citizen wrote goes into the page through textContent, never as markup.
export const T = JSON.parse(document.getElementById('texts').textContent);
export const csrf = document.querySelector('meta[name="csrf"]').content;
export const main = document.getElementById('main');
export const fmt = (name, ...args) => T[name].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

// Deadlines are counted on the server's clock: a counter PC's own clock may be off by minutes, or by days.
let clockOffset = 0;
export const serverNow = () => Date.now() + clockOffset;

export async function api(path, options = {}) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': csrf };
  if (options.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers });
  const serverTime = Number(response.headers.get('X-Server-Time'));
  if (serverTime > 0) clockOffset = serverTime - Date.now();
  if (response.status === 401) { location.href = '/entrar?volta=' + encodeURIComponent(location.pathname); throw new Error('401'); }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) { const e = new Error(body?.title || String(response.status)); e.status = response.status; e.body = body; throw e; }
  return body;
}

/** A failed call in words: the fields the server named, else its title. */
export const problem = e => e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : e.message;

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== '') node.append(c);
  return node;
}

export function button(text, action, props = {}) {
  const b = el('button', { type: 'button', text, ...props });
  b.addEventListener('click', action);
  return b;
}

export function masked(address) {
  const digits = (address || '').replace(/\D/g, '');
  if (address && address.includes('@')) return address[0] + '***' + address.slice(address.indexOf('@'));
  if (digits.length < 6) return '***';
  const area = digits.startsWith('55') && digits.length >= 12 ? `(${digits.slice(2, 4)}) ` : '';
  return `${area}*****-${digits.slice(-4)}`;
}

export const stateName = s => T['InboxState' + s[0].toUpperCase() + s.slice(1)] || s;
export const channelName = c => c === 'whatsApp' ? 'WhatsApp' : c === 'sms' ? 'SMS' : 'e-mail';

export const units = {};
export const zones = {};
export const rooms = {}; // each unit's video-desk link, if it has one
export let zone = 'America/Belem';
/** The unit's own time zone once a conversation is known. */
export function useZone(unitId) { zone = zones[unitId] || zone; }
/** A time zone by name (the court's, for what belongs to no unit). */
export function useTimeZone(name) { zone = name || zone; }
export const when = iso => new Date(iso).toLocaleString('pt-BR', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
export const day = iso => new Date(iso).toLocaleDateString('pt-BR', { timeZone: zone });

/** Each unit's labels by id: unitId -> { id -> name }. */
export const labels = {};
export async function loadLabels() {
  try {
    for (const key of Object.keys(labels)) delete labels[key];
    for (const l of await api('/api/labels')) (labels[l.unitId] ||= {})[l.id] = l.name;
  } catch { /* no labels shown */ }
}
/** The names of a conversation's labels its unit still has. */
export const labelNames = (unitId, ids) => (ids || []).map(id => labels[unitId]?.[id]).filter(Boolean);

export async function loadUnits() {
  try {
    for (const u of await api('/api/units')) { units[u.id] = u.name; zones[u.id] = u.timeZone; rooms[u.id] = u.videoDeskUrl || null; }
  } catch { /* names fall back to ids */ }
}

export function span(ms) {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  if (minutes < 60) return fmt('InboxMinutes', minutes);
  if (minutes < 1440) return fmt('InboxHours', Math.floor(minutes / 60), minutes % 60);
  return fmt('InboxDays', Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60));
}

// On time, warning (under 4 hours left) or breached, refreshed every second.
export function dueCell(dueAt) {
  const node = el('span', { class: 'due' });
  node.dataset.due = dueAt || '';
  paintDue(node);
  return node;
}

function paintDue(node) {
  if (!node.dataset.due) { node.textContent = T.InboxNoDue; node.className = 'due'; return; }
  const left = new Date(node.dataset.due) - serverNow();
  node.className = 'due ' + (left < 0 ? 'breached' : left < 4 * 3600000 ? 'warning' : 'ontime');
  node.textContent = left < 0 ? fmt('InboxDueLate', span(-left)) : fmt('InboxDueLeft', span(left));
}

setInterval(() => document.querySelectorAll('.due').forEach(paintDue), 1000);

/** How long a unit's first answers typically take, as told to citizens: "2 h", "45 min", "1 d 3 h" (to 5 minutes);
 *  in service hours never days (a day of the desk is not 24 hours). */
export function pace(minutes, serviceHours) {
  const rounded = Math.max(5, Math.round(minutes / 5) * 5);
  if (rounded < 60) return fmt('InboxMinutes', rounded);
  if (rounded % 60 === 0 && (serviceHours || rounded < 1440)) return fmt('InboxWholeHours', rounded / 60);
  return serviceHours || rounded < 1440 ? fmt('InboxHours', Math.floor(rounded / 60), rounded % 60) : span(rounded * 60000);
}

/** The fake-lawyer scam's flag: the citizen wrote of paying by message (PIX, boleto, a fee); the bot already warned them. */
export const paymentChip = c => c.paymentWarningAt
  ? el('span', { class: 'payment-chip', title: T.InboxPaymentWarningHint, text: T.InboxPaymentWarningChip })
  : '';

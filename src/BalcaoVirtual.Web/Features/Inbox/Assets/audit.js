import { T, api, el, fmt, main, useTimeZone, when } from './core.js';

export async function audit() {
  const field = (id, label, type) => el('div', {}, el('label', { for: id, text: label }), el('input', { id, name: id, type: type || 'text' }));
  const form = el('form', { class: 'audit-filter' });
  for (const [id, label, type] of [['a-from', T.InboxAuditFrom, 'date'], ['a-to', T.InboxAuditTo, 'date'], ['a-who', T.InboxAuditWho], ['a-action', T.InboxAuditAction], ['a-target', T.InboxAuditTarget]]) {
    form.append(field(id, label, type));
  }
  form.append(el('button', { type: 'submit', text: T.InboxAuditSearch }));
  const result = el('p', { class: 'status', role: 'status' });
  const table = el('table', { id: 'audit' });
  const zoneNote = el('p', { id: 'audit-zone', class: 'meta' });
  async function search() {
    const query = new URLSearchParams();
    for (const [name, id] of [['from', 'a-from'], ['to', 'a-to'], ['who', 'a-who'], ['action', 'a-action'], ['target', 'a-target']]) {
      const value = form.querySelector('#' + id).value.trim();
      if (value) query.set(name, value);
    }
    try {
      const data = await api('/api/audit?' + query);
      // Times in the court's civil time, whatever the zone of the computer at hand.
      useTimeZone(data.timeZone);
      zoneNote.textContent = fmt('InboxAuditTimeZone', data.timeZone);
      table.replaceChildren(el('thead', {}, el('tr', {}, ...[T.InboxAuditWhen, T.InboxAuditColWho, T.InboxAuditColAction, T.InboxAuditColTarget, T.InboxAuditDetail, T.InboxAuditOrigin].map(h => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...data.records.map(r => el('tr', {},
          el('td', { text: when(r.at) }),
          el('td', { text: r.whoName, title: r.who }),
          // An action without Portuguese words yet shows its code, never an empty cell.
          el('td', { text: r.actionName || r.action, title: r.action, 'data-action': r.action }),
          el('td', { text: r.targetName ? `${r.targetName} (${r.target})` : r.target || '' }),
          el('td', { text: r.detail || '' }),
          el('td', { text: r.from || '' })))));
      result.textContent = data.records.length === 0 ? T.InboxAuditNone : data.truncated ? T.InboxAuditTruncated : '';
    } catch (e) {
      result.textContent = e.message;
    }
  }
  form.addEventListener('submit', e => { e.preventDefault(); search(); });
  main.replaceChildren(el('h1', { text: T.InboxAuditHeading }), el('p', { class: 'meta', text: T.InboxAuditIntro }), form, result, zoneNote, table);
  await search();
}

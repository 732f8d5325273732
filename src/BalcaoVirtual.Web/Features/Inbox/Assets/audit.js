import { T, api, el, main, when } from './core.js';

export async function audit() {
  const field = (id, label, type) => el('div', {}, el('label', { for: id, text: label }), el('input', { id, name: id, type: type || 'text' }));
  const form = el('form', { class: 'audit-filter' });
  for (const [id, label, type] of [['a-from', T.InboxAuditFrom, 'date'], ['a-to', T.InboxAuditTo, 'date'], ['a-who', T.InboxAuditWho], ['a-action', T.InboxAuditAction], ['a-target', T.InboxAuditTarget]]) {
    form.append(field(id, label, type));
  }
  form.append(el('button', { type: 'submit', text: T.InboxAuditSearch }));
  const result = el('p', { class: 'status', role: 'status' });
  const table = el('table', { id: 'audit' });
  async function search() {
    const query = new URLSearchParams();
    for (const [name, id] of [['from', 'a-from'], ['to', 'a-to'], ['who', 'a-who'], ['action', 'a-action'], ['target', 'a-target']]) {
      const value = form.querySelector('#' + id).value.trim();
      if (value) query.set(name, value);
    }
    try {
      const data = await api('/api/audit?' + query);
      table.replaceChildren(el('thead', {}, el('tr', {}, ...[T.InboxAuditWhen, T.InboxAuditWho, T.InboxAuditColAction, T.InboxAuditColTarget, T.InboxAuditDetail, T.InboxAuditOrigin].map(h => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...data.records.map(r => el('tr', {}, ...[when(r.at), r.who, r.action, r.target || '', r.detail || '', r.from || ''].map(v => el('td', { text: v }))))));
      result.textContent = data.records.length === 0 ? T.InboxAuditNone : data.truncated ? T.InboxAuditTruncated : '';
    } catch (e) {
      result.textContent = e.message;
    }
  }
  form.addEventListener('submit', e => { e.preventDefault(); search(); });
  main.replaceChildren(el('h1', { text: T.InboxAuditHeading }), el('p', { class: 'meta', text: T.InboxAuditIntro }), form, result, table);
  await search();
}

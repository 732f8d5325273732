import { T, api, csrf, el, fmt, main, when } from './core.js';

export async function privacy() {
  const phone = el('input', { id: 'p-phone', type: 'tel', inputmode: 'tel', placeholder: '+5591981234567' });
  const email = el('input', { id: 'p-email', type: 'email', placeholder: 'maria@exemplo.com.br' });
  const confirmErase = el('input', { id: 'p-confirm', type: 'checkbox' });
  const result = el('p', { class: 'status', role: 'status' });
  const table = el('table', { id: 'requests' });
  const subject = () => phone.value.trim() ? { phone: phone.value.trim() } : { email: email.value.trim() };
  const problem = e => e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : e.message;
  async function exportAs(format) {
    result.textContent = '';
    const response = await fetch('/api/privacy/requests/export', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Accept: '*/*' },
      body: JSON.stringify({ ...subject(), format }),
    });
    if (!response.ok) { const body = await response.json().catch(() => null); result.textContent = problem({ body, message: String(response.status) }); return; }
    // The file is handed to the browser to save; the request is on record.
    const name = /filename=([^;]+)/.exec(response.headers.get('Content-Disposition') || '')?.[1] || 'dados.' + format;
    const link = el('a', { href: URL.createObjectURL(await response.blob()), download: name.replaceAll('"', '') });
    document.body.append(link); link.click(); link.remove();
    await list();
  }
  async function erase() {
    try {
      const done = await api('/api/privacy/requests/erasure', { method: 'POST', body: JSON.stringify({ ...subject(), confirm: confirmErase.checked }) });
      result.textContent = fmt('InboxPrivacyErased', done.outcome);
      confirmErase.checked = false;
      await list();
    } catch (e) { result.textContent = problem(e); }
  }
  async function list() {
    const requests = await api('/api/privacy/requests');
    table.replaceChildren(el('thead', {}, el('tr', {}, ...[T.InboxAuditWhen, T.InboxPrivacyKind, T.InboxPrivacySubject, T.InboxAuditWho, T.InboxPrivacyDue, T.InboxPrivacyOutcome].map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...requests.map(r => el('tr', {}, ...[when(r.requestedAt), r.kind === 'erasure' ? T.InboxPrivacyErasure : T.InboxPrivacyExport, r.subject, r.requestedBy, when(r.dueAt), r.outcome || ''].map(v => el('td', { text: v }))))));
  }
  const button = (text, id, action) => { const b = el('button', { type: 'button', id, text }); b.addEventListener('click', action); return b; };
  main.replaceChildren(el('h1', { text: T.InboxPrivacyHeading }), el('p', { class: 'meta', text: T.InboxPrivacyIntro }),
    el('div', { class: 'audit-filter' },
      el('div', {}, el('label', { for: 'p-phone', text: T.InboxPrivacyPhone }), phone),
      el('div', {}, el('label', { for: 'p-email', text: T.InboxPrivacyEmail }), email)),
    el('p', { class: 'actions' }, button(T.InboxPrivacyExportJson, 'p-json', () => exportAs('json')), ' ',
      button(T.InboxPrivacyExportHtml, 'p-html', () => exportAs('html'))),
    el('p', { class: 'actions' }, confirmErase, el('label', { for: 'p-confirm', text: ' ' + T.InboxPrivacyConfirm }), ' ', button(T.InboxPrivacyErase, 'p-erase', erase)),
    result, el('h2', { text: T.InboxPrivacyRequests }), table);
  await list();
}

import { T, api, el, fmt, main, units } from './core.js';

// A unit's canned answers, kept by its managers (and admins).
export async function cannedAnswers() {
  const me = await api('/api/auth/me');
  const unit = el('select', { id: 'c-unit' });
  for (const [unitId, name] of Object.entries(units)) if (me.isAdmin || me.managerOf.includes(unitId)) unit.append(el('option', { value: unitId, text: name }));
  const list = el('ul', { id: 'canned-list' });
  const result = el('p', { class: 'status', role: 'status' });
  const title = el('input', { id: 'c-title', maxlength: '80', required: '' });
  const text = el('textarea', { id: 'c-text', rows: '4', maxlength: '1600', required: '' });
  const form = el('form', {}, el('fieldset', {}, el('legend', { text: T.InboxCannedAdd }),
    el('label', { for: 'c-title', text: T.InboxCannedTitle }), title, el('label', { for: 'c-text', text: T.InboxCannedText }), text,
    el('button', { type: 'submit', text: T.InboxCannedAdd })));
  const path = () => '/api/units/' + encodeURIComponent(unit.value) + '/canned';
  async function refresh() {
    const answers = await api(path());
    list.replaceChildren(...answers.map(a => {
      const remove = el('button', { type: 'button', text: T.InboxCannedDelete });
      remove.addEventListener('click', async () => { await api(path() + '/' + encodeURIComponent(a.id), { method: 'DELETE' }); await refresh(); });
      return el('li', {}, el('strong', { text: a.title }), el('span', { class: 'meta', text: a.text }), remove);
    }));
    result.textContent = answers.length === 0 ? T.InboxCannedNone : '';
  }
  unit.addEventListener('change', refresh);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try { await api(path(), { method: 'POST', body: JSON.stringify({ title: title.value, text: text.value }) }); form.reset(); await refresh(); }
    catch (e) { result.textContent = fmt('InboxUsersFailed', e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : e.message); }
  });
  main.replaceChildren(el('h1', { text: T.InboxCannedHeading }), el('label', { for: 'c-unit', text: T.InboxCannedUnit }), unit, list, result, form);
  if (unit.value) await refresh();
}

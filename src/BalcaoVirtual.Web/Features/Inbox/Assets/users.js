import { T, api, el, fmt, main, units } from './core.js';
import { unitPicker } from './unitpicker.js';

// Administration of people: who is admin, manager or clerk of which units; create and disable. Admins only.
export async function users() {
  const heading = el('h1', { text: T.InboxUsersHeading });
  const table = el('table', { id: 'users' });
  const head = el('tr');
  for (const c of T.InboxUsersColumns.split('|')) head.append(el('th', { scope: 'col', text: c }));
  const body = el('tbody');
  table.append(el('thead', {}, head), body);
  const result = el('p', { class: 'status', role: 'status' });
  const choices = Object.entries(units).sort((a, b) => a[1].localeCompare(b[1], 'pt-BR'));
  const name = el('input', { id: 'u-name', required: '' });
  const email = el('input', { id: 'u-email', type: 'email', required: '' });
  const password = el('input', { id: 'u-password', type: 'password', minlength: '10', required: '', autocomplete: 'new-password' });
  const admin = el('input', { id: 'u-admin', type: 'checkbox' });
  const managerOf = unitPicker('u-manager', T.InboxUsersManagerOf, choices);
  const clerkOf = unitPicker('u-clerk', T.InboxUsersClerkOf, choices);
  const legend = el('legend', { text: T.InboxUsersNew });
  const submit = el('button', { type: 'submit', text: T.InboxUsersCreate });
  const cancel = el('button', { type: 'button', text: T.InboxUsersCancel, hidden: '' });
  const form = el('form', {}, el('fieldset', {}, legend,
    el('label', { for: 'u-name', text: T.InboxUsersName }), name, el('label', { for: 'u-email', text: T.InboxUsersEmail }), email,
    el('label', { for: 'u-password', text: T.InboxUsersPassword }), password, el('label', {}, admin, ' ' + T.InboxUsersAdmin),
    managerOf.node, clerkOf.node, submit, cancel));
  const unitNames = ids => ids.map(id => units[id] || id).join(', ');
  let editing = null; // the person being edited, or null while the form creates a new one
  function edit(u) {
    editing = u;
    legend.textContent = u ? fmt('InboxUsersEditing', u.name) : T.InboxUsersNew;
    submit.textContent = u ? T.InboxUsersSave : T.InboxUsersCreate;
    cancel.hidden = !u;
    email.readOnly = !!u;
    password.required = !u;
    password.placeholder = u ? T.InboxUsersPasswordKeep : '';
    if (!u) { form.reset(); managerOf.value = []; clerkOf.value = []; return; }
    name.value = u.name; email.value = u.email; password.value = ''; admin.checked = u.isAdmin;
    managerOf.value = u.managerOf;
    clerkOf.value = u.clerkOf;
    name.focus();
  }
  cancel.addEventListener('click', () => edit(null));
  async function refresh() {
    const list = await api('/api/users');
    body.replaceChildren(...list.map(u => {
      const toggle = el('button', { type: 'button', text: u.disabled ? T.InboxUsersEnable : T.InboxUsersDisable });
      toggle.addEventListener('click', async () => {
        try { await api('/api/users/' + encodeURIComponent(u.id), { method: 'PATCH', body: JSON.stringify({ disabled: !u.disabled }) }); await refresh(); }
        catch (e) { result.textContent = fmt('InboxUsersFailed', e.message); }
      });
      const change = el('button', { type: 'button', text: T.InboxUsersEdit, 'aria-label': fmt('InboxUsersEditing', u.name) });
      change.addEventListener('click', () => edit(u));
      return el('tr', { 'data-email': u.email }, el('td', { text: u.name }), el('td', { text: u.email }), el('td', { text: u.isAdmin ? '✓' : '' }),
        el('td', { text: unitNames(u.managerOf) }), el('td', { text: unitNames(u.clerkOf) }),
        el('td', {}, el('span', { text: (u.disabled ? T.InboxUsersDisabled : T.InboxUsersActive) + ' ' }), toggle, ' ', change));
    }));
  }
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const roles = { name: name.value, isAdmin: admin.checked, managerOf: managerOf.value, clerkOf: clerkOf.value };
    try {
      if (editing) {
        await api('/api/users/' + encodeURIComponent(editing.id), { method: 'PATCH', body: JSON.stringify({ ...roles, password: password.value || null }) });
        result.textContent = T.InboxUsersSaved;
      } else {
        await api('/api/users', { method: 'POST', body: JSON.stringify({ ...roles, email: email.value, password: password.value }) });
        result.textContent = T.InboxUsersCreated;
      }
      edit(null);
      await refresh();
    } catch (e) {
      result.textContent = fmt('InboxUsersFailed', e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : e.message);
    }
  });
  main.replaceChildren(heading, table, result, form);
  await refresh();
}

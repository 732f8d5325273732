import { T, api, el, fmt, main } from './core.js';

// Minha conta: who is signed in, and their own password. Errors show beside the field the server named.
export async function account() {
  const me = await api('/api/auth/me');
  const heading = el('h1', { text: T.InboxAccountTitle });
  const who = el('p', { text: fmt('InboxAccountWho', me.name, me.email) });
  const result = el('p', { class: 'status', role: 'status' });
  const section = el('section', { 'aria-labelledby': 'pw-heading' }, el('h2', { id: 'pw-heading', text: T.InboxAccountPasswordHeading }));
  main.classList.add('account');
  if (me.passwordManagedByProvider) {
    section.append(el('p', { id: 'pw-managed', text: T.InboxAccountSso }));
    main.replaceChildren(heading, who, section);
    return;
  }

  const fields = {};
  const form = el('form', { novalidate: '' });
  for (const [name, id, label, autocomplete, hint] of [
    ['currentPassword', 'pw-current', T.InboxAccountCurrent, 'current-password'],
    ['newPassword', 'pw-new', T.InboxAccountNew, 'new-password', fmt('InboxAccountNewHint', me.minPasswordLength)],
    ['confirmation', 'pw-confirm', T.InboxAccountConfirm, 'new-password'],
  ]) {
    const input = el('input', { id, name, type: 'password', autocomplete, required: '' });
    const error = el('p', { id: id + '-error', class: 'field-error', hidden: '' });
    const described = [hint ? id + '-hint' : null, id + '-error'].filter(Boolean).join(' ');
    input.setAttribute('aria-describedby', described);
    form.append(el('label', { for: id, text: label }), input);
    if (hint) form.append(el('p', { id: id + '-hint', class: 'meta', text: hint }));
    form.append(error);
    fields[name] = { input, error };
  }
  form.append(el('button', { type: 'submit', text: T.InboxAccountSave }));

  function show(errors) {
    let first = null;
    for (const [name, { input, error }] of Object.entries(fields)) {
      const messages = errors[name] || [];
      error.textContent = messages.join(' ');
      error.hidden = messages.length === 0;
      if (messages.length) { input.setAttribute('aria-invalid', 'true'); first = first || input; } else input.removeAttribute('aria-invalid');
    }
    first?.focus();
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    show({});
    const body = Object.fromEntries(Object.entries(fields).map(([name, { input }]) => [name, input.value]));
    try {
      await api('/api/auth/password', { method: 'POST', body: JSON.stringify(body) });
      form.reset();
      result.textContent = T.InboxAccountSaved;
    } catch (e) {
      if (e.body?.errors) { show(e.body.errors); result.textContent = T.InboxAccountFixFields; }
      else result.textContent = fmt('InboxAccountFailed', e.message);
    }
  });
  section.append(form, result);
  main.replaceChildren(heading, who, section);
}

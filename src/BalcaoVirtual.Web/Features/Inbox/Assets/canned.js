import { T, api, button, el, fmt, main, problem, units } from './core.js';

// A unit's canned answers and labels. Managers (and admins) keep both and edit in place; clerks read them, propose
// answers of their own (a manager approves, edits or refuses each) and may withdraw their own proposals.
export async function cannedAnswers() {
  const me = await api('/api/auth/me');
  const manages = unitId => me.isAdmin || (me.managerOf || []).includes(unitId);
  const unit = el('select', { id: 'c-unit' });
  for (const [unitId, name] of Object.entries(units)) {
    if (me.isAdmin || (me.managerOf || []).includes(unitId) || (me.clerkOf || []).includes(unitId)) unit.append(el('option', { value: unitId, text: name }));
  }
  const result = el('p', { class: 'status', role: 'status', id: 'canned-status' });
  const say = text => { result.textContent = text; };
  const base = () => '/api/units/' + encodeURIComponent(unit.value);

  // Answers: title and text apart; "Editar" turns the item into its form, in place.
  const list = el('ul', { id: 'canned-list', class: 'items' });
  const title = el('input', { id: 'c-title', maxlength: '80', required: '' });
  const text = el('textarea', { id: 'c-text', rows: '4', maxlength: '1600', required: '', 'aria-describedby': 'c-hint' });
  const legend = el('legend');
  const submit = el('button', { type: 'submit' });
  const form = el('form', { id: 'canned-form' }, el('fieldset', {}, legend,
    el('label', { for: 'c-title', text: T.InboxCannedTitle }), title, el('label', { for: 'c-text', text: T.InboxCannedText }), text,
    el('p', { class: 'meta', id: 'c-hint', text: T.InboxCannedHint }), submit));

  function editor(answer, done) {
    const t = el('input', { value: answer.title, maxlength: '80', required: '', 'aria-label': T.InboxCannedTitle, class: 'edit-title' });
    const x = el('textarea', { rows: '4', maxlength: '1600', required: '', 'aria-label': T.InboxCannedText, class: 'edit-text' });
    x.value = answer.text;
    const f = el('form', { class: 'edit' }, t, x, el('button', { type: 'submit', text: T.InboxSave }), button(T.InboxCancel, done));
    f.addEventListener('submit', async event => {
      event.preventDefault();
      try { await api(base() + '/canned/' + encodeURIComponent(answer.id), { method: 'PUT', body: JSON.stringify({ title: t.value, text: x.value }) }); say(T.InboxSaved); done(); }
      catch (e) { say(problem(e)); }
    });
    setTimeout(() => t.focus());
    return f;
  }

  function answerItem(a) {
    const item = el('li', { 'data-id': a.id, class: a.proposed ? 'proposed' : '' });
    const show = () => {
      const tools = el('span', { class: 'item-tools' });
      if (manages(unit.value)) {
        if (a.proposed) tools.append(button(T.InboxCannedApprove, async () => { await act(() => api(base() + '/canned/' + encodeURIComponent(a.id) + '/approve', { method: 'POST' }), T.InboxCannedApproved); }));
        tools.append(button(T.InboxEdit, () => item.replaceChildren(editor(a, refresh))));
      }
      if (manages(unit.value) || (a.proposed && a.proposedBy === me.id)) {
        tools.append(button(a.proposed ? (a.proposedBy === me.id ? T.InboxCannedWithdraw : T.InboxCannedRefuse) : T.InboxCannedDelete,
          async () => { await act(() => api(base() + '/canned/' + encodeURIComponent(a.id), { method: 'DELETE' }), T.InboxDeleted); }));
      }
      item.replaceChildren(el('strong', { text: a.title }),
        a.proposed ? el('span', { class: 'badge', text: a.proposedBy === me.id ? T.InboxCannedMine : fmt('InboxCannedProposedBy', a.proposedByName || T.InboxSomeone) }) : '',
        el('p', { class: 'canned-text', text: a.text }), tools);
    };
    show();
    return item;
  }

  // Labels: a name each, renamed in place; clerks set them on conversations.
  const labels = el('ul', { id: 'label-list', class: 'items' });
  const labelName = el('input', { id: 'l-name', maxlength: '40', required: '' });
  const labelForm = el('form', { id: 'label-form' }, el('fieldset', {}, el('legend', { text: T.InboxLabelAdd }),
    el('label', { for: 'l-name', text: T.InboxLabelName }), labelName, el('button', { type: 'submit', text: T.InboxCannedAdd })));

  function labelItem(l) {
    const item = el('li', { 'data-id': l.id });
    const show = () => {
      const tools = manages(unit.value) ? el('span', { class: 'item-tools' },
        button(T.InboxLabelRename, () => {
          const name = el('input', { value: l.name, maxlength: '40', required: '', 'aria-label': T.InboxLabelName });
          const f = el('form', { class: 'edit' }, name, el('button', { type: 'submit', text: T.InboxSave }), button(T.InboxCancel, show));
          f.addEventListener('submit', async event => {
            event.preventDefault();
            await act(() => api(base() + '/labels/' + encodeURIComponent(l.id), { method: 'PUT', body: JSON.stringify({ name: name.value }) }), T.InboxSaved);
          });
          item.replaceChildren(f);
          name.focus();
        }),
        button(T.InboxCannedDelete, async () => { await act(() => api(base() + '/labels/' + encodeURIComponent(l.id), { method: 'DELETE' }), T.InboxDeleted); })) : '';
      item.replaceChildren(el('span', { class: 'label-chip', text: l.name }), tools);
    };
    show();
    return item;
  }

  /** True when it worked; a failure is said, and the list shows what is stored now (someone may have changed it). */
  async function act(call, done) {
    try { await call(); await refresh(); say(done); return true; } catch (e) { await refresh().catch(() => {}); say(problem(e)); return false; }
  }

  async function refresh() {
    // What the form does is known at once (never a button without a name while the lists load).
    const manager = manages(unit.value);
    legend.textContent = manager ? T.InboxCannedAdd : T.InboxCannedPropose;
    submit.textContent = manager ? T.InboxCannedAdd : T.InboxCannedProposeButton;
    labelForm.hidden = !manager;
    const [answers, unitLabels] = await Promise.all([api(base() + '/canned'), api(base() + '/labels')]);
    list.replaceChildren(...answers.map(answerItem));
    if (answers.length === 0) list.append(el('li', { class: 'meta', text: T.InboxCannedNone }));
    labels.replaceChildren(...unitLabels.map(labelItem));
    if (unitLabels.length === 0) labels.append(el('li', { class: 'meta', text: T.InboxLabelNone }));
  }

  unit.addEventListener('change', () => { say(''); refresh(); });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const proposing = !manages(unit.value);
    try {
      await api(base() + '/canned', { method: 'POST', body: JSON.stringify({ title: title.value, text: text.value }) });
      form.reset();
      await refresh();
      say(proposing ? T.InboxCannedProposed : T.InboxSaved);
    } catch (e) { say(fmt('InboxUsersFailed', problem(e))); }
  });
  labelForm.addEventListener('submit', async event => {
    event.preventDefault();
    if (await act(() => api(base() + '/labels', { method: 'POST', body: JSON.stringify({ name: labelName.value }) }), T.InboxSaved)) labelName.value = '';
  });
  main.replaceChildren(el('h1', { text: T.InboxCannedHeading }), el('label', { for: 'c-unit', text: T.InboxCannedUnit }), unit, result,
    el('section', { 'aria-labelledby': 'canned-heading' }, el('h2', { id: 'canned-heading', text: T.InboxCanned }), list, form),
    el('section', { 'aria-labelledby': 'labels-heading' }, el('h2', { id: 'labels-heading', text: T.InboxLabels }), labels, labelForm));
  if (unit.value) await refresh();
}

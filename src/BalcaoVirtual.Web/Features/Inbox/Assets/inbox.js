'use strict';
// The clerks' pages. Everything a citizen wrote goes into the page through textContent, never as markup.
(() => {
  const T = JSON.parse(document.getElementById('texts').textContent);
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const main = document.getElementById('main');
  const status = main.querySelector('.status');
  const fmt = (name, ...args) => T[name].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
  let zone = 'America/Belem'; // the unit's own zone once the conversation is known
  // Deadlines are counted on the server's clock: a counter PC's own clock may be off by minutes, or by days.
  let clockOffset = 0;
  const serverNow = () => Date.now() + clockOffset;

  async function api(path, options = {}) {
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

  const openQuotes = new Set();

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function span(ms) {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes < 60) return fmt('InboxMinutes', minutes);
    if (minutes < 1440) return fmt('InboxHours', Math.floor(minutes / 60), minutes % 60);
    return fmt('InboxDays', Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60));
  }

  // On time, warning (under 4 hours left) or breached, refreshed every second.
  function dueCell(dueAt) {
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

  // Live: the server says which conversation changed (ids only); the page reads it again through the API.
  let onChanged = () => {};
  let reload = () => {}; // what the current view reads again after (re)connecting: changes may have been missed meanwhile
  function live() {
    if (!window.signalR) return;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/inbox', { headers: { 'X-CSRF-Token': csrf } })
      .withAutomaticReconnect()
      .build();
    let timer = null;
    connection.on('changed', id => { clearTimeout(timer); timer = setTimeout(() => onChanged(id), 150); });
    connection.onreconnected(() => reload());
    connection.start().then(() => reload()).catch(() => { /* the pages also refresh every 30 s */ });
  }

  function masked(address) {
    const digits = (address || '').replace(/\D/g, '');
    if (address && address.includes('@')) return address[0] + '***' + address.slice(address.indexOf('@'));
    if (digits.length < 6) return '***';
    const area = digits.startsWith('55') && digits.length >= 12 ? `(${digits.slice(2, 4)}) ` : '';
    return `${area}*****-${digits.slice(-4)}`;
  }

  const stateName = s => T['InboxState' + s[0].toUpperCase() + s.slice(1)] || s;
  const when = iso => new Date(iso).toLocaleString('pt-BR', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
  const units = {};
  const zones = {};

  async function loadUnits() {
    for (const u of await api('/api/units')) { units[u.id] = u.name; zones[u.id] = u.timeZone; }
  }

  // Inbox: waiting conversations by due time (the server orders and pages), filters and search; live.
  async function inbox() {
    const heading = el('h1', { text: T.InboxHeading });
    const state = el('select', { id: 'f-state' });
    for (const s of ['waiting', 'answered', 'closed']) state.append(el('option', { value: s, text: stateName(s) }));
    const channel = el('select', { id: 'f-channel' }, el('option', { value: '', text: T.InboxFilterAll }),
      el('option', { value: 'whatsapp', text: 'WhatsApp' }), el('option', { value: 'sms', text: 'SMS' }), el('option', { value: 'email', text: 'e-mail' }));
    const breached = el('input', { id: 'f-breached', type: 'checkbox' });
    const mine = el('input', { id: 'f-mine', type: 'checkbox' });
    const search = el('input', { id: 'f-q', type: 'search', inputmode: 'numeric' });
    const filters = el('form', { class: 'filters', role: 'search' },
      el('label', { for: 'f-state', text: T.InboxFilterState }), state,
      el('label', { for: 'f-channel', text: T.InboxFilterChannel }), channel,
      el('label', {}, breached, ' ' + T.InboxFilterBreached), el('label', {}, mine, ' ' + T.InboxFilterMine),
      el('label', { for: 'f-q', text: T.InboxSearch }), search, el('button', { type: 'submit', text: T.InboxSearchButton }));
    const table = el('table', { id: 'conversations' });
    const head = el('tr');
    for (const c of T.InboxColumns.split('|')) head.append(el('th', { scope: 'col', text: c }));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    table.append(body);
    const total = el('p', { class: 'total' });
    const previous = el('button', { type: 'button', id: 'previous', text: T.InboxPrevious });
    const next = el('button', { type: 'button', id: 'next', text: T.InboxNext });
    let page = 1;
    let listed = ''; // the rows shown: redrawn only when they change (a swap under the pointer swallows a click)
    main.replaceChildren(heading, filters, status, table, el('p', { class: 'pager' }, previous, ' ', next, ' ', total));
    async function refresh() {
      const query = new URLSearchParams({ state: state.value, page: String(page), pageSize: '50' });
      if (channel.value) query.set('channel', channel.value);
      if (breached.checked) query.set('breached', 'true');
      if (mine.checked) query.set('assignee', 'me');
      if (search.value.trim()) query.set('q', search.value.trim());
      try {
        const result = await api('/api/inbox?' + query);
        const shown = JSON.stringify(result.items);
        if (shown !== listed) {
          listed = shown;
          body.replaceChildren(...result.items.map(c => el('tr', { 'data-id': c.id },
            el('td', {}, c.state === 'waiting' ? dueCell(c.dueAt) : el('span', { text: '—' })),
            el('td', { text: units[c.unitId] || c.unitId || '' }),
            el('td', { text: c.channel === 'whatsApp' ? 'WhatsApp' : c.channel === 'sms' ? 'SMS' : 'e-mail' }),
            el('td', {}, el('a', { href: '/inbox/conversations/' + encodeURIComponent(c.id), text: masked(c.contactAddress) })),
            el('td', { text: stateName(c.state) }),
            el('td', { text: (c.processNumbers || []).join(', ') }))));
        }
        status.textContent = result.items.length === 0 ? T.InboxEmpty : '';
        total.textContent = fmt('InboxTotal', result.total);
        previous.disabled = page <= 1;
        next.disabled = page * result.pageSize >= result.total;
      } catch (e) {
        status.textContent = e.status === 400 && e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : T.InboxLoadFailed;
      }
    }
    filters.addEventListener('submit', event => { event.preventDefault(); page = 1; refresh(); });
    for (const input of [state, channel, breached, mine]) input.addEventListener('change', () => { page = 1; refresh(); });
    previous.addEventListener('click', () => { page = Math.max(1, page - 1); refresh(); });
    next.addEventListener('click', () => { page += 1; refresh(); });
    await refresh();
    onChanged = refresh;
    reload = refresh;
    setInterval(refresh, 30000);
  }

  // What the conversation view shows now: a reload that brings nothing new leaves the page alone.
  let drawn = '';

  // One conversation: the whole thread, reply, transfer. Reloaded when it changes, keeping what the clerk is typing.
  async function conversation(id) {
    onChanged = changed => { if (changed === id) conversation(id); };
    reload = () => conversation(id);
    let data;
    try {
      data = await api('/api/conversations/' + encodeURIComponent(id));
    } catch (e) {
      main.replaceChildren(el('p', { class: 'error', role: 'alert', text: e.status === 403 ? T.InboxForbidden : T.InboxNotFound }),
        el('a', { href: '/inbox', text: T.InboxBack }));
      return;
    }
    const c = data.conversation;
    zone = zones[c.unitId] || zone;
    const me = await api('/api/auth/me').catch(() => ({}));
    const answers = await api('/api/units/' + encodeURIComponent(c.unitId) + '/canned').catch(() => []);
    // Swapping the page under the clerk's pointer swallows a click (pressed on one node, released on its copy), so
    // only a change redraws it: the reload after the live channel connects usually brings none.
    const shown = JSON.stringify([id, data, me.id, answers]);
    if (shown === drawn && main.querySelector('.thread')) return;
    drawn = shown;
    const title = el('h1', { text: `${units[c.unitId] || ''} · ${masked(c.contactAddress)}` });
    const info = el('p', {}, el('span', { text: stateName(c.state) + ' · ' }), c.state === 'waiting' ? dueCell(c.dueAt) : el('span'),
      el('span', { class: 'assignee', text: ' · ' + (c.assigneeId ? fmt('InboxAssignee', c.assigneeId === me.id ? T.InboxAssigneeMe : c.assigneeId.slice(-6)) : T.InboxAssigneeNone) }));
    const result = el('p', { class: 'status', role: 'status' });
    const action = (label, path, id2) => {
      const button = el('button', { type: 'button', id: id2, text: label });
      button.addEventListener('click', async () => {
        try { await api('/api/conversations/' + encodeURIComponent(id) + path, { method: 'POST' }); await conversation(id); }
        catch (e) { result.textContent = fmt('InboxReplyFailed', e.message); }
      });
      return button;
    };
    const actions = el('p', { class: 'actions' });
    if (c.assigneeId !== me.id) actions.append(action(T.InboxClaim, '/claim', 'claim'), ' ');
    actions.append(c.state === 'closed' ? action(T.InboxReopen, '/reopen', 'reopen') : action(T.InboxClose, '/close', 'close'));
    const thread = el('ol', { class: 'thread', 'aria-label': T.InboxThread });
    const authors = { citizen: T.InboxAuthorCitizen, bot: T.InboxAuthorBot, clerk: T.InboxAuthorClerk, system: T.InboxAuthorSystem };
    for (const m of data.messages) {
      const item = el('li', { class: m.direction }, el('span', { class: 'text', text: m.text }));
      const messageUrl = '/api/conversations/' + encodeURIComponent(id) + '/messages/' + encodeURIComponent(m.id);
      for (const [i, url] of (m.mediaUrls || []).entries()) {
        // E-mail attachments are kept by the service ("attachment:<n>/<file name>") and downloaded through it.
        const kept = /^attachment:(\d+)\/(.*)$/.exec(url);
        item.append(kept
          ? el('a', { class: 'meta attachment', href: messageUrl + '/attachments/' + kept[1], download: kept[2], text: fmt('InboxAttachment', kept[2]) })
          : el('span', { class: 'meta', text: fmt('InboxAttachment', (m.mediaTypes || [])[i] || url) }));
      }
      if (m.from) item.prepend(el('span', { class: 'meta', text: fmt('InboxMailFrom', m.from) }));
      if (m.replyTo) item.prepend(el('span', { class: 'meta warning', text: fmt('InboxMailReplyTo', m.replyTo) }));
      if ((data.revealable || []).includes(m.id)) {
        // The CPF stays masked unless the clerk asks; the service records who revealed it.
        const reveal = el('button', { type: 'button', class: 'reveal', text: T.InboxReveal });
        reveal.addEventListener('click', async () => {
          try {
            const clear = await api(messageUrl + '/reveal', { method: 'POST' });
            item.querySelector('.text').textContent = clear.text;
            reveal.remove();
          } catch (e) { result.textContent = e.message; }
        });
        item.append(reveal);
      }
      if (m.quoted) {
        // The thread is drawn again when it changes: a history the clerk opened stays open. Recorded on the click
        // itself too, since the toggle event comes a task later.
        const summary = el('summary', { text: T.InboxQuoted });
        const details = el('details', { class: 'quoted' }, summary, el('pre', { text: m.quoted }));
        if (openQuotes.has(m.id)) details.open = true;
        summary.addEventListener('click', () => { if (details.open) openQuotes.delete(m.id); else openQuotes.add(m.id); });
        details.addEventListener('toggle', () => { if (details.open) openQuotes.add(m.id); else openQuotes.delete(m.id); });
        item.append(details);
      }
      if (m.automatic) item.append(el('span', { class: 'meta', text: T.InboxAutomatic }));
      if (m.channel === 'email' && m.direction === 'inbound' && ((m.mediaUrls || []).length > 0)) {
        item.append(el('a', { class: 'meta', href: messageUrl + '/original', download: 'mensagem.eml', text: T.InboxMailOriginal }));
      }
      const statusText = m.status ? T['InboxStatus' + m.status[0].toUpperCase() + m.status.slice(1)] || m.status : '';
      item.append(el('span', { class: 'meta', text: [m.direction === 'internal' ? T.InboxInternal : authors[m.author], when(m.createdAt), statusText].filter(Boolean).join(' · ') }));
      thread.append(item);
    }
    const replyText = el('textarea', { id: 'reply', name: 'text', rows: c.channel === 'email' ? '10' : '4', maxlength: c.channel === 'email' ? '20000' : '1600', required: '' });
    const canned = el('select', { id: 'canned' }, el('option', { value: '', text: T.InboxCannedPick }));
    for (const answer of answers) {
      canned.append(el('option', { value: answer.text, text: answer.title }));
    }
    canned.addEventListener('change', () => { if (canned.value) { replyText.value = canned.value; replyText.focus(); } });
    const video = el('button', { type: 'button', id: 'video-link', text: T.InboxVideoLink });
    video.addEventListener('click', async () => {
      try { await api('/api/conversations/' + encodeURIComponent(id) + '/video-link', { method: 'POST' }); await conversation(id); }
      catch (e) { main.querySelector('.status').textContent = e.message; }
    });
    const caseNumber = el('input', { id: 'case-number', value: (c.processNumbers || [])[0] || '', inputmode: 'numeric' });
    const caseButton = el('button', { type: 'button', id: 'case-status', text: T.InboxCaseStatus });
    caseButton.addEventListener('click', async () => {
      try {
        await api('/api/conversations/' + encodeURIComponent(id) + '/case-status', { method: 'POST', body: JSON.stringify({ number: caseNumber.value }) });
        await conversation(id);
      } catch (e) { main.querySelector('.status').textContent = e.body?.errors ? Object.values(e.body.errors).flat().join(' ') : e.message; }
    });
    // WhatsApp takes free text only within 24 h of the citizen's last message: say so before the clerk writes.
    const window_ = data.whatsAppWindow;
    const windowNote = !window_ ? '' : !window_.open
      ? el('p', { class: 'warning', id: 'window-note', text: fmt('InboxWindowClosed', when(window_.closesAt)) })
      : window_.closingSoon
        ? el('p', { class: 'warning', id: 'window-note', text: fmt('InboxWindowClosing', when(window_.closesAt)) }) : '';
    if (windowNote) replyText.setAttribute('aria-describedby', 'window-note');
    const reply = el('form', { class: 'reply' }, el('label', { for: 'canned', text: T.InboxCanned }), canned,
      el('label', { for: 'reply', text: T.InboxReplyLabel }), windowNote, replyText,
      el('button', { type: 'submit', text: T.InboxReplySend }), video,
      el('label', { for: 'case-number', text: T.InboxCaseNumber }), caseNumber, caseButton);
    reply.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await api('/api/conversations/' + encodeURIComponent(id) + '/messages', { method: 'POST', body: JSON.stringify({ text: replyText.value }) });
        replyText.value = '';
        await conversation(id);
        main.querySelector('.status').textContent = T.InboxReplySent;
      } catch (e) {
        result.textContent = fmt('InboxReplyFailed', e.message);
      }
    });
    const target = el('select', { id: 'transfer-unit' });
    for (const [unitId, name] of Object.entries(units)) if (unitId !== c.unitId) target.append(el('option', { value: unitId, text: name }));
    const reason = el('input', { id: 'transfer-reason', maxlength: '500', required: '' });
    const transfer = el('form', {}, el('fieldset', {}, el('legend', { text: T.InboxTransferLegend }),
      el('label', { for: 'transfer-unit', text: T.InboxTransferUnit }), target,
      el('label', { for: 'transfer-reason', text: T.InboxTransferReason }), reason,
      el('button', { type: 'submit', text: T.InboxTransferButton })));
    transfer.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await api('/api/conversations/' + encodeURIComponent(id) + '/transfer', { method: 'POST', body: JSON.stringify({ unitId: target.value, reason: reason.value }) });
        result.textContent = T.InboxTransferDone;
      } catch (e) {
        result.textContent = fmt('InboxReplyFailed', e.message);
      }
    });
    const noteText = el('textarea', { id: 'note', rows: '2', maxlength: '2000', required: '' });
    const note = el('form', { class: 'reply note' }, el('label', { for: 'note', text: T.InboxNoteLabel }), noteText, el('button', { type: 'submit', text: T.InboxNoteSave }));
    note.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await api('/api/conversations/' + encodeURIComponent(id) + '/notes', { method: 'POST', body: JSON.stringify({ text: noteText.value }) });
        noteText.value = '';
        await conversation(id);
      } catch (e) {
        result.textContent = fmt('InboxReplyFailed', e.message);
      }
    });
    // What the clerk typed is read now, just before the swap: typing may have gone on while this reload was reading.
    const typed = ['reply', 'note', 'transfer-reason'].map(f => [f, document.getElementById(f)?.value || '']);
    const focused = document.activeElement?.id;
    main.replaceChildren(el('a', { href: '/inbox', text: T.InboxBack }), title, info, actions, thread, reply, result, note, transfer);
    for (const [f, value] of typed) if (value && document.getElementById(f)) document.getElementById(f).value = value;
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // Administration of people: who is admin, manager or clerk of which units; create and disable. Admins only.
  async function users() {
    const heading = el('h1', { text: T.InboxUsersHeading });
    const table = el('table', { id: 'users' });
    const head = el('tr');
    for (const c of T.InboxUsersColumns.split('|')) head.append(el('th', { scope: 'col', text: c }));
    const body = el('tbody');
    table.append(el('thead', {}, head), body);
    const result = el('p', { class: 'status', role: 'status' });
    const unitPicker = (id, label) => {
      const select = el('select', { id, multiple: '', size: '4' });
      for (const [unitId, name] of Object.entries(units)) select.append(el('option', { value: unitId, text: name }));
      return [el('label', { for: id, text: label }), select];
    };
    const picked = select => [...select.selectedOptions].map(o => o.value);
    const name = el('input', { id: 'u-name', required: '' });
    const email = el('input', { id: 'u-email', type: 'email', required: '' });
    const password = el('input', { id: 'u-password', type: 'password', minlength: '10', required: '', autocomplete: 'new-password' });
    const admin = el('input', { id: 'u-admin', type: 'checkbox' });
    const [managerLabel, managerOf] = unitPicker('u-manager', T.InboxUsersManagerOf);
    const [clerkLabel, clerkOf] = unitPicker('u-clerk', T.InboxUsersClerkOf);
    const legend = el('legend', { text: T.InboxUsersNew });
    const submit = el('button', { type: 'submit', text: T.InboxUsersCreate });
    const cancel = el('button', { type: 'button', text: T.InboxUsersCancel, hidden: '' });
    const form = el('form', {}, el('fieldset', {}, legend,
      el('label', { for: 'u-name', text: T.InboxUsersName }), name, el('label', { for: 'u-email', text: T.InboxUsersEmail }), email,
      el('label', { for: 'u-password', text: T.InboxUsersPassword }), password, el('label', {}, admin, ' ' + T.InboxUsersAdmin),
      managerLabel, managerOf, clerkLabel, clerkOf, submit, cancel));
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
      if (!u) { form.reset(); return; }
      name.value = u.name; email.value = u.email; password.value = ''; admin.checked = u.isAdmin;
      for (const o of managerOf.options) o.selected = u.managerOf.includes(o.value);
      for (const o of clerkOf.options) o.selected = u.clerkOf.includes(o.value);
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
      const roles = { name: name.value, isAdmin: admin.checked, managerOf: picked(managerOf), clerkOf: picked(clerkOf) };
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

  // A unit's canned answers, kept by its managers (and admins).
  async function cannedAnswers() {
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

  // Administration of units: what admins may change while the service runs (video link, hours, deadline, managers).
  // The server checks a change with the catalogue file's own rules and names the field of each problem.
  async function unitSettings() {
    const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const dayNames = T.InboxUnitsDays.split('|');
    const pick = el('select', { id: 'n-unit' });
    for (const [unitId, name] of Object.entries(units)) pick.append(el('option', { value: unitId, text: name }));
    const result = el('p', { class: 'status', role: 'status' });
    const holder = el('div');
    const path = () => '/api/units/' + encodeURIComponent(pick.value) + '/settings';
    const errorIds = { videoDeskUrl: 'n-video', serviceHours: 'n-hours', sla: 'n-window', 'sla.responseWindowHours': 'n-window',
      'sla.counting': 'n-counting', 'sla.warnBeforeHours': 'n-warn', 'sla.escalateAfterHours': 'n-escalate', managers: 'n-managers' };
    const hours = n => n == null ? '' : String(Math.round(n * 100) / 100).replace('.', ','); // pt-BR decimal comma
    const number = text => text.trim() === '' ? null : Number(text.trim().replace(',', '.'));
    const errorSlot = id => el('p', { class: 'error', id: id + '-error' });
    const described = (input, id) => { input.setAttribute('aria-describedby', id + '-error'); return input; };

    function periodRow(period, index) {
      const days = el('div', { class: 'days' });
      const row = el('fieldset', { class: 'period' }, el('legend', { text: fmt('InboxUnitsPeriod', index + 1) }), days);
      DAYS.forEach((day, i) => {
        const box = el('input', { type: 'checkbox', value: day, id: `n-day-${index}-${day}` });
        box.checked = (period.days || []).includes(day);
        days.append(el('label', { for: box.id }, box, ' ' + dayNames[i]));
      });
      const from = el('input', { type: 'time', id: `n-from-${index}`, value: period.from || '', required: '' });
      const to = el('input', { type: 'time', id: `n-to-${index}`, value: period.to || '', required: '' });
      const remove = el('button', { type: 'button', text: T.InboxUnitsRemove });
      remove.addEventListener('click', () => { row.remove(); });
      row.append(el('label', { for: from.id, text: T.InboxUnitsFrom }), from, el('label', { for: to.id, text: T.InboxUnitsTo }), to, remove);
      row.read = () => ({ days: [...row.querySelectorAll('input[type=checkbox]:checked')].map(b => b.value), from: from.value, to: to.value });
      return row;
    }

    function managerRow(manager, index) {
      const field = (name, type, value) => {
        const input = el('input', { type, id: `n-manager-${index}-${name}`, value: value || '' });
        return [el('label', { for: input.id, text: T['InboxUnitsManager' + name] }), input];
      };
      const [nameLabel, name] = field('Name', 'text', manager.name);
      const [emailLabel, email] = field('Email', 'email', manager.email);
      const [phoneLabel, phone] = field('Phone', 'tel', manager.phone);
      const remove = el('button', { type: 'button', text: T.InboxUnitsRemove });
      const row = el('fieldset', { class: 'manager' }, el('legend', { text: fmt('InboxUnitsManager', index + 1) }),
        nameLabel, name, emailLabel, email, phoneLabel, phone, remove);
      remove.addEventListener('click', () => { row.remove(); });
      row.read = () => ({ name: name.value, email: email.value, phone: phone.value });
      return row;
    }

    function show(view) {
      const s = view.settings;
      const video = described(el('input', { id: 'n-video', type: 'url', value: s.videoDeskUrl || '', placeholder: 'https://meet.google.com/…' }), 'n-video');
      const periods = el('div', { id: 'n-periods' }, ...s.serviceHours.map(periodRow));
      const addPeriod = el('button', { type: 'button', text: T.InboxUnitsAddPeriod });
      addPeriod.addEventListener('click', () => periods.append(periodRow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'] }, periods.children.length)));
      const window_ = described(el('input', { id: 'n-window', type: 'text', inputmode: 'decimal', value: hours(s.sla.responseWindowHours) }), 'n-window');
      const counting = described(el('select', { id: 'n-counting' },
        el('option', { value: 'calendar', text: T.InboxUnitsCountingCalendar }), el('option', { value: 'serviceHours', text: T.InboxUnitsCountingServiceHours })), 'n-counting');
      counting.value = s.sla.counting;
      const warn = described(el('input', { id: 'n-warn', type: 'text', value: s.sla.warnBeforeHours.map(hours).join('; ') }), 'n-warn');
      const escalate = described(el('input', { id: 'n-escalate', type: 'text', inputmode: 'decimal', value: hours(s.sla.escalateAfterHours) }), 'n-escalate');
      const managers = el('div', { id: 'n-manager-list' }, ...s.managers.map(managerRow));
      const addManager = el('button', { type: 'button', text: T.InboxUnitsAddManager });
      addManager.addEventListener('click', () => managers.append(managerRow({}, managers.children.length)));
      const save = el('button', { type: 'submit', text: T.InboxUnitsSave });
      const origin = el('p', { class: 'meta', id: 'n-origin', text: view.changedBy
        ? fmt('InboxUnitsChangedBy', view.changedBy, new Date(view.changedAt).toLocaleString('pt-BR', { timeZone: zone })) : T.InboxUnitsFromFile });
      const form = el('form', { id: 'n-form', novalidate: '' },
        el('fieldset', {}, el('legend', { text: T.InboxUnitsVideo }), el('label', { for: 'n-video', text: T.InboxUnitsVideoLabel }), video, errorSlot('n-video')),
        el('fieldset', {}, el('legend', { text: T.InboxUnitsHours }), periods, addPeriod, errorSlot('n-hours')),
        el('fieldset', {}, el('legend', { text: T.InboxUnitsSla }),
          el('label', { for: 'n-window', text: T.InboxUnitsWindow }), window_, errorSlot('n-window'),
          el('label', { for: 'n-counting', text: T.InboxUnitsCounting }), counting, errorSlot('n-counting'),
          el('label', { for: 'n-warn', text: T.InboxUnitsWarn }), warn, errorSlot('n-warn'),
          el('label', { for: 'n-escalate', text: T.InboxUnitsEscalate }), escalate, errorSlot('n-escalate')),
        el('fieldset', {}, el('legend', { text: T.InboxUnitsManagers }), managers, addManager, errorSlot('n-managers')),
        save);
      if (view.changedBy) {
        const restore = el('button', { type: 'button', id: 'n-restore', text: T.InboxUnitsRestore });
        restore.addEventListener('click', async () => {
          try { show(await api(path(), { method: 'DELETE' })); result.textContent = T.InboxUnitsRestored; }
          catch (e) { result.textContent = fmt('InboxUsersFailed', e.message); }
        });
        form.append(restore);
      }
      form.addEventListener('submit', async event => {
        event.preventDefault();
        form.querySelectorAll('.error').forEach(p => { p.textContent = ''; });
        form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
        const body = {
          videoDeskUrl: video.value,
          serviceHours: [...periods.children].map(r => r.read()),
          sla: { responseWindowHours: number(window_.value), counting: counting.value,
            warnBeforeHours: warn.value.split(/[;\s]+/).filter(Boolean).map(number), escalateAfterHours: number(escalate.value) },
          managers: [...managers.children].map(r => r.read()),
        };
        try {
          show(await api(path(), { method: 'PUT', body: JSON.stringify(body) }));
          result.textContent = T.InboxUnitsSaved;
        } catch (e) {
          const errors = e.body?.errors || { '': [e.message] };
          let first = null;
          for (const [key, messages] of Object.entries(errors)) {
            const id = errorIds[key];
            const slot = id && document.getElementById(id + '-error');
            if (slot) {
              slot.textContent = messages.join(' ');
              const input = document.getElementById(id);
              if (input) input.setAttribute('aria-invalid', 'true');
              first = first || input || slot;
            }
          }
          result.textContent = fmt('InboxUnitsFailed', Object.values(errors).flat().join(' '));
          if (first && first.focus) first.focus();
        }
      });
      holder.replaceChildren(origin, form);
    }

    async function load() {
      result.textContent = '';
      zone = zones[pick.value] || zone;
      try { show(await api(path())); } catch (e) { result.textContent = fmt('InboxUsersFailed', e.message); }
    }
    pick.addEventListener('change', load);
    main.replaceChildren(el('h1', { text: T.InboxUnitsHeading }), el('p', { class: 'meta', text: T.InboxUnitsIntro }),
      el('label', { for: 'n-unit', text: T.InboxCannedUnit }), pick, result, holder);
    if (pick.value) await load();
  }

  async function audit() {
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

  async function privacy() {
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

  (async () => {
    try { await loadUnits(); } catch { /* names fall back to ids */ }
    if (main.dataset.view === 'audit') { await audit(); return; }
    if (main.dataset.view === 'privacy') { await privacy(); return; }
    if (main.dataset.view === 'users') { await users(); return; }
    if (main.dataset.view === 'canned') { await cannedAnswers(); return; }
    if (main.dataset.view === 'units') { await unitSettings(); return; }
    if (main.dataset.view === 'conversation') await conversation(main.dataset.conversation);
    else await inbox();
    live();
  })();
})();

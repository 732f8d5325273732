import { T, api, button, channelName, day, dueCell, el, fmt, labels, masked, paymentChip, problem, rooms, stateName, units, useZone, when } from './core.js';

// One conversation in the workspace's right pane: who and what, the thread (the chatbot's part folded into one line),
// and the reply box fixed at the bottom. Reloaded when it changes, keeping what the clerk is typing.
const openQuotes = new Set();
const openFolds = new Set();
const drafts = new Map(); // conversation id -> { reply, note, caret }

const ACTS = ['menu', 'status', 'no-status', 'wrong-number', 'other-court', 'other-branch', 'ask-number', 'ask-unit', 'choose-unit', 'ask-question',
  'handoff', 'hours', 'video', 'video-closed', 'petition', 'new-claim', 'thanks', 'goodbye', 'not-understood', 'offer-clerk', 'audio', 'verify', 'payment-warning', 'wait-time', 'survey', 'survey-answer', 'no-survey', 'case-alert', 'follow', 'unfollow'];
const actName = act => {
  const kind = act.split(' ')[0];
  return ACTS.includes(kind) ? T['InboxAct' + kind.split('-').map(w => w[0].toUpperCase() + w.slice(1)).join('')] : null;
};
const isHandOff = m => (m.botActs || []).some(a => a.startsWith('handoff'));

/**
 * The thread as items: a run of the chatbot's turns is one fold. What the citizen wrote stays in view once it is for the
 * unit: the question handed off, and everything after it (a document the bot only reminded about, say) until the bot
 * talks with the citizen again (its menu, after a close).
 */
function fold(messages) {
  const items = [];
  let run = [];
  let withBot = true;
  const flush = () => { if (run.length) items.push({ fold: run }); run = []; };
  messages.forEach((m, i) => {
    const next = messages[i + 1];
    if (m.author === 'bot' && (m.botActs || []).some(a => a === 'menu')) withBot = true;
    // A letter is always for the unit: the chatbot only acknowledges it.
    const toBot = withBot && m.direction === 'inbound' && m.channel !== 'email' && next?.author === 'bot' && !isHandOff(next);
    if (m.author === 'bot') {
      run.push(m);
      if (isHandOff(m)) withBot = false;
      return;
    }
    if (toBot) { run.push(m); return; }
    flush();
    items.push({ message: m });
  });
  flush();
  return items;
}

function foldSummary(run) {
  const done = [...new Set(run.filter(m => m.author === 'bot').flatMap(m => m.botActs || []).map(actName).filter(Boolean))];
  return done.length ? fmt('InboxBotSummary', done.join(', ')) : run.length === 1 ? T.InboxBotMessageOne : fmt('InboxBotMessages', run.length);
}

// Marks every counter PC's fonts have (no emoji): waiting, with the provider, delivered, read (blue), not delivered.
const TICKS = { pending: '○', queued: '○', accepted: '✓', sending: '○', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '✗', undelivered: '✗', held: '‖', canceled: '✗' };

/** Shows conversation <id> in <pane>; returns what reads it again (after a live change). */
export async function conversationPane(pane, id, me, { back, left, changed, typing }) {
  let data;
  let shown = '';
  let othersAnswered = null; // a colleague's answer that arrived while I was typing: I am told before I send

  // The pane is shared: a load that ends after the clerk opened another conversation must not draw this one there.
  pane.dataset.id = id;
  const current = () => pane.dataset.id === id;

  async function load() {
    let fresh;
    try {
      fresh = await api('/api/conversations/' + encodeURIComponent(id));
    } catch (e) {
      if (!current()) return;
      pane.replaceChildren(el('p', { class: 'error', role: 'alert', text: e.status === 403 ? T.InboxForbidden : T.InboxNotFound }),
        button(T.InboxBack, back, { class: 'back' }));
      return;
    }
    if (data && fresh.messages.length > data.messages.length) {
      const mine = new Set(data.messages.map(m => m.id));
      const answer = fresh.messages.find(m => !mine.has(m.id) && m.author === 'clerk' && m.direction === 'outbound' && m.authorId !== me.id);
      if (answer && (drafts.get(id)?.reply || '').trim()) othersAnswered = fresh.people[answer.authorId] || T.InboxSomeone;
    }
    data = fresh;
    const unit = encodeURIComponent(data.conversation.unitId);
    // The contact panel is read only while it is open (it reads the citizen's other conversations).
    const contactOpen = !!pane.querySelector('details#contact[open]');
    const [answers, desk, contact] = await Promise.all([
      api('/api/units/' + unit + '/canned').catch(() => []),
      api('/api/units/' + unit + '/availability').catch(() => null),
      contactOpen ? api('/api/conversations/' + encodeURIComponent(id) + '/contact').catch(() => null) : null]);
    if (!current()) return;
    const now = JSON.stringify([data, answers, desk?.open, othersAnswered, contact]);
    if (now === shown && pane.querySelector('.thread')) return;
    shown = now;
    draw(answers, desk, contact);
  }

  function author(m) {
    if (m.direction === 'internal') return T.InboxInternal + (m.authorId ? ' · ' + (m.authorId === me.id ? T.InboxYou : data.people[m.authorId] || '') : '');
    if (m.author === 'citizen') return data.conversation.contactName || T.InboxAuthorCitizen;
    if (m.author === 'bot') return T.InboxAuthorBot;
    if (m.author === 'system') return T.InboxAuthorSystem;
    return m.authorId === me.id ? T.InboxYou : fmt('InboxClerkNamed', data.people[m.authorId] || T.InboxAuthorClerk);
  }

  function messageItem(m) {
    const item = el('li', { class: m.direction, 'data-message': m.id }, el('span', { class: 'text', text: m.text }));
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
      const reveal = button(T.InboxReveal, async () => {
        try {
          const clear = await api(messageUrl + '/reveal', { method: 'POST' });
          item.querySelector('.text').textContent = clear.text;
          reveal.remove();
        } catch (e) { say(e.message); }
      }, { class: 'reveal' });
      item.append(reveal);
    }
    if (m.quoted) {
      // A history the clerk opened stays open when the thread is drawn again (recorded on the click: toggle comes later).
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
    const tick = m.direction === 'outbound' && m.status ? el('span', { class: 'tick ' + m.status, 'aria-hidden': 'true', text: (TICKS[m.status] || '') + ' ' }) : '';
    item.append(el('span', { class: 'meta' }, el('span', { class: 'author', text: author(m) }), ' · ' + when(m.createdAt) + (statusText ? ' · ' : ''), tick, statusText));
    return item;
  }

  function foldItem(run) {
    const key = run[0].id;
    const summary = el('summary', { text: foldSummary(run) });
    const details = el('details', { class: 'bot-fold' }, summary, el('ol', { class: 'thread inner' }, ...run.map(messageItem)));
    if (openFolds.has(key)) details.open = true;
    summary.addEventListener('click', () => { if (details.open) openFolds.delete(key); else openFolds.add(key); });
    details.addEventListener('toggle', () => { if (details.open) openFolds.add(key); else openFolds.delete(key); });
    return el('li', { class: 'fold' }, details);
  }

  const result = el('p', { class: 'status', role: 'status', id: 'pane-status' });
  const say = text => { result.textContent = text; };
  const post = async (path, body) => api('/api/conversations/' + encodeURIComponent(id) + path, { method: 'POST', body: body ? JSON.stringify(body) : undefined });

  // The contact panel: the channel and its WhatsApp window, the case numbers (DataJud on demand), the citizen's
  // earlier conversations in my units, and the units' notes about them.
  function contactPanel(c, contact) {
    const body = el('div', { class: 'contact-body' });
    const w = data.whatsAppWindow;
    body.append(el('p', { id: 'contact-channel', text: channelName(c.channel) + (w ? ' · ' + (w.open ? fmt('InboxContactWindowOpen', when(w.closesAt)) : fmt('InboxContactWindowClosed', when(w.closesAt))) : '') }));
    const numbers = contact?.caseNumbers || c.processNumbers || [];
    if (numbers.length) {
      body.append(el('h3', { text: T.InboxContactCases }), el('ul', { class: 'cases' }, ...numbers.map(n => {
        const out = el('div', { class: 'case-summary', role: 'status' });
        const look = button(T.InboxContactCaseLook, async () => {
          out.textContent = T.InboxLoading;
          try {
            const { summary: s } = await api('/api/processes/' + encodeURIComponent(n) + '/status');
            const last = (s.latestMovements || [])[0];
            out.replaceChildren(el('span', { text: [s.class, s.body].filter(Boolean).join(' · ') }),
              last ? el('span', { class: 'meta', text: fmt('InboxContactCaseLast', last.at ? day(last.at) : '—', last.name) }) : '');
          } catch (e) { out.textContent = e.status === 404 ? (e.body?.detail || T.InboxContactCaseNotFound) : T.InboxContactCaseUnavailable; }
        }, { class: 'small' });
        return el('li', {}, el('span', { text: n + ' ' }), look, out);
      })));
    }
    const earlier = contact?.earlier || [];
    body.append(el('h3', { text: fmt('InboxContactEarlier', contact?.earlierCount ?? 0) }));
    if (earlier.length) {
      body.append(el('ul', { class: 'earlier' }, ...earlier.map(e => el('li', {},
        el('a', { href: '/inbox/conversations/' + encodeURIComponent(e.id), text: day(e.createdAt) + ' · ' + (units[e.unitId] || e.unitId) + ' · ' + stateName(e.state) }),
        e.last ? el('span', { class: 'meta', text: e.last }) : ''))));
    } else body.append(el('p', { class: 'meta', text: T.InboxContactNoEarlier }));
    const notes = contact?.notes || [];
    if (notes.length) {
      body.append(el('h3', { text: T.InboxContactNotes }), el('ul', { class: 'notes' }, ...notes.map(n => el('li', {},
        el('span', { text: n.text }), el('span', { class: 'meta', text: (n.authorId === me.id ? T.InboxYou : n.authorName || T.InboxSomeone) + ' · ' + when(n.at) + (n.conversationId !== id ? ' · ' + T.InboxContactNoteElsewhere : '') })))));
    }
    const panel = el('details', { class: 'contact-panel', id: 'contact', 'data-keep': 'contact' }, el('summary', { text: T.InboxContactPanel }), body);
    if (!contact) {
      body.replaceChildren(el('p', { class: 'meta', text: T.InboxLoading }));
      panel.addEventListener('toggle', () => { if (panel.open) load(); }, { once: true });
    }
    return panel;
  }

  function draw(answers, desk, contact) {
    // What the clerk had open or typed elsewhere in the pane, and where the thread was read, survive the redraw.
    const kept = {
      open: [...pane.querySelectorAll('details[data-keep][open]')].map(d => d.dataset.keep),
      confirming: !!pane.querySelector('.confirm:not([hidden])'),
      values: Object.fromEntries([...pane.querySelectorAll('[data-keep-value]')].map(f => [f.id, f.value])),
      atBottom: (() => { const t = pane.querySelector('.conversation-pane > ol.thread, ol.thread:not(.inner)'); return !t || t.scrollHeight - t.scrollTop - t.clientHeight < 40; })(),
      scroll: pane.querySelector('ol.thread:not(.inner)')?.scrollTop,
    };
    const c = data.conversation;
    useZone(c.unitId);
    const draft = drafts.get(id) || { reply: '', note: '' };
    const focused = document.activeElement?.id;
    const caret = document.activeElement?.selectionStart;
    const name = c.contactName || masked(c.contactAddress);
    const title = el('h2', { id: 'conversation-title' }, el('span', { text: name }),
      c.contactName ? el('span', { class: 'phone', text: ' ' + masked(c.contactAddress) }) : '');
    const held = c.assigneeId ? (c.assigneeId === me.id ? T.InboxHeldByMe : fmt('InboxHeldBy', data.people[c.assigneeId] || '—')) : T.InboxAssigneeNone;
    const facts = el('p', { class: 'facts' }, el('span', { text: stateName(c.state) }), c.state === 'waiting' ? ' · ' : '', c.state === 'waiting' ? dueCell(c.dueAt) : '',
      el('span', { text: ` · ${channelName(c.channel)} · ${units[c.unitId] || c.unitId || ''} · ` }), el('span', { class: 'assignee', text: held }),
      (c.processNumbers || []).length ? el('span', { text: ' · ' + c.processNumbers.join(', ') }) : '');
    const unitLabels = labels[c.unitId] || {};
    const chips = (c.labels || []).filter(l => unitLabels[l]);
    if (chips.length) facts.append(el('span', { class: 'labels' }, ...chips.map(l => el('span', { class: 'label-chip', text: unitLabels[l] }))));
    if (c.paymentWarningAt) facts.append(' ', paymentChip(c), el('span', { class: 'payment-hint', text: ' ' + T.InboxPaymentWarningHint }));

    const actions = el('div', { class: 'actions' });
    if (c.assigneeId !== me.id) {
      const claim = button(T.InboxClaim, async () => {
        if (c.assigneeId && !claim.dataset.sure) {
          // Someone else holds it: ask first, in the page.
          claim.dataset.sure = '1';
          claim.textContent = T.InboxClaimAnyway;
          say(fmt('InboxClaimHeld', data.people[c.assigneeId] || T.InboxSomeone));
          return;
        }
        try { await post('/claim'); say(T.InboxClaimed); await load(); changed(); } catch (e) { say(fmt('InboxReplyFailed', e.message)); }
      }, { id: 'claim' });
      actions.append(claim);
    }
    if (c.state === 'closed') {
      actions.append(button(T.InboxReopen, async () => { try { await post('/reopen'); await load(); changed(); } catch (e) { say(e.message); } }, { id: 'reopen' }));
    } else {
      actions.append(closeControl());
    }
    actions.append(transferControl(c), labelControl(c, unitLabels));

    const thread = el('ol', { class: 'thread', 'aria-label': T.InboxThread }, ...fold(data.messages).map(i => i.fold ? foldItem(i.fold) : messageItem(i.message)));

    // The reply box: canned answers go in at the cursor; the tools that send on their own sit above it.
    const replyText = el('textarea', { id: 'reply', name: 'text', rows: c.channel === 'email' ? '6' : '3', maxlength: c.channel === 'email' ? '20000' : '1600', required: true });
    replyText.value = draft.reply;
    const canned = el('select', { id: 'canned', 'aria-label': T.InboxCanned }, el('option', { value: '', text: T.InboxCannedPick }));
    for (const a of answers.filter(a => !a.proposed)) canned.append(el('option', { value: a.text, text: a.title }));
    canned.addEventListener('change', () => {
      if (!canned.value) return;
      const at = replyText.selectionStart ?? replyText.value.length;
      const end = replyText.selectionEnd ?? at;
      const text = fill(canned.value, c, desk?.open ? rooms[c.unitId] : null);
      replyText.setRangeText(text, at, end, 'end');
      canned.value = '';
      replyText.focus();
      remember();
    });
    const window_ = data.whatsAppWindow;
    const windowNote = !window_ ? '' : !window_.open
      ? el('p', { class: 'warning', id: 'window-note', text: fmt('InboxWindowClosed', when(window_.closesAt)) })
      : window_.closingSoon ? el('p', { class: 'warning', id: 'window-note', text: fmt('InboxWindowClosing', when(window_.closesAt)) }) : '';
    if (windowNote) replyText.setAttribute('aria-describedby', 'window-note');
    const othersNote = othersAnswered ? el('p', { class: 'warning', id: 'others-answered', role: 'alert', text: fmt('InboxOthersAnswered', othersAnswered) }) : '';
    const send = el('button', { type: 'submit', text: othersAnswered ? T.InboxSendAnyway : T.InboxReplySend });
    const reply = el('form', { class: 'reply' }, el('label', { for: 'reply', class: 'label', text: T.InboxReplyLabel }), windowNote, othersNote,
      el('div', { class: 'compose' }, replyText, send));
    const remember = () => drafts.set(id, { ...(drafts.get(id) || {}), reply: replyText.value });
    replyText.addEventListener('input', () => {
      remember();
      // Colleagues see that an answer is being written (said at most every 3 s).
      if (Date.now() - (drafts.get(id).saidTyping || 0) > 3000) { drafts.get(id).saidTyping = Date.now(); typing(); }
    });
    reply.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await post('/messages', { text: replyText.value });
        replyText.value = '';
        othersAnswered = null;
        remember();
        await load();
        say(T.InboxReplySent);
        changed();
      } catch (e) { say(fmt('InboxReplyFailed', problem(e))); }
    });

    const noteText = el('textarea', { id: 'note', rows: '2', maxlength: '2000', required: true });
    noteText.value = draft.note || '';
    noteText.addEventListener('input', () => drafts.set(id, { ...(drafts.get(id) || {}), note: noteText.value }));
    const note = el('form', { class: 'note' }, el('label', { for: 'note', text: T.InboxNoteLabel }), noteText, el('button', { type: 'submit', text: T.InboxNoteSave }));
    note.addEventListener('submit', async event => {
      event.preventDefault();
      try { await post('/notes', { text: noteText.value }); noteText.value = ''; drafts.set(id, { ...(drafts.get(id) || {}), note: '' }); await load(); }
      catch (e) { say(fmt('InboxReplyFailed', problem(e))); }
    });

    // The room's link goes only while the desk is open (Res. 372/2021): the button says why it cannot, and when it can.
    const closedWhy = !rooms[c.unitId] ? T.InboxVideoNone : desk && !desk.open ? (desk.opensAt ? fmt('InboxVideoClosed', when(desk.opensAt)) : T.InboxVideoClosedNoDate) : null;
    const video = button(T.InboxVideoLink, async () => {
      try { await post('/video-link'); await load(); changed(); } catch (e) { say(e.message); }
    }, { id: 'video-link', disabled: !!closedWhy, 'aria-describedby': closedWhy ? 'video-why' : null });
    const videoWhy = closedWhy ? el('span', { id: 'video-why', class: 'meta why', text: closedWhy }) : '';
    const caseNumber = el('input', { id: 'case-number', value: (c.processNumbers || [])[0] || '', inputmode: 'numeric', 'aria-label': T.InboxCaseNumber, 'data-keep-value': true });
    const caseButton = button(T.InboxCaseStatus, async () => {
      try { await post('/case-status', { number: caseNumber.value }); await load(); changed(); } catch (e) { say(problem(e)); }
    }, { id: 'case-status' });
    const tools = el('div', { class: 'tools' }, canned, video, videoWhy);
    const more = el('details', { class: 'more', 'data-keep': 'more' }, el('summary', { text: T.InboxMoreTools }), el('div', { class: 'case' }, caseNumber, caseButton), note);

    pane.replaceChildren(
      el('div', { class: 'pane-head' }, button(T.InboxBackToList, back, { class: 'back', id: 'back' }), title, facts,
        data.transfer ? el('p', { class: 'warning transfer-reason', id: 'transfer-reason-note', text: fmt('InboxTransferredFrom',
          units[data.transfer.fromUnitId] || data.transfer.fromUnitId, data.people[data.transfer.byUserId] || T.InboxSomeone, when(data.transfer.at), data.transfer.reason) }) : '',
        contactPanel(c, contact), el('p', { class: 'presence', id: 'presence', role: 'status' }), actions, result),
      thread,
      el('div', { class: 'composer' }, tools, more, reply));
    for (const key of kept.open) pane.querySelector(`details[data-keep="${key}"]`)?.setAttribute('open', '');
    for (const [fieldId, value] of Object.entries(kept.values)) { const f = document.getElementById(fieldId); if (f && value) f.value = value; }
    if (kept.confirming) { pane.querySelector('.confirm')?.removeAttribute('hidden'); pane.querySelector('#close')?.setAttribute('hidden', ''); }
    thread.scrollTop = kept.atBottom || kept.scroll == null ? thread.scrollHeight : kept.scroll;
    if (focused && document.getElementById(focused)) {
      const again = document.getElementById(focused);
      again.focus();
      if (caret != null && 'setSelectionRange' in again) again.setSelectionRange(caret, caret);
    }
  }

  function closeControl() {
    const box = el('div', { class: 'confirm', hidden: true });
    const farewell = el('textarea', { id: 'close-message', rows: '2', maxlength: '1600', 'data-keep-value': true });
    const close = button(T.InboxClose, () => { box.hidden = false; close.hidden = true; farewell.focus(); }, { id: 'close' });
    box.append(el('label', { for: 'close-message', text: T.InboxCloseMessage }), farewell,
      button(T.InboxCloseConfirm, async () => {
        try {
          if (farewell.value.trim()) await post('/messages', { text: farewell.value.trim() });
          await post('/close');
          left(T.InboxClosedDone);
        } catch (e) { say(fmt('InboxReplyFailed', problem(e))); }
      }, { id: 'close-confirm' }),
      button(T.InboxCancel, () => { box.hidden = true; close.hidden = false; close.focus(); }));
    return el('span', { class: 'close-control' }, close, box);
  }

  // The unit's labels as checkboxes: each change saves the whole set at once.
  function labelControl(c, unitLabels) {
    const entries = Object.entries(unitLabels).sort((a, b) => a[1].localeCompare(b[1], 'pt-BR'));
    const box = el('fieldset', { class: 'label-picker' }, el('legend', { class: 'sr-only', text: T.InboxLabels }));
    if (!entries.length) box.append(el('p', { class: 'meta', text: T.InboxLabelsNoneInUnit }));
    for (const [labelId, name] of entries) {
      const check = el('input', { type: 'checkbox', id: 'label-' + labelId, value: labelId, checked: (c.labels || []).includes(labelId) });
      check.addEventListener('change', async () => {
        const chosen = [...box.querySelectorAll('input:checked')].map(i => i.value);
        try { await api('/api/conversations/' + encodeURIComponent(id) + '/labels', { method: 'PUT', body: JSON.stringify({ labels: chosen }) }); say(T.InboxLabelsSaved); await load(); changed(); }
        catch (e) { say(fmt('InboxReplyFailed', problem(e))); }
      });
      box.append(el('label', { for: 'label-' + labelId, class: 'check' }, check, ' ' + name));
    }
    return el('details', { class: 'label-control', 'data-keep': 'labels' }, el('summary', { text: T.InboxLabelsButton }), box);
  }

  function transferControl(c) {
    const target = el('select', { id: 'transfer-unit' });
    for (const [unitId, name] of Object.entries(units)) if (unitId !== c.unitId) target.append(el('option', { value: unitId, text: name }));
    const reason = el('input', { id: 'transfer-reason', maxlength: '500', required: true, 'data-keep-value': true });
    const form = el('form', { class: 'transfer' },
      el('label', { for: 'transfer-unit', text: T.InboxTransferUnit }), target,
      el('label', { for: 'transfer-reason', text: T.InboxTransferReason }), reason,
      el('button', { type: 'submit', text: T.InboxTransferButton }));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await post('/transfer', { unitId: target.value, reason: reason.value });
        left(fmt('InboxTransferredTo', units[target.value] || target.value));
      } catch (e) { say(fmt('InboxReplyFailed', problem(e))); }
    });
    return el('details', { class: 'transfer-control', 'data-keep': 'transfer' }, el('summary', { text: T.InboxTransferLegend }), form);
  }

  await load();
  return load;
}

/** A canned answer with the conversation's facts in its placeholders; {link} only while the desk is open. */
function fill(text, c, link) {
  const values = {
    nome: c.contactName || '',
    unidade: units[c.unitId] || '',
    processo: (c.processNumbers || [])[0] || '',
    prazo: c.dueAt ? when(c.dueAt) : '',
    link: link || '',
  };
  return text.replace(/\{(nome|unidade|processo|prazo|link)\}/g, (_, k) => values[k]);
}

import { T, api, button, channelName, dueCell, el, fmt, labelNames, labels, loadLabels, main, masked, pace, paymentChip, problem, units } from './core.js';
import { connect, liveNote, send } from './live.js';
import { alerts } from './alerts.js';
import { help, shortcuts } from './keys.js';
import { conversationPane } from './thread.js';

// The clerk's workspace: the queue on the left, the open conversation on the right (one pane at phone width).
// The URL follows the open conversation, so a link, a reload or the browser's back button lands where it was.
const TABS = ['mine', 'unassigned', 'all', 'breached'];

export async function workspace() {
  const me = await api('/api/auth/me').catch(() => ({}));
  const manyUnits = Object.keys(units).length > 1;
  let tab = sessionStorage.getItem('balcao.tab') || 'all';
  let page = 1;
  let rows = [];
  let known = null; // id -> unread at the last refresh (null before the first): what is new since
  let openId = main.dataset.conversation || null;
  let reloadOpen = null; // reads the open conversation again

  const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': T.InboxTabsLabel });
  const tabButtons = Object.fromEntries(TABS.map(name => {
    const b = el('button', { type: 'button', role: 'tab', id: 'tab-' + name, 'aria-controls': 'conversations' },
      el('span', { text: T['InboxTab' + name[0].toUpperCase() + name.slice(1)] }), ' ', el('span', { class: 'count' }));
    b.addEventListener('click', () => { tab = name; page = 1; sessionStorage.setItem('balcao.tab', name); refresh(); });
    tabs.append(b);
    return [name, b];
  }));
  const search = el('input', { id: 'f-q', type: 'search', maxlength: '200', placeholder: T.InboxSearch, 'aria-label': T.InboxSearch });
  const state = el('select', { id: 'f-state', 'aria-label': T.InboxFilterState },
    ...['waiting', 'answered', 'closed'].map(s => el('option', { value: s, text: T['InboxShow' + s[0].toUpperCase() + s.slice(1)] })));
  const channel = el('select', { id: 'f-channel', 'aria-label': T.InboxFilterChannel }, el('option', { value: '', text: T.InboxAllChannels }),
    el('option', { value: 'whatsapp', text: 'WhatsApp' }), el('option', { value: 'sms', text: 'SMS' }), el('option', { value: 'email', text: 'e-mail' }));
  await loadLabels();
  const label = el('select', { id: 'f-label', 'aria-label': T.InboxLabelFilter }, el('option', { value: '', text: T.InboxLabelAll }));
  // Each unit has its own labels: with several units, each option names its unit.
  const labelUnits = Object.keys(labels).filter(u => Object.keys(labels[u]).length);
  const names = Object.fromEntries(labelUnits.flatMap(u => Object.entries(labels[u])
    .map(([id, name]) => [id, labelUnits.length > 1 ? `${name} (${units[u] || u})` : name])));
  for (const [id, name] of Object.entries(names).sort((a, b) => a[1].localeCompare(b[1], 'pt-BR'))) label.append(el('option', { value: id, text: name }));
  const filters = el('form', { class: 'filters', role: 'search' }, search, state, channel, Object.keys(names).length ? label : '');
  const status = el('p', { class: 'status', role: 'status' });
  const paces = el('p', { class: 'pace', title: T.InboxPaceHint }); // what the bot tells citizens their likely answer time from
  const done = el('p', { class: 'done', id: 'list-note', role: 'status' }); // what just happened (a transfer, a close)
  const list = el('ul', { id: 'conversations', class: 'rows', 'aria-label': T.InboxListLabel });
  const previous = button(T.InboxPrevious, () => { page = Math.max(1, page - 1); refresh(); }, { id: 'previous' });
  const next = button(T.InboxNext, () => { page += 1; refresh(); }, { id: 'next' });
  const total = el('span', { class: 'total' });
  const listPane = el('section', { class: 'list-pane', 'aria-label': T.InboxListLabel },
    el('div', { class: 'list-head' }, el('h2', { text: T.InboxHeading }), alerts.controls()),
    paces, done, tabs, filters, status, list, el('p', { class: 'pager' }, previous, next, total));
  const pane = el('section', { class: 'conversation-pane', id: 'conversation', 'aria-label': T.InboxConversationLabel });
  main.classList.add('workspace');
  // One heading for the page whichever pane shows (at phone width only one does).
  main.replaceChildren(el('h1', { class: 'sr-only', text: T.InboxPageHeading }), liveNote, listPane, pane);

  function who(row) {
    const name = row.contactName || masked(row.contactAddress);
    return row.contactName ? [el('strong', { text: name }), ' ', el('span', { class: 'phone', text: masked(row.contactAddress) })] : [el('strong', { text: name })];
  }

  function preview(last) {
    if (!last) return '';
    const who = last.direction === 'internal' ? T.InboxPreviewNote : last.author === 'bot' ? T.InboxPreviewBot
      : last.author === 'clerk' ? T.InboxPreviewClerk : last.author === 'system' ? T.InboxPreviewSystem : '';
    return who + last.text;
  }

  function holder(row) {
    if (!row.assigneeId) return T.InboxAssigneeNone;
    return row.assigneeId === me.id ? T.InboxHeldByMe : fmt('InboxHeldBy', row.assigneeName || '—');
  }

  function labelChips(unitId, ids) {
    const shown = labelNames(unitId, ids);
    return shown.length ? el('span', { class: 'labels' }, ...shown.map(n => el('span', { class: 'label-chip', text: n }))) : '';
  }

  function drawRow(row) {
    const facts = [channelName(row.channel)];
    if (manyUnits) facts.push(units[row.unitId] || row.unitId);
    const item = el('li', { 'data-id': row.id, class: 'row' + (row.unread > 0 ? ' unread' : '') + (row.id === openId ? ' open' : '') },
      el('a', { href: '/inbox/conversations/' + encodeURIComponent(row.id), 'aria-current': row.id === openId ? 'true' : null },
        el('span', { class: 'who' }, ...who(row),
          row.unread > 0 ? el('span', { class: 'unread-count', 'aria-label': fmt(row.unread === 1 ? 'InboxUnreadOne' : 'InboxUnreadMany', row.unread), text: String(row.unread) }) : ''),
        el('span', { class: 'preview', text: preview(row.last) }),
        el('span', { class: 'facts' },
          row.state === 'waiting' ? dueCell(row.dueAt) : el('span', { text: T['InboxState' + row.state[0].toUpperCase() + row.state.slice(1)] }),
          row.place ? el('span', { class: 'place', text: ' · ' + fmt('InboxPlace', row.place) }) : '',
          el('span', { text: ' · ' + facts.join(' · ') + ' · ' }), el('span', { class: 'holder', text: holder(row) }),
          (row.processNumbers || []).length ? el('span', { class: 'numbers', text: ' · ' + row.processNumbers.join(', ') }) : ''),
        labelChips(row.unitId, row.labels), row.paymentWarningAt ? el('span', { class: 'labels' }, paymentChip(row)) : ''));
    item.querySelector('a').addEventListener('click', event => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // a new tab stays a new tab
      event.preventDefault();
      open(row.id, true);
    });
    return item;
  }

  let listed = ''; // what the list shows: redrawn only when it changes (a swap under the pointer swallows a click)
  let asked = 0; // answers to older requests (a tab clicked meanwhile) are dropped
  let lastQuery = '';
  async function refresh() {
    const query = new URLSearchParams({ tab, state: state.value, page: String(page), pageSize: '50' });
    if (channel.value) query.set('channel', channel.value);
    if (label.value) query.set('label', label.value);
    if (search.value.trim()) query.set('q', search.value.trim());
    const mine = ++asked;
    try {
      const result = await api('/api/inbox?' + query);
      if (mine !== asked) return;
      if (String(query) !== lastQuery) { lastQuery = String(query); known = null; } // another list: nothing in it is news
      for (const name of TABS) {
        tabButtons[name].setAttribute('aria-selected', String(name === tab));
        tabButtons[name].querySelector('.count').textContent = String(result.counts[name === 'unassigned' ? 'unassigned' : name]);
      }
      rows = result.items;
      const timed = (result.paces || []).filter(p => p.typicalFirstAnswerMinutes != null);
      paces.textContent = timed.length === 0 ? '' : T.InboxPace + ' ' + timed.map(p =>
        (timed.length > 1 ? (units[p.unitId] || p.unitId) + ': ' : '') + pace(p.typicalFirstAnswerMinutes, p.serviceHours) + (p.serviceHours ? T.InboxPaceServiceHours : '')).join(' · ');
      const shown = JSON.stringify([rows, openId]);
      if (shown !== listed) {
        listed = shown;
        list.replaceChildren(...rows.map(drawRow));
      }
      status.textContent = rows.length === 0 ? (search.value.trim() ? T.InboxNothingFound : T.InboxEmpty) : result.truncated ? T.InboxSearchTruncated : '';
      total.textContent = fmt(result.total === 1 ? 'InboxTotalOne' : 'InboxTotal', result.total);
      previous.disabled = page <= 1;
      next.disabled = page * result.pageSize >= result.total;
      tell(rows);
    } catch (e) {
      if (mine !== asked) return;
      if (e.status === 400) { list.replaceChildren(); listed = ''; }
      status.textContent = e.status === 400 ? problem(e) : T.InboxLoadFailed;
    }
  }

  // What arrived since the last look: the title counts conversations with unread messages; alerts say what is new.
  function tell(current) {
    const unread = current.filter(r => r.unread > 0).length;
    document.title = (unread > 0 ? `(${unread}) ` : '') + T.InboxTitle;
    if (known) {
      for (const row of current) {
        const looking = row.id === openId && document.visibilityState === 'visible';
        if (!(row.id in known) && row.state === 'waiting') alerts.notify(T.InboxAlertNew, row.contactName || masked(row.contactAddress), row.id, looking);
        else if (row.unread > (known[row.id] ?? 0)) alerts.notify(T.InboxAlertMessage, row.contactName || masked(row.contactAddress), row.id, looking);
      }
    }

    known = Object.fromEntries(current.map(r => [r.id, r.unread]));
  }

  async function open(id, push) {
    openId = id;
    if (push) history.pushState({ id }, '', id ? '/inbox/conversations/' + encodeURIComponent(id) : '/inbox');
    main.classList.toggle('reading', !!id);
    for (const item of list.children) {
      item.classList.toggle('open', item.dataset.id === id);
      if (item.dataset.id === id) item.querySelector('a').setAttribute('aria-current', 'true'); else item.querySelector('a').removeAttribute('aria-current');
    }
    reloadOpen = null;
    send('Watch', id);
    if (!id) { pane.replaceChildren(el('p', { class: 'empty-pane', text: T.InboxPickOne })); return; }
    const reload = await conversationPane(pane, id, me, {
      typing: () => send('Typing', id),
      back: () => { open(null, true); list.querySelector('li.row a')?.focus(); },
      left: text => { open(null, true); done.textContent = text; refresh(); },
      changed: () => refresh(),
    });
    if (openId !== id) return; // another conversation was opened meanwhile
    reloadOpen = reload;
    refresh(); // opening it read its messages
    showPresence(id);
  }

  addEventListener('popstate', () => {
    const match = /^\/inbox\/conversations\/([^/]+)$/.exec(location.pathname);
    open(match ? decodeURIComponent(match[1]) : null, false);
  });
  let searchTimer = null;
  filters.addEventListener('submit', event => { event.preventDefault(); page = 1; refresh(); });
  search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => { page = 1; refresh(); }, 400); });
  for (const input of [state, channel, label]) input.addEventListener('change', () => { page = 1; refresh(); });

  // j/k walk the list in its order, opening each conversation; the row keeps the focus for the next key.
  const step = delta => {
    const ids = rows.map(r => r.id);
    const at = ids.indexOf(openId);
    const next = ids[at < 0 ? (delta > 0 ? 0 : ids.length - 1) : at + delta];
    if (!next) return;
    open(next, true).then(() => list.querySelector(`li[data-id="${CSS.escape(next)}"] a`)?.focus());
  };
  shortcuts({ next: () => step(1), previous: () => step(-1) });
  listPane.querySelector('.list-head').append(button(T.InboxKeysButton, help, { class: 'toggle', id: 'keys-help', 'aria-keyshortcuts': '?' }));

  await refresh();
  await open(openId, false);
  let timer = null;
  const changedIds = new Set(); // a burst of changes is read once
  connect({
    changed: id => {
      changedIds.add(id);
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (changedIds.has(openId)) reloadOpen?.().then(() => showPresence(openId));
        changedIds.clear();
        refresh();
      }, 150);
    },
    presence: id => { if (id === openId) showPresence(id); },
    status: id => { if (id === openId) reloadOpen?.(); }, // a delivery mark: only the open thread redraws
    reconnected: () => { refresh(); reloadOpen?.(); send('Watch', openId); },
  });
  // Who else has the open conversation: said again now and then, so it lapses when a page goes away.
  setInterval(() => { if (openId) send('Watch', openId); }, 20000);
  async function showPresence(id) {
    const others = (await api('/api/conversations/' + encodeURIComponent(id) + '/presence').catch(() => [])).filter(p => p.userId !== me.id);
    const note = document.getElementById('presence');
    if (!note || id !== openId) return;
    const typing = others.filter(p => p.typing).map(p => p.name);
    const viewing = others.filter(p => !p.typing).map(p => p.name);
    note.textContent = [
      typing.length ? fmt(typing.length === 1 ? 'InboxTypingOne' : 'InboxTypingMany', typing.join(', ')) : '',
      viewing.length ? fmt(viewing.length === 1 ? 'InboxViewingOne' : 'InboxViewingMany', viewing.join(', ')) : '',
    ].filter(Boolean).join(' ');
  }
  setInterval(refresh, 30000);
}

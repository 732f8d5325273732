import { T, api, button, el, fmt, main, problem, serverNow, units, useTimeZone } from './core.js';

// The unit's agenda of video calls: a day or a week, each call with who, what about, the case numbers and its
// conversation; a booked call can be moved (to a free slot) or cancelled, with words for the citizen; once it has
// started, who came and who did not. Everything a citizen wrote goes in through textContent.
export async function agenda() {
  const me = await api('/api/auth/me');
  const pick = el('select', { id: 'a-unit' });
  for (const [unitId, name] of Object.entries(units)) {
    if (me.isAdmin || (me.managerOf || []).includes(unitId) || (me.clerkOf || []).includes(unitId)) pick.append(el('option', { value: unitId, text: name }));
  }
  const status = el('p', { class: 'status', role: 'status', id: 'a-status' });
  const list = el('div', { id: 'a-list' });
  let from = null;
  let days = 7;
  const iso = d => d.toISOString().slice(0, 10);
  const shift = n => { const d = new Date(from + 'T12:00:00Z'); d.setUTCDate(d.getUTCDate() + n); from = iso(d); load(); };
  const tabs = el('div', { class: 'agenda-nav' },
    button(T.InboxAgendaToday, () => { from = null; days = 1; load(); }, { id: 'a-today' }),
    button(T.InboxAgendaWeek, () => { from = null; days = 7; load(); }, { id: 'a-week' }),
    button(T.InboxAgendaPrevious, () => shift(-days), { id: 'a-prev' }),
    button(T.InboxAgendaNext, () => shift(days), { id: 'a-next' }));

  async function load() {
    status.textContent = T.InboxLoading;
    const query = new URLSearchParams({ days: String(days) });
    if (from) query.set('from', from);
    try {
      const agenda = await api(`/api/units/${encodeURIComponent(pick.value)}/appointments?${query}`);
      from = agenda.from;
      useTimeZone(agenda.timeZone);
      show(agenda);
      status.textContent = agenda.items.length ? fmt('InboxAgendaCount', agenda.items.filter(i => i.status === 'booked').length) : T.InboxAgendaEmpty;
    } catch (e) {
      status.textContent = fmt('InboxUsersFailed', problem(e));
    }
  }

  function show(agenda) {
    const zone = agenda.timeZone;
    const time = iso => new Date(iso).toLocaleTimeString('pt-BR', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    const dayName = iso => new Date(iso).toLocaleDateString('pt-BR', { timeZone: zone, weekday: 'long', day: '2-digit', month: '2-digit' });
    const slotName = iso => new Date(iso).toLocaleString('pt-BR', { timeZone: zone, weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
    const groups = new Map();
    for (const item of agenda.items) {
      const key = dayName(item.start);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    list.replaceChildren(...[...groups].map(([name, items]) => el('section', { class: 'agenda-day' },
      el('h2', { text: name }), el('ul', { class: 'agenda-items' }, ...items.map(item => row(item))))));

    function row(item) {
      const li = el('li', { class: 'agenda-item ' + item.status, id: 'a-' + item.id });
      const result = el('p', { class: 'status', role: 'status' });
      li.append(
        el('p', { class: 'agenda-when' }, el('strong', { text: `${time(item.start)}–${time(item.end)}` }), ' ',
          el('span', { class: 'agenda-status', text: T['InboxAgendaStatus' + item.status[0].toUpperCase() + item.status.slice(1)] })),
        el('p', { class: 'agenda-who', text: item.who }),
        el('p', { class: 'agenda-subject', text: item.subject }));
      if (item.cases.length) li.append(el('p', { class: 'meta', text: fmt('InboxAgendaCases', item.cases.join(', ')) }));
      if (item.link && item.linkPerAppointment) li.append(el('p', { class: 'meta', text: fmt('InboxAgendaLinkIs', item.link) }));
      const facts = [];
      if (item.conversationId) facts.push(el('a', { href: `/inbox/conversations/${encodeURIComponent(item.conversationId)}`, text: T.InboxAgendaConversation }));
      if (item.status === 'booked') {
        const sent = at => at ? T.InboxAgendaSent : T.InboxAgendaNotYet;
        // Booked or moved less than a day ahead, a call gets only the 30-minute reminder.
        facts.push(el('span', { text: item.needsLink ? T.InboxAgendaNeedsLink : item.dayBeforeReminder
          ? fmt('InboxAgendaReminders', sent(item.remindedDayBefore), sent(item.remindedSoon))
          : fmt('InboxAgendaReminderSoon', sent(item.remindedSoon)) }));
      }
      if (facts.length) li.append(el('p', { class: 'meta agenda-facts' }, ...facts.flatMap((f, i) => i ? [' · ', f] : [f])));
      if (item.status === 'booked') li.append(actions(item, result));
      if (item.status === 'attended' || item.status === 'noShow') li.append(correction(item, result));
      li.append(result);
      return li;
    }

    async function send(item, result, path, body, done) {
      result.textContent = '';
      try {
        await api(`/api/units/${encodeURIComponent(pick.value)}/appointments/${encodeURIComponent(item.id)}/${path}`, { method: 'POST', body: JSON.stringify(body) });
        await load();
        status.textContent = done; // the list was drawn again: the page's status says what was done
      } catch (e) {
        result.textContent = fmt('InboxUsersFailed', problem(e));
      }
    }

    // A presence recorded by mistake is set right with one button: the other answer.
    function correction(item, result) {
      const attended = item.status === 'noShow';
      return el('div', { class: 'agenda-actions' }, button(attended ? T.InboxAgendaCorrectAttended : T.InboxAgendaCorrectNoShow,
        () => send(item, result, 'attendance', { attended }, T.InboxAgendaRecorded)));
    }

    function actions(item, result) {
      const box = el('div', { class: 'agenda-actions' });
      const message = el('textarea', { id: `a-msg-${item.id}`, rows: '2', maxlength: '500' });
      const act = (path, body, done) => send(item, result, path, body, done);
      const started = Date.parse(item.start) <= serverNow();
      if (started) {
        box.append(button(T.InboxAgendaAttended, () => act('attendance', { attended: true }, T.InboxAgendaRecorded)),
          button(T.InboxAgendaNoShow, () => act('attendance', { attended: false }, T.InboxAgendaRecorded)));
        return box;
      }
      const slots = el('select', { id: `a-slot-${item.id}` }, ...agenda.freeSlots.map(s => el('option', { value: s, text: slotName(s) })));
      box.append(
        el('label', { for: message.id, text: T.InboxAgendaMessage }), message,
        el('label', { for: slots.id, text: T.InboxAgendaNewTime }), slots,
        button(T.InboxAgendaMove, () => act('move', { start: slots.value, message: message.value }, T.InboxAgendaMoved), { disabled: !agenda.freeSlots.length }),
        button(T.InboxAgendaCancel, () => { if (confirm(T.InboxAgendaCancelConfirm)) act('cancel', { message: message.value }, T.InboxAgendaCancelled); }));
      if (item.linkPerAppointment) {
        const link = el('input', { type: 'url', id: `a-link-${item.id}`, placeholder: 'https://meet.google.com/…', value: item.link || '' });
        box.append(el('label', { for: link.id, text: T.InboxAgendaLink }), link, button(T.InboxAgendaSaveLink, () => act('link', { link: link.value }, T.InboxAgendaLinkSaved)));
      }
      return box;
    }
  }

  pick.addEventListener('change', () => { from = null; load(); });
  main.replaceChildren(el('h1', { text: T.InboxAgendaHeading }), el('label', { for: 'a-unit', text: T.InboxCannedUnit }), pick, tabs, status, list);
  if (pick.value) await load(); else status.textContent = T.InboxAgendaNoUnit;
}

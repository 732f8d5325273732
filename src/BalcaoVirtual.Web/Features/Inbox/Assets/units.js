import { T, api, el, fmt, main, units, useZone, zone } from './core.js';

// Administration of units: what admins may change while the service runs (video link, hours, deadline, managers).
// The server checks a change with the catalogue file's own rules and names the field of each problem.
export async function unitSettings() {
  const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const dayNames = T.InboxUnitsDays.split('|');
  const pick = el('select', { id: 'n-unit' });
  for (const [unitId, name] of Object.entries(units)) pick.append(el('option', { value: unitId, text: name }));
  const result = el('p', { class: 'status', role: 'status' });
  const holder = el('div');
  const path = () => '/api/units/' + encodeURIComponent(pick.value) + '/settings';
  const errorIds = { videoDeskUrl: 'n-video', serviceHours: 'n-hours', sla: 'n-window', 'sla.responseWindowHours': 'n-window',
    'sla.counting': 'n-counting', 'sla.warnBeforeHours': 'n-warn', 'sla.escalateAfterHours': 'n-escalate', managers: 'n-managers',
    'appointments.slotMinutes': 'n-slot', 'appointments.placesPerSlot': 'n-places', 'appointments.daysAhead': 'n-ahead',
    'appointments.minimumNoticeHours': 'n-notice', 'appointments.perContact': 'n-per-contact', 'appointments.meetUrl': 'n-meet',
    'appointments.hours': 'n-appt-hours' };
  const hours = n => n == null ? '' : String(Math.round(n * 100) / 100).replace('.', ','); // pt-BR decimal comma
  const number = text => text.trim() === '' ? null : Number(text.trim().replace(',', '.'));
  const errorSlot = id => el('p', { class: 'error', id: id + '-error' });
  const described = (input, id) => { input.setAttribute('aria-describedby', id + '-error'); return input; };

  function periodRow(period, index, prefix = 'n') {
    const days = el('div', { class: 'days' });
    const row = el('fieldset', { class: 'period' }, el('legend', { text: fmt('InboxUnitsPeriod', index + 1) }), days);
    DAYS.forEach((day, i) => {
      const box = el('input', { type: 'checkbox', value: day, id: `${prefix}-day-${index}-${day}` });
      box.checked = (period.days || []).includes(day);
      days.append(el('label', { for: box.id }, box, ' ' + dayNames[i]));
    });
    const from = el('input', { type: 'time', id: `${prefix}-from-${index}`, value: period.from || '', required: '' });
    const to = el('input', { type: 'time', id: `${prefix}-to-${index}`, value: period.to || '', required: '' });
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
    const appointments = appointmentsFields(s.appointments || { enabled: false });
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
      appointments, save);
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
      // Whole numbers where the server takes whole numbers: "2,5" or "abc" is said here, not sent as nothing.
      const wrong = [...form.querySelectorAll('#n-appt-details input[data-whole], #n-appt-details input[data-decimal]')].filter(i => !i.closest('[hidden]')
        && i.value.trim() !== '' && !(i.hasAttribute('data-whole') ? /^[0-9]+$/ : /^[0-9]+([.,][0-9]+)?$/).test(i.value.trim()));
      if (wrong.length) {
        for (const input of wrong) {
          document.getElementById(input.id + '-error').textContent = T.InboxUnitsWholeNumber;
          input.setAttribute('aria-invalid', 'true');
        }
        result.textContent = fmt('InboxUnitsFailed', T.InboxUnitsWholeNumber);
        wrong[0].focus();
        return;
      }
      const body = {
        videoDeskUrl: video.value,
        serviceHours: [...periods.children].map(r => r.read()),
        sla: { responseWindowHours: number(window_.value), counting: counting.value,
          warnBeforeHours: warn.value.split(/[;\s]+/).filter(Boolean).map(number), escalateAfterHours: number(escalate.value) },
        managers: [...managers.children].map(r => r.read()),
        appointments: appointments.read(),
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

  // Appointments: off, or the slot length, places, the hours (the service hours unless periods are given), how far
  // ahead, the notice, the room (the video-desk link unless another or one per appointment) and the limit per person.
  function appointmentsFields(a) {
    const field = (id, label, value, attrs = { 'data-whole': '' }) => {
      const input = described(el('input', { id, type: 'text', inputmode: 'numeric', value: value == null ? '' : String(value), ...attrs }), id);
      return [el('label', { for: id, text: label }), input, errorSlot(id)];
    };
    const enabled = el('input', { type: 'checkbox', id: 'n-appt' });
    enabled.checked = !!a.enabled;
    const [slotLabel, slot, slotError] = field('n-slot', T.InboxUnitsApptSlot, a.slotMinutes ?? 20);
    const [placesLabel, places, placesError] = field('n-places', T.InboxUnitsApptPlaces, a.placesPerSlot ?? 1);
    const [aheadLabel, ahead, aheadError] = field('n-ahead', T.InboxUnitsApptAhead, a.daysAhead ?? 14);
    const [noticeLabel, notice, noticeError] = field('n-notice', T.InboxUnitsApptNotice, hours(a.minimumNoticeHours ?? 2), { inputmode: 'decimal', 'data-decimal': '' });
    const [perLabel, per, perError] = field('n-per-contact', T.InboxUnitsApptPerContact, a.perContact ?? 1);
    const [meetLabel, meet, meetError] = field('n-meet', T.InboxUnitsApptMeet, a.meetUrl || '', { type: 'url', inputmode: 'url', placeholder: 'https://meet.google.com/…' });
    const perAppointment = el('input', { type: 'checkbox', id: 'n-per-appointment' });
    perAppointment.checked = !!a.linkPerAppointment;
    const outside = el('input', { type: 'checkbox', id: 'n-outside' });
    outside.checked = !!a.outsideServiceHours;
    const periods = el('div', { id: 'n-appt-hours', tabindex: '-1' }, ...(a.hours || []).map((p, i) => periodRow(p, i, 'n-appt')));
    const addPeriod = el('button', { type: 'button', text: T.InboxUnitsApptAddPeriod });
    addPeriod.addEventListener('click', () => periods.append(periodRow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'] }, periods.children.length, 'n-appt')));
    const details = el('div', { id: 'n-appt-details' }, slotLabel, slot, slotError, placesLabel, places, placesError,
      el('p', { class: 'meta', text: T.InboxUnitsApptHoursHint }), periods, addPeriod, errorSlot('n-appt-hours'),
      el('label', { for: outside.id }, outside, ' ' + T.InboxUnitsApptOutside),
      aheadLabel, ahead, aheadError, noticeLabel, notice, noticeError, perLabel, per, perError,
      meetLabel, meet, meetError, el('label', { for: perAppointment.id }, perAppointment, ' ' + T.InboxUnitsApptPerAppointment));
    const toggle = () => { details.hidden = !enabled.checked; };
    enabled.addEventListener('change', toggle);
    toggle();
    const set = el('fieldset', { id: 'n-appointments' }, el('legend', { text: T.InboxUnitsAppt }),
      el('label', { for: enabled.id }, enabled, ' ' + T.InboxUnitsApptEnabled), details);
    const whole = text => text.trim() === '' ? null : Number(text.trim());
    set.read = () => enabled.checked ? {
      enabled: true, slotMinutes: whole(slot.value), placesPerSlot: whole(places.value), daysAhead: whole(ahead.value),
      minimumNoticeHours: number(notice.value), perContact: whole(per.value), meetUrl: meet.value, linkPerAppointment: perAppointment.checked,
      outsideServiceHours: outside.checked, hours: periods.children.length ? [...periods.children].map(r => r.read()) : null,
    } : { enabled: false };
    return set;
  }

  async function load() {
    result.textContent = '';
    useZone(pick.value);
    try { show(await api(path())); } catch (e) { result.textContent = fmt('InboxUsersFailed', e.message); }
  }
  pick.addEventListener('change', load);
  main.replaceChildren(el('h1', { text: T.InboxUnitsHeading }), el('p', { class: 'meta', text: T.InboxUnitsIntro }),
    el('label', { for: 'n-unit', text: T.InboxCannedUnit }), pick, result, holder);
  if (pick.value) await load();
}

import { T, el, fmt } from './core.js';

// Letters without accents, lower case: "Macapá" is found by "macapa".
const plain = text => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * A searchable list of units with check boxes, for courts with dozens of units: typing narrows the list by name or id
 * (every word must match), the chosen units show above as chips that remove them. Keyboard: arrows go from the search box
 * into the list and along it, Escape goes back to the search box, Enter in the search box picks the only unit left.
 * `id` names the fieldset; `choices` is [[unitId, name], ...]. Returns the node and a value (the chosen ids) to get and set.
 */
export function unitPicker(id, legend, choices) {
  const chosen = new Set();
  const chips = el('ul', { class: 'chips', 'aria-label': T.InboxUsersUnitsChosen });
  const none = el('p', { class: 'meta', text: T.InboxUsersUnitsNone });
  const filter = el('input', { id: id + '-filter', type: 'search', autocomplete: 'off', 'aria-controls': id + '-options', 'aria-describedby': `${id}-hint ${id}-count` });
  const count = el('p', { id: id + '-count', class: 'meta', 'aria-live': 'polite' });
  const list = el('ul', { id: id + '-options', class: 'options' });
  const boxes = choices.map(([unitId, name]) => {
    const box = el('input', { type: 'checkbox', value: unitId });
    const item = el('li', {}, el('label', {}, box, ' ' + name + ' ', el('span', { class: 'id', text: unitId })));
    item.dataset.search = plain(name + ' ' + unitId);
    box.addEventListener('change', () => { if (box.checked) chosen.add(unitId); else chosen.delete(unitId); paintChips(); });
    list.append(item);
    return { box, item, name };
  });
  const visible = () => boxes.filter(b => !b.item.hidden).map(b => b.box);

  function paintChips() {
    chips.replaceChildren(...boxes.filter(b => chosen.has(b.box.value)).map(b => {
      const remove = el('button', { type: 'button', text: b.name + ' ×', 'aria-label': fmt('InboxUsersUnitsRemove', b.name) });
      remove.addEventListener('click', () => { b.box.checked = false; chosen.delete(b.box.value); paintChips(); filter.focus(); });
      return el('li', {}, remove);
    }));
    none.hidden = chosen.size > 0;
  }

  function narrow() {
    const words = plain(filter.value).split(/\s+/).filter(Boolean);
    for (const b of boxes) b.item.hidden = !words.every(w => b.item.dataset.search.includes(w));
    const shown = visible().length;
    count.textContent = shown === 0 ? fmt('InboxUsersUnitsNoMatch', filter.value.trim()) : fmt('InboxUsersUnitsShown', shown, boxes.length);
  }

  filter.addEventListener('input', narrow);
  filter.addEventListener('keydown', event => {
    if (event.key === 'ArrowDown') { event.preventDefault(); visible()[0]?.focus(); }
    if (event.key === 'Enter') {
      // Never submits the form around it; with one unit left, picks it.
      event.preventDefault();
      const left = visible();
      if (left.length === 1) left[0].click();
    }
  });
  list.addEventListener('keydown', event => {
    const shown = visible();
    const at = shown.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && at >= 0) { event.preventDefault(); shown[Math.min(at + 1, shown.length - 1)].focus(); }
    if (event.key === 'ArrowUp' && at >= 0) { event.preventDefault(); (at === 0 ? filter : shown[at - 1]).focus(); }
    if (event.key === 'Escape') { event.preventDefault(); filter.focus(); }
  });

  const node = el('fieldset', { class: 'unit-picker', id }, el('legend', { text: legend }), chips, none,
    el('label', { for: filter.id, text: T.InboxUsersUnitsFilter }), filter,
    el('p', { id: id + '-hint', class: 'meta', text: T.InboxUsersUnitsFilterHint }), list, count);
  narrow();
  paintChips();
  return {
    node,
    get value() { return boxes.filter(b => chosen.has(b.box.value)).map(b => b.box.value); },
    set value(ids) {
      chosen.clear();
      for (const b of boxes) { b.box.checked = ids.includes(b.box.value); if (b.box.checked) chosen.add(b.box.value); }
      filter.value = '';
      narrow();
      paintChips();
    },
  };
}

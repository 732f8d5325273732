import { T, el } from './core.js';

// The workspace without a mouse: single keys when no field has the focus, Ctrl+Enter to send from the reply box,
// and "?" for the list of them all.
const KEYS = [
  ['j', 'InboxKeyNext'], ['k', 'InboxKeyPrevious'], ['r', 'InboxKeyReply'], ['Ctrl+Enter', 'InboxKeySend'], ['n', 'InboxKeyNote'],
  ['a', 'InboxKeyClaim'], ['e', 'InboxKeyClose'], ['/', 'InboxKeySearch'], ['?', 'InboxKeyHelp'], ['Esc', 'InboxKeyEscape'],
];

export function help() {
  let dialog = document.getElementById('shortcuts');
  if (!dialog) {
    dialog = el('dialog', { id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' },
      el('h2', { id: 'shortcuts-title', text: T.InboxKeysTitle }),
      el('dl', {}, ...KEYS.flatMap(([key, text]) => [el('dt', {}, el('kbd', { text: key })), el('dd', { text: T[text] })])),
      el('form', { method: 'dialog' }, el('button', { type: 'submit', text: T.InboxKeysClose })));
    document.body.append(dialog);
  }
  dialog.showModal();
}

const typing = target => target instanceof Element && target.closest('input, textarea, select, [contenteditable=true]') !== null;

/** Binds the shortcuts; <actions> are next, previous, claim and close (the rest acts on the page's own fields). */
export function shortcuts(actions) {
  document.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && event.target.id === 'reply') {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.key === 'Escape' && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || document.querySelector('dialog[open]')) return;
    const focus = id => { const field = document.getElementById(id); if (field) { event.preventDefault(); field.focus(); } };
    switch (event.key) {
      case 'j': event.preventDefault(); actions.next(); break;
      case 'k': event.preventDefault(); actions.previous(); break;
      case 'r': focus('reply'); break;
      case 'n': document.querySelector('details.more')?.setAttribute('open', ''); focus('note'); break;
      case 'a': document.getElementById('claim')?.click(); break;
      case 'e': document.getElementById('close')?.click(); break;
      case '/': focus('f-q'); break;
      case '?': event.preventDefault(); help(); break;
      default: break;
    }
  });
}

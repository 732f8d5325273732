import { T, csrf, el } from './core.js';

// The live channel: the server says which conversation changed (ids only); the page reads it again through the API.
// A note says when the connection drops and when it is back; what changed meanwhile is read again on return.
export const liveNote = el('p', { id: 'live-note', class: 'live-note', role: 'status', hidden: true });

let current = null;

/** Tells the server something about this page (what it has open, typing); nothing while the connection is down. */
export function send(method, ...args) {
  if (current?.state === 'Connected') current.invoke(method, ...args).catch(() => { /* refused or dropped: the next heartbeat says it again */ });
}

export function connect({ changed, presence, status, reconnected }) {
  if (!window.signalR) return null;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/inbox', { headers: { 'X-CSRF-Token': csrf } })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => Math.min(30000, 1000 * 2 ** Math.min(c.previousRetryCount, 5)) })
    .build();
  let hide = null;
  const say = (text, kind) => {
    clearTimeout(hide);
    liveNote.textContent = text;
    liveNote.className = 'live-note ' + kind;
    liveNote.hidden = false;
  };
  const lost = () => say(T.InboxLiveLost, 'lost');
  const back = () => {
    say(T.InboxLiveBack, 'back');
    hide = setTimeout(() => { liveNote.hidden = true; }, 5000);
    reconnected();
  };
  connection.on('changed', id => changed(id));
  connection.on('presence', id => presence(id));
  connection.on('status', id => status(id));
  current = connection;
  connection.onreconnecting(lost);
  connection.onreconnected(back);
  // Past the automatic retries: keep trying, slowly, for as long as the page is open.
  const start = () => connection.start().then(() => { if (!liveNote.hidden) back(); else reconnected(); })
    .catch(() => { lost(); setTimeout(start, 15000); });
  connection.onclose(() => { lost(); setTimeout(start, 5000); });
  start();
  return connection;
}

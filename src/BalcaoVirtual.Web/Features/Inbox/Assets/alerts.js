import { T, el } from './core.js';

// Optional ways to be told what arrives while the clerk looks elsewhere: a short sound, and the browser's
// notifications (permission asked for on the clerk's click, never on load). Both remembered on this computer.
const stored = name => localStorage.getItem('balcao.' + name) === 'on';
const settings = { sound: stored('sound'), notify: stored('notify') && 'Notification' in window && Notification.permission === 'granted' };
let audio = null;

function beep() {
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.35);
  } catch { /* no sound device: the title still counts */ }
}

function toggle(name, label, enable) {
  const b = el('button', { type: 'button', id: 'alerts-' + name, class: 'toggle', 'aria-pressed': String(settings[name]), text: label });
  b.addEventListener('click', async () => {
    const on = !settings[name] && await enable();
    settings[name] = on;
    localStorage.setItem('balcao.' + name, on ? 'on' : 'off');
    b.setAttribute('aria-pressed', String(on));
  });
  return b;
}

export const alerts = {
  controls: () => el('div', { class: 'alerts' },
    toggle('sound', T.InboxAlertSound, async () => { beep(); return true; }),
    'Notification' in window ? toggle('notify', T.InboxAlertNotify, async () => (await Notification.requestPermission()) === 'granted') : ''),

  /** Something new in the clerk's units: a sound and a notification unless the clerk is looking at it. */
  notify(title, body, id, looking) {
    if (looking) return;
    if (settings.sound) beep();
    if (settings.notify && document.visibilityState !== 'visible') {
      const n = new Notification(title, { body, tag: 'balcao-' + id, lang: 'pt-BR' });
      n.onclick = () => { window.focus(); location.href = '/inbox/conversations/' + encodeURIComponent(id); };
    }
  },
};

// Outpace console: the session expiry warning (S8, WCAG 2.2.1). The server
// renders a closed <dialog id="op-session"> with the session's remaining
// milliseconds; this opens it two minutes before the end. "Stay signed in" or
// Escape renews the session (POST /session/renew); at the end the dialog and a
// notice in the page say the session has ended and link to the login page.
// Every response of the console carries X-Outpace-Session-Expires-In, so htmx
// navigation (which slides the session) moves the deadline. No eval, no inline code.
(() => {
  const dialog = document.getElementById('op-session');
  if (!(dialog instanceof HTMLDialogElement)) return;
  const warnMs = Number(dialog.dataset.warnMs) || 120000;
  const warning = dialog.querySelector('[data-session-state="warning"]');
  const ended = dialog.querySelector('[data-session-state="ended"]');
  const notice = document.getElementById('op-session-ended');
  let deadline = Date.now() + (Number(dialog.dataset.expiresIn) || 0);
  let warnTimer = 0;
  let endTimer = 0;
  let over = false;
  // Where focus was before the dialog opened, to return it afterwards.
  let before = null;

  // Tabs of the same browser share the session: each tells the others when its requests moved the deadline.
  const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('outpace-session') : null;

  function schedule(expiresIn, fromOtherTab = false) {
    if (over) return;
    deadline = Date.now() + expiresIn;
    if (!fromOtherTab) tabs?.postMessage({ deadline });
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(0, expiresIn - warnMs));
    endTimer = window.setTimeout(end, Math.max(0, expiresIn));
  }

  function open() {
    if (dialog.open) return;
    before = document.activeElement;
    dialog.showModal();
  }

  function warn() {
    if (over || Date.now() >= deadline) return;
    open();
    dialog.querySelector('[data-session-stay]')?.focus();
  }

  function end() {
    if (over) return;
    if (Date.now() < deadline - 1000) return schedule(deadline - Date.now());
    over = true;
    const next = encodeURIComponent(location.pathname + location.search);
    for (const link of document.querySelectorAll('[data-session-login]')) {
      link.setAttribute('href', `${link.getAttribute('href').split('?')[0]}?next=${next}`);
    }
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute('aria-labelledby', 'op-session-ended-title');
    dialog.setAttribute('aria-describedby', 'op-session-ended-text');
    if (notice) notice.hidden = false;
    open();
    dialog.querySelector('[data-session-login]')?.focus();
  }

  async function stay() {
    if (over) return;
    const meta = document.querySelector('meta[name="csrf-token"]');
    let response;
    try {
      response = await fetch(dialog.dataset.renewUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': meta ? meta.getAttribute('content') : '', Accept: 'application/json' },
      });
    } catch {
      // Offline for a moment: keep the dialog open so the user can try again.
      return;
    }
    if (!response.ok) {
      deadline = 0;
      end();
      return;
    }
    const body = await response.json();
    dialog.close();
    if (before?.isConnected) before.focus();
    schedule(Number(body.expiresIn) || 0);
    window.outpaceAnnounce?.(dialog.dataset.renewed);
  }

  dialog.querySelector('[data-session-stay]')?.addEventListener('click', () => {
    stay();
  });
  dialog.querySelector('[data-session-close]')?.addEventListener('click', () => dialog.close());
  // Escape means "stay" while the warning shows; once the session has ended it just closes the dialog.
  dialog.addEventListener('cancel', (event) => {
    if (over) return;
    event.preventDefault();
    stay();
  });

  tabs?.addEventListener('message', (event) => {
    const later = Number(event.data?.deadline) - Date.now();
    if (over || !(later > deadline - Date.now())) return;
    if (dialog.open) {
      dialog.close();
      if (before?.isConnected) before.focus();
    }
    schedule(later, true);
  });

  document.addEventListener('htmx:afterRequest', (event) => {
    const header = event.detail.xhr?.getResponseHeader('X-Outpace-Session-Expires-In');
    if (header !== null && header !== undefined && !dialog.open) schedule(Number(header));
  });

  schedule(deadline - Date.now());
})();

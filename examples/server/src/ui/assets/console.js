// Outpace console: focus management after htmx swaps, the polite live region,
// the CSRF header of htmx requests and the file-drop enhancement. No eval, no
// inline handlers (strict CSP).
(() => {
  const live = () => document.getElementById('op-live');

  /** Announces text in the polite live region (cleared first so repeats are read). */
  function announce(text) {
    const region = live();
    if (!region || !text) return;
    region.textContent = '';
    window.setTimeout(() => {
      region.textContent = text;
    }, 50);
  }
  window.outpaceAnnounce = announce;
  // When the server announced something (a save), the page swap that follows does not talk over it.
  let serverSaidAt = 0;

  document.addEventListener('htmx:configRequest', (event) => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers['X-CSRF-Token'] = meta.getAttribute('content');
  });

  document.addEventListener('htmx:beforeRequest', (event) => {
    const target = event.detail.target;
    if (target) target.setAttribute('aria-busy', 'true');
  });
  document.addEventListener('htmx:afterRequest', (event) => {
    const target = event.detail.target;
    if (target?.isConnected) target.removeAttribute('aria-busy');
    const main = document.getElementById('main');
    if (main) main.removeAttribute('aria-busy');
  });

  // After a swap, focus the error summary, an element that asks for focus, or (for #main) the page heading, and
  // announce the new page politely. Live fragments ([data-live], e.g. SSE progress) never move focus.
  document.addEventListener('htmx:afterSettle', (event) => {
    const target = event.detail.target;
    if (!target || target.hasAttribute?.('data-live')) return;
    const current = target.isConnected ? target : target.id ? document.getElementById(target.id) : null;
    if (!current) return;
    const isMain = current.id === 'main';
    const summary = current.querySelector('#error-summary');
    const focus = summary || current.querySelector('[data-autofocus]') || (isMain ? current.querySelector('h1') : null);
    if (focus) focus.focus();
    if (isMain && !summary && Date.now() - serverSaidAt > 3000) {
      const heading = current.querySelector('h1');
      if (heading) announce(heading.textContent.trim());
    }
  });

  // Content that carries its own announcement (a finished job, dry-run counts) is read once when it appears.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        const carrier = node.matches('[data-announce]') ? node : node.querySelector('[data-announce]');
        if (carrier) {
          serverSaidAt = Date.now();
          announce(carrier.getAttribute('data-announce'));
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Server messages: HX-Trigger {"op:announce": "Saved."}
  document.addEventListener('op:announce', (event) => {
    serverSaidAt = Date.now();
    announce(event.detail?.value ?? '');
  });

  // Theme preview: the appearance radio buttons apply at once (the form still saves).
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.name === 'theme' && input.closest('[data-theme-form]')) {
      document.documentElement.setAttribute('data-theme', input.value);
    }
  });

  // Dialog openers: a link [data-opens-dialog="id"] (a page of its own without JavaScript) opens that modal
  // <dialog>; [data-closes-dialog] inside closes it. The browser moves focus in, keeps it there and returns it.
  document.addEventListener('click', (event) => {
    const opener = event.target instanceof Element ? event.target.closest('[data-opens-dialog]') : null;
    const dialog = opener && document.getElementById(opener.getAttribute('data-opens-dialog'));
    if (dialog instanceof HTMLDialogElement) {
      event.preventDefault();
      dialog.showModal();
      return;
    }
    const closer = event.target instanceof Element ? event.target.closest('[data-closes-dialog]') : null;
    closer?.closest('dialog')?.close();
  });

  // File drop: a labelled <input type=file> inside [data-file-drop] also accepts a dropped file.
  function enhanceDrops(root) {
    for (const zone of root.querySelectorAll('[data-file-drop]')) {
      if (zone.dataset.enhanced) continue;
      zone.dataset.enhanced = '1';
      const input = zone.querySelector('input[type=file]');
      const name = zone.querySelector('[data-file-name]');
      const show = () => {
        if (name && input.files?.[0]) {
          name.textContent = input.files[0].name;
          announce(name.textContent);
        }
      };
      input.addEventListener('change', show);
      zone.addEventListener('dragover', (e) => {
        e.preventDefault();
        zone.classList.add('op-drag');
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('op-drag'));
      zone.addEventListener('drop', (e) => {
        e.preventDefault();
        zone.classList.remove('op-drag');
        if (e.dataTransfer?.files?.length) {
          input.files = e.dataTransfer.files;
          input.dispatchEvent(new Event('change', { bubbles: true }));
        }
      });
    }
  }
  // Countdowns ([data-countdown-to], the explainer's next allowed time): rendered by the server at check time and kept
  // current once a minute from the server's clock (data-now, so a skewed browser clock does not matter) with the
  // server's templates. role=timer is not announced; the text changes at most once a minute.
  function tickCountdowns() {
    for (const el of document.querySelectorAll('[data-countdown-to]')) {
      if (!el.dataset.offset) el.dataset.offset = String(Number(el.dataset.now) - Date.now());
      const left = Number(el.dataset.countdownTo) - (Date.now() + Number(el.dataset.offset));
      const minutes = Math.ceil(left / 60000);
      const h = Math.floor(minutes / 60);
      const text =
        left <= 0
          ? el.dataset.fmtDue
          : (h > 0 ? el.dataset.fmtHm : el.dataset.fmtM).replace('{h}', String(h)).replace('{m}', String(minutes % 60));
      if (text && el.textContent !== text) el.textContent = text;
    }
  }
  setInterval(tickCountdowns, 15000);
  document.addEventListener('htmx:load', tickCountdowns);
  document.addEventListener('DOMContentLoaded', () => {
    tickCountdowns();
    enhanceDrops(document);
    // A page re-rendered after a plain (no-htmx) post: focus its error summary.
    document.getElementById('error-summary')?.focus();
  });
  document.addEventListener('htmx:load', (event) => enhanceDrops(event.detail.elt.parentElement || document));
})();

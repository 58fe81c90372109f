import type { FC } from 'hono/jsx';
import { addMessages, t } from '../i18n.js';
import type { ConsoleContext } from '../session.js';

addMessages({
  'session.warnTitle': 'Your session is about to end',
  'session.warnText':
    'You have not used the console for a while. For your security you will be signed out in 2 minutes, and changes you have not saved will be lost.',
  'session.stay': 'Stay signed in',
  'session.renewed': 'You are still signed in.',
  'session.endedTitle': 'Your session has ended',
  'session.endedText': 'You were signed out after a period of inactivity. Log in again to continue.',
  'session.login': 'Log in again',
  'session.close': 'Close',
});

/** How long before the session ends the warning opens (WCAG 2.2.1: at least 20 s to react). */
export const SESSION_WARNING_MS = 2 * 60_000;

/**
 * The session expiry warning (S8): a closed native `<dialog>` that
 * `assets/session.js` opens {@link SESSION_WARNING_MS} before the session
 * ends. "Stay signed in" (or Escape) renews the session through
 * `POST /session/renew`; when the session has ended, the dialog says so and
 * links to the login page. Rendered only for the console's own sessions.
 */
export const SessionDialog: FC<{ ctx: ConsoleContext }> = ({ ctx }) => (
  <dialog
    id="op-session"
    class="op-dialog"
    aria-labelledby="op-session-warn-title"
    aria-describedby="op-session-warn-text"
    data-expires-in={String(ctx.sessionExpiresIn ?? 0)}
    data-warn-ms={String(SESSION_WARNING_MS)}
    data-renew-url={ctx.url('/session/renew')}
    data-renewed={t('session.renewed')}
  >
    <div data-session-state="warning">
      <h2 id="op-session-warn-title">{t('session.warnTitle')}</h2>
      <p id="op-session-warn-text">{t('session.warnText')}</p>
      <div class="op-actions">
        <button type="button" class="op-button" data-session-stay="" autofocus>
          {t('session.stay')}
        </button>
      </div>
    </div>
    <div data-session-state="ended" hidden>
      <h2 id="op-session-ended-title">{t('session.endedTitle')}</h2>
      <p id="op-session-ended-text">{t('session.endedText')}</p>
      <div class="op-actions">
        <a class="op-button" href={ctx.url('/login')} data-session-login="">
          {t('session.login')}
        </a>
        <button type="button" class="op-button op-quiet" data-session-close="">
          {t('session.close')}
        </button>
      </div>
    </div>
  </dialog>
);

/** The notice left in the page once the session has ended (shown by `assets/session.js`). */
export const SessionEndedNotice: FC<{ ctx: ConsoleContext }> = ({ ctx }) => (
  <p id="op-session-ended" class="op-session-ended" role="alert" hidden>
    {t('session.endedText')}{' '}
    <a href={ctx.url('/login')} data-session-login="">
      {t('session.login')}
    </a>
  </p>
);

import type { Child, FC } from 'hono/jsx';
import { SessionDialog, SessionEndedNotice } from './components/session-dialog.js';
import { t } from './i18n.js';
import type { ConsoleContext } from './session.js';

/** The four top-level sections of the console. */
export type Section = 'campaigns' | 'lists' | 'compliance' | 'settings';

/** A link of a section's sub-navigation. */
export interface SubNavItem {
  href: string;
  label: string;
}

/** Attributes that make a link or form swap `#main` through htmx and push the URL (explicit, htmx-4-ready). */
export function swapMain(url: string): Record<string, string> {
  return { 'hx-get': url, 'hx-target': '#main', 'hx-select': '#main', 'hx-swap': 'outerHTML', 'hx-push-url': 'true' };
}

/** A navigation link that swaps `#main` when htmx runs and is a plain link otherwise. */
export const NavLink: FC<{ href: string; current?: boolean; class?: string; children?: Child }> = (props) => (
  <a href={props.href} {...swapMain(props.href)} class={props.class} aria-current={props.current ? 'page' : undefined}>
    {props.children}
  </a>
);

const SECTIONS: { id: Section; path: string }[] = [
  { id: 'campaigns', path: '/campaigns' },
  { id: 'lists', path: '/lists' },
  { id: 'compliance', path: '/compliance' },
  { id: 'settings', path: '/settings' },
];

/** Props of {@link Layout}. */
export interface LayoutProps {
  ctx: ConsoleContext;
  title: string;
  section?: Section;
  /** Sub-navigation of the section; the item whose href equals `current` is marked. */
  subnav?: SubNavItem[];
  current?: string;
  /** Pages showing personal data keep htmx from copying them into localStorage. @default true */
  noHistory?: boolean;
  children?: Child;
}

/**
 * The console's page: top bar with the four sections, the signed-in user and
 * log-out, an optional sub-navigation, `#main` (the swap target of every
 * navigation; focus moves to its heading after a swap) and the polite live
 * region `#op-live` that announces saves and state changes.
 */
export const Layout: FC<LayoutProps> = (props) => {
  const { ctx } = props;
  const asset = (name: string) => ctx.url(`/assets/${name}`);
  return (
    <html lang={ctx.locale} dir="ltr" data-theme={ctx.theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={ctx.theme === 'system' ? 'light dark' : ctx.theme} />
        <meta
          name="htmx-config"
          content={JSON.stringify({
            allowEval: false,
            includeIndicatorStyles: false,
            historyCacheSize: 0,
            selfRequestsOnly: true,
            responseHandling: [
              { code: '204', swap: false },
              { code: '[23]..', swap: true },
              { code: '422', swap: true },
              { code: '[45]..', swap: true, error: true },
            ],
          })}
        />
        {ctx.csrf === undefined ? null : <meta name="csrf-token" content={ctx.csrf} />}
        <title>{`${props.title} · ${t('app.name')}`}</title>
        <link rel="stylesheet" href={asset('console.css')} />
        <script src={asset('htmx.min.js')} defer />
        <script src={asset('htmx-ext-sse.js')} defer />
        <script src={asset('console.js')} defer />
        {ctx.sessionExpiresIn === undefined ? null : <script src={asset('session.js')} defer />}
      </head>
      <body class="op-console" hx-ext="sse">
        <a class="op-skip" href="#main">
          {t('app.skip')}
        </a>
        <header class="op-top">
          <a class="op-brand" href={ctx.url('/')}>
            {t('app.name')}
          </a>
          {ctx.auth === undefined ? null : (
            <>
              <nav aria-label={t('nav.label')} class="op-nav">
                <ul>
                  {SECTIONS.map((s) => (
                    <li>
                      <NavLink href={ctx.url(s.path)} current={props.section === s.id}>
                        {t(`nav.${s.id}`)}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="op-user">
                <NavLink href={ctx.url('/contacts/search')}>{t('nav.search')}</NavLink>
                <span>{t('nav.signedInAs', { name: ctx.auth.actor.label, role: ctx.auth.role })}</span>
                {ctx.embedded ? null : (
                  <form method="post" action={ctx.url('/logout')}>
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button type="submit" class="op-button op-quiet">
                      {t('nav.logout')}
                    </button>
                  </form>
                )}
              </div>
            </>
          )}
        </header>
        {ctx.sessionExpiresIn === undefined ? null : <SessionEndedNotice ctx={ctx} />}
        <div class="op-frame">
          <main id="main" tabindex={-1} hx-history={props.noHistory === false ? undefined : 'false'}>
            {props.subnav === undefined || props.section === undefined ? null : (
              <nav aria-label={t('nav.sub', { section: t(`nav.${props.section}`) })} class="op-subnav">
                <ul>
                  {props.subnav.map((item) => (
                    <li>
                      <NavLink href={item.href} current={item.href === props.current}>
                        {item.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            <div class="op-content">{props.children}</div>
          </main>
        </div>
        <div id="op-live" role="status" aria-live="polite" class="op-visually-hidden" />
        {ctx.sessionExpiresIn === undefined ? null : <SessionDialog ctx={ctx} />}
      </body>
    </html>
  );
};

/** The page heading; focus lands on it after a navigation swap. */
export const PageTitle: FC<{ children?: Child; actions?: Child }> = (props) => (
  <div class="op-titlebar">
    <h1 tabindex={-1} data-focus-target="">
      {props.children}
    </h1>
    {props.actions === undefined ? null : <div class="op-actions">{props.actions}</div>}
  </div>
);

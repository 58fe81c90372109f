import { setCookie } from 'hono/cookie';
import { z } from 'zod';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
import { Form, formValues, validateForm } from '../components/form.js';
import { addMessages, t } from '../i18n.js';
import { Layout, PageTitle, type SubNavItem } from '../layout.js';
import { type ConsoleContext, THEME_COOKIE, THEMES } from '../session.js';

addMessages({
  'settings.tenant': 'Tenant settings',
  'settings.users': 'Users and roles',
  'settings.apiKeys': 'API keys',
  'settings.audit': 'Audit log',
});

/** The Settings section's sub-navigation. */
export function settingsNav(ctx: ConsoleContext): SubNavItem[] {
  const items: SubNavItem[] = [];
  if (ctx.can('settings:read')) items.push({ href: ctx.url('/settings/tenant'), label: t('settings.tenant') });
  if (ctx.can('users:read')) items.push({ href: ctx.url('/settings/users'), label: t('settings.users') });
  if (ctx.can('apiKeys:read')) items.push({ href: ctx.url('/settings/api-keys'), label: t('settings.apiKeys') });
  if (ctx.can('audit:read')) items.push({ href: ctx.url('/settings/audit'), label: t('settings.audit') });
  items.push({ href: ctx.url('/settings/appearance'), label: t('appearance.title') });
  return items;
}

const AppearanceForm = z.object({ theme: z.enum(THEMES) });

const AppearancePage = (props: { ctx: ConsoleContext }) => {
  const { ctx } = props;
  const current = ctx.url('/settings/appearance');
  return (
    <Layout ctx={ctx} title={t('appearance.title')} section="settings" subnav={settingsNav(ctx)} current={current}>
      <PageTitle>{t('appearance.title')}</PageTitle>
      <Form ctx={ctx} action={current} label={t('appearance.title')}>
        <fieldset class="op-radios" data-theme-form="">
          <legend>{t('appearance.theme')}</legend>
          {THEMES.map((theme) => (
            <label>
              <input type="radio" name="theme" value={theme} checked={ctx.theme === theme} />
              {t(`appearance.${theme}`)}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" class="op-button">
            {t('form.save')}
          </button>
        </div>
      </Form>
    </Layout>
  );
};

/** Settings: appearance (light, dark, system), kept in a cookie per browser. */
export function settingsRoutes(ui: ConsoleRouter): void {
  ui.get('/settings', requirePage(), (c) => {
    const ctx = c.get('ui');
    const first = settingsNav(ctx)[0];
    return c.redirect(first?.href ?? ctx.url('/settings/appearance'), 303);
  });
  ui.get('/settings/appearance', requirePage(), (c) => c.html(<AppearancePage ctx={c.get('ui')} />));
  ui.post('/settings/appearance', requirePage(), async (c) => {
    const ctx = c.get('ui');
    const form = validateForm(AppearanceForm, formValues(await c.req.parseBody()));
    if (form.ok) {
      setCookie(c, THEME_COOKIE, form.data.theme, {
        path: ctx.base || '/',
        sameSite: 'Lax',
        httpOnly: true,
        maxAge: 400 * 86400,
      });
    }
    return afterChange(c, ctx.url('/settings/appearance'), t('appearance.saved'));
  });
}

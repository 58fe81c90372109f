import { isOutpaceError } from '@outpace/core';
import type { Child, FC } from 'hono/jsx';
import type { z } from 'zod';
import { t } from '../i18n.js';
import type { ConsoleContext } from '../session.js';

/** Field errors by field name (the zod issue path joined with "."). */
export type FieldErrors = Record<string, string>;

/** The outcome of {@link validateForm}. */
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Validates submitted form values with a zod schema (the API's schema for the
 * same resource), returning the data or one message per field: the first
 * issue of each path.
 */
export function validateForm<S extends z.ZodType>(schema: S, values: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: issuesToErrors(parsed.error.issues) };
}

function issuesToErrors(issues: readonly { path: readonly PropertyKey[] | string; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = (typeof issue.path === 'string' ? issue.path : issue.path.map(String).join('.')) || '_form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Field errors of a service error: a `VALIDATION_FAILED` error's issues by
 * path, any other Outpace error as a form-level message. Anything else is
 * re-thrown (a bug, not a user mistake).
 */
export function serviceErrors(err: unknown): FieldErrors {
  if (!isOutpaceError(err)) throw err;
  const issues = (err.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  if (err.code === 'VALIDATION_FAILED' && Array.isArray(issues) && issues.length > 0) {
    const errors = issuesToErrors(issues);
    return errors;
  }
  return { _form: err.message };
}

/** Form values as strings from a parsed body (files and repeated fields dropped). */
export function formValues(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** Id of a field's input (labels, error links and `aria-describedby` all use it). */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/**
 * The error summary shown above a form that failed validation: `role=alert`,
 * focused after the swap, each message a link to its field.
 */
export const ErrorSummary: FC<{ errors?: FieldErrors | undefined; labels?: Record<string, string> }> = (props) => {
  const entries = Object.entries(props.errors ?? {});
  if (entries.length === 0) return null;
  return (
    <div class="op-error-summary" role="alert" tabindex={-1} id="error-summary" data-focus-target="">
      <h2>{t('form.errorSummary', { count: entries.length })}</h2>
      <ul>
        {entries.map(([name, message]) =>
          name === '_form' ? (
            <li>{message}</li>
          ) : (
            <li>
              <a href={`#${fieldId(name)}`}>
                {props.labels?.[name] === undefined ? '' : `${props.labels[name]}: `}
                {message}
              </a>
            </li>
          ),
        )}
      </ul>
    </div>
  );
};

/** Props of {@link Field}. */
export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string | number | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  /** Extra input attributes (min, max, pattern, inputmode…). */
  attrs?: Record<string, string | number | boolean>;
  readOnly?: boolean;
}

/**
 * A labelled input whose hint and error are linked by `aria-describedby`, with
 * `aria-invalid` when the server rejected its value. `type="textarea"` renders
 * a text area.
 */
export const Field: FC<FieldProps> = (props) => {
  const id = fieldId(props.name);
  const described = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: props.name,
    required: props.required,
    'aria-invalid': props.error ? 'true' : undefined,
    'aria-describedby': described || undefined,
    readonly: props.readOnly,
    ...props.attrs,
  };
  return (
    <div class={props.error ? 'op-field op-invalid' : 'op-field'}>
      <label for={id}>
        {props.label}
        {props.required ? null : <span class="op-muted"> {t('form.optional')}</span>}
      </label>
      {props.hint ? (
        <p class="op-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="op-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </p>
      ) : null}
      {props.type === 'textarea' ? (
        <textarea {...common}>{props.value}</textarea>
      ) : (
        <input type={props.type ?? 'text'} value={props.value} autocomplete={props.autocomplete} {...common} />
      )}
    </div>
  );
};

/** A labelled select, linked to its error like {@link Field}. */
export const SelectField: FC<FieldProps & { options: { value: string; label: string }[] }> = (props) => {
  const id = fieldId(props.name);
  const described = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'op-field op-invalid' : 'op-field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="op-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="op-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </p>
      ) : null}
      <select
        id={id}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described || undefined}
        disabled={props.readOnly}
        {...props.attrs}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={String(props.value ?? '') === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
};

/** Props of {@link Form}. */
export interface FormProps {
  ctx: ConsoleContext;
  action: string;
  /** Accessible name of the form. */
  label?: string;
  multipart?: boolean;
  /** Where htmx swaps the response. @default '#main' */
  target?: string;
  children?: Child;
  class?: string;
  id?: string;
}

/**
 * A POST form that works without JavaScript (plain post, redirect) and, with
 * htmx, swaps the server's answer into `#main` (422 re-renders with errors).
 * Carries the session's CSRF token.
 */
export const Form: FC<FormProps> = (props) => {
  const target = props.target ?? '#main';
  return (
    <form
      id={props.id}
      class={props.class ?? 'op-form'}
      method="post"
      action={props.action}
      enctype={props.multipart ? 'multipart/form-data' : undefined}
      aria-label={props.label}
      hx-post={props.action}
      hx-target={target}
      hx-select={target}
      hx-swap="outerHTML"
      hx-encoding={props.multipart ? 'multipart/form-data' : undefined}
    >
      <input type="hidden" name="_csrf" value={props.ctx.csrf} />
      {props.children}
    </form>
  );
};

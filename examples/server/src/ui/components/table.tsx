import type { Child, FC } from 'hono/jsx';
import { t } from '../i18n.js';
import { swapMain } from '../layout.js';

/** One column of a {@link DataTable}. */
export interface Column<T> {
  key: string;
  label: string;
  /** The column can be sorted by the server (`?sort=key` / `?sort=-key`). */
  sortable?: boolean;
  /** Right-aligned, tabular digits. */
  numeric?: boolean;
  /** The row's header cell (`<th scope="row">`). */
  rowHeader?: boolean;
  render(row: T): Child;
}

/**
 * A table's state in the URL: sort, filters, keyset cursor and page size, so
 * every view can be bookmarked and reloaded (the server owns all of it).
 */
export interface TableState {
  /** Column key, `-` prefixed for descending. */
  sort?: string | undefined;
  /** The cursor this page starts after (keyset paging). */
  after?: string | undefined;
  limit: number;
  /** Filter values by name. */
  filters: Record<string, string>;
}

/** Reads a {@link TableState} from a query string: `sort`, `after`, `limit` (1..max) and the named filters. */
export function readTableState(
  query: Record<string, string | undefined>,
  options: { filters?: readonly string[]; defaultLimit?: number; maxLimit?: number; sortable?: readonly string[] } = {},
): TableState {
  const max = options.maxLimit ?? 200;
  const limitRaw = Number(query.limit);
  const limit = Number.isInteger(limitRaw) && limitRaw >= 1 ? Math.min(limitRaw, max) : (options.defaultLimit ?? 50);
  const sortRaw = query.sort;
  const sort =
    sortRaw !== undefined && (options.sortable ?? []).includes(sortRaw.replace(/^-/, '')) ? sortRaw : undefined;
  const filters: Record<string, string> = {};
  for (const name of options.filters ?? []) {
    const v = query[name]?.trim();
    if (v) filters[name] = v.slice(0, 200);
  }
  return { sort, after: query.after || undefined, limit, filters };
}

/** The URL of a table state (only the parts that differ from the defaults). */
export function tableUrl(base: string, state: Partial<TableState>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters ?? {})) if (v !== '') params.set(k, v);
  if (state.sort !== undefined) params.set('sort', state.sort);
  if (state.limit !== undefined) params.set('limit', String(state.limit));
  if (state.after !== undefined) params.set('after', state.after);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const qs = params.toString();
  return qs === '' ? base : `${base}?${qs}`;
}

/** Sorts rows in memory by a column accessor (for small, fully loaded collections such as lists or labels). */
export function sortRows<T>(rows: T[], sort: string | undefined, by: Record<string, (row: T) => string | number>): T[] {
  if (sort === undefined) return rows;
  const key = sort.replace(/^-/, '');
  const get = by[key];
  if (get === undefined) return rows;
  const dir = sort.startsWith('-') ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  });
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  id: string;
  caption: string;
  columns: Column<T>[];
  rows: T[];
  /** Path of the page (state is appended as a query string). */
  path: string;
  state: TableState;
  /** Cursor of the next page; absent on the last page. */
  nextCursor?: string | undefined;
  /** Row number of the first row shown (1 on the first page), when known. */
  firstRow?: number | undefined;
  rowKey(row: T): string;
  empty?: Child;
}

/**
 * A server-driven table: real `<table>` semantics with a caption and scoped
 * headers, sortable headers as links that carry the state in the URL
 * (`aria-sort` on the sorted one), and keyset paging ("First page" / "Next
 * page"), so page 20,000 costs what page 1 does.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { state } = props;
  const currentKey = state.sort?.replace(/^-/, '');
  const descending = state.sort?.startsWith('-') ?? false;
  const first = props.firstRow;
  return (
    <div class="op-table-wrap" id={props.id}>
      <table class="op-table">
        <caption>
          {props.caption}
          {first === undefined || props.rows.length === 0 ? null : (
            <span class="op-muted"> · {t('table.position', { from: first, to: first + props.rows.length - 1 })}</span>
          )}
        </caption>
        <thead>
          <tr>
            {props.columns.map((col) => {
              const sorted = currentKey === col.key;
              const nextSort = sorted && !descending ? `-${col.key}` : col.key;
              const href = tableUrl(props.path, { ...state, after: undefined, sort: nextSort });
              return (
                <th
                  scope="col"
                  class={col.numeric ? 'op-num' : undefined}
                  aria-sort={sorted ? (descending ? 'descending' : 'ascending') : undefined}
                >
                  {col.sortable ? (
                    <a href={href} {...swapMain(href)} aria-label={t('table.sortBy', { column: col.label })}>
                      {col.label}
                      <span aria-hidden="true" class="op-sort-mark">
                        {sorted ? (descending ? ' ▼' : ' ▲') : ' ↕'}
                      </span>
                    </a>
                  ) : (
                    col.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colspan={props.columns.length}>{props.empty ?? t('table.empty')}</td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr data-key={props.rowKey(row)}>
                {props.columns.map((col) =>
                  col.rowHeader ? (
                    <th scope="row">{col.render(row)}</th>
                  ) : (
                    <td class={col.numeric ? 'op-num' : undefined}>{col.render(row)}</td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
      <Pager path={props.path} state={state} nextCursor={props.nextCursor} label={props.caption} />
    </div>
  );
}

/** Keyset pager: "First page" while not on it, "Next page" while there is one. */
export const Pager: FC<{ path: string; state: TableState; nextCursor?: string | undefined; label: string }> = (
  props,
) => {
  const firstHref = tableUrl(props.path, { ...props.state, after: undefined });
  const nextHref =
    props.nextCursor === undefined ? undefined : tableUrl(props.path, { ...props.state, after: props.nextCursor });
  if (props.state.after === undefined && nextHref === undefined) return null;
  return (
    <nav class="op-pager" aria-label={t('table.pagesOf', { table: props.label })}>
      {props.state.after === undefined ? null : (
        <a href={firstHref} {...swapMain(firstHref)} class="op-button op-quiet">
          {t('table.first')}
        </a>
      )}
      {nextHref === undefined ? null : (
        <a href={nextHref} {...swapMain(nextHref)} class="op-button op-quiet" rel="next">
          {t('table.next')}
        </a>
      )}
    </nav>
  );
};

/** A filter bar: a GET form whose fields become the table's URL state. */
export const FilterBar: FC<{ path: string; label: string; children?: Child; clearable?: boolean }> = (props) => (
  <search aria-label={props.label}>
    <form
      class="op-filters"
      method="get"
      action={props.path}
      hx-get={props.path}
      hx-target="#main"
      hx-select="#main"
      hx-swap="outerHTML"
      hx-push-url="true"
    >
      {props.children}
      <button type="submit" class="op-button">
        {t('table.apply')}
      </button>
      {props.clearable ? (
        <a href={props.path} {...swapMain(props.path)} class="op-button op-quiet">
          {t('table.clear')}
        </a>
      ) : null}
    </form>
  </search>
);

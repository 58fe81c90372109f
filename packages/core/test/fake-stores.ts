/**
 * Minimal in-test fakes of the store ports a list import uses (core's tests
 * may not import @outpace/adapters). They follow the session contract of
 * ports/stores.ts: first ClientID in a session wins, APPEND_ONLY refuses
 * existing ClientIDs, APPEND_AND_UPDATE replaces them keeping the id,
 * FLUSH_APPEND empties the list at commit, nothing is visible before commit.
 */
import type {
  Contact,
  ContactImportOptions,
  ContactImportSession,
  ContactList,
  ImportJob,
  ImportLineReport,
  NewContact,
  NewContactListInput,
  NewSuppressionEntry,
  NewSuppressionListInput,
  StageRejection,
  SuppressionEntry,
  SuppressionImportOptions,
  SuppressionImportSession,
  SuppressionList,
  SuppressionStageRejection,
} from '../src/index.js';

export interface FakeStores {
  lists: {
    get(id: string): Promise<ContactList | undefined>;
    update(id: string, patch: Partial<ContactList>): Promise<ContactList>;
    create(input: NewContactListInput): Promise<ContactList>;
  };
  contacts: { beginImport(o: ContactImportOptions): Promise<ContactImportSession> };
  suppression: {
    getList(id: string): Promise<SuppressionList | undefined>;
    createList(input: NewSuppressionListInput): Promise<SuppressionList>;
    beginImport(o: SuppressionImportOptions): Promise<SuppressionImportSession>;
  };
  importJobs: {
    create(job: Omit<ImportJob, 'id' | 'createdAt'>): Promise<ImportJob>;
    get(id: string): Promise<ImportJob | undefined>;
    update(id: string, patch: Partial<ImportJob>): Promise<ImportJob>;
    appendReports(id: string, reports: readonly ImportLineReport[]): Promise<void>;
  };
  /** Inspection helpers. */
  contactsOf(listId: string): Contact[];
  listByName(name: string): ContactList | undefined;
  allLists(): ContactList[];
  entriesOf(listId: string): SuppressionEntry[];
  reportsOf(jobId: string): ImportLineReport[];
  jobs: Map<string, ImportJob>;
  /** Make the next session write throw (to test atomicity on store failure). */
  failNextWrite: boolean;
  writes: number;
}

export function createFakeStores(): FakeStores {
  let seq = 0;
  const id = (p: string) => `${p}_${++seq}`;
  const lists = new Map<string, ContactList>();
  const contacts = new Map<string, Contact[]>();
  const suppLists = new Map<string, SuppressionList>();
  const entries = new Map<string, SuppressionEntry[]>();
  const jobs = new Map<string, ImportJob>();
  const reports = new Map<string, ImportLineReport[]>();
  const newList = (input: NewContactListInput): ContactList => ({
    id: id('lst'),
    name: input.name,
    description: input.description ?? '',
    useCustomTimeZones: input.useCustomTimeZones ?? true,
    ...(input.callerId !== undefined ? { callerId: input.callerId } : {}),
    ...(input.labelSchemaId !== undefined ? { labelSchemaId: input.labelSchemaId } : {}),
    size: 0,
    createdAt: 0,
    updatedAt: 0,
  });
  const stores: FakeStores = {
    failNextWrite: false,
    writes: 0,
    jobs,
    lists: {
      get: async (listId) => lists.get(listId),
      update: async (listId, patch) => {
        const l = lists.get(listId);
        if (!l) throw new Error('no list');
        const next = { ...l, ...patch };
        lists.set(listId, next);
        return next;
      },
      create: async (input) => {
        const l = newList(input);
        lists.set(l.id, l);
        contacts.set(l.id, []);
        return l;
      },
    },
    contacts: {
      async beginImport(o) {
        const created: ContactList[] = [];
        const staged = new Map<string, NewContact[]>();
        const seen = new Map<string, Set<string>>();
        let done = false;
        return {
          mode: o.mode,
          async createList(input) {
            const l = newList(input);
            created.push(l);
            return l;
          },
          async write(listId, batch): Promise<StageRejection[]> {
            if (done) throw new Error('session closed');
            stores.writes++;
            if (stores.failNextWrite) {
              stores.failNextWrite = false;
              throw new Error('disk full');
            }
            if (!lists.has(listId) && !created.some((l) => l.id === listId)) throw new Error(`unknown list ${listId}`);
            const out: StageRejection[] = [];
            const ids = seen.get(listId) ?? new Set<string>();
            seen.set(listId, ids);
            const existing = new Set((contacts.get(listId) ?? []).map((c) => c.clientId).filter(Boolean));
            const list = staged.get(listId) ?? [];
            staged.set(listId, list);
            batch.forEach((c, index) => {
              if (c.clientId !== undefined) {
                if (ids!.has(c.clientId)) {
                  out.push({
                    index,
                    code: 'CLIENT_ID_DUPLICATE',
                    message: `Duplicated clientId=${c.clientId} in the file, rejected`,
                  });
                  return;
                }
                if (o.mode === 'APPEND_ONLY' && existing.has(c.clientId)) {
                  out.push({
                    index,
                    code: 'CLIENT_ID_EXISTS',
                    message: `APPEND_ONLY: Duplicated clientId=${c.clientId}, rejected`,
                  });
                  return;
                }
                ids!.add(c.clientId);
              }
              list!.push(structuredClone(c));
            });
            return out;
          },
          async commit() {
            done = true;
            let inserted = 0;
            let updated = 0;
            let deleted = 0;
            for (const l of created) {
              lists.set(l.id, l);
              contacts.set(l.id, []);
            }
            const touched = new Set<string>([...created.map((l) => l.id), ...(o.listId ? [o.listId] : [])]);
            for (const listId of touched) {
              let current = contacts.get(listId) ?? [];
              if (o.mode === 'FLUSH_APPEND') {
                deleted += current.length;
                current = [];
              }
              for (const c of staged.get(listId) ?? []) {
                const at = c.clientId === undefined ? -1 : current.findIndex((x) => x.clientId === c.clientId);
                if (at >= 0 && o.mode === 'APPEND_AND_UPDATE') {
                  current[at] = { ...c, id: current[at]!.id, listId, createdAt: current[at]!.createdAt, updatedAt: 1 };
                  updated++;
                } else {
                  current.push({ ...c, id: id('con'), listId, createdAt: 0, updatedAt: 0 });
                  inserted++;
                }
              }
              contacts.set(listId, current);
              lists.set(listId, { ...lists.get(listId)!, size: current.length });
            }
            return { inserted, updated, deleted, lists: [...touched].map((x) => lists.get(x)!) };
          },
          async abort() {
            done = true;
            staged.clear();
          },
        };
      },
    },
    suppression: {
      getList: async (listId) => suppLists.get(listId),
      createList: async (input) => {
        const l = newSuppList(input);
        suppLists.set(l.id, l);
        entries.set(l.id, []);
        return l;
      },
      async beginImport(o) {
        const created: SuppressionList[] = [];
        const staged = new Map<string, NewSuppressionEntry[]>();
        const seen = new Map<string, Set<string>>();
        return {
          mode: o.mode,
          async createList(input) {
            const l = newSuppList(input);
            created.push(l);
            return l;
          },
          async write(listId, batch): Promise<SuppressionStageRejection[]> {
            const out: SuppressionStageRejection[] = [];
            let values = seen.get(listId);
            if (!values) {
              values = new Set(o.mode === 'FLUSH_APPEND' ? [] : (entries.get(listId) ?? []).map((e) => e.value));
              seen.set(listId, values);
            }
            const list = staged.get(listId) ?? [];
            staged.set(listId, list);
            batch.forEach((e, index) => {
              if (values!.has(e.value)) {
                out.push({ index, code: 'SUPPRESSION_DUPLICATE', message: `Duplicated value ${e.value}, rejected` });
                return;
              }
              values!.add(e.value);
              list!.push({ ...e });
            });
            return out;
          },
          async commit() {
            let inserted = 0;
            let deleted = 0;
            for (const l of created) {
              suppLists.set(l.id, l);
              entries.set(l.id, []);
            }
            const touched = new Set<string>([...created.map((l) => l.id), ...(o.listId ? [o.listId] : [])]);
            for (const listId of touched) {
              let current = entries.get(listId) ?? [];
              if (o.mode === 'FLUSH_APPEND') {
                deleted += current.length;
                current = [];
              }
              for (const e of staged.get(listId) ?? []) {
                current.push({ ...e, listId, createdAt: 0 });
                inserted++;
              }
              entries.set(listId, current);
              suppLists.set(listId, { ...suppLists.get(listId)!, size: current.length });
            }
            return { inserted, deleted, lists: [...touched].map((x) => suppLists.get(x)!) };
          },
          async abort() {
            staged.clear();
          },
        };
      },
    },
    importJobs: {
      async create(job) {
        const j: ImportJob = { ...job, id: id('job'), createdAt: 0 };
        jobs.set(j.id, j);
        reports.set(j.id, []);
        return j;
      },
      get: async (jobId) => jobs.get(jobId),
      async update(jobId, patch) {
        const j = jobs.get(jobId);
        if (!j) throw new Error('no job');
        const next = { ...j, ...patch } as ImportJob;
        jobs.set(jobId, next);
        return next;
      },
      async appendReports(jobId, batch) {
        reports.get(jobId)!.push(...batch);
      },
    },
    contactsOf: (listId) => contacts.get(listId) ?? [],
    listByName: (name) => [...lists.values()].find((l) => l.name === name),
    allLists: () => [...lists.values()],
    entriesOf: (listId) => entries.get(listId) ?? [],
    reportsOf: (jobId) => reports.get(jobId) ?? [],
  };
  function newSuppList(input: NewSuppressionListInput): SuppressionList {
    return {
      id: id('sup'),
      name: input.name,
      description: input.description ?? '',
      type: input.type ?? 'device',
      channels: input.channels ?? ['voice'],
      required: input.required ?? false,
      expirationDays: input.expirationDays ?? -1,
      size: 0,
      loadedAt: 0,
      createdAt: 0,
      updatedAt: 0,
    };
  }
  return stores;
}

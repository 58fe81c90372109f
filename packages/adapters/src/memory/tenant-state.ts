import type {
  ContactList,
  DataMapping,
  ImportJob,
  ImportLineReport,
  LabelSchema,
  ListRule,
  SpecFile,
  SuppressionEntry,
  SuppressionList,
} from '@outpace/core';
import type { ContactStaging, ContactTable } from './contact-table.js';

/** How contact tables and staging areas are made (plain objects or the compact encoding). */
export interface ContactStorage {
  createTable(listId: string): ContactTable;
  createStaging(): ContactStaging;
}

/** A contact list and its contacts. */
export interface ListState {
  list: ContactList;
  contacts: ContactTable;
}

/** A suppression list and its entries keyed by value. */
export interface SuppressionState {
  list: SuppressionList;
  entries: Map<string, SuppressionEntry>;
}

/** Everything one tenant owns. Nothing in here refers to another tenant's state. */
export interface TenantState {
  readonly tenantId: string;
  readonly lists: Map<string, ListState>;
  readonly suppression: Map<string, SuppressionState>;
  readonly jobs: Map<string, ImportJob>;
  readonly reports: Map<string, ImportLineReport[]>;
  readonly listRules: Map<string, ListRule>;
  readonly labels: Map<string, LabelSchema>;
  readonly dataMappings: Map<string, DataMapping>;
  readonly specFiles: Map<string, SpecFile>;
}

export function createTenantState(tenantId: string): TenantState {
  return {
    tenantId,
    lists: new Map(),
    suppression: new Map(),
    jobs: new Map(),
    reports: new Map(),
    listRules: new Map(),
    labels: new Map(),
    dataMappings: new Map(),
    specFiles: new Map(),
  };
}

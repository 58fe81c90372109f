import type { ContactStorage } from '../tenant-state.js';
import { CompactStaging } from './compact-staging.js';
import { CompactContactTable } from './compact-table.js';
import { createContactDictionary } from './dictionary.js';

/** Compact contact storage for one tenant: its tables share the tenant's dictionaries. */
export function createCompactStorage(): ContactStorage {
  const dict = createContactDictionary();
  return {
    createTable: (listId) => new CompactContactTable(listId, dict),
    createStaging: () => new CompactStaging(dict),
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutpaceError } from '@outpace/core';
import type {
  CanadaFsaTable,
  LocationDataMeta,
  NanpData,
  OverrideTable,
  UkPostcodeTable,
  UsZipData,
  WorldData,
} from './data-format.js';

/** Every table the resolver reads, parsed once per data directory. */
export interface LocationTables {
  directory: string;
  meta: LocationDataMeta;
  nanp: NanpData;
  world: WorldData;
  usZip: UsZipData;
  canada: CanadaFsaTable;
  uk: UkPostcodeTable;
  overrides: OverrideTable;
}

const loaded = new Map<string, LocationTables>();

// The data sits beside src/ (source condition) or beside dist/ (built package).
const CANDIDATE_DIRECTORIES = ['../../../data/', '../../data/', '../data/'];

function defaultDirectory(): string {
  for (const relative of CANDIDATE_DIRECTORIES) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(new URL('generated/meta.json', url))) return fileURLToPath(url);
  }
  throw new OutpaceError(
    'COMPLIANCE_DATA_MISSING',
    `The location tables of @outpace/compliance were not found next to ${fileURLToPath(import.meta.url)}; ` +
      'reinstall the package, or pass dataDirectory pointing at its data/ folder.',
  );
}

function readJson<T>(directory: string, file: string): T {
  const path = join(directory, file);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    throw new OutpaceError(
      'COMPLIANCE_DATA_MISSING',
      `Could not read location table ${path}; regenerate it with "npm run data:build -w @outpace/compliance" or fix dataDirectory.`,
      { cause },
    );
  }
}

/**
 * Loads (once per directory, on first use; never at import) the generated
 * tables and the project-owned tables.
 */
export function loadLocationTables(directory?: string): LocationTables {
  const dir = directory ?? defaultDirectory();
  let tables = loaded.get(dir);
  if (!tables) {
    tables = {
      directory: dir,
      meta: readJson(dir, 'generated/meta.json'),
      nanp: readJson(dir, 'generated/nanp.json'),
      world: readJson(dir, 'generated/world.json'),
      usZip: readJson(dir, 'generated/us-zip.json'),
      canada: readJson(dir, 'project/canada-fsa.json'),
      uk: readJson(dir, 'project/uk-postcodes.json'),
      overrides: readJson(dir, 'project/overrides.json'),
    };
    loaded.set(dir, tables);
  }
  return tables;
}

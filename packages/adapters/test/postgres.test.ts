import { createPostgresStore } from '@outpace/adapters/postgres';
import { describeStoreConformance } from './conformance/index.js';
import { dropSchema, pgAvailability, pgUrl, uniqueSchema } from './sql/postgres-env.js';
import { describeWithService } from './support/service.js';

const pg = await pgAvailability();

describeWithService(pg, 'postgres store', () => {
  describeStoreConformance('postgres', async ({ clock }) => {
    const schema = uniqueSchema('outpace_conf');
    return {
      store: createPostgresStore({ connectionString: pgUrl(), schema, clock }),
      cleanup: () => dropSchema(schema),
    };
  });
});

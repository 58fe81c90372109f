import { createPostgresStore } from '@outpace/adapters/postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describeStoreConformance } from './conformance/index.js';
import { dropSchema, pgAvailability, pgUrl, uniqueSchema } from './sql/postgres-env.js';
import { describeWithService } from './support/service.js';

const available = await pgAvailability();

describeWithService(available, 'postgres store', () => {
  // The store makes its own pool: imports stage rows with COPY.
  describeStoreConformance('postgres', async ({ clock }) => {
    const schema = uniqueSchema('outpace_conf');
    return {
      store: createPostgresStore({ connectionString: pgUrl(), schema, clock }),
      cleanup: () => dropSchema(schema),
    };
  });

  // A kysely instance of the user's: imports stage rows with INSERT … SELECT FROM unnest(…).
  describeStoreConformance('postgres (own kysely)', async ({ clock }) => {
    const schema = uniqueSchema('outpace_confk');
    const kysely = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgUrl(), max: 4 }) }),
    });
    return {
      store: createPostgresStore({ kysely, schema, clock }),
      async cleanup() {
        await kysely.destroy();
        await dropSchema(schema);
      },
    };
  });
});

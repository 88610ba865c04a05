import { Store } from '../src/store/store.ts';
import { dropSchema, newSchemaName, postgresSkipReason, TEST_PG_URL } from './helpers/postgres.ts';
import { storeContract } from './store-contract.ts';

storeContract(
  'PostgreSQL',
  async () => {
    const schema = newSchemaName();
    const store = await Store.open({ databaseUrl: TEST_PG_URL, pgSchema: schema });
    await store.migrate();
    return {
      store,
      async dispose() {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  postgresSkipReason,
);

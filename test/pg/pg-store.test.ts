import { describeStoreConformance } from '../store/conformance.js';
import { dropSchema, freshSchema, openStore } from './support.js';

describeStoreConformance('PostgreSQL store', async () => {
  const schema = freshSchema();
  return { store: openStore(schema), openAnother: async () => openStore(schema), cleanup: () => dropSchema(schema) };
});

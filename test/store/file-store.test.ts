import { FileStore } from '../../src/store/file-store.js';
import { tempDir } from '../helpers.js';
import { describeStoreConformance } from './conformance.js';

describeStoreConformance('file store', async () => {
  const dir = tempDir('videogen-store-');
  return { store: new FileStore(dir, { fsync: false }), openAnother: async () => new FileStore(dir, { fsync: false }), cleanup: async () => {} };
});

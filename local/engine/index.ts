/**
 * Local WeChat Cloud database engine (dev/test only). See docs/local-cloud-engine.md.
 *
 *   const engine = Engine.open({ dataDir: '.data/db', schema: loadSchema('database/schema.json') });
 *   installEngineSeam(() => engine);            // from ./sdk-seam: wx-server-sdk now talks to it
 */
import * as fs from 'fs';
import type { Schema } from './engine';

export { Engine, latencyFromEnv } from './engine';
export type { EngineOptions, EngineStats, CollectionStats, TransactionStats, IndexSpec, Schema } from './engine';
export {
  EngineError,
  isEngineError,
  toErrorBody,
  TRANSACTION_CONFLICT,
  DUPLICATE_KEY,
  DUPLICATE_KEY_MESSAGE,
  REQUEST_FAILED,
  INVALID_PARAM,
  UNSUPPORTED,
  TRANSACTION_NOT_FOUND,
  COLLECTION_EXISTS,
  COLLECTION_NOT_EXIST,
  CLOUD_TEXT
} from './errors';

/** Reads database/schema.json (`{collections: {name: {description, indexes: [{name, keys, unique?}]}}}`), validating its shape. */
export function loadSchema(path: string): Schema {
  const raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  if (!raw || typeof raw !== 'object' || !raw.collections || typeof raw.collections !== 'object') {
    throw new Error(`${path}: expected {collections: {...}}`);
  }
  const out: Schema = { collections: {} };
  for (const [name, def] of Object.entries<any>(raw.collections)) {
    const indexes = Array.isArray(def?.indexes) ? def.indexes : [];
    for (const idx of indexes) {
      if (!idx || typeof idx.name !== 'string' || !idx.keys || typeof idx.keys !== 'object' || !Object.keys(idx.keys).length) {
        throw new Error(`${path}: collection ${name} has an index without name/keys`);
      }
      for (const [k, dir] of Object.entries(idx.keys)) {
        if (dir !== 1 && dir !== -1) throw new Error(`${path}: index ${name}.${idx.name} key ${k} must be 1 or -1`);
      }
    }
    out.collections[name] = {
      description: typeof def?.description === 'string' ? def.description : undefined,
      indexes: indexes.map((i: any) => ({ name: i.name, keys: i.keys, ...(i.unique ? { unique: true } : {}) }))
    };
  }
  return out;
}

/** Each PostgreSQL test works in a schema of its own on the run's one database (global-setup.ts). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PgStore } from '../../src/store/pg-store.js';

export function databaseUrl(): string {
  return inject('databaseUrl');
}

export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** The database URL with a search path, as an instance would be configured (VIDEOGEN_DATABASE_URL). */
export function urlWithSchema(schema: string): string {
  const u = new URL(databaseUrl());
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.href;
}

export function openStore(schema: string): PgStore {
  return new PgStore({ connectionString: databaseUrl(), schema, poolSize: 4 });
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

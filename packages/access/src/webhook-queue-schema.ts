/**
 * The webhook queue's schema (SQLite, with a PostgreSQL variant) (store name "webhook-queue", its own file in the data directory).
 * One row per delivery not yet done: written before the first attempt, deleted once delivered,
 * refused or expired. Never a secret: notifications carry tokens and identities only. Times are
 * milliseconds since the epoch.
 *
 * - `seq` orders deliveries; those of one `order_key` (the request id) go out one after another.
 * - `id` is the delivery id sent on every attempt (X-Gitgate-Delivery), so receivers can drop repeats.
 */
import type { Migration } from '@gitgate/db';

/** Store name the webhook queue's migrations are tracked under. */
export const WEBHOOK_QUEUE_STORE = 'webhook-queue';

/** The webhook queue's migrations, oldest first. */
export const webhookQueueMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        order_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        notification TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        next_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX webhook_deliveries_order ON webhook_deliveries (order_key, seq);`,
    // Millisecond times need 64 bits on PostgreSQL; seq is an identity column there.
    postgres: `
      CREATE TABLE webhook_deliveries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        order_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        notification TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        next_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX webhook_deliveries_order ON webhook_deliveries (order_key, seq);`,
  },
];

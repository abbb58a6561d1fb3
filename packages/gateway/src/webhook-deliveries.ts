/**
 * The gateway's webhook: detokenize events become notifications (with their request's repository,
 * path and reason), are written to the durable queue in the data directory in the order they
 * happened, and are delivered from it once the gateway listens, in the configured payload preset,
 * linking to the approvals page. A delivery given up is recorded in the audit as an `admin` record
 * (action `webhook-undelivered`).
 */
import {
  WebhookNotifier, WebhookQueue, detokenizeNotification, pushNotification,
  type DetokenizeEvent, type PushApprovalEvent, type RequestFacts, type WebhookFormat, type WebhookNotification,
} from '@gitgate/access';
import type { AuditLog } from '@gitgate/audit';
import { isPostgresUrl } from '@gitgate/db';
import type { Logger } from '@gitgate/log';

/** Where and how detokenize events are posted. */
export interface WebhookSettings {
  url: string;
  /** Key of the HMAC signature (sent with every preset). */
  secret: string;
  /** Payload preset (default 'generic'). */
  format?: WebhookFormat;
  /** The approvals page chat presets link to (default: the gateway's URL + /approvals). */
  pageUrl?: string;
  /** How long a delivery is retried (default 24 h). */
  retryForMs?: number;
  /** The wait after the n-th failed attempt (default 5 s, 15 s, 1 min … hourly); tests shorten it. */
  backoffMs?: (failures: number) => number;
}

/** The webhook queue of a running gateway. */
export class WebhookDeliveries {
  readonly #settings: WebhookSettings;
  readonly #queue: WebhookQueue;
  readonly #log: Logger;
  /** Notifications are queued one after another, so the queue's order is the events' order. */
  #chain: Promise<void> = Promise.resolve();

  private constructor(settings: WebhookSettings, queue: WebhookQueue, log: Logger) {
    this.#settings = settings;
    this.#queue = queue;
    this.#log = log;
  }

  /** Opens the queue at `dbPath` (a file, or a postgres:// URL shared by replicas); nothing is sent before `start`. */
  static async open(settings: WebhookSettings, dbPath: string, audit: AuditLog, log: Logger): Promise<WebhookDeliveries> {
    const queue = await WebhookQueue.open({
      dbPath, retryForMs: settings.retryForMs, backoffMs: settings.backoffMs, logger: log,
      // Shared by replicas: pick up what a replica that went away had queued.
      pollMs: isPostgresUrl(dbPath) ? 30_000 : undefined,
      onDropped: (d) => audit.record({ kind: 'admin', actor: 'system', data: { action: 'webhook-undelivered', details: d } }),
    });
    return new WebhookDeliveries(settings, queue, log);
  }

  /** Queues the notification of `e`; `facts` finds its request's repository, path and reason. Never throws. */
  notify(e: DetokenizeEvent, facts: (e: DetokenizeEvent) => Promise<RequestFacts>): void {
    this.#enqueue(async () => detokenizeNotification(e, await facts(e)), e.type, e.requestId);
  }

  /** Queues the notification of a held push's event (push-notification.ts). Never throws. */
  notifyPush(e: PushApprovalEvent): void {
    this.#enqueue(async () => pushNotification(e), e.type, e.requestId);
  }

  /** Queues a notification after those before it (the queue's order is the events' order). Never throws. */
  #enqueue(make: () => Promise<WebhookNotification>, kind: string, requestId: string | null): void {
    this.#chain = this.#chain
      .then(async () => {
        await this.#queue.enqueue(await make());
      })
      .catch((err: unknown) => this.#log.error('webhook notification not queued', { kind, requestId, code: (err as { code?: unknown })?.code ?? (err as Error)?.name }));
  }

  /** Starts delivering, pending deliveries from before a restart first; links go to `gatewayUrl`/approvals unless a page URL is set. */
  async start(gatewayUrl: string): Promise<void> {
    const s = this.#settings;
    const notifier = new WebhookNotifier({ url: s.url, secret: s.secret, format: s.format, pageUrl: s.pageUrl ?? `${gatewayUrl}/approvals`, logger: this.#log });
    this.#log.info('webhook deliveries started', { origin: notifier.origin, format: s.format ?? 'generic', pending: await this.#queue.pending() });
    this.#queue.start((n, id, signal) => notifier.attempt(n, id, signal));
  }

  /** Waits for notifications being queued, stops delivering (what is pending stays for the next start) and closes the queue. */
  async close(): Promise<void> {
    await this.#chain;
    await this.#queue.close();
  }
}

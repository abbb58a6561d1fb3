/** What the server records into the audit (the audit package implements it; tests may inject a fake). */
export interface AuditEvent {
  kind: string;
  actor: string;
  repo?: string | null;
  data: Record<string, unknown>;
}

export interface AuditSink {
  /** Queues a record; never throws, never blocks the request. */
  record(e: AuditEvent): void;
  /** Resolves once the record is committed; rejects when it cannot be written (the caller refuses with 503). */
  recordDurable(e: AuditEvent): Promise<void>;
  /**
   * Commits the events together (one transaction, one fsync) and resolves once they are on disk;
   * rejects when they cannot be written, and then none of them is. What must be durable before the
   * data it describes leaves (docs/architecture.md, "No byte before its record").
   */
  recordAllDurable(events: readonly AuditEvent[]): Promise<void>;
  /** True while audit writes fail: requests that must be recorded are refused (503) meanwhile. */
  readonly failing: boolean;
}

export const nullAudit: AuditSink = {
  record: () => {}, recordDurable: () => Promise.resolve(), recordAllDurable: () => Promise.resolve(), failing: false,
};

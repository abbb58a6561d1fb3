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
}

export const nullAudit: AuditSink = { record: () => {}, recordDurable: async () => {} };

import { AbuseIpdbClient, AbuseIpdbError, type CheckResult } from '@portcullis/agent/abuseipdb-client';

/**
 * AbuseIPDB scores for hovers, when the user gave the editor a key (`portcullis.abuseipdb.key`). A hover never waits
 * for the network: it shows what is known and asks in the background, so the next hover on the address has the
 * score. Answers are kept a day (AbuseIPDB's own advice for checks); at most a few lookups run at once; a refused
 * key, a spent quota or a 429 stops the lookups until the time AbuseIPDB named, with one message. The key is never
 * logged or shown (the client keeps it in the `Key` header only).
 */
export interface ReputationSettings {
  readonly key?: string;
  readonly baseUrl?: string;
}

export type Reputation =
  | { readonly state: 'known'; readonly result: CheckResult }
  | { readonly state: 'pending' }
  | { readonly state: 'failed'; readonly why: string };

const TTL_MS = 24 * 3_600_000;
const MAX_IN_FLIGHT = 4;
/** Addresses remembered at most (a day of hovers over one log is far fewer). */
const MAX_ENTRIES = 10_000;

export class ReputationService {
  private client: AbuseIpdbClient | undefined;
  private configured = '';
  private readonly known = new Map<string, { at: number; result: CheckResult }>();
  private readonly pending = new Set<string>();
  private readonly failed = new Map<string, string>();
  private stoppedUntil = 0;
  private stoppedWhy = '';

  constructor(
    private readonly warn: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  configure(s: ReputationSettings): void {
    const id = `${s.baseUrl ?? ''}\n${s.key ?? ''}`;
    if (id === this.configured) return;
    this.configured = id;
    this.known.clear();
    this.failed.clear();
    this.stoppedUntil = 0;
    this.client = s.key ? new AbuseIpdbClient({ key: s.key, ...(s.baseUrl && { baseUrl: s.baseUrl }), timeoutMs: 8000, now: this.now }) : undefined;
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** What is known of a public address now; starts a lookup when nothing is. Undefined without a key. */
  lookup(address: string): Reputation | undefined {
    const client = this.client;
    if (!client) return undefined;
    const hit = this.known.get(address);
    if (hit && this.now() - hit.at < TTL_MS) return { state: 'known', result: hit.result };
    if (this.pending.has(address)) return { state: 'pending' };
    if (this.now() < this.stoppedUntil) return { state: 'failed', why: this.stoppedWhy };
    const failed = this.failed.get(address);
    if (failed) return { state: 'failed', why: failed };
    if (this.pending.size >= MAX_IN_FLIGHT) return { state: 'pending' };
    this.pending.add(address);
    void client
      .check(address)
      .then(
        (result) => {
          if (this.known.size >= MAX_ENTRIES) this.known.clear();
          this.known.set(address, { at: this.now(), result });
        },
        (err: unknown) => this.fail(address, err),
      )
      .finally(() => this.pending.delete(address));
    return { state: 'pending' };
  }

  private fail(address: string, err: unknown): void {
    const e = err instanceof AbuseIpdbError ? err : new AbuseIpdbError(String(err), 'network');
    if (e.kind === 'auth' || e.kind === 'quota' || e.kind === 'rate-limit') {
      // nothing else will work either: stop asking until AbuseIPDB's time (a refused key: until the settings change)
      const until = e.kind === 'auth' ? Infinity : this.now() + (e.retryAfterS ?? 3600) * 1000;
      if (this.now() >= this.stoppedUntil) this.warn(`AbuseIPDB lookups paused: ${e.message}`);
      this.stoppedUntil = until;
      this.stoppedWhy = e.message;
    } else if (e.kind === 'invalid') this.failed.set(address, e.message);
    // network trouble and timeouts are not remembered: the next hover tries again
  }
}

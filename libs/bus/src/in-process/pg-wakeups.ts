import { Client, type Pool } from 'pg';

/** The channel the log's insert trigger notifies on, with `<partition>:<topic>` as the payload. */
export const WAKEUP_CHANNEL = 'recollect_bus';

export interface WakeupHandlers {
  /** Rows were committed on this partition, by any process sharing the database. */
  onWake(topic: string, partition: number): void;
  /** The listening connection came back; whatever was notified while it was down is lost. */
  onResume(): void;
  onConnectionLost(error: unknown): void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** How the connection shows in pg_stat_activity. */
export const LISTENER_NAME = 'recollect-bus-listener';

/**
 * A listening connection is idle, so a network path that drops it (NAT, firewall) would leave it
 * deaf without an error; a query every `everyMs`, answered within `timeoutMs`, proves it is alive.
 */
export interface Heartbeat {
  everyMs: number;
  timeoutMs: number;
}

/**
 * Holds one connection LISTENing for the log's commit notifications, so a message stored by any
 * process wakes this one's consumers at once instead of at their next poll. A lost connection is
 * re-opened with backoff; the consumers' poll covers the gap.
 */
export class PgWakeupListener {
  /** The listening connection. */
  private client?: Client;
  /** An attempt to connect and listen, while it runs. */
  private connecting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly handlers: WakeupHandlers,
    private readonly heartbeatSettings: Heartbeat = { everyMs: 30_000, timeoutMs: 10_000 },
  ) {}

  /** Resolves once the first attempt to listen has settled; it never rejects (a failure is retried). */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    // An attempt under way sees `closed` when it settles and ends its own client.
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting = this.listen().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    // The pool's own settings (connection string, credentials, TLS), on a connection the pool never lends out.
    const client = new Client({ ...this.pool.options, keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: LISTENER_NAME });
    let lost = false;
    const onLost = (error: unknown): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      clearInterval(this.heartbeatTimer);
      void client.end().catch(() => undefined);
      if (!this.closed) this.retryLater(error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the listening connection closed')));
    client.on('notification', ({ channel, payload }) => {
      if (channel === WAKEUP_CHANNEL && payload) this.dispatch(payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKEUP_CHANNEL}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(client, onLost), this.heartbeatSettings.everyMs);
    this.heartbeatTimer.unref();
    const resumed = this.failures > 0;
    this.failures = 0;
    if (resumed) this.handlers.onResume();
  }

  private async heartbeat(client: Client, onLost: (error: unknown) => void): Promise<void> {
    const { timeoutMs } = this.heartbeatSettings;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the listening connection did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      onLost(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private retryLater(error: unknown): void {
    this.failures += 1;
    this.handlers.onConnectionLost(error);
    clearTimeout(this.retryTimer);
    const delay = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private dispatch(payload: string): void {
    const colon = payload.indexOf(':');
    const partition = Number(payload.slice(0, colon));
    if (colon > 0 && Number.isInteger(partition)) this.handlers.onWake(payload.slice(colon + 1), partition);
  }
}

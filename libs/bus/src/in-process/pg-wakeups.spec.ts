import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit } from '../testing/bus.fixture';
import { LISTENER_NAME, PgWakeupListener, WAKEUP_CHANNEL } from './pg-wakeups';

describe(PgWakeupListener.name, () => {
  let kit: BusTestKit;
  let listener: PgWakeupListener | undefined;
  beforeEach(async () => (kit = await BusTestKit.create()));
  afterEach(async () => {
    await listener?.close();
    await kit.dispose();
  });

  // The kit's broker has a listener of its own.
  const listeningBackends = async (): Promise<number[]> =>
    (await kit.rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [LISTENER_NAME])).map((row) => row.pid);

  it('takes a connection that stops answering for lost, listens on a new one and reports the resume', async () => {
    const events: string[] = [];
    const wakes: Array<[string, number]> = [];
    listener = new PgWakeupListener(
      kit.pool,
      { onWake: (topic, partition) => wakes.push([topic, partition]), onResume: () => events.push('resumed'), onConnectionLost: (error) => events.push(`lost: ${String(error)}`) },
      { everyMs: 100, timeoutMs: 300 },
    );
    const others = await listeningBackends();
    await listener.start();
    const [hung] = (await listeningBackends()).filter((pid) => !others.includes(pid));
    // A frozen server process answers nothing and closes nothing: what a silently dropped network path looks like.
    process.kill(hung!, 'SIGSTOP');
    try {
      await expect.poll(() => events, { timeout: 10_000 }).toContain('resumed');
    } finally {
      process.kill(hung!, 'SIGCONT');
    }
    expect(events[0]).toMatch(/^lost: .*did not answer within 300 ms/);
    await kit.rows(`SELECT pg_notify('${WAKEUP_CHANNEL}', '3:a.topic.v1')`);
    await expect.poll(() => wakes).toEqual([['a.topic.v1', 3]]);
  });

  it('stops for good when closed while it is still connecting', async () => {
    const others = await listeningBackends();
    listener = new PgWakeupListener(kit.pool, { onWake: () => undefined, onResume: () => undefined, onConnectionLost: () => undefined });
    const starting = listener.start();
    await listener.close();
    await starting;
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the first retry, had one been scheduled
    expect(await listeningBackends()).toEqual(others);
  });
});

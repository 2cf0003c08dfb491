import { busDeliveries, busHandleDuration } from '@recollect/metrics';

/** Runs one delivery's handlers, counting its outcome and timing it, on either transport. */
export async function measuredDelivery(topic: string, handle: () => Promise<void>): Promise<void> {
  const stopTimer = busHandleDuration.startTimer({ topic });
  try {
    await handle();
    busDeliveries.inc({ topic, outcome: 'handled' });
  } catch (error) {
    busDeliveries.inc({ topic, outcome: 'failed' });
    throw error;
  } finally {
    stopTimer();
  }
}

export const countDeadLettered = (topic: string): void => busDeliveries.inc({ topic, outcome: 'dead_lettered' });

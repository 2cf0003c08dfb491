import { KafkaHeaders } from '@nestjs/microservices';

/**
 * Request/reply uses Nest's header names, so our client and server also talk to a stock ClientKafka
 * or ServerKafka. `x-deadline` is ours: epoch milliseconds after which nobody waits for the reply.
 */
export const RequestHeaders = {
  correlationId: KafkaHeaders.CORRELATION_ID,
  replyTopic: KafkaHeaders.REPLY_TOPIC,
  replyPartition: KafkaHeaders.REPLY_PARTITION,
  error: KafkaHeaders.NEST_ERR,
  isDisposed: KafkaHeaders.NEST_IS_DISPOSED,
  deadline: 'x-deadline',
} as const;

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');
/** Mirrors the bus's retry bound, so the last attempt can fail its operation before the command is dead-lettered. */
export interface DeliveryPolicy {
  maxAttempts: number;
}

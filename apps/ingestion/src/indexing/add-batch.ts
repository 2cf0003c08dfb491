import { CommandTypes, contextCommandSchema, type ContextCommand } from '@recollect/contracts';
import type { PlannedCommand } from './index-records';

export type AddCommand = Extract<ContextCommand, { type: typeof CommandTypes.addContext }>;

/** An add command with its plan. */
export interface BatchEntry {
  command: AddCommand;
  plan: PlannedCommand;
}

export interface BatchLimits {
  maxCommands: number;
  maxChunks: number;
}

/**
 * The commands after the current one on its partition that the transport already holds, parsed, up
 * to `limit`; it stops before the first it cannot parse (that one's own delivery rejects it).
 */
export function parseFollowing(values: readonly unknown[], limit: number): ContextCommand[] {
  const commands: ContextCommand[] = [];
  for (const value of values.slice(0, limit)) {
    const command = parseCommand(value);
    if (!command) break;
    commands.push(command);
  }
  return commands;
}

/** A record's value is looked ahead at by several deliveries (and twice by one): it is parsed once. */
const parsedValues = new WeakMap<object, ContextCommand | null>();

function parseCommand(value: unknown): ContextCommand | null {
  if (typeof value !== 'object' || value === null) return null;
  let command = parsedValues.get(value);
  if (command === undefined) {
    const parsed = contextCommandSchema.safeParse(value);
    command = parsed.success ? parsed.data : null;
    parsedValues.set(value, command);
  }
  return command;
}

export const isAdd = (command: ContextCommand): command is AddCommand => command.type === CommandTypes.addContext;

/**
 * `first` and the add commands right after it that can be applied together with it: as if one after
 * another, because none of them touches a job, document or file name an earlier one does. It stops at
 * the first command that is not an add, would take the batch past its limits, or overlaps.
 */
export function collectAddBatch(first: BatchEntry, following: Iterable<BatchEntry>, limits: BatchLimits): BatchEntry[] {
  const batch = [first];
  const taken = new Set(keysOf(first));
  let chunks = first.plan.chunks.length;
  for (const entry of following) {
    if (batch.length >= limits.maxCommands || chunks + entry.plan.chunks.length > limits.maxChunks) break;
    const keys = keysOf(entry);
    if (keys.some((key) => taken.has(key))) break;
    for (const key of keys) taken.add(key);
    chunks += entry.plan.chunks.length;
    batch.push(entry);
  }
  return batch;
}

/** What a command claims: its job, its documents, and its tenant's file names. */
function keysOf({ plan }: BatchEntry): string[] {
  const { tenant, command, documents } = plan;
  const owner = JSON.stringify([tenant.userId, tenant.organizationId]);
  return [
    `job\u0000${command.jobId}`,
    ...documents.map((doc) => `document\u0000${doc.id}`),
    ...documents.flatMap((doc) => (doc.fileName === null ? [] : [`file\u0000${owner}\u0000${doc.fileName}`])),
  ];
}

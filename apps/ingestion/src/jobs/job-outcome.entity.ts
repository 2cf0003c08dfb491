import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContextDeleted, ContextIndexed } from '@recollect/contracts';

/** What a completed job's outcome event said: indexed for an add, deleted for a delete. */
export type JobOutcome = ContextIndexed | ContextDeleted;

/** A completed job's outcome, to announce it again when its command is delivered again. */
@Entity({ name: 'job_outcomes' })
export class JobOutcomeEntity {
  @PrimaryColumn({ name: 'job_id', type: 'text' })
  jobId!: string;

  @Column({ type: 'jsonb' })
  outcome!: JobOutcome;
}

/** Deletions list the documents that went; additions never do. */
export const isDeletion = (outcome: JobOutcome): outcome is ContextDeleted => 'documentIds' in outcome;

import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JobStatus } from '@recollect/contracts';

@Entity({ name: 'jobs' })
@Index('jobs_tenant_created_idx', ['userId', 'organizationId', 'createdAt'])
export class JobEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ type: 'text' })
  kind!: 'add' | 'delete';

  @Column({ type: 'text' })
  status!: JobStatus;

  @Column({ name: 'attempts_made', type: 'int', default: 0 })
  attemptsMade!: number;

  @Column({ name: 'failed_reason', type: 'text', nullable: true })
  failedReason!: string | null;

  @Column({ name: 'failed_code', type: 'text', nullable: true })
  failedCode!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: { context_id: string; processed_documents: number } | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'processed_on', type: 'timestamptz', nullable: true })
  processedOn!: Date | null;

  @Column({ name: 'finished_on', type: 'timestamptz', nullable: true })
  finishedOn!: Date | null;
}

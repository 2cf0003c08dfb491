import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OperationKind, OperationStatus } from '@recollect/contracts';

/** One memory command's progress: accepted → stored → completed (indexed), or failed. */
@Entity({ name: 'operations' })
@Index('operations_tenant_created_idx', ['userId', 'organizationId', 'createdAt'])
export class OperationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ type: 'text' })
  kind!: OperationKind;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ type: 'text' })
  status!: OperationStatus;

  @Column({ name: 'message_ids', type: 'jsonb', default: () => "'[]'::jsonb" })
  messageIds!: string[];

  @Column({ name: 'updated_entries', type: 'int', default: 0 })
  updatedEntries!: number;

  @Column({ name: 'attempts_made', type: 'int', default: 0 })
  attemptsMade!: number;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'stored_at', type: 'timestamptz', nullable: true })
  storedAt!: Date | null;

  @Column({ name: 'finished_on', type: 'timestamptz', nullable: true })
  finishedOn!: Date | null;
}

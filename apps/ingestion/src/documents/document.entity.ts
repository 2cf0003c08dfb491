import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One added document. Its chunks live in the search index; this row is what deletes and the 409 check consult. */
@Entity({ name: 'documents' })
@Index('documents_tenant_file_idx', ['userId', 'organizationId', 'fileName'])
@Index('documents_tenant_source_idx', ['userId', 'organizationId', 'source'])
@Index('documents_tenant_context_idx', ['userId', 'organizationId', 'contextId'])
export class DocumentEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ name: 'context_id', type: 'text' })
  contextId!: string;

  @Column({ name: 'job_id', type: 'text' })
  jobId!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'context_type', type: 'text' })
  contextType!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName!: string | null;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount!: number;

  @Column({ name: 'content_bytes', type: 'int' })
  contentBytes!: number;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One conversation of one tenant, named by the caller (`sessionId`, or `memoryId` in @alchemystai/sdk). */
@Entity({ name: 'sessions' })
@Index('sessions_tenant_session_idx', ['userId', 'organizationId', 'sessionId'])
export class SessionEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  @Column({ name: 'agent_id', type: 'text', nullable: true })
  agentId!: string | null;

  /** Also the next message's position: positions are 0..messageCount-1, in the order messages were first added. */
  @Column({ name: 'message_count', type: 'int', default: 0 })
  messageCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

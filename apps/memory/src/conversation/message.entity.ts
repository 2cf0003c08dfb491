import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MessageBlock } from '@recollect/contracts';

/** One message of a session, as sent: text and media blocks (inline media included), author, role, times and metadata. */
@Entity({ name: 'messages' })
@Index('messages_session_position_idx', ['sessionRowId', 'position'])
@Index('messages_session_message_idx', ['sessionRowId', 'messageId'], { unique: true })
export class MessageEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'session_row_id', type: 'text' })
  sessionRowId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ name: 'author_name', type: 'text', nullable: true })
  authorName!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** What is embedded: the text blocks joined, or a placeholder naming the media. */
  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'jsonb' })
  blocks!: MessageBlock[];

  @Column({ name: 'media_bytes', type: 'int', default: 0 })
  mediaBytes!: number;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @Column({ name: 'last_operation_id', type: 'text' })
  lastOperationId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

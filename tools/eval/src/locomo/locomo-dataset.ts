import { existsSync, readFileSync } from 'node:fs';
import { normaliseEvidence } from '../metrics';

export interface LocomoTurn {
  speaker: string;
  dia_id: string;
  text: string;
  /** What a shared image shows, as captioned by the dataset's authors. */
  blip_caption?: string;
}

export interface LocomoSession {
  /** ISO time the session took place. */
  startsAt: string;
  turns: LocomoTurn[];
}

export interface LocomoConversation {
  id: string;
  /** In session order. */
  sessions: LocomoSession[];
}

export interface LocomoQuestion {
  conversation: string;
  question: string;
  category: number;
  /** Normalised evidence ids that name a turn of the conversation; empty when none does. */
  evidence: string[];
}

export interface LocomoDataset {
  conversations: LocomoConversation[];
  /** Every question, in file order. */
  questions: LocomoQuestion[];
}

/** One entry of the Alchemyst memory `add` route. */
export interface MemoryEntry {
  content: string;
  name: string;
  createdAt: string;
  metadata: { dia_id: string };
}

interface RawSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: Array<{ question: string; category: number; evidence?: unknown[] }>;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** LoCoMo session times ("1:56 pm on 8 May, 2023") as ISO strings; the data has no zone, so UTC keeps runs identical everywhere. */
export function parseLocomoDate(value: string): string {
  const match = /^\s*(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})\s*$/i.exec(value);
  const month = match ? MONTHS.indexOf(match[5]!.toLowerCase()) : -1;
  if (!match || month < 0) throw new Error(`unreadable LoCoMo date "${value}"`);
  const hour = (Number(match[1]) % 12) + (match[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(match[6]), month, Number(match[4]), hour, Number(match[2]))).toISOString();
}

/** A session's turns as memory entries; turns are a second apart so their order survives sorting by time. */
export function toMemoryEntries(session: LocomoSession): MemoryEntry[] {
  const start = Date.parse(session.startsAt);
  return session.turns.map((turn, i) => ({
    content: turn.blip_caption ? `${turn.text} [shares an image: ${turn.blip_caption}]`.trim() : turn.text,
    name: turn.speaker,
    createdAt: new Date(start + i * 1000).toISOString(),
    metadata: { dia_id: turn.dia_id },
  }));
}

/** Reads the original LoCoMo JSON: a list of samples with `conversation` (`session_<n>`, `session_<n>_date_time`) and `qa`. */
export function loadLocomo(file: string): LocomoDataset {
  if (!existsSync(file)) throw new Error(`${file} not found: --data must be a LoCoMo JSON file`);
  const samples = JSON.parse(readFileSync(file, 'utf8')) as RawSample[];
  if (!Array.isArray(samples)) throw new Error(`${file} is not a list of LoCoMo samples`);
  const conversations: LocomoConversation[] = [];
  const questions: LocomoQuestion[] = [];
  for (const sample of samples) {
    const numbers = Object.keys(sample.conversation)
      .map((key) => /^session_(\d+)$/.exec(key)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const sessions = numbers.map((n) => ({
      startsAt: parseLocomoDate(String(sample.conversation[`session_${n}_date_time`])),
      turns: sample.conversation[`session_${n}`] as LocomoTurn[],
    }));
    conversations.push({ id: sample.sample_id, sessions });
    // Evidence naming no turn could never be retrieved; it would only lower recall.
    const turnIds = new Set(normaliseEvidence(sessions.flatMap((session) => session.turns.map((turn) => turn.dia_id))));
    for (const qa of sample.qa) {
      questions.push({
        conversation: sample.sample_id,
        question: qa.question,
        category: qa.category,
        evidence: normaliseEvidence(qa.evidence ?? []).filter((id) => turnIds.has(id)),
      });
    }
  }
  return { conversations, questions };
}

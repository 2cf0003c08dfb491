import { existsSync, readFileSync } from 'node:fs';

/** Where the LoCoMo evaluation data lives on our machines (it is licensed for research, so it is not in the repo). */
export const LOCOMO_DATA = process.env.LOCOMO_DATA ?? '/work/shared/eval/locomo/locomo_dev.json';

export interface LocomoTurn {
  diaId: string;
  speaker: string;
  /** The turn's text, with the caption of a shared image appended, as the eval protocol asks. */
  text: string;
  imageUrls: string[];
  occurredAt: string;
}

export interface LocomoSession {
  name: string;
  turns: LocomoTurn[];
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
  img_url?: string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "1:56 pm on 8 May, 2023" → a UTC Date (LoCoMo gives no zone). */
export function parseLocomoDate(text: string): Date {
  const match = /^(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})$/i.exec(text.trim());
  const month = match ? MONTHS.indexOf(match[5]!.toLowerCase()) : -1;
  if (!match || month < 0) throw new Error(`Not a LoCoMo date: ${text}`);
  const hour = (Number(match[1]) % 12) + (match[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(match[6]), month, Number(match[4]), hour, Number(match[2])));
}

export const locomoAvailable = (): boolean => existsSync(LOCOMO_DATA);

/** One conversation's sessions in order; turns one minute apart from the session's start, so their order survives as time. */
export function loadLocomoConversation(sampleId: string, path = LOCOMO_DATA): LocomoSession[] {
  const samples = JSON.parse(readFileSync(path, 'utf8')) as Array<{ sample_id: string; conversation: Record<string, unknown> }>;
  const conversation = samples.find((s) => s.sample_id === sampleId)?.conversation;
  if (!conversation) throw new Error(`No LoCoMo conversation ${sampleId} in ${path}`);
  const names = Object.keys(conversation)
    .filter((key) => /^session_\d+$/.test(key) && Array.isArray(conversation[key]))
    .sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]));
  return names.map((name) => {
    const start = parseLocomoDate(String(conversation[`${name}_date_time`])).getTime();
    const turns = (conversation[name] as RawTurn[]).map((turn, i) => ({
      diaId: turn.dia_id,
      speaker: turn.speaker,
      text: turn.blip_caption ? `${turn.text} [shares a photo: ${turn.blip_caption}]` : turn.text,
      imageUrls: turn.img_url ?? [],
      occurredAt: new Date(start + i * 60_000).toISOString(),
    }));
    return { name, turns };
  });
}

/**
 * Synthetic text for scale tests, made from templates with a seeded generator so every run builds the
 * same corpus: "<subject> <verb> <object> <place> <time>." Base sentences are embedded by the real
 * encoder; each indexed chunk is a base sentence plus a reference number, and its vector is the base
 * sentence's vector with a little Gaussian noise (cosine about 0.9 to its base), so neighbours are many
 * and close, as in real corpora, without embedding 100k texts on a benchmark machine.
 */
const SUBJECTS = ['The support team', 'A customer', 'Our billing system', 'The mobile app', 'The data pipeline', 'A new hire', 'The sales lead', 'The security audit', 'The search service', 'The weekly report', 'An enterprise client', 'The onboarding flow', 'The finance team', 'A partner agency', 'The release manager', 'The help desk'];
const VERBS = ['reported', 'fixed', 'delayed', 'approved', 'rejected', 'migrated', 'reviewed', 'escalated', 'documented', 'cancelled', 'renewed', 'measured'];
const OBJECTS = ['the invoice dispute', 'the login outage', 'the pricing change', 'the storage quota', 'the refund request', 'the API rate limit', 'the data export', 'the contract renewal', 'the password reset', 'the latency spike', 'the backup policy', 'the onboarding checklist', 'the tax form', 'the shipping delay'];
const PLACES = ['in Berlin', 'for the Scale plan', 'in the EU region', 'for the enterprise tier', 'on the staging cluster', 'for the Paris office', 'in the mobile release', 'for the trial accounts'];
const TIMES = ['last Tuesday', 'before the quarter closed', 'during the holiday freeze', 'after the audit', 'this morning', 'at the end of March', 'over the weekend', 'within an hour'];

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function baseSentences(count: number, seed = 42): string[] {
  const random = seededRandom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)]!;
  const seen = new Set<string>();
  while (seen.size < count) seen.add(`${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(PLACES)} ${pick(TIMES)}.`);
  return [...seen];
}

/** A unit vector near `base`: base plus isotropic Gaussian noise of the given per-dimension scale. */
export function perturb(base: Float32Array, sigma: number, random: () => number): Float32Array {
  const out = new Float32Array(base.length);
  let norm = 0;
  for (let i = 0; i < base.length; i += 1) {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    out[i] = base[i]! + sigma * gaussian;
    norm += out[i]! * out[i]!;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i += 1) out[i]! *= scale;
  return out;
}

/** Paragraphs of whole sentences for ingestion tests, about `words` words each. */
export function paragraph(words: number, random: () => number): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)]!;
  const parts: string[] = [];
  let count = 0;
  while (count < words) {
    const sentence = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(PLACES)} ${pick(TIMES)}.`;
    parts.push(sentence);
    count += sentence.split(' ').length;
  }
  return parts.join(' ');
}

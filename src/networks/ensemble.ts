import { LivermrsError } from '../core/errors.js';

/**
 * A deep ensemble of qCNNs (Lakshminarayanan et al., NeurIPS 2017): networks trained apart answer the same
 * spectrum, and the ensemble answers with the mean of their estimates and the variance of their mixture, the
 * mean of the members' variances plus the variance of their means. Where the members agree the SD is theirs;
 * where the input is unlike their training they disagree, and the SD widens with it. Pure: the CLI and the
 * browser page combine the same way.
 */
export interface MemberAnswer {
  components: string[];
  values: number[];
  /** Each member's SD, already widened by its own input guard. */
  sd: number[];
}

export function ensembleAnswer(members: MemberAnswer[]): MemberAnswer {
  if (members.length === 0) throw new LivermrsError('an ensemble needs at least one member');
  const [first] = members;
  for (const m of members) {
    if (m.components.join() !== first.components.join()) {
      throw new LivermrsError(
        `ensemble members estimate different components (${first.components.join(', ')} / ${m.components.join(', ')})`,
      );
    }
  }
  if (members.length === 1) return first;
  const M = members.length;
  const values = first.values.map((_, k) => members.reduce((s, m) => s + m.values[k], 0) / M);
  const sd = first.values.map((_, k) => {
    let v = 0;
    for (const m of members) v += m.sd[k] ** 2 + (m.values[k] - values[k]) ** 2;
    return Math.sqrt(v / M);
  });
  return { components: first.components, values, sd };
}

const RANK = { ok: 0, doubtful: 1, failed: 2 } as const;

/**
 * The status of an ensemble's answer: the worst of its members' input checks (a member that would extrapolate
 * makes the answer so), with every member's reasons, those of members after the first marked with their number.
 */
export function ensembleCheck<C extends { status: keyof typeof RANK; reasons: string[] }>(checks: C[]): C {
  const [first] = checks;
  let status = first.status;
  const reasons = [...first.reasons];
  checks.slice(1).forEach((c, j) => {
    if (RANK[c.status] > RANK[status]) status = c.status;
    for (const r of c.reasons) reasons.push(`ensemble member ${j + 2}: ${r}`);
  });
  return { ...first, status, reasons };
}

/**
 * Do two members take the same input? Members trained on one protocol share their preprocessing (window,
 * channels, normalisation, canonical frame), and then the input prepared once — its reference deconvolution and
 * canonical frame included — serves them all; only the guard is each member's own.
 */
export function sameInput(a: { preprocessing: unknown }, b: { preprocessing: unknown }): boolean {
  return JSON.stringify(a.preprocessing) === JSON.stringify(b.preprocessing);
}

import type { Fid } from '../core/fid.js';
import type { LoadedBundle } from './bundle.js';
import type { QuantifyModelMetadata } from './contract.js';
import { ensembleAnswer, ensembleCheck, type MemberAnswer, sameInput } from './ensemble.js';
import { checkInput, type InputCheck } from './input-check.js';
import type { NetworkInput } from './input.js';
import { quantifyWithBundle } from './onnx-inference.js';

/**
 * A deep ensemble of qCNNs run with onnxruntime-node (what `quantify` and the robustness benchmark do; the
 * browser page combines its members with the same networks/ensemble.ts). The input step, then the networks.
 */
type Qcnn = LoadedBundle<QuantifyModelMetadata>;

/** One member's inputs and the checks of its guard, one per spectrum. */
export interface MemberInputs {
  prepared: NetworkInput[];
  checks: InputCheck[];
}

/**
 * The input step of every member: the first member's is given; a member with the same preprocessing shares its
 * prepared input (reference deconvolution and canonical frame done once) and checks it with its own guard; any
 * other is prepared by `prepare`.
 */
export function ensembleInputs(
  members: Qcnn[],
  fids: Fid[],
  first: MemberInputs,
  prepare: (member: Qcnn) => NetworkInput[],
  force?: boolean,
): MemberInputs[] {
  return members.map((m, j) => {
    if (j === 0) return first;
    const prepared = sameInput(m.contract, members[0].contract) ? first.prepared : prepare(m);
    return { prepared, checks: fids.map((fid, i) => checkInput(m, fid, prepared[i], force)) };
  });
}

/**
 * Each spectrum's answer from every member (its SDs widened by its own guard), combined: the ensemble's
 * estimates with the mixture's SDs, and the worst member's check.
 */
export async function quantifyWithEnsemble(
  members: Qcnn[],
  inputs: MemberInputs[],
  threads = 1,
): Promise<{ answer: MemberAnswer; check: InputCheck }[]> {
  const byInput = inputs[0].prepared.map(() => ({
    answers: [] as MemberAnswer[],
    checks: [] as InputCheck[],
  }));
  for (const [j, member] of members.entries()) {
    const { prepared, checks } = inputs[j];
    const out = await quantifyWithBundle(member, prepared, threads);
    out.forEach((r, i) => {
      byInput[i].answers.push({ ...r, sd: r.sd.map((x) => x * checks[i].sdFactor) });
      byInput[i].checks.push(checks[i]);
    });
  }
  return byInput.map((b) => ({ answer: ensembleAnswer(b.answers), check: ensembleCheck(b.checks) }));
}

import type { FitGrid } from '../grid.js';
import { VoigtModel, type VoigtOptions } from './voigt.js';

/**
 * Lorentzian linear-combination model: the Voigt model without the shared Gaussian term, i.e. each component
 * group broadened by e^{−πγt} only (FSL-MRS `lorentzian`). Right for data whose lines are Lorentzian (ideal
 * simulations, well-shimmed phantoms), and one parameter cheaper.
 */
export class LorentzianModel extends VoigtModel {
  override readonly name = 'lorentzian';
  constructor(
    grid: FitGrid,
    basisFids: Float64Array[],
    names: string[],
    opts: Omit<VoigtOptions, 'gaussian'>,
  ) {
    super(grid, basisFids, names, { ...opts, gaussian: false });
  }
}

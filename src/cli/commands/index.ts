import type { Command } from 'commander';
import { register as basis } from './basis.js';
import { register as bench } from './bench.js';
import { register as classify } from './classify.js';
import { register as convert } from './convert.js';
import { register as fit } from './fit.js';
import { register as info } from './info.js';
import { register as priors } from './priors.js';
import { register as quantify } from './quantify.js';
import { register as serve } from './serve.js';
import { register as simulate } from './simulate.js';
import { register as study } from './study.js';
import { register as train } from './train.js';

/** One module per subcommand; each exports `register(program)`. */
export function registerAll(program: Command): void {
  for (const r of [
    basis,
    simulate,
    priors,
    fit,
    train,
    quantify,
    classify,
    study,
    info,
    convert,
    serve,
    bench,
  ]) {
    r(program);
  }
}

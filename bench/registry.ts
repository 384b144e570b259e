/** Benchmarks by name, loaded lazily so one benchmark's imports never slow another. */
export const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {};
benchmarks.basis = () => import('./basis.js').then((m) => m.run());
benchmarks.cli = () => import('./cli.js').then((m) => m.run());
benchmarks.engine = () => import('./engine.js').then((m) => m.run());
benchmarks.fit = () => import('./fit.js').then((m) => m.run());
benchmarks.io = () => import('./io.js').then((m) => m.run());
benchmarks['report-png'] = () => import('./report-png.js').then((m) => m.run());
benchmarks.simulate = () => import('./simulate.js').then((m) => m.run());
benchmarks.networks = () => import('./networks.js').then((m) => m.run());
benchmarks['water-fat'] = () => import('./water-fat.js').then((m) => m.run());
benchmarks['water-fat-ecc'] = () => import('./water-fat-ecc.js').then((m) => m.run());
benchmarks['water-fat-lineshape'] = () => import('./water-fat-lineshape.js').then((m) => m.run());
benchmarks['water-fat-marrow-lcmodel'] = () => import('./water-fat-marrow-lcmodel.js').then((m) => m.run());
benchmarks['water-fat-routing'] = () => import('./water-fat-routing.js').then((m) => m.run());
benchmarks['basis-shaped'] = () => import('./basis-shaped.js').then((m) => m.run());
benchmarks.linalg = () => import('./linalg.js').then((m) => m.run());
benchmarks.robustness = () => import('./robustness.js').then((m) => m.run());
benchmarks['fit-robustness'] = () => import('./fit-robustness.js').then((m) => m.run());

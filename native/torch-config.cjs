#!/usr/bin/env node
// Prints the libtorch build settings that binding.gyp needs, one list per call:
//   node torch-config.cjs include | libdir | libs | defines
// Default: Debian's libtorch-dev (headers in /usr/include, libraries in the multiarch lib directory).
// LIBTORCH_DIR=/path/to/libtorch selects an official libtorch build instead (layout: include/,
// include/torch/csrc/api/include, lib/, share/cmake/Torch/TorchConfig.cmake), CPU or CUDA.
// The C++ ABI flag (_GLIBCXX_USE_CXX11_ABI) is read from that libtorch's TorchConfig.cmake, so the addon matches
// the library it links against (Debian and the "cxx11 ABI" official zips use 1, the older official zips 0).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function fail(message) {
  process.stderr.write(`torch-config: ${message}\n`);
  process.exit(1);
}

function locate() {
  const dir = process.env.LIBTORCH_DIR;
  if (dir) {
    const root = path.resolve(dir);
    const include = path.join(root, 'include');
    const lib = path.join(root, 'lib');
    if (!fs.existsSync(path.join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'nn.h'))) {
      fail(`LIBTORCH_DIR=${dir}: no include/torch/csrc/api/include/torch/nn.h (expected an unpacked libtorch)`);
    }
    return { include, lib, cmake: path.join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake') };
  }
  const include = '/usr/include';
  if (!fs.existsSync(path.join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'nn.h'))) {
    fail('libtorch not found: install Debian\'s libtorch-dev (apt-get install libtorch-dev) or set LIBTORCH_DIR');
  }
  const candidates = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
  const lib = candidates.find((d) => fs.existsSync(path.join(d, 'libtorch.so')));
  if (!lib) fail('libtorch.so not found in the system library directories (install libtorch-dev)');
  return { include, lib, cmake: path.join(lib, 'cmake', 'Torch', 'TorchConfig.cmake') };
}

function cxx11Abi(cmake) {
  if (process.env.LIBTORCH_CXX11_ABI === '0' || process.env.LIBTORCH_CXX11_ABI === '1') {
    return process.env.LIBTORCH_CXX11_ABI;
  }
  if (fs.existsSync(cmake)) {
    const m = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(fs.readFileSync(cmake, 'utf8'));
    if (m) return m[1];
  }
  return '1';
}

const where = locate();
const has = (name) => fs.existsSync(path.join(where.lib, name));
const what = process.argv[2];
switch (what) {
  case 'include':
    // /usr/include is already a system directory: naming it again with -I would break #include_next.
    process.stdout.write(
      [where.include, path.join(where.include, 'torch', 'csrc', 'api', 'include')]
        .filter((d) => d !== '/usr/include')
        .join(' '),
    );
    break;
  case 'libdir':
    process.stdout.write(where.lib);
    break;
  case 'libs': {
    const libs = [`-L${where.lib}`, `-Wl,-rpath,${where.lib}`, '-ltorch', '-ltorch_cpu', '-lc10'];
    // CUDA builds: torch_cuda registers its kernels from static initialisers, so it must stay linked even though
    // the addon references none of its symbols directly.
    if (has('libtorch_cuda.so')) libs.push('-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed');
    process.stdout.write(libs.join(' '));
    break;
  }
  case 'defines':
    process.stdout.write(`_GLIBCXX_USE_CXX11_ABI=${cxx11Abi(where.cmake)}`);
    break;
  default:
    fail(`unknown query '${what}' (expected include, libdir, libs or defines)`);
}

import { readFileSync } from 'node:fs';
import { parseDicom, valueBytes, tagOf } from '../dist/src/io/dicom/dicom-parser.js';
import { parseCsa, parseAscconv } from '../dist/src/io/siemens/csa.js';
const f = parseDicom(new Uint8Array(readFileSync(process.argv[2])), 'x');
for (const t of [0x1110, 0x1120]) {
  const el = f.dataset.elements.get(tagOf(0x29, t));
  const h = parseCsa(valueBytes(f.dataset, el), 'x', 'csa');
  for (const [k, v] of h) if (v.length && k !== 'MrPhoenixProtocol') console.log(t.toString(16), k, v.slice(0, 6).join(' | ').slice(0, 150));
  if (h.get('MrPhoenixProtocol')) { const a = parseAscconv(h.get('MrPhoenixProtocol')[0]); for (const [k,v] of a) if (/Frequency|lVectorSize|DwellTime|alTE|alTR|Nucleus|RemoveOversampling|lFinalMatrix|sSpecPara|Readout|Coil/i.test(k)) console.log('  asc', k, v); }
}

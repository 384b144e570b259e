import { readFileSync } from 'node:fs';
import { parseDicom, tagString, stringValue, numberValues } from '../dist/src/io/dicom/dicom-parser.js';
function dump(ds, indent) {
  for (const el of ds.elements.values()) {
    let v = '';
    if (el.items) { console.log(`${indent}${tagString(el.tag)} ${el.vr} [${el.items.length} items]`); el.items.forEach((it, i) => { console.log(`${indent} item ${i}`); dump(it, indent + '   '); }); continue; }
    if (['FD','FL','US','UL','SS','SL'].includes(el.vr)) v = numberValues(ds, el).slice(0,8).join(' ');
    else if (el.length < 200) v = stringValue(ds, el).replace(/[^\x20-\x7e]/g, '.');
    else v = `<${el.length} bytes>`;
    console.log(`${indent}${tagString(el.tag)} ${el.vr} ${el.length} ${v}`);
  }
}
const f = parseDicom(new Uint8Array(readFileSync(process.argv[2])), process.argv[2]);
console.log('TS', f.transferSyntax); dump(f.meta, ''); dump(f.dataset, '');

/**
 * The floor: one plain loop over every byte of each message that counts CRLF pairs. Any parser
 * has to look at every header byte and find every line end at least once, so no parser can be
 * faster than this; the ratio floor/sipkit says how much work sipkit does beyond that minimum.
 * It scans the body too, as the parsers are handed the whole message.
 */

const encoder = new TextEncoder();

function scan(bytes) {
  let lines = 0;
  const last = bytes.length - 1;
  for (let i = 0; i < last; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) lines++;
  return lines;
}

export const byteScan = {
  id: 'floor',
  label: 'byte scan (floor)',
  input: 'Uint8Array',
  prepare: (corpus) => corpus.map((m) => encoder.encode(m.text)),
  run(inputs) {
    let n = 0;
    for (let i = 0; i < inputs.length; i++) n += scan(inputs[i]);
    return n;
  },
};

import { describe, expect, it } from 'vitest';
import { astTrue, lexPjsipConf, readPjsipConf } from '../src/index.js';
import { configError } from './helpers.js';

describe('lexPjsipConf', () => {
  it('strips ; comments, keeps \\; as ;, trims key and value', () => {
    const lines = lexPjsipConf('[a]\n  key  =  va\\;lue  ; comment\n; whole line\n\n', 'f.conf');
    expect(lines).toEqual([
      { kind: 'section', name: 'a', flags: [], file: 'f.conf', line: 1 },
      { kind: 'option', key: 'key', op: '=', value: 'va;lue', file: 'f.conf', line: 2 },
    ]);
  });
  it('handles nested block comments across lines', () => {
    const text = '[a]\nx=1 ;-- start\ny=2 ;-- nested --; still\nz=3 --; w=4\nv=5';
    const keys = lexPjsipConf(text, 'f').flatMap((l) => (l.kind === 'option' ? [`${l.key}=${l.value}`] : []));
    expect(keys).toEqual(['x=1', 'w=4', 'v=5']);
  });
  it('recognises =>, +=, section flags and directives', () => {
    const lines = lexPjsipConf(
      '[t](!,base)\na => 1\nb += 2\n#include "other.conf"\n#tryinclude <x.conf>\n#exec /bin/x',
      'f',
    );
    expect(
      lines.map((l) => (l.kind === 'section' ? l.flags : l.kind === 'option' ? l.op : `${l.name}:${l.arg}`)),
    ).toEqual([['!', 'base'], '=>', '+=', 'include:other.conf', 'tryinclude:x.conf', 'exec:/bin/x']);
  });
  it.each([
    ['[a\nx=1', 'SYNTAX'],
    ['[]\n', 'SYNTAX'],
    ['[a] junk', 'SYNTAX'],
    ['[a]\njust words', 'SYNTAX'],
    ['[a]\n#bogus x', 'SYNTAX'],
    ['[a]\n= value', 'SYNTAX'],
  ])('rejects %j', (text, code) => {
    const e = configError(() => lexPjsipConf(text, 'f.conf'));
    expect(e.code).toBe(code);
    expect(e.source).toBe('pjsip');
    expect(e.location?.file).toBe('f.conf');
  });
});

describe('readPjsipConf', () => {
  it('keeps several sections of one name, told apart by type=', () => {
    const doc = readPjsipConf(
      '[trunk]\ntype=endpoint\n[trunk]\ntype=aor\n[trunk]\ntype=registration\nserver_uri=sip:a',
    );
    expect(doc.sections.map((s) => s.type)).toEqual(['endpoint', 'aor', 'registration']);
    expect(doc.object('registration', 'trunk')?.get('server_uri')).toBe('sip:a');
    expect(doc.objects('aor')).toHaveLength(1);
  });
  it('templates are never objects; inheritance copies base lines first, in order', () => {
    const doc = readPjsipConf(
      '[t1](!)\ntype=registration\na=1\nb=1\n[t2](!)\nb=2\nc=2\n[obj](t1,t2)\nc=3\n[both](!,obj)\n',
    );
    const obj = doc.object('registration', 'obj')!;
    expect(obj.variables.map((v) => `${v.key}=${v.value}${v.inherited ? '*' : ''}`)).toEqual([
      'type=registration*',
      'a=1*',
      'b=1*',
      'b=2*',
      'c=2*',
      'c=3',
    ]);
    expect([obj.get('b'), obj.get('c')]).toEqual(['2', '3']);
    expect(doc.objects('registration').map((s) => s.name)).toEqual(['obj']);
    expect(doc.sections.find((s) => s.name === 'both')?.isTemplate).toBe(true);
  });
  it('inherits from ordinary sections too', () => {
    const doc = readPjsipConf('[a]\ntype=auth\nusername=u\n[b](a)\npassword=p');
    expect(doc.object('auth', 'b')?.get('username')).toBe('u');
  });
  it('(+) appends to the existing section', () => {
    const doc = readPjsipConf('[a]\ntype=auth\nx=1\n[b]\ny=1\n[a](+)\nz=2');
    expect(doc.sections).toHaveLength(2);
    expect(doc.object('auth', 'a')?.keys()).toEqual(['type', 'x', 'z']);
  });
  it('+= appends to the last value without a separator, or sets it', () => {
    const doc = readPjsipConf('[a]\ntype=x\nv=ab\nv+=cd\nw+=new\nv += ef');
    const a = doc.objects('x')[0]!;
    expect(a.get('v')).toBe('abcdef');
    expect(a.get('w')).toBe('new');
    expect(a.all('v')).toHaveLength(1);
  });
  it('includes files through the injected reader, continuing the current section', () => {
    const files: Record<string, string> = {
      'auth.conf': 'password=p\n[more]\ntype=transport\n',
      'opt.conf': 'x=1',
    };
    const seen: string[] = [];
    const doc = readPjsipConf(
      '[a]\ntype=auth\n#include "auth.conf"\n#tryinclude missing.conf\n[b]\n#include opt.conf',
      {
        readFile: (p) => {
          seen.push(p);
          return files[p];
        },
      },
    );
    expect(seen).toEqual(['auth.conf', 'missing.conf', 'opt.conf']);
    expect(doc.object('auth', 'a')?.get('password')).toBe('p');
    expect(doc.objects('transport').map((s) => s.name)).toEqual(['more']);
    expect(doc.sections.find((s) => s.name === 'b')?.get('x')).toBe('1');
    expect(doc.sections.find((s) => s.name === 'b')?.variables[0]?.file).toBe('opt.conf');
  });
  it('skips #exec with a warning', () => {
    const warnings: string[] = [];
    readPjsipConf('[a]\n#exec /bin/true', { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
  });
  it.each([
    ['x=1', {}, 'SYNTAX'],
    ['[a](missing)', {}, 'UNKNOWN_SECTION'],
    ['[a](+)', {}, 'UNKNOWN_SECTION'],
    ['[a]\n#include nope.conf', {}, 'INCLUDE'],
    ['[a]\n#include nope.conf', { readFile: () => undefined }, 'INCLUDE'],
    [
      '[a]\n#include nope.conf',
      {
        readFile: () => {
          throw new Error('ENOENT');
        },
      },
      'INCLUDE',
    ],
    ['[a]\n#include self.conf', { readFile: () => '#include self.conf' }, 'INCLUDE'],
    // A readFile that returns something other than text (a Buffer, a number) is the caller's bug.
    ['[a]\n#include x.conf', { readFile: () => 5 as unknown as string }, 'INCLUDE'],
    ['[a]\n#tryinclude x.conf', { readFile: () => new Uint8Array(2) as unknown as string }, 'INCLUDE'],
  ])('%j -> %s', (text, opts, code) => {
    expect(configError(() => readPjsipConf(text, opts)).code).toBe(code);
  });
  it('reports the file and line of an error', () => {
    const e = configError(() => readPjsipConf('[a]\n#include x.conf', { readFile: () => '\n\nbad line' }));
    expect(e.location).toEqual({ file: 'x.conf', line: 3 });
  });
});

describe('astTrue', () => {
  it('follows ast_true', () => {
    for (const w of ['yes', 'TRUE', 'y', 't', '1', 'On']) expect(astTrue(w)).toBe(true);
    for (const w of ['no', 'false', '0', 'off', 'maybe', '']) expect(astTrue(w)).toBe(false);
  });
});

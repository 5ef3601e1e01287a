import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { kamailioBindings } from '../../../interop/kamailio-control.js';
import {
  KAMAILIO_DOMAIN,
  KAMAILIO_HOST,
  KAMAILIO_SIP_PORT,
  KAMAILIO_WS_URL,
} from '../../../interop/kamailio-env.js';
import { registerCommand } from '../src/register-command.js';
import { parseRegisterOptions } from '../src/register-options.js';

const dir = mkdtempSync(join(tmpdir(), 'sipkit-demo-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AOR = `sip:bob@${KAMAILIO_DOMAIN}`;
const files: Record<string, [string, string]> = {
  sipkit: [
    'sipkit.json',
    JSON.stringify({
      aor: AOR,
      password: 'bobpw',
      servers: `sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT};transport=tcp`,
    }),
  ],
  jssip: ['jssip.json', JSON.stringify({ uri: AOR, password: 'bobpw', sockets: [KAMAILIO_WS_URL] })],
  'sipjs-legacy': [
    'legacy.json',
    JSON.stringify({ uri: AOR, password: 'bobpw', ws_servers: KAMAILIO_WS_URL }),
  ],
  sipjs: [
    'sipjs.json',
    JSON.stringify({
      userAgentOptions: {
        uri: AOR,
        authorizationUsername: 'bob',
        authorizationPassword: 'bobpw',
        transportOptions: { server: KAMAILIO_WS_URL },
      },
      registererOptions: { expires: 120 },
    }),
  ],
  pjsip: [
    'pjsip.conf',
    [
      '[bob-auth]',
      'type=auth',
      'username=bob',
      'password=bobpw',
      '',
      '[kamailio]',
      'type=registration',
      'outbound_auth=bob-auth',
      `server_uri=sip:${KAMAILIO_HOST}:${KAMAILIO_SIP_PORT}`,
      `client_uri=${AOR}`,
      'max_random_initial_delay=0',
      '; this one is a template the reader must skip',
      '[tpl](!)',
      'type=registration',
    ].join('\n'),
  ],
};

test.each(Object.keys(files))(
  'sipkit register --config <%s file> registers with Kamailio and unregisters',
  async (format) => {
    const [name, text] = files[format]!;
    const path = join(dir, name);
    writeFileSync(path, text);
    const lines: string[] = [];
    const code = await registerCommand(
      parseRegisterOptions(['--config', path, '--registration', 'kamailio']),
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      new RegExp(`^config: .*${name} \\(${format}, profile ${format === 'pjsip' ? 'asterisk' : format}\\)$`),
    );
    expect(lines.some((l) => l.startsWith(`registered ${AOR} as `))).toBe(true);
    expect(lines.at(-1)).toBe('stopped (unregistered)');
    const bob = (await kamailioBindings()).find((b) => b.aor.startsWith('bob'));
    expect(bob?.contacts ?? []).toEqual([]);
  },
);

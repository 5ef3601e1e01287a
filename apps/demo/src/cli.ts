#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseMessage, SipParseError } from '@sipkit/parser';
import { prettyPrint } from './pretty-print.js';
import { registerCommand } from './register-command.js';
import { parseRegisterOptions } from './register-options.js';
import { SAMPLE_REGISTER } from './sample-message.js';

const USAGE = `usage:
  sipkit register [options]   register, show each state change, unregister (default command)
      --config FILE           sipkit / JsSIP / SIP.js 0.7 / SIP.js 0.21 JSON, or pjsip.conf
      --format F              sipkit | jssip | sipjs-legacy | sipjs | pjsip (default: guessed)
      --registration NAME     pjsip.conf type=registration section
      --server URI            sip:host:port or ws://host:port (default: an embedded registrar)
      --transport T           udp | tcp | ws (default udp)
      --user U --password P --domain D   account (default alice / alicepw / example.test)
      --expires S             requested expiry (default 60)
      --duration S            stay registered S seconds before unregistering (default 0)
      --trace                 print SIP messages (credentials redacted)
  sipkit parse [FILE]         parse a SIP message (FILE, or a built-in REGISTER) and print its fields`;

async function main(argv: string[]): Promise<number> {
  const [command = 'register', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'parse') {
    const bytes = rest[0] ? readFileSync(rest[0]) : new TextEncoder().encode(SAMPLE_REGISTER);
    try {
      console.log(prettyPrint(parseMessage(bytes)));
      return 0;
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      console.error(`not a valid SIP message: ${e.message} (code ${e.code}, at ${e.position})`);
      return 1;
    }
  }
  if (command === 'register' || command.startsWith('--')) {
    const args = command === 'register' ? rest : argv;
    try {
      return await registerCommand(parseRegisterOptions(args), (line) => console.log(line));
    } catch (e) {
      console.error(`sipkit register: ${(e as Error).message}`);
      return 1;
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

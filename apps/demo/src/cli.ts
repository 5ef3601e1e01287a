#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseMessage, SipParseError } from '@sipkit/parser';
import { prettyPrint } from './pretty-print.js';
import { SAMPLE_REGISTER } from './sample-message.js';

const USAGE = `usage: sipkit parse [FILE]   parse a SIP message (FILE, or a built-in REGISTER) and print its fields`;

function main(argv: string[]): number {
  const [command = 'parse', file] = argv;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'parse') {
    console.error(USAGE);
    return 2;
  }
  const bytes = file ? readFileSync(file) : new TextEncoder().encode(SAMPLE_REGISTER);
  try {
    console.log(prettyPrint(parseMessage(bytes)));
    return 0;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    console.error(`not a valid SIP message: ${e.message} (code ${e.code}, at ${e.position})`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));

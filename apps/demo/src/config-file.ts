import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  fromJsSIP,
  fromPjsip,
  fromSipJs,
  fromSipJsLegacy,
  type JsSipConfig,
  type SipJsLegacyConfig,
  type SipJsRegistererOptions,
  type SipJsUserAgentOptions,
  type SipkitConfigOptions,
  sipkitConfig,
  type UserAgentConfig,
} from '@sipkit/config';

/** The configuration formats `sipkit register --config` reads. */
export type ConfigFormat = 'sipkit' | 'jssip' | 'sipjs-legacy' | 'sipjs' | 'pjsip';

/**
 * Picks the format of a config file: `.conf` is pjsip.conf; a JSON object with
 * `userAgentOptions` is SIP.js 0.21; with `sockets` JsSIP; with `wsServers` / `ws_servers`
 * SIP.js 0.7; with `aor` sipkit's own options (`sipkitConfig`).
 */
export function detectFormat(file: string, text: string): ConfigFormat {
  if (file.endsWith('.conf')) return 'pjsip';
  const json = JSON.parse(text) as Record<string, unknown>;
  if ('userAgentOptions' in json) return 'sipjs';
  if ('aor' in json) return 'sipkit';
  if ('sockets' in json) return 'jssip';
  if ('wsServers' in json || 'ws_servers' in json) return 'sipjs-legacy';
  throw new Error(`cannot tell the format of ${file}: pass --format sipkit|jssip|sipjs-legacy|sipjs|pjsip`);
}

/** Reads a config file in any of the five formats into a sipkit {@link UserAgentConfig}. */
export function loadConfigFile(file: string, format?: ConfigFormat, registration?: string): UserAgentConfig {
  const text = readFileSync(file, 'utf8');
  const kind = format ?? detectFormat(file, text);
  switch (kind) {
    case 'pjsip':
      return fromPjsip(text, {
        registration,
        fileName: file,
        readFile: (name: string) => {
          try {
            return readFileSync(resolve(dirname(file), name), 'utf8');
          } catch {
            return undefined; // #tryinclude of a missing file is not an error
          }
        },
      });
    case 'sipjs': {
      const { userAgentOptions, registererOptions } = JSON.parse(text) as {
        userAgentOptions: SipJsUserAgentOptions;
        registererOptions?: SipJsRegistererOptions;
      };
      return fromSipJs(userAgentOptions, registererOptions);
    }
    case 'jssip':
      return fromJsSIP(JSON.parse(text) as JsSipConfig);
    case 'sipkit':
      return sipkitConfig(JSON.parse(text) as SipkitConfigOptions);
    default:
      return fromSipJsLegacy(JSON.parse(text) as SipJsLegacyConfig);
  }
}

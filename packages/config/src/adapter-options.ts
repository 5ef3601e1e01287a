import type { ProfileParams } from './profiles.js';
import type { SessionConfig } from './types.js';

/** Options shared by every adapter. */
export interface AdapterOptions {
  /**
   * Use sipkit's own registration behaviour instead of reproducing the source system's.
   * The mapped options are the same; only `profile` and `profileParams` change.
   */
  profile?: 'source' | 'sipkit';
}

/** Applies {@link AdapterOptions.profile} to the source profile's parameters. */
export function chooseProfile(
  source: ProfileParams,
  expires: number,
  options?: AdapterOptions,
): ProfileParams {
  return options?.profile === 'sipkit' ? { profile: 'sipkit', expires } : source;
}

/** Session defaults shared by the JavaScript stacks (60 s no-answer, timers on, UPDATE refresh). */
export function defaultSession(): SessionConfig {
  return {
    timers: true,
    refreshMethod: 'UPDATE',
    forceRefresher: false,
    noAnswerTimeout: 60,
    rel100: 'unsupported',
    replaces: 'unsupported',
    extraSupported: [],
  };
}

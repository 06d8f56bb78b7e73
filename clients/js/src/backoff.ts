// Reconnect timing: jittered exponential backoff and its settings.

/** Reconnect settings; all times in milliseconds. */
export interface ReconnectOptions {
  /** The first delay's ceiling. Default 1000. */
  initialDelay?: number;
  /** The largest delay. Default 30000. */
  maxDelay?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Consecutive reconnect attempts before giving up. Default Infinity. */
  maxAttempts?: number;
  /** A connection open this long resets the attempt count. Default 5000. */
  stableAfter?: number;
}

/** Reconnect settings with every value set. */
export type ReconnectSettings = Readonly<Required<ReconnectOptions>>;

/** The defaults of `ReconnectOptions`. */
export const DEFAULT_RECONNECT: ReconnectSettings = Object.freeze({
  initialDelay: 1000, maxDelay: 30000, factor: 2, maxAttempts: Infinity, stableAfter: 5000,
});

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with "equal jitter", so it
 * lies in [ceiling / 2, ceiling] where ceiling = min(maxDelay, initialDelay * factor^attempt). Never zero, never
 * above maxDelay, and clients that lost the same server spread out.
 * @param attempt the attempt, 0 for the first
 * @param options the delays
 * @param random returns a number in [0, 1)
 * @returns milliseconds
 */
export function backoffDelay(
  attempt: number,
  options: { initialDelay: number; maxDelay: number; factor: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelay, options.initialDelay * options.factor ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/** The settings of `reconnect: true | undefined | ReconnectOptions`, checked. */
export function normalizeReconnect(reconnect: boolean | ReconnectOptions | undefined): ReconnectSettings {
  const settings = { ...DEFAULT_RECONNECT, ...(reconnect === true || reconnect === undefined ? {} : reconnect) };
  for (const name of ['initialDelay', 'maxDelay', 'stableAfter'] as const) {
    positiveNumber(settings[name], 0, `reconnect.${name}`);
  }

  if (!(settings.factor >= 1)) {
    throw new TypeError('reconnect.factor must be at least 1.');
  }

  if (!(settings.maxAttempts >= 0)) {
    throw new TypeError('reconnect.maxAttempts must be 0 or more (Infinity to never give up).');
  }

  if (settings.maxDelay < settings.initialDelay) {
    throw new TypeError('reconnect.maxDelay must be at least reconnect.initialDelay.');
  }

  return Object.freeze(settings);
}

/** `value`, or `fallback` when undefined; a TypeError naming `name` unless it is a number of 0 or more. */
export function positiveNumber(value: unknown, fallback: number, name: string): number {
  if (value === undefined) {
    return fallback;
  }

  if (typeof value !== 'number' || !(value >= 0)) {
    throw new TypeError(`${name} must be a number of 0 or more.`);
  }

  return value;
}

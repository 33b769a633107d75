/**
 * One way to declare a demo's attributes: type, range and fallback.
 *
 * Attributes arrive as strings (from Markdown) or as typed values (set from
 * JS). A spec turns either into a typed value, or into a readable error that
 * names the attribute, what it got and what it expects; the element then
 * uses the fallback and shows the message in its box.
 */
import type { PropertyDeclaration } from 'lit';

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

export interface ParamSpec<T> {
  /** Attribute name in Markdown (kebab-case); defaults to the kebab form of the key. */
  attribute?: string;
  fallback: T;
  /** Human description of what is expected, shown in error messages. */
  expected: string;
  parse(raw: unknown): Parsed<T>;
  /** Clamp-style caps: return a corrected value and a note when the value was too large. */
  cap?(value: T): { value: T; note: string } | null;
}

export interface ParamError {
  attribute: string;
  got: string;
  expected: string;
  /** 'error' falls back to the default; 'note' means the value was capped and used. */
  kind: 'error' | 'note';
}

export type ParamSpecs = Record<string, ParamSpec<any>>;
export type ParamValues<S extends ParamSpecs> = { [K in keyof S]: S[K]['fallback'] };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function describeRange(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return '';
}

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string' || raw.trim() === '') return NaN;
  return Number(raw.trim());
}

interface NumberOpts<T> {
  fallback: T;
  min?: number;
  max?: number;
  /** Values above this are accepted but capped, with a note (e.g. hidden="1e9"). */
  cap?: number;
  attribute?: string;
}

function numberSpec(opts: NumberOpts<number>, integer: boolean): ParamSpec<number> {
  const range = describeRange(opts.min, opts.max);
  const expected = `${integer ? 'a whole number' : 'a number'}${range ? ' ' + range : ''}`;
  return {
    attribute: opts.attribute,
    fallback: opts.fallback,
    expected,
    parse(raw) {
      const n = toNumber(raw);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return bad(expected);
      if (opts.min !== undefined && n < opts.min) return bad(expected);
      if (opts.max !== undefined && n > opts.max && opts.cap === undefined) return bad(expected);
      return ok(n);
    },
    cap(value) {
      const limit = opts.cap ?? opts.max;
      if (opts.cap === undefined || limit === undefined || value <= limit) return null;
      return { value: limit, note: `capped at ${limit} to keep the demo responsive` };
    },
  };
}

function splitList(raw: unknown): string[] | null {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return null;
  if (raw.trim() === '') return [];
  return raw.split(',').map((s) => s.trim());
}

export const param = {
  number: (opts: NumberOpts<number>) => numberSpec(opts, false),
  int: (opts: NumberOpts<number>) => numberSpec(opts, true),

  /** Comma-separated numbers, e.g. logits="2, 1, 0.5". */
  numbers(opts: { fallback: number[]; minLength?: number; maxLength?: number; min?: number; max?: number; attribute?: string }): ParamSpec<number[]> {
    const len = describeRange(opts.minLength, opts.maxLength);
    const expected = `comma-separated numbers${len ? ` (${len} of them)` : ''}, e.g. "2, 1, 0.5"`;
    return {
      attribute: opts.attribute,
      fallback: opts.fallback,
      expected,
      parse(raw) {
        const parts = splitList(raw);
        if (!parts) return bad(expected);
        const values = parts.map(toNumber);
        if (values.some((v) => !Number.isFinite(v))) return bad(expected);
        if (opts.minLength !== undefined && values.length < opts.minLength) return bad(expected);
        if (opts.maxLength !== undefined && values.length > opts.maxLength) return bad(expected);
        if (opts.min !== undefined && values.some((v) => v < opts.min!)) return bad(expected);
        if (opts.max !== undefined && values.some((v) => v > opts.max!)) return bad(expected);
        return ok(values);
      },
    };
  },

  /** Comma-separated labels. */
  strings(opts: { fallback: string[]; maxLength?: number; attribute?: string }): ParamSpec<string[]> {
    const expected = `comma-separated words${opts.maxLength ? ` (at most ${opts.maxLength})` : ''}`;
    return {
      attribute: opts.attribute,
      fallback: opts.fallback,
      expected,
      parse(raw) {
        const parts = splitList(raw);
        if (!parts) return bad(expected);
        if (opts.maxLength !== undefined && parts.length > opts.maxLength) return bad(expected);
        return ok(parts);
      },
    };
  },

  string(opts: { fallback: string; maxLength?: number; attribute?: string }): ParamSpec<string> {
    const expected = `text${opts.maxLength ? ` of at most ${opts.maxLength} characters` : ''}`;
    return {
      attribute: opts.attribute,
      fallback: opts.fallback,
      expected,
      parse(raw) {
        if (typeof raw !== 'string') return bad(expected);
        if (opts.maxLength !== undefined && raw.length > opts.maxLength) return bad(expected);
        return ok(raw);
      },
    };
  },

  /** Present attribute = true (HTML boolean), also accepts "true"/"false"/"on"/"off". */
  boolean(fallback: boolean, attribute?: string): ParamSpec<boolean> {
    const expected = 'true or false (or the bare attribute)';
    return {
      attribute,
      fallback,
      expected,
      parse(raw) {
        if (typeof raw === 'boolean') return ok(raw);
        if (typeof raw !== 'string') return bad(expected);
        const v = raw.trim().toLowerCase();
        if (v === '' || v === 'true' || v === 'on' || v === 'yes') return ok(true);
        if (v === 'false' || v === 'off' || v === 'no') return ok(false);
        return bad(expected);
      },
    };
  },

  oneOf<const T extends readonly string[]>(choices: T, fallback: T[number], attribute?: string): ParamSpec<T[number]> {
    const expected = `one of ${choices.map((c) => `"${c}"`).join(', ')}`;
    return {
      attribute,
      fallback,
      expected,
      parse(raw) {
        const v = typeof raw === 'string' ? raw.trim() : raw;
        return (choices as readonly unknown[]).includes(v) ? ok(v as T[number]) : bad(expected);
      },
    };
  },

  /** A matrix: JSON array of arrays, or rows separated by ";" with comma-separated numbers. */
  matrix(opts: { fallback: number[][] | null; square?: boolean; maxSize?: number; attribute?: string }): ParamSpec<number[][] | null> {
    const expected = `a${opts.square ? ' square' : ''} matrix of numbers: rows separated by ";" and values by ",", e.g. "0.9, 0.1; 0.3, 0.7"`;
    return {
      attribute: opts.attribute,
      fallback: opts.fallback,
      expected,
      parse(raw) {
        let rows: unknown;
        if (Array.isArray(raw)) rows = raw;
        else if (typeof raw === 'string') {
          const text = raw.trim();
          if (text.startsWith('[')) {
            try { rows = JSON.parse(text); } catch { return bad(expected); }
          } else rows = text.split(';').filter((r) => r.trim() !== '').map((r) => r.split(',').map(toNumber));
        } else return bad(expected);
        if (!Array.isArray(rows) || rows.length === 0) return bad(expected);
        const m = rows.map((r) => (Array.isArray(r) ? r.map(toNumber) : null));
        if (!m[0]?.length || m.some((r) => !r || r.length !== m[0]!.length || r.some((v) => !Number.isFinite(v)))) return bad(expected);
        if (opts.square && m.length !== m[0]!.length) return bad(expected);
        if (opts.maxSize !== undefined && m.length > opts.maxSize) return bad(`${expected}, at most ${opts.maxSize} rows`);
        return ok(m as number[][]);
      },
    };
  },
};

/** Lit property declarations for a spec set: raw values, reflected from kebab-case attributes. */
export function propertiesOf(specs: ParamSpecs): Record<string, PropertyDeclaration> {
  const props: Record<string, PropertyDeclaration> = {};
  for (const [key, spec] of Object.entries(specs)) {
    // No converter: the raw string (or a value set from JS) is kept and parsed by readParams.
    props[key] = { attribute: spec.attribute ?? kebab(key), converter: { fromAttribute: (v: string | null) => v ?? undefined } };
  }
  return props;
}

/** Longest quoted value in a message: a hostile attribute (1 MB of text) must not flood the box. */
const SHOWN_CHARS = 80;

/** The value as quoted in a message, shortened when long. */
export function shownValue(input: unknown): string {
  let text: string;
  try {
    text = Array.isArray(input) ? JSON.stringify(input) : String(input);
  } catch {
    text = Object.prototype.toString.call(input);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 20)}… (${text.length.toLocaleString('en-US')} characters)` : text;
}

/** Parses every declared param from the host's raw values; missing values use the fallback silently. */
export function parseParams<S extends ParamSpecs>(specs: S, raw: Record<string, unknown>): { values: ParamValues<S>; errors: ParamError[] } {
  const values = {} as Record<string, unknown>;
  const errors: ParamError[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const attribute = spec.attribute ?? kebab(key);
    const input = raw[key];
    if (input === undefined || input === null) {
      values[key] = spec.fallback;
      continue;
    }
    let parsed: Parsed<unknown>;
    try {
      parsed = spec.parse(input);
    } catch {
      // A parser that throws on a hostile value still ends in a message naming the attribute.
      parsed = bad(spec.expected);
    }
    if (!parsed.ok) {
      errors.push({ attribute, got: shownValue(input), expected: parsed.expected, kind: 'error' });
      values[key] = spec.fallback;
      continue;
    }
    const capped = spec.cap?.(parsed.value);
    if (capped) {
      errors.push({ attribute, got: shownValue(input), expected: capped.note, kind: 'note' });
      values[key] = capped.value;
    } else values[key] = parsed.value;
  }
  return { values: values as ParamValues<S>, errors };
}

export function formatParamError(e: ParamError): string {
  return e.kind === 'note'
    ? `${e.attribute}="${e.got}": ${e.expected}.`
    : `${e.attribute}="${e.got}" is not valid: expected ${e.expected}. Using the default instead.`;
}

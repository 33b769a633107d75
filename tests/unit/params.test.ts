import { describe, expect, it } from 'vitest';
import { formatParamError, param, parseParams } from '../../components/runtime/params';

const SPECS = {
  logits: param.numbers({ fallback: [1, 2], minLength: 1 }),
  temperature: param.number({ fallback: 1, min: 0, max: 3 }),
  hidden: param.int({ fallback: 200, min: 1, cap: 1000 }),
  mode: param.oneOf(['a', 'b'] as const, 'a'),
  causal: param.boolean(false),
  weights: param.matrix({ fallback: null, square: true }),
};

describe('parseParams', () => {
  it.each([
    { raw: { logits: 'a,b' }, attribute: 'logits' },
    { raw: { logits: '' }, attribute: 'logits' },
    { raw: { temperature: '-1' }, attribute: 'temperature' },
    { raw: { temperature: 'abc' }, attribute: 'temperature' },
    { raw: { mode: 'c' }, attribute: 'mode' },
    { raw: { causal: 'maybe' }, attribute: 'causal' },
    { raw: { weights: '1,0;0' }, attribute: 'weights' },
    { raw: { weights: '1,0,0;0,1,0' }, attribute: 'weights' },
  ])('falls back and names $attribute when given $raw', ({ raw, attribute }) => {
    const { values, errors } = parseParams(SPECS, raw);
    expect(errors).toHaveLength(1);
    expect(errors[0].attribute).toBe(attribute);
    expect(errors[0].kind).toBe('error');
    expect(formatParamError(errors[0])).toContain(attribute);
    expect(formatParamError(errors[0])).toMatch(/expected/);
    const key = Object.keys(raw)[0] as keyof typeof SPECS;
    expect(values[key]).toEqual(SPECS[key].fallback);
  });

  it('parses well-formed strings and typed values', () => {
    const { values, errors } = parseParams(SPECS, {
      logits: '2, 1, 0.5', temperature: 0.5, mode: 'b', causal: '', weights: '0.9, 0.1; 0.3, 0.7',
    });
    expect(errors).toEqual([]);
    expect(values).toMatchObject({ logits: [2, 1, 0.5], temperature: 0.5, mode: 'b', causal: true, weights: [[0.9, 0.1], [0.3, 0.7]] });
  });

  it('caps oversized values with a note rather than an error', () => {
    const { values, errors } = parseParams(SPECS, { hidden: '1e9' });
    expect(values.hidden).toBe(1000);
    expect(errors[0]).toMatchObject({ attribute: 'hidden', kind: 'note' });
  });

  it('uses fallbacks silently when attributes are absent', () => {
    const { values, errors } = parseParams(SPECS, {});
    expect(errors).toEqual([]);
    expect(values.temperature).toBe(1);
  });
});

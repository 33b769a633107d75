import { describe, expect, it } from 'vitest';
import { formatParamError, param, parseParams, shownValue, type ParamSpec } from '../../components/runtime/params';

describe('params under hostile values', () => {
  it('quotes a long value shortened, with its length, so 1 MB of text cannot flood the box', () => {
    const huge = 'x'.repeat(1 << 20);
    const { errors } = parseParams({ n: param.int({ fallback: 3, min: 1 }) }, { n: huge });
    expect(errors).toHaveLength(1);
    expect(errors[0].got.length).toBeLessThan(100);
    expect(errors[0].got).toContain('1,048,576 characters');
    expect(formatParamError(errors[0])).toMatch(/^n="x+… \(1,048,576 characters\)" is not valid: expected a whole number/);
  });

  it.each([
    ['short', 'short'],
    ['[1,2]', '[1,2]'],
    [[1, 2], '[1,2]'],
    [NaN, 'NaN'],
  ])('quotes %j as %s', (input, shown) => {
    expect(shownValue(input)).toBe(shown);
  });

  it('turns a parser that throws into a message naming the attribute, with the fallback used', () => {
    const throwing: ParamSpec<number> = { fallback: 7, expected: 'a lucky number', parse: () => { throw new Error('boom'); } };
    const { values, errors } = parseParams({ luckyNumber: throwing }, { luckyNumber: '13' });
    expect(values.luckyNumber).toBe(7);
    expect(errors).toEqual([{ attribute: 'lucky-number', got: '13', expected: 'a lucky number', kind: 'error' }]);
  });

  it.each(['NaN', 'Infinity', '-1', '1e308', '9007199254740993', '', ' \t', '<script>x</script>', '1; 2'])('rejects %j for a bounded whole number', (raw) => {
    const { values, errors } = parseParams({ size: param.int({ fallback: 4, min: 1, max: 64 }) }, { size: raw });
    expect(values.size).toBe(4);
    expect(errors[0]?.attribute).toBe('size');
  });

  it.each(['1, 2; 3', '[[1, 2], [3]]', '[[1, 2], "a"]', '[[]]', ';;;', '[', '{"a": 1}'])('rejects the ragged or malformed matrix %j', (raw) => {
    const { values, errors } = parseParams({ weights: param.matrix({ fallback: null }) }, { weights: raw });
    expect(values.weights).toBeNull();
    expect(errors[0]?.attribute).toBe('weights');
  });
});

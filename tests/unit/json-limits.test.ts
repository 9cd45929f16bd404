import { checkJsonLimits, findHostileJson } from '../../server/src/ingest/json-limits';

describe('checkJsonLimits', () => {
  it('accepts ordinary JSON', () => {
    expect(checkJsonLimits({ a: 1, b: [true, null, 'x'], c: { d: { e: 'f' } } })).toEqual([]);
  });

  it.each([
    [{ a: { b: { c: { d: { e: {} } } } } }, ['a', 'b', 'c', 'd', 'e'], 'nested deeper than 5 levels'],
    [{ list: Array.from({ length: 101 }, () => 1) }, ['list'], 'more than 100 items'],
    [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), [], 'more than 50 properties'],
    [{ text: 's'.repeat(1025) }, ['text'], 'string longer than 1024 characters'],
    [{ n: Infinity }, ['n'], 'expected a finite number'],
    [{ prototype: 1 }, ['prototype'], 'forbidden key "prototype"'],
  ])('reports %j at its path', (value, path, message) => {
    expect(checkJsonLimits(value)).toEqual([{ path, message }]);
  });
});

describe('findHostileJson', () => {
  it('finds prototype keys at any depth, including JSON.parse own "__proto__" keys', () => {
    const parsed = JSON.parse('{"a":[{"b":{"__proto__":{"x":1}}}]}');
    expect(findHostileJson(parsed)).toEqual({ path: ['a', 0, 'b', '__proto__'], message: 'forbidden key "__proto__"' });
    expect(findHostileJson({ constructor: {} })).toEqual({ path: ['constructor'], message: 'forbidden key "constructor"' });
  });

  it('stops at absurd nesting without walking further', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(findHostileJson(deep)?.message).toBe('nested deeper than 16 levels');
  });

  it('passes clean bodies', () => {
    expect(findHostileJson({ events: [{ type: 'page', properties: { a: [1, { b: 2 }] } }] })).toBeNull();
  });
});

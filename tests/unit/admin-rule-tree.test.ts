import { addChild, fromRules, splitWithin, newCondition, newGroup, removeNode, toRules, updateNode, type ConditionNode, type GroupNode } from '../../admin/src/components/RuleBuilder/rule-tree';

const typeOf = (fact: string) => (fact.startsWith('utm.') || fact === 'device.type' ? 'string' : 'number') as 'string' | 'number';
const condition = (fact: string, op: string, value: string, window = ''): ConditionNode => ({ id: `${fact}-${op}`, kind: 'condition', fact, op, value, window });

describe('rule builder tree (pure)', () => {
  it('turns typed values into the rule language: numbers, lists, ranges, windows, no value for exists', () => {
    const root: GroupNode = {
      id: 'root',
      kind: 'group',
      match: 'all',
      negate: false,
      children: [
        condition('events.Video Played', 'gte', ' 2 ', '7d'),
        condition('utm.source', 'in', 'newsletter, twitter ,'),
        condition('dwell.total', 'between', '30, 600'),
        condition('traits.plan', 'exists', 'ignored'),
        { id: 'g', kind: 'group', match: 'any', negate: true, children: [condition('device.type', 'eq', 'mobile'), condition('utm.medium', 'eq', 'cpc')] },
        { id: 'h', kind: 'group', match: 'all', negate: true, children: [condition('device.type', 'eq', 'tablet')] },
      ],
    };
    expect(toRules(root, typeOf)).toEqual({
      all: [
        { fact: 'events.Video Played', op: 'gte', value: 2, window: '7d' },
        { fact: 'utm.source', op: 'in', value: ['newsletter', 'twitter'] },
        { fact: 'dwell.total', op: 'between', value: [30, 600] },
        { fact: 'traits.plan', op: 'exists' },
        { not: { any: [{ fact: 'device.type', op: 'eq', value: 'mobile' }, { fact: 'utm.medium', op: 'eq', value: 'cpc' }] } },
        // "None of" a single rule is that rule negated.
        { not: { fact: 'device.type', op: 'eq', value: 'tablet' } },
      ],
    });
  });

  it('keeps a string fact\'s digits as text, and reads booleans for untyped facts', () => {
    expect(toRules(condition('utm.campaign', 'eq', '2026'), typeOf)).toEqual({ fact: 'utm.campaign', op: 'eq', value: '2026' });
    expect(toRules(condition('traits.pro', 'eq', 'true'), () => 'any')).toEqual({ fact: 'traits.pro', op: 'eq', value: true });
  });

  it('reads stored rules back into the same tree (round trip)', () => {
    const rules = {
      any: [
        { fact: 'pageviews', op: 'gte', value: 3, window: '30d' },
        { not: { fact: 'traits.plan', op: 'in', value: ['pro', 'team'] } },
        { all: [{ fact: 'sessions', op: 'between', value: [2, 5] }] },
        { sequence: [{ page: 'Pricing', category: 'Commerce' }, { event: 'Signup Started' }], within: 'session' },
        { not: { sequence: [{ contentType: 'article', topic: 'ai' }, { page: 'Docs' }], within: '7d' } },
      ],
    };
    expect(toRules(fromRules(rules as never), () => 'any')).toEqual(rules);
    // A single condition at the root becomes a group of one.
    expect(fromRules({ fact: 'pageviews', op: 'gt', value: 1 })).toMatchObject({ kind: 'group', match: 'all', children: [{ fact: 'pageviews', value: '1' }] });
    expect(fromRules(null)).toMatchObject({ kind: 'group', children: [{ kind: 'condition', fact: '' }] });
  });

  it('splits a sequence window into what the picker shows', () => {
    expect(splitWithin('session')).toBe('session');
    expect(splitWithin('30m')).toEqual({ amount: '30', unit: 'm' });
    expect(splitWithin('d')).toEqual({ amount: '', unit: 'd' });
    expect(splitWithin('90s')).toEqual({ amount: '90', unit: 's' });
    expect(splitWithin('1w')).toEqual({ amount: '', unit: 'h' });
  });

  it('adds, changes and removes nodes anywhere without touching the others', () => {
    let root = newGroup('all');
    const nested = newGroup('any');
    root = addChild(root, root.id, nested);
    const extra = newCondition();
    root = addChild(root, nested.id, extra);
    expect((root.children[1] as GroupNode).children).toHaveLength(2);
    root = updateNode(root, extra.id, (node) => ({ ...(node as ConditionNode), fact: 'sessions' }));
    expect(((root.children[1] as GroupNode).children[1] as ConditionNode).fact).toBe('sessions');
    root = removeNode(root, nested.id);
    expect(root.children).toHaveLength(1);
    // The root group itself cannot be removed.
    expect(removeNode(root, root.id)).toBe(root);
  });
});

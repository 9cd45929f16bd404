/**
 * @jest-environment jsdom
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { IntlProvider } from 'react-intl';
import type { FactCatalog } from '../../admin/src/api/types';
import { factSpec, RuleBuilder } from '../../admin/src/components/RuleBuilder/RuleBuilder';
import { fromRules, toRules, type GroupNode, type Rule } from '../../admin/src/components/RuleBuilder/rule-tree';
import { fillDesignSystemGaps } from '../helpers/design-system-dom';
import { OPERATOR_ALIASES, OPERATORS, OPERATORS_BY_TYPE } from '../../server/src/segments/rules/operators';

beforeAll(fillDesignSystemGaps);

const catalog: FactCatalog = {
  scalars: [
    { name: 'pageviews', type: 'number', windowCounter: 'pv', describe: 'page views' },
    { name: 'utm.source', type: 'string', describe: 'first-touch source' },
    { name: 'daysSinceFirstSeen', type: 'number', describe: 'days' },
    { name: 'lastSeen', type: 'date', describe: 'when the latest event happened' },
    { name: 'recent', type: 'list', describe: 'recently viewed item ids' },
  ],
  families: [
    { family: 'events', type: 'number', describe: 'count of an event', windowable: true },
    { family: 'topics', type: 'number', describe: 'share of interest in a topic' },
    { family: 'bounces', type: 'number', describe: 'bounces on a topic', windowable: true },
    { family: 'traits', type: 'any', describe: 'a trait' },
  ],
  operators: OPERATORS,
  operatorsByType: OPERATORS_BY_TYPE,
  operatorAliases: OPERATOR_ALIASES,
  seen: { events: ['Video Played', 'Signup'], pages: ['Pricing', 'Docs'], categories: [], topics: ['Sci-Fi'], traits: ['plan'] },
};

/** The builder with its state, reporting the rules it would save. */
const Harness = ({ initial, onRules, disabled }: { initial?: Rule; onRules: (rules: Rule) => void; disabled?: boolean }) => {
  const [tree, setTree] = useState<GroupNode>(() => fromRules(initial));
  return (
    <IntlProvider locale="en" messages={{}}>
      <DesignSystemProvider locale="en">
        <RuleBuilder
          value={tree}
          catalog={catalog}
          disabled={disabled}
          onChange={(next) => {
            setTree(next);
            onRules(toRules(next, (fact) => factSpec(catalog, fact).type));
          }}
        />
      </DesignSystemProvider>
    </IntlProvider>
  );
};

const setup = (initial?: Rule, disabled?: boolean) => {
  const saved: Rule[] = [];
  render(<Harness initial={initial} disabled={disabled} onRules={(rules) => saved.push(rules)} />);
  return { last: () => saved[saved.length - 1] };
};

describe('RuleBuilder (component)', () => {
  it('builds a segment with two conditions', () => {
    const { last } = setup();
    const [first] = screen.getAllByTestId('rule-condition');
    fireEvent.change(within(first).getByLabelText('Fact'), { target: { value: 'events.Video Played' } });
    fireEvent.change(within(first).getByLabelText('Value'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add condition' }));
    const second = screen.getAllByTestId('rule-condition')[1];
    fireEvent.change(within(second).getByLabelText('Fact'), { target: { value: 'pageviews' } });
    fireEvent.change(within(second).getByLabelText('Value'), { target: { value: '5' } });
    expect(last()).toEqual({
      all: [
        { fact: 'events.Video Played', op: 'gte', value: 2 },
        { fact: 'pageviews', op: 'gte', value: 5 },
      ],
    });
  });

  it('suggests the fixed facts and the names seen in events', () => {
    setup();
    const suggestions = [...document.querySelectorAll('#psn-fact-suggestions option')].map((option) => option.getAttribute('value'));
    expect(suggestions).toEqual(expect.arrayContaining(['pageviews', 'utm.source', 'events.Video Played', 'events.Signup', 'topics.Sci-Fi', 'bounces.Sci-Fi', 'traits.plan']));
  });

  it('offers a time window only for facts counted per day', () => {
    setup({
      all: [
        { fact: 'events.Signup', op: 'gte', value: 1 },
        { fact: 'utm.source', op: 'eq', value: 'x' },
        { fact: 'pageviews', op: 'gt', value: 1 },
        { fact: 'bounces.Sci-Fi', op: 'gte', value: 2 },
        { fact: 'topics.Sci-Fi', op: 'gt', value: 0.2 },
      ],
    });
    const [events, utm, pageviews, bounces, topics] = screen.getAllByTestId('rule-condition');
    expect(within(events).queryByRole('combobox', { name: 'Window' })).not.toBeNull();
    expect(within(utm).queryByRole('combobox', { name: 'Window' })).toBeNull();
    expect(within(pageviews).queryByRole('combobox', { name: 'Window' })).not.toBeNull();
    expect(within(bounces).queryByRole('combobox', { name: 'Window' })).not.toBeNull();
    expect(within(topics).queryByRole('combobox', { name: 'Window' })).toBeNull();
  });

  it('offers the operators that fit the fact type', async () => {
    setup({ all: [{ fact: 'utm.source', op: 'eq', value: 'newsletter' }] });
    const operator = within(screen.getByTestId('rule-condition')).getByRole('combobox', { name: 'Operator' });
    await userEvent.click(operator);
    const options = screen.getAllByRole('option').map((option) => option.textContent);
    expect(options).toEqual(['is', 'is not', 'is one of', 'is none of', 'contains', 'does not contain', 'starts with', 'ends with', 'matches the pattern', 'is known', 'is unknown']);
    expect(options).not.toContain('is more than');
  });

  it('offers date operators for a date fact, list operators for a list, and shows an alias under its name', async () => {
    setup({ all: [{ fact: 'lastSeen', op: 'inLast', value: '30d' }, { fact: 'recent', op: 'all', value: ['doc-1', 'doc-2'] }, { fact: 'traits.plan', op: 'missing' }] });
    const [date, list, alias] = screen.getAllByTestId('rule-condition');
    await userEvent.click(within(date).getByRole('combobox', { name: 'Operator' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual([
      'is before',
      'is after',
      'is between',
      'is on the day',
      'is not on the day',
      'is within the last',
      'is known',
      'is unknown',
    ]);
    await userEvent.keyboard('{Escape}');
    expect(within(list).getByRole('combobox', { name: 'Operator' }).textContent).toContain('holds all of');
    expect(within(alias).getByRole('combobox', { name: 'Operator' }).textContent).toContain('is unknown');
  });

  it('saves a date range as two dates, and moves to an operator that fits when the fact changes type', () => {
    const { last } = setup({ all: [{ fact: 'lastSeen', op: 'between', value: ['2026-01-01', '2026-01-31'] }] });
    const condition = screen.getByTestId('rule-condition');
    fireEvent.change(within(condition).getByLabelText('Value'), { target: { value: '2026-02-01, 2026-02-28' } });
    expect(last()).toEqual({ all: [{ fact: 'lastSeen', op: 'between', value: ['2026-02-01', '2026-02-28'] }] });
    fireEvent.change(within(condition).getByLabelText('Fact'), { target: { value: 'recent' } });
    expect(last()).toEqual({ all: [{ fact: 'recent', op: 'contains', value: '2026-02-01, 2026-02-28' }] });
    fireEvent.change(within(condition).getByLabelText('Value'), { target: { value: 'doc-1' } });
    fireEvent.change(within(condition).getByLabelText('Fact'), { target: { value: 'utm.source' } });
    expect(last()).toEqual({ all: [{ fact: 'utm.source', op: 'contains', value: 'doc-1' }] });
  });

  it('nests groups, removes conditions, and hides the value of "is known"', () => {
    const { last } = setup({ all: [{ fact: 'pageviews', op: 'gte', value: 1 }, { fact: 'traits.plan', op: 'exists' }] });
    const conditions = screen.getAllByTestId('rule-condition');
    expect(within(conditions[1]).queryByLabelText('Value')).toBeNull();
    fireEvent.click(within(conditions[0]).getByRole('button', { name: 'Remove condition' }));
    fireEvent.click(screen.getAllByRole('button', { name: 'Add group' })[0]);
    const groups = screen.getAllByTestId('rule-group');
    expect(groups).toHaveLength(2);
    fireEvent.change(within(groups[1]).getByLabelText('Fact'), { target: { value: 'daysSinceFirstSeen' } });
    fireEvent.change(within(groups[1]).getByLabelText('Value'), { target: { value: '1' } });
    expect(last()).toEqual({ all: [{ fact: 'traits.plan', op: 'exists' }, { any: [{ fact: 'daysSinceFirstSeen', op: 'gte', value: 1 }] }] });
  });

  it('adds a sequence: "viewed Pricing, then Docs, then started Signup within 2 hours"', async () => {
    const { last } = setup();
    fireEvent.click(within(screen.getByTestId('rule-condition')).getByRole('button', { name: 'Remove condition' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add sequence' }));
    const sequence = screen.getByTestId('rule-sequence');
    expect(last()).toEqual({ all: [{ sequence: [{ page: '' }, { page: '' }], within: 'session' }] });
    fireEvent.change(within(sequence).getByLabelText('Step 1: Viewed the page'), { target: { value: 'Pricing' } });
    fireEvent.change(within(sequence).getByLabelText('Step 2: Viewed the page'), { target: { value: 'Docs' } });
    fireEvent.click(within(sequence).getByRole('button', { name: 'Add step' }));
    await userEvent.click(within(sequence).getByRole('combobox', { name: 'Step 3, detail 1: what to match' }));
    await userEvent.click(screen.getByRole('option', { name: 'Did the event' }));
    fireEvent.change(within(sequence).getByLabelText('Step 3: Did the event'), { target: { value: 'Signup' } });
    // The pages seen in events are suggested.
    const list = within(sequence).getByLabelText('Step 1: Viewed the page').getAttribute('list');
    expect([...document.querySelectorAll(`datalist[id="${list}"] option`)].map((option) => option.getAttribute('value'))).toEqual(['Pricing', 'Docs']);
    await userEvent.click(within(sequence).getByRole('combobox', { name: 'Within' }));
    await userEvent.click(screen.getByRole('option', { name: 'within a time span' }));
    expect(last()).toEqual({ all: [{ sequence: [{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup' }], within: '1h' }] });
    fireEvent.change(within(sequence).getByLabelText('How many'), { target: { value: '2' } });
    expect(last()).toEqual({ all: [{ sequence: [{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup' }], within: '2h' }] });
    await userEvent.click(within(sequence).getByRole('combobox', { name: 'Unit' }));
    await userEvent.click(screen.getByRole('option', { name: 'days' }));
    expect(last()).toEqual({ all: [{ sequence: [{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup' }], within: '2d' }] });
  });

  it('shows a saved sequence, inside "none of", with its window, and removes it', () => {
    const { last } = setup({
      all: [{ fact: 'pageviews', op: 'gte', value: 1 }, { not: { sequence: [{ page: 'Pricing' }, { contentType: 'article', topic: 'ai' }], within: '30m' } }],
    });
    const sequence = screen.getByTestId('rule-sequence');
    expect((within(sequence).getByLabelText('Step 2: About the topic') as HTMLInputElement).value).toBe('ai');
    expect((within(sequence).getByLabelText('How many') as HTMLInputElement).value).toBe('30');
    expect(within(sequence).getByRole('combobox', { name: 'Unit' }).textContent).toContain('minutes');
    fireEvent.click(within(sequence).getByRole('button', { name: 'Remove sequence' }));
    expect(last()).toEqual({ all: [{ fact: 'pageviews', op: 'gte', value: 1 }, { not: { all: [] } }] });
  });

  it('shows a segment declared in code read-only', () => {
    setup({ all: [{ fact: 'pageviews', op: 'gte', value: 1 }] }, true);
    const fact = screen.getByLabelText('Fact') as HTMLInputElement;
    expect(fact.disabled || fact.getAttribute('aria-disabled') === 'true').toBe(true);
    const add = screen.getByRole('button', { name: 'Add condition' });
    expect((add as HTMLButtonElement).disabled || add.getAttribute('aria-disabled') === 'true').toBe(true);
  });
});

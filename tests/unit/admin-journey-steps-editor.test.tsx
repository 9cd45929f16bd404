/**
 * @jest-environment jsdom
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { IntlProvider } from 'react-intl';
import { fieldChoices, freeFields, JourneyStepsEditor, moveStep, renameField, type StepSpec, type StepSuggestions } from '../../admin/src/components/JourneyStepsEditor';
import { fillDesignSystemGaps } from '../helpers/design-system-dom';

beforeAll(fillDesignSystemGaps);

/** The editor with its state, reporting every list of steps it hands back. */
const Harness = ({ initial, onSteps, suggestions, disabled }: { initial: StepSpec[]; onSteps: (steps: StepSpec[]) => void; suggestions?: StepSuggestions; disabled?: boolean }) => {
  const [steps, setSteps] = useState(initial);
  return (
    <IntlProvider locale="en" messages={{}}>
      <DesignSystemProvider locale="en">
        <JourneyStepsEditor
          value={steps}
          suggestions={suggestions}
          disabled={disabled}
          onChange={(next) => {
            setSteps(next);
            onSteps(next);
          }}
        />
      </DesignSystemProvider>
    </IntlProvider>
  );
};

const setup = (initial: StepSpec[], options: { suggestions?: StepSuggestions; disabled?: boolean } = {}) => {
  const saved: StepSpec[][] = [];
  render(<Harness initial={initial} onSteps={(steps) => saved.push(steps)} {...options} />);
  return { last: () => saved[saved.length - 1] };
};

describe('JourneyStepsEditor (component)', () => {
  it('builds "viewed Pricing, then Docs, then started Signup" step by step', async () => {
    const { last } = setup([{ page: '' }]);
    fireEvent.change(screen.getByLabelText('Step 1: Viewed the page'), { target: { value: 'Pricing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add step' }));
    fireEvent.change(screen.getByLabelText('Step 2: Viewed the page'), { target: { value: 'Docs' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add step' }));
    await userEvent.click(screen.getByRole('combobox', { name: 'Step 3, detail 1: what to match' }));
    await userEvent.click(screen.getByRole('option', { name: 'Did the event' }));
    fireEvent.change(screen.getByLabelText('Step 3: Did the event'), { target: { value: 'Signup Started' } });
    expect(last()).toEqual([{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup Started' }]);
  });

  it('combines fields in one step, never a page with an event, and removes a field', async () => {
    const { last } = setup([{ page: 'Pricing' }, { event: 'Signup Started' }]);
    const [first] = screen.getAllByTestId('journey-step');
    fireEvent.click(within(first).getByRole('button', { name: 'And also…' }));
    expect(last()).toEqual([{ page: 'Pricing', category: '' }, { event: 'Signup Started' }]);
    await userEvent.click(within(first).getByRole('combobox', { name: 'Step 1, detail 1: what to match' }));
    // The page may become an event, not the category the step already has.
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Viewed the page', 'Did the event', 'About an entry of type', 'About the topic']);
    await userEvent.keyboard('{Escape}');
    await userEvent.click(within(first).getByRole('combobox', { name: 'Step 1, detail 2: what to match' }));
    // Beside a page, no event.
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['In the category', 'About an entry of type', 'About the topic']);
    await userEvent.click(screen.getByRole('option', { name: 'About the topic' }));
    fireEvent.change(within(first).getByLabelText('Step 1: About the topic'), { target: { value: 'ai' } });
    expect(last()).toEqual([{ page: 'Pricing', topic: 'ai' }, { event: 'Signup Started' }]);
    fireEvent.click(within(first).getByRole('button', { name: 'Remove "Viewed the page" from step 1' }));
    expect(last()).toEqual([{ topic: 'ai' }, { event: 'Signup Started' }]);
  });

  it('reorders and removes steps', () => {
    const { last } = setup([{ page: 'Pricing' }, { page: 'Docs' }, { event: 'Signup Started' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Move step 3 earlier' }));
    expect(last()).toEqual([{ page: 'Pricing' }, { event: 'Signup Started' }, { page: 'Docs' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Move step 1 later' }));
    expect(last()).toEqual([{ event: 'Signup Started' }, { page: 'Pricing' }, { page: 'Docs' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove step 2' }));
    expect(last()).toEqual([{ event: 'Signup Started' }, { page: 'Docs' }]);
  });

  it('suggests the known names of each field', () => {
    setup([{ page: '' }, { event: '' }], { suggestions: { page: ['Pricing', 'Docs'], event: ['Signup Started'] } });
    const listOf = (label: string) => {
      const id = screen.getByLabelText(label).getAttribute('list');
      return [...document.querySelectorAll(`datalist[id="${id}"] option`)].map((option) => option.getAttribute('value'));
    };
    expect(listOf('Step 1: Viewed the page')).toEqual(['Pricing', 'Docs']);
    expect(listOf('Step 2: Did the event')).toEqual(['Signup Started']);
  });

  it('stops at ten steps', () => {
    setup(Array.from({ length: 10 }, (_, index) => ({ page: `P${index}` })));
    const add = screen.getByRole('button', { name: 'Add step' });
    expect((add as HTMLButtonElement).disabled || add.getAttribute('aria-disabled') === 'true').toBe(true);
  });

  it('is read-only when disabled', () => {
    setup([{ page: 'Pricing' }], { disabled: true });
    const input = screen.getByLabelText('Step 1: Viewed the page') as HTMLInputElement;
    expect(input.disabled || input.getAttribute('aria-disabled') === 'true').toBe(true);
  });
});

describe('journey step edits (pure)', () => {
  it('renames a field in place, moves steps within bounds, offers no page beside an event', () => {
    expect(Object.keys(renameField({ page: 'A', category: 'B' }, 'page', 'topic'))).toEqual(['topic', 'category']);
    expect(moveStep([{ page: 'A' }, { page: 'B' }], 0, -1)).toEqual([{ page: 'A' }, { page: 'B' }]);
    expect(freeFields({ event: 'E' })).toEqual(['category', 'contentType', 'topic']);
    expect(fieldChoices({ event: 'E', topic: 't' }, 'event')).toEqual(['page', 'event', 'category', 'contentType']);
  });
});

/**
 * @jest-environment jsdom
 */
import { DesignSystemProvider } from '@strapi/design-system';
import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { IntlProvider } from 'react-intl';
import type { FunnelReport } from '../../admin/src/api/types';
import { describeStep, emptyFunnelDraft, fromFunnel, stepErrors, toFunnelBody, type FunnelDraft } from '../../admin/src/pages/Analytics/funnel-form';
import { FunnelForm } from '../../admin/src/pages/Analytics/FunnelForm';
import { FunnelReportBars } from '../../admin/src/pages/Analytics/FunnelReportBars';
import { fillDesignSystemGaps } from '../helpers/design-system-dom';

beforeAll(fillDesignSystemGaps);

const t = (_id: string, text: string, values: Record<string, string | number> = {}) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));

const wrap = (node: React.ReactNode) => (
  <IntlProvider locale="en" messages={{}}>
    <DesignSystemProvider locale="en">{node}</DesignSystemProvider>
  </IntlProvider>
);

describe('funnel form (pure)', () => {
  it('sends what was typed, without empty step fields', () => {
    const draft: FunnelDraft = { name: ' Signup ', window: '7d ', enabled: true, steps: [{ page: 'Pricing', topic: ' ' }, { event: 'Signup Started' }] };
    expect(toFunnelBody(draft)).toEqual({ name: 'Signup', window: '7d', enabled: true, steps: [{ page: 'Pricing' }, { event: 'Signup Started' }] });
    expect(fromFunnel({ documentId: 'd', name: 'N', window: '1h', enabled: false, steps: [{ page: 'A' }, { page: 'B' }], description: null })).toEqual({
      name: 'N',
      window: '1h',
      enabled: false,
      steps: [{ page: 'A' }, { page: 'B' }],
    });
    expect(emptyFunnelDraft().steps).toHaveLength(2);
  });

  it('words steps and places the server\'s step errors', () => {
    expect(describeStep({ page: 'Pricing' }, t)).toBe('Viewed Pricing');
    expect(describeStep({ event: 'Signup Started', category: 'Docs', topic: 'ai' }, t)).toBe('Signup Started · in Docs · about ai');
    expect(stepErrors({ name: 'must not be empty', 'steps.2.page': 'a step is a page view or an event, not both', steps: 'expected at least 2 steps' }, t)).toEqual([
      'Step 3: a step is a page view or an event, not both',
      'expected at least 2 steps',
    ]);
  });
});

describe('FunnelReportBars', () => {
  const report: FunnelReport = {
    funnel: { documentId: 'f1', name: 'Signup', window: '7d' },
    from: '2026-11-03',
    to: '2026-12-02',
    segment: null,
    steps: [
      { step: { page: 'Pricing' }, reached: 1200, fromPrevious: null, fromFirst: 1, droppedOff: 0 },
      { step: { event: 'Signup Started' }, reached: 300, fromPrevious: 0.25, fromFirst: 0.25, droppedOff: 900 },
      { step: { event: 'Signup Completed' }, reached: 240, fromPrevious: 0.8, fromFirst: 0.2, droppedOff: 60 },
    ],
  };

  it('shows each step with its visitors, conversion and drop-off, bars against the first step', () => {
    render(wrap(<FunnelReportBars report={report} />));
    const steps = screen.getAllByTestId('funnel-step');
    expect(steps.map((step) => step.textContent)).toEqual([
      '1. Viewed Pricing1,200 visitors',
      '2. Signup Started300 visitors · 25% of step 1900 visitors dropped off after step 1',
      '3. Signup Completed240 visitors · 80% of step 2 · 20% of step 160 visitors dropped off after step 2',
    ]);
    const widths = steps.map((step) => (step.querySelector('div[style*="width"]') as HTMLElement).style.width);
    expect(widths).toEqual(['100%', '25%', '20%']);
  });

  it('shows no conversion where the first step had no visitor', () => {
    render(wrap(<FunnelReportBars report={{ ...report, steps: report.steps.map((step) => ({ ...step, reached: 0, fromPrevious: null, fromFirst: null, droppedOff: 0 })) }} />));
    expect(screen.getAllByTestId('funnel-step')[1].textContent).toBe('2. Signup Started0 visitors · – of step 1');
  });
});

describe('FunnelForm', () => {
  const Harness = ({ errors = {}, onSave }: { errors?: Record<string, string>; onSave: (draft: FunnelDraft) => void }) => {
    const [draft, setDraft] = useState<FunnelDraft>(emptyFunnelDraft());
    return wrap(<FunnelForm draft={draft} onChange={setDraft} errors={errors} saving={false} onSave={() => onSave(draft)} onCancel={() => {}} />);
  };

  it('edits name, window and steps with the shared step editor, and saves', () => {
    const saved: FunnelDraft[] = [];
    render(<Harness onSave={(draft) => saved.push(draft)} />);
    const save = screen.getByRole('button', { name: 'Save funnel' });
    expect((save as HTMLButtonElement).disabled || save.getAttribute('aria-disabled') === 'true').toBe(true);
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'Signup' } });
    fireEvent.change(screen.getByLabelText(/^Window/), { target: { value: '1d' } });
    fireEvent.change(screen.getByLabelText('Step 1: Viewed the page'), { target: { value: 'Pricing' } });
    fireEvent.change(screen.getByLabelText('Step 2: Did the event'), { target: { value: 'Signup Started' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add step' }));
    fireEvent.change(screen.getByLabelText('Step 3: Viewed the page'), { target: { value: 'Welcome' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save funnel' }));
    expect(saved).toEqual([{ name: 'Signup', window: '1d', enabled: true, steps: [{ page: 'Pricing' }, { event: 'Signup Started' }, { page: 'Welcome' }] }]);
  });

  it('shows the server\'s errors at the fields and steps they name', () => {
    render(<Harness onSave={() => {}} errors={{ window: 'expected a duration from "1m" to "90d"', 'steps.1.event': 'expected a non-empty text' }} />);
    expect(screen.getByText('expected a duration from "1m" to "90d"')).toBeTruthy();
    expect(screen.getByTestId('funnel-step-error').textContent).toBe('Step 2: expected a non-empty text');
  });
});

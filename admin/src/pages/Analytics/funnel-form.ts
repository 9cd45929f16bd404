import type { StepSpec } from '../../components/JourneyStepsEditor';
import type { Funnel } from '../../api/types';
import type { Translate } from '../../utils/use-translate';

/** What the funnel form edits: a funnel's definition as typed (checked by the server when saved). */
export interface FunnelDraft {
  name: string;
  window: string;
  enabled: boolean;
  steps: StepSpec[];
}

export const emptyFunnelDraft = (): FunnelDraft => ({ name: '', window: '7d', enabled: true, steps: [{ page: '' }, { event: '' }] });

export const fromFunnel = (funnel: Funnel): FunnelDraft => ({ name: funnel.name, window: funnel.window, enabled: funnel.enabled, steps: funnel.steps });

/** The body of a create or an update; fields left empty in a step are left out (the server names a step with none). */
export const toFunnelBody = (draft: FunnelDraft) => ({
  name: draft.name.trim(),
  window: draft.window.trim(),
  enabled: draft.enabled,
  steps: draft.steps.map((step) => Object.fromEntries(Object.entries(step).filter(([, text]) => typeof text === 'string' && text.trim() !== '')) as StepSpec),
});

/** A step in words, for the report's rows: `Viewed Pricing`, `Signup Started`, `Docs · about ai`. */
export const describeStep = (step: StepSpec, t: Translate): string =>
  [
    step.page !== undefined ? t('funnels.describe.page', 'Viewed {page}', { page: step.page || '…' }) : undefined,
    step.event !== undefined ? step.event || '…' : undefined,
    step.category !== undefined ? t('funnels.describe.category', 'in {category}', { category: step.category || '…' }) : undefined,
    step.contentType !== undefined ? t('funnels.describe.contentType', 'a {contentType} entry', { contentType: step.contentType || '…' }) : undefined,
    step.topic !== undefined ? t('funnels.describe.topic', 'about {topic}', { topic: step.topic || '…' }) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

/** The server's errors about steps (`steps.2.page`), as "Step 3: …" lines under the step editor. */
export const stepErrors = (errors: Record<string, string>, t: Translate): string[] =>
  Object.entries(errors)
    .filter(([path]) => path === 'steps' || path.startsWith('steps.'))
    .map(([path, message]) => {
      const index = Number(path.split('.')[1]);
      return Number.isInteger(index) ? t('funnels.stepError', 'Step {position}: {message}', { position: index + 1, message }) : message;
    });

/**
 * The new-experiment form's state and its conversion to the admin API's body. Pure.
 */
export interface ExperimentForm {
  name: string;
  key: string;
  description: string;
  targetKind: 'segment' | 'entry' | 'recommendations';
  targetSegment: string;
  contentType: string;
  documentId: string;
  locale: string;
  /** '' is everyone. */
  audience: string;
  arms: { key: string; weight: number }[];
  holdoutPercent: number;
  goalKind: 'event' | 'category';
  goalEvent: string;
  goalCategory: string;
  goalAction: string;
}

/** The arms a new experiment of this kind starts with: on strategies, the default against popular-v1. */
export const initialArms = (targetKind: ExperimentForm['targetKind']): ExperimentForm['arms'] =>
  targetKind === 'recommendations'
    ? [
        { key: 'control', weight: 50 },
        { key: 'popular-v1', weight: 50 },
      ]
    : [
        { key: 'control', weight: 50 },
        { key: 'variant', weight: 50 },
      ];

export const emptyExperimentForm = (): ExperimentForm => ({
  name: '',
  key: '',
  description: '',
  targetKind: 'segment',
  targetSegment: '',
  contentType: '',
  documentId: '',
  locale: '',
  audience: '',
  arms: initialArms('segment'),
  holdoutPercent: 0,
  goalKind: 'event',
  goalEvent: '',
  goalCategory: '',
  goalAction: '',
});

export const toExperimentBody = (form: ExperimentForm) => ({
  name: form.name,
  key: form.key,
  ...(form.description ? { description: form.description } : {}),
  target:
    form.targetKind === 'segment'
      ? { segment: form.targetSegment }
      : form.targetKind === 'recommendations'
        ? { recommendations: form.contentType }
        : { contentType: form.contentType, documentId: form.documentId.trim(), ...(form.locale ? { locale: form.locale } : {}) },
  audience: form.audience || null,
  arms: form.arms.map((arm) => ({ key: arm.key, weight: arm.weight })),
  holdoutPercent: form.holdoutPercent,
  goals: {
    primary:
      form.goalKind === 'event'
        ? { event: form.goalEvent.trim() }
        : { category: form.goalCategory.trim(), ...(form.goalAction.trim() ? { action: form.goalAction.trim() } : {}) },
    secondary: [],
  },
});

import type { Variant } from '../api/types';

/**
 * The variant editor's state and what it sends: who the variant is for, its priority, and the
 * fields it overrides. Pure: the modal renders it, these functions change and read it.
 */
export interface VariantDraft {
  /** 'segment' or an experiment arm (`experiment` and `arm`). */
  audience: 'segment' | 'arm';
  segment: string;
  experiment: string;
  arm: string;
  label: string;
  priority: number;
  enabled: boolean;
  /** Only the overridden fields are keys here. */
  fields: Record<string, unknown>;
}

export const newDraft = (): VariantDraft => ({ audience: 'segment', segment: '', experiment: '', arm: '', label: '', priority: 0, enabled: true, fields: {} });

export const draftOf = (variant: Variant, options: { copy?: boolean } = {}): VariantDraft => ({
  audience: variant.experiment && !options.copy ? 'arm' : 'segment',
  segment: variant.segment ?? '',
  experiment: options.copy ? '' : variant.experiment ?? '',
  arm: options.copy ? '' : variant.arm ?? '',
  label: options.copy && variant.label ? `${variant.label} (copy)` : variant.label ?? '',
  priority: variant.priority,
  enabled: variant.enabled,
  fields: structuredClone(variant.fields),
});

/** Overriding a field starts from the base value, so the editor changes what is there. */
export const toggleOverride = (draft: VariantDraft, field: string, on: boolean, baseValue: unknown): VariantDraft => {
  const fields = { ...draft.fields };
  if (on) fields[field] = structuredClone(baseValue ?? null);
  else delete fields[field];
  return { ...draft, fields };
};

export const setFieldValue = (draft: VariantDraft, field: string, value: unknown): VariantDraft => ({ ...draft, fields: { ...draft.fields, [field]: value } });

const stable = (value: unknown): string =>
  JSON.stringify(value, (_, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b))) : inner
  );

/** Does the override hold something other than the base value? */
export const differsFromBase = (value: unknown, base: unknown): boolean => stable(value ?? null) !== stable(base ?? null);

/** The overridden fields whose value is not the base's. */
export const changedFields = (draft: Pick<VariantDraft, 'fields'>, base: Record<string, unknown>): string[] =>
  Object.keys(draft.fields).filter((name) => differsFromBase(draft.fields[name], base[name]));

/** The body of `POST /personalization/variants`. */
export const createBody = (draft: VariantDraft, entry: { contentType: string; documentId: string; locale?: string | null }) => ({
  contentType: entry.contentType,
  documentId: entry.documentId,
  ...(entry.locale ? { locale: entry.locale } : {}),
  ...(draft.audience === 'segment' ? { segment: draft.segment } : { experiment: draft.experiment, arm: draft.arm }),
  ...(draft.label ? { label: draft.label } : {}),
  priority: draft.priority,
  enabled: draft.enabled,
  fields: draft.fields,
});

/** The body of `PUT /personalization/variants/:id` (the entry and the experiment arm never change). */
export const updateBody = (draft: VariantDraft) => ({
  ...(draft.audience === 'segment' ? { segment: draft.segment } : {}),
  label: draft.label || null,
  priority: draft.priority,
  enabled: draft.enabled,
  fields: draft.fields,
});

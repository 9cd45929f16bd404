import { z } from 'zod';

/** The name of a configured thing (a source, a destination, a webhook source): it reaches logs, counters and URLs. */
export const configName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 _ . -');

/** Refuses a list in which two entries share a name. */
export const uniqueNames = (entries: readonly { name: string }[], ctx: z.RefinementCtx) => {
  entries.forEach((entry, index) => {
    if (entries.findIndex((other) => other.name === entry.name) !== index) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the name "${entry.name}" is used twice` });
    }
  });
};

import path from 'path';
import en from '../../admin/src/translations/en.json';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractMessages, sortedObject } = require('../scripts/lib/admin-messages') as {
  extractMessages(adminSrc: string): { messages: Record<string, string>; conflicts: string[] };
  sortedObject(messages: Record<string, string>): Record<string, string>;
};

describe('admin translations', () => {
  const { messages, conflicts } = extractMessages(path.resolve(__dirname, '../../admin/src'));

  it('finds the messages of every page', () => {
    expect(Object.keys(messages).length).toBeGreaterThan(200);
    for (const prefix of ['segments.', 'segment.', 'rules.', 'experiments.', 'analytics.', 'settings.', 'panel.', 'variant.', 'editor.', 'preview.', 'ctb.', 'triggers.', 'trigger.', 'deliveries.']) {
      expect(Object.keys(messages).some((id) => id.startsWith(prefix))).toBe(true);
    }
  });

  it('gives each id one English text', () => {
    expect(conflicts).toEqual([]);
  });

  it('has every message in en.json, with the text the code shows, and nothing stale (npm run translations)', () => {
    expect(en).toEqual(sortedObject(messages));
  });
});

// @ts-check
/**
 * Finds every message of the admin UI in its sources: `t('id', 'English text', ...)` calls of
 * useTranslate and `getTranslation('id'), defaultMessage: '...'` descriptors. Used to write
 * admin/src/translations/en.json and, by a unit test, to check it is complete.
 */
const fs = require('fs');
const path = require('path');

const QUOTED = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;
const PATTERNS = [
  new RegExp(String.raw`\bt\(\s*'([\w.-]+)',\s*(?:${QUOTED})`, 'g'),
  new RegExp(String.raw`getTranslation\('([\w.-]+)'\),\s*defaultMessage:\s*(?:${QUOTED})`, 'g'),
];

/** @param {string} dir @returns {string[]} */
const sourceFiles = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });

/**
 * @param {string} adminSrc
 * @returns {{ messages: Record<string, string>, conflicts: string[] }}
 */
const extractMessages = (adminSrc) => {
  /** @type {Record<string, string>} */
  const messages = {};
  const conflicts = [];
  for (const file of sourceFiles(adminSrc)) {
    const source = fs.readFileSync(file, 'utf8');
    for (const pattern of PATTERNS) {
      for (const match of source.matchAll(pattern)) {
        const id = match[1];
        const text = (match[2] ?? match[3]).replace(/\\(['"\\])/g, '$1');
        if (id in messages && messages[id] !== text) conflicts.push(`${id}: "${messages[id]}" vs "${text}" (${path.relative(adminSrc, file)})`);
        messages[id] = text;
      }
    }
  }
  return { messages, conflicts };
};

const sortedObject = (/** @type {Record<string, string>} */ messages) =>
  Object.fromEntries(Object.entries(messages).sort(([a], [b]) => a.localeCompare(b)));

module.exports = { extractMessages, sortedObject };

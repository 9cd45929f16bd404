#!/usr/bin/env node
// @ts-check
/** `npm run translations`: rewrites admin/src/translations/en.json from the messages in the admin sources. */
const fs = require('fs');
const path = require('path');
const { extractMessages, sortedObject } = require('./lib/admin-messages');

const adminSrc = path.resolve(__dirname, '..', '..', 'admin', 'src');
const { messages, conflicts } = extractMessages(adminSrc);
if (conflicts.length > 0) {
  console.error(`one id, two English texts:\n  ${conflicts.join('\n  ')}`);
  process.exit(1);
}
const target = path.join(adminSrc, 'translations', 'en.json');
fs.writeFileSync(target, `${JSON.stringify(sortedObject(messages), null, 2)}\n`);
console.log(`${Object.keys(messages).length} messages written to ${path.relative(process.cwd(), target)}`);

/**
 * Rich text (Strapi "blocks") as plain paragraphs, so that an editor can retype a variant's text
 * without writing JSON. Only lossless for blocks that are plain paragraphs; `isPlainParagraphs`
 * says when the plain editor may be offered. Pure.
 */

interface TextNode {
  type: 'text';
  text: string;
  [mark: string]: unknown;
}
interface Block {
  type: string;
  children?: unknown[];
  [key: string]: unknown;
}

const isPlainText = (node: unknown): node is TextNode =>
  typeof node === 'object' && node !== null && (node as TextNode).type === 'text' && typeof (node as TextNode).text === 'string' &&
  Object.keys(node).every((key) => key === 'type' || key === 'text');

/** True when every block is a paragraph of unformatted text (or there are none). */
export const isPlainParagraphs = (value: unknown): boolean =>
  value === null ||
  (Array.isArray(value) &&
    value.every((block: Block) => block?.type === 'paragraph' && Array.isArray(block.children) && block.children.every(isPlainText)));

export const blocksToText = (value: unknown): string =>
  Array.isArray(value)
    ? value.map((block: Block) => (block.children ?? []).map((child) => (isPlainText(child) ? child.text : '')).join('')).join('\n\n')
    : '';

/** Paragraphs are separated by blank lines; single line breaks stay inside a paragraph. */
export const textToBlocks = (text: string): Block[] =>
  text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => ({ type: 'paragraph', children: [{ type: 'text', text: paragraph }] }));

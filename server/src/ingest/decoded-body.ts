import type { IncomingMessage } from 'http';
import { createUnzip, createBrotliDecompress } from 'zlib';
import getRawBody from 'raw-body';

/**
 * The request body's bytes, decoded by its `Content-Encoding` (gzip, deflate, br) whatever its
 * `Content-Type`, reading at most `maxBytes` of *decoded* bytes: a 1 KB gzip that inflates to 50 MB
 * is refused once the limit is passed, without inflating the rest. raw-body (the body reader of
 * Express and Koa) enforces the limit and the declared length. Bytes, not text: a webhook's
 * signature is the HMAC of the bytes as sent, which decoding to text and back may not give again.
 */
export class BodyReadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string
  ) {
    super(message);
  }
}

const decoderOf = (encoding: string) => {
  switch (encoding) {
    case 'identity':
      return null;
    case 'gzip':
    case 'deflate':
      return createUnzip();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new BodyReadError(415, `unsupported Content-Encoding "${encoding.slice(0, 40)}" (expected gzip, deflate, br or none)`);
  }
};

export const readDecodedBody = async (req: IncomingMessage, maxBytes: number): Promise<Buffer> => {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  const decoder = decoderOf(encoding);
  const declared = req.headers['content-length'];
  const stream = decoder ? req.pipe(decoder) : req;
  try {
    // The declared length is the encoded size: only checked for identity bodies.
    return await getRawBody(stream, { limit: maxBytes, ...(decoder || declared === undefined ? {} : { length: declared }) });
  } catch (error) {
    const { type, status } = error as { type?: string; status?: number };
    if (type === 'entity.too.large' || status === 413) {
      throw new BodyReadError(413, `the request body is larger than ${maxBytes} bytes once decoded`);
    }
    if (decoder && !status) throw new BodyReadError(400, `the body is not valid ${encoding} data`);
    throw new BodyReadError(400, 'the request body could not be read');
  } finally {
    if (decoder) {
      req.unpipe(decoder);
      decoder.destroy();
    }
  }
};

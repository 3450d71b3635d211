/**
 * Which files a customer sent the console shows as pictures on the complaint page, besides the
 * download link: raster photos and screenshots (JPEG, PNG, GIF, WebP) small enough for one function
 * answer. Never SVG, HTML or anything else a browser would run; and the bytes must be what the type
 * says (the type is the sender's claim), checked by their signature before they are served as an
 * image (`console-attachment.ts`), always with `nosniff` and a sandboxing CSP.
 */

/** The largest file shown in place: what one function answer carries (Lambda's 6 MB, as base64). */
export const PREVIEW_MAX_BYTES = 4 * 1024 * 1024;

const SIGNATURES: Readonly<Record<string, (b: Uint8Array) => boolean>> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x),
  'image/gif': (b) => ascii(b, 0, 4) === 'GIF8',
  'image/webp': (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
};

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/** Whether the complaint page shows this kept file as a picture (by its type and size as recorded). */
export function previewable(file: { readonly contentType: string; readonly size: number }): boolean {
  return PREVIEW_TYPES.includes(file.contentType) && file.size <= PREVIEW_MAX_BYTES;
}

// Apart from the signatures, which only the serving function needs.
const PREVIEW_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Whether the bytes are an image of the recorded type (its file signature), so they may be served as one. */
export function isImageOf(bytes: Uint8Array, contentType: string): boolean {
  return SIGNATURES[contentType]?.(bytes) ?? false;
}

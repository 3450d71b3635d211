import { describe, expect, it } from 'vitest';
import { isImageOf, previewable, PREVIEW_MAX_BYTES } from '../../functions/domain/attachment-preview.ts';

const bytes = (...parts: Array<number[] | string>) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('pictures on the complaint page', () => {
  it('shows JPEG, PNG, GIF and WebP up to what one answer carries; never SVG, HTML, PDF or HEIC', () => {
    for (const contentType of ['image/jpeg', 'image/png', 'image/gif', 'image/webp']) {
      expect(previewable({ contentType, size: 1 }), contentType).toBe(true);
      expect(previewable({ contentType, size: PREVIEW_MAX_BYTES }), contentType).toBe(true);
      expect(previewable({ contentType, size: PREVIEW_MAX_BYTES + 1 }), contentType).toBe(false);
    }
    for (const contentType of ['image/svg+xml', 'text/html', 'application/pdf', 'image/heic', 'text/plain', 'IMAGE/PNG', 'image/png; charset=utf-8']) {
      expect(previewable({ contentType, size: 1 }), contentType).toBe(false);
    }
  });

  it('serves bytes as an image only when they carry that type\'s signature', () => {
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF');
    const png = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const gif = bytes('GIF89a');
    const webp = bytes('RIFF', [0x10, 0, 0, 0], 'WEBPVP8 ');
    expect([isImageOf(jpeg, 'image/jpeg'), isImageOf(png, 'image/png'), isImageOf(gif, 'image/gif'), isImageOf(webp, 'image/webp')]).toEqual([true, true, true, true]);
    // Another type's bytes, a page, too short, or a type never shown.
    expect(isImageOf(png, 'image/jpeg')).toBe(false);
    expect(isImageOf(bytes('<html><script>alert(1)</script>'), 'image/png')).toBe(false);
    expect(isImageOf(bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'image/webp')).toBe(false);
    expect(isImageOf(bytes([0xff, 0xd8]), 'image/jpeg')).toBe(false);
    expect(isImageOf(new Uint8Array(), 'image/gif')).toBe(false);
    expect(isImageOf(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml')).toBe(false);
  });
});

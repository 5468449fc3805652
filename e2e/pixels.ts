import type { Page } from '@playwright/test';

/** An RGB colour and how far (per channel) a pixel may be from it. */
export type Swatch = [r: number, g: number, b: number];

/**
 * The share of a screenshot's pixels within `tolerance` of each swatch, decoded in the page itself
 * (createImageBitmap), so tests check what a screenshot shows rather than that one was taken.
 */
export async function colorShares(page: Page, png: Buffer, swatches: Record<string, Swatch>, tolerance = 24): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ b64, swatches, tolerance }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const counts: Record<string, number> = Object.fromEntries(Object.keys(swatches).map((k) => [k, 0]));
      for (let i = 0; i < data.length; i += 4) {
        for (const [name, [r, g, b]] of Object.entries(swatches)) {
          if (Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance) counts[name]!++;
        }
      }
      const total = data.length / 4;
      return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / total]));
    },
    { b64: png.toString('base64'), swatches, tolerance },
  );
}

export const GREEN: Swatch = [0x22, 0xc5, 0x5e];
export const RED: Swatch = [0xef, 0x44, 0x44];
/** The amber the elements and the demo show an uncertain result in (Tailwind amber-500). */
export const AMBER: Swatch = [0xf5, 0x9e, 0x0b];

/** `colour` at opacity `alpha` over `background`, as the browser composites it (rounded). */
export function blend(colour: Swatch, background: Swatch, alpha: number): Swatch {
  return colour.map((c, i) => Math.round(alpha * c + (1 - alpha) * background[i]!)) as Swatch;
}

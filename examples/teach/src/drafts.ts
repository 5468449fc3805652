import type { TeachExample } from '@ko-classify/react';

/** One label as the page edits it: its name and its examples, one per line. */
export interface LabelDraft {
  name: string;
  examples: string;
}

/** The IndexedDB name the taught head is saved under (and found again on the next visit). */
export const HEAD_NAME = 'teach-demo';

export const DEFAULT_DRAFTS: LabelDraft[] = [
  { name: '배송', examples: '택배가 아직도 안 왔어요\n배송이 너무 늦어요\n주문한 지 열흘인데 도착을 안 해요' },
  { name: '가격', examples: '가격이 너무 비싸요\n이 가격이면 다른 데서 사겠어요\n할인 좀 해 주세요' },
  { name: '품질', examples: '한 번 빨았더니 옷이 줄었어요\n마감이 엉망이고 금방 망가졌어요\n재질이 튼튼하고 좋아요' },
];

const KEY = 'ko-classify-teach:drafts';

/** The examples to teach: every non-blank line under its label's name. */
export function toExamples(drafts: readonly LabelDraft[]): TeachExample[] {
  return drafts.flatMap((d) =>
    d.examples
      .split('\n')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((text) => ({ text, label: d.name.trim() })),
  );
}

/** The drafts of the last visit (the head itself is in IndexedDB; the examples are kept here to edit). */
export function loadDrafts(): { drafts: LabelDraft[]; taught: string | null } {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { drafts: LabelDraft[]; taught: string | null } | null;
    if (saved && Array.isArray(saved.drafts) && saved.drafts.length > 0) return saved;
  } catch {}
  return { drafts: DEFAULT_DRAFTS, taught: null };
}

export function saveDrafts(drafts: readonly LabelDraft[], taught: string | null): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ drafts, taught }));
  } catch {}
}

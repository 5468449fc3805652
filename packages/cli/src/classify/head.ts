/**
 * `classify --head`: the head file as the CLI reads it (which encoder it names) and the check that
 * the model it runs on is a sentence encoder. Core validates the head itself when the workers load
 * it (HEAD_INVALID, and HEAD_MISMATCH for a head taught on another encoder space).
 */
import { readFileSync } from 'node:fs';
import type { KoClassifyErrorCode } from '@ko-classify/core';
import { KoClassifyError, readModelJson } from '@ko-classify/core/node';
import { dataFile } from '../args.js';

export interface HeadFile {
  /** The file's JSON, handed to core as it is. */
  json: unknown;
  /** The encoder it was taught on (`encoder.model`): the default `--model`. */
  model: string;
}

const invalid = (message: string) => new KoClassifyError('HEAD_INVALID' as KoClassifyErrorCode, message);

/** Reads a head JSON written by `ko-classify teach` (or a page's `teach()`). */
export function readHeadFile(path: string): HeadFile {
  const text = readFileSync(dataFile(path, 'head file'), 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`${path} is not a head JSON (${(e as Error).message}): write one with ko-classify teach examples.tsv -o ${path}`);
  }
  const model = (json as { encoder?: { model?: unknown } } | null)?.encoder?.model;
  if ((json as { format?: unknown } | null)?.format !== 'ko-classify-head' || typeof model !== 'string') {
    throw invalid(`${path} is not a ko-classify head (no "format": "ko-classify-head" and encoder.model): write one with ko-classify teach examples.tsv -o ${path}`);
  }
  return { json, model };
}

/** Whether a model directory holds a sentence encoder (its config.json has `sentence_embedding`). */
export function isEncoder(dir: string): boolean {
  return (readModelJson(dir, 'config.json') as { sentence_embedding?: unknown }).sentence_embedding !== undefined;
}

/** Refuses a model that is not a sentence encoder for `command`, naming the --model that fits. */
export function requireEncoder(dir: string, model: string, command: string): void {
  if (!isEncoder(dir)) {
    throw new KoClassifyError('INVALID_INPUT', `${command} needs a sentence encoder, and ${model} is a classifier (its config.json has no sentence_embedding): pass --model ko-sentence (the default) or another encoder`, { model });
  }
}

/** Refuses a model directory that is not a sentence encoder, naming the --model that fits the head. */
export function checkEncoder(dir: string, model: string, head: HeadFile): void {
  if (!isEncoder(dir)) {
    throw new KoClassifyError('INVALID_INPUT', `--head runs on the sentence encoder the head was taught on, and ${model} is a classifier (its config.json has no sentence_embedding): leave --model out (the head names ${head.model}) or pass --model <that encoder>`, { model, head: head.model });
  }
}

// The files this tab is sending, by import id. The API answers a file's PUT only once the whole
// file is read, while the progress screen polls the import: the upload outlives the screen that
// started it, and the progress screen reads its outcome (a refusal is shown with its fields).
import { type Problem, problemOf } from '../../api/problem';
import { uploadImportFile } from './imports-source';

export interface Upload {
  fileName: string;
  bytes: number;
  state: 'sending' | 'sent' | 'refused';
  problem: Problem | null;
}

const uploads = new Map<string, Upload>();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

export function startUpload(importId: string, file: File): void {
  const upload: Upload = { fileName: file.name, bytes: file.size, state: 'sending', problem: null };
  uploads.set(importId, upload);
  uploadImportFile(importId, file)
    .then(
      () => uploads.set(importId, { ...upload, state: 'sent' }),
      (err: unknown) => uploads.set(importId, { ...upload, state: 'refused', problem: problemOf(err) }),
    )
    .finally(notify);
  notify();
}

export const uploadOf = (importId: string): Upload | undefined => uploads.get(importId);

export function onUploadsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

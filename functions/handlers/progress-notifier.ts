import '../adapters/aws-runtime.ts';
import { complaintStreamHandler } from '../adapters/complaint-stream.ts';
import { runtime } from '../adapters/runtime.ts';
import { notifyProgress } from '../use-cases/notify-progress.ts';

/**
 * Progress notifier on the complaints stream (complaint INSERTs and MODIFYs, by the mapping's
 * filter): customers hear about each visible step, and domain events go to the bus. Each record fails
 * alone; retried records send nothing twice (message ledger).
 */
export const handler = complaintStreamHandler((complaint, previous) => notifyProgress(complaint, previous, runtime()));

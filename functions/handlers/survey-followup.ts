import '../adapters/aws-runtime.ts';
import { complaintStreamHandler } from '../adapters/complaint-stream.ts';
import { runtime } from '../adapters/runtime.ts';
import { followUpSurvey } from '../use-cases/follow-up-survey.ts';

/**
 * Survey follow-up on the complaints stream (changes carrying a survey answer, by the mapping's
 * filter): the department hears about poor answers, and `survey.answered` goes to the bus. Each record
 * fails alone; retried records send nothing twice (message ledger).
 */
export const handler = complaintStreamHandler((complaint, previous) => followUpSurvey(complaint, previous, runtime()));

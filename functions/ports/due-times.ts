/**
 * When the scheduled functions' next work is due: the first key of each time-ordered thing they read
 * (the sparse due indexes and the queues of SMS held for quiet hours), whether its time has come or
 * not; undefined when nothing is waiting. The local scheduler asks, through each scheduled handler's
 * `nextWork`, so it can skip the runs that would find nothing due (functions/local/scheduler.ts).
 */
export interface DueTimes {
  /** The earliest next SLA action time of any complaint (bySweepAt, every bucket). */
  nextSweepAt(): Promise<Date | undefined>;
  /** The earliest due time of a survey waiting to be sent, or of a held send claim's end (bySurveyDue). */
  nextSurveyAt(): Promise<Date | undefined>;
  /** When the first SLA SMS held for quiet hours is due. */
  nextHeldSlaSmsAt(): Promise<Date | undefined>;
  /** When the first alert SMS held for quiet hours is due. */
  nextHeldAlertSmsAt(): Promise<Date | undefined>;
}

/** Where time comes from: the system clock in Lambda, a simulated, advanceable clock locally. */
export interface Clock {
  now(): Date;
}

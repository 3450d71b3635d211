/**
 * Imported first by the local entry point: quiet Powertools defaults for a terminal (warnings and
 * errors only, no EMF metric blobs on stdout). Anything the user set wins.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'local';

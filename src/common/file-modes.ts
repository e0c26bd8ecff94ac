// Modes of what minicluster creates under a cluster's directory: readable by their owner only, since logs
// and checkpoints name task commands and environments, and the cluster file holds the control token.
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

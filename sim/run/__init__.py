"""Running scenarios: replications, executors, results on disk, compare, sweeps and sensitivity."""

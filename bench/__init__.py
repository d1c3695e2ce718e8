"""The benchmark: a statewide data set, the workloads measured on it, and their targets."""

"""Running the pieces on one machine: a private Redis and the process supervisor behind `up`."""

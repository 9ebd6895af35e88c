"""The load scenario (locust) and its runner: `make load`."""

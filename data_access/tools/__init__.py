"""The `rdash` command line and the benchmark."""

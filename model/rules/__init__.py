"""Pure rules, no I/O: the schedule, progress, screening answers, device limits and form parsing."""

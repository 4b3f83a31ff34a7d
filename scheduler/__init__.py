"""Deadlines to reminder times (pure functions of the calendar and the clock), the outbox,
and the APScheduler service that drives the ticks."""

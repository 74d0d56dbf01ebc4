"""Scheduled jobs (reminders ahead of the Article 7 deadline and the meetings).

Each job is a plain function of (session, clock, notifier, settings) that calls the same domain functions
as the handlers; the scheduler (scheduler.py, APScheduler) only decides when.
"""

"""Scheduled jobs (reminders ahead of the Article 7 deadline and the meetings).

Each job is a plain function of (session, clock, notifier) that calls the same domain functions as the
handlers; the scheduler (APScheduler) only decides when. The reminders issue adds the first jobs.
"""

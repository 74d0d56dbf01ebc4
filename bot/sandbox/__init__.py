"""The sandbox: the whole bot on one machine with no Slack workspace."""

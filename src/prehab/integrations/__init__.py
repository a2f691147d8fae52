"""Integrations: prehab's advice published to other systems (Home Assistant over MQTT).

An integration reads, it never forks: it gets today's advice from the same one call as the
app and ``prehab recommend`` (``prehab.plan.today.advise_from_store``), stores check-ins
through the same questionnaire validation as the app, and imports nothing from Textual.
"""

"""Integrations: prehab's advice published to other systems (Home Assistant over MQTT).

An integration reads, it never forks: it is a thin client of the day service
(``prehab.day.service``) the app and the CLI use, shows the same committed plan, stores
check-ins through the same questionnaire validation, and imports nothing from Textual.
"""

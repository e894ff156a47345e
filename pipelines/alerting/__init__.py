"""Alerts: compose one message per run from new or worsened tracking issues and deliver it to chat and mail sinks."""

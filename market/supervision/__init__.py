"""Supervision (督办) of late orders: red/yellow/green marks and escalation up the area chain."""

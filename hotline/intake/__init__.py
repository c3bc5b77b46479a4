"""Intake from residents: Twilio webhooks (SMS, voice, recordings, status callbacks) and SMS commands."""

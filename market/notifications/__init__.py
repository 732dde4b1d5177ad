"""In-app notifications (站内消息) and the outbox other channels drain."""

"""What the webhooks bring to the platform: the receiver of everything published
(`gridgov.core.registry.publish`), which queues a message per subscription, and the periodic
sending of retries that are due. Read once at start-up (`gridgov.core.apps`)."""

from gridgov.core.registry import register_job, register_push_receiver

from .delivery import receive

register_push_receiver(receive)
register_job("gridgov.webhooks.delivery.send_due_messages", 30)

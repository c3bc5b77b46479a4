from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hotline import access


class TicketEventsConsumer(AsyncJsonWebsocketConsumer):
    """Forwards ticket events (ids only) for the groups the user belongs to.

    The page then re-fetches the changed fragment through the ordinary,
    access-checked view, so nothing private travels over the socket.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = await database_sync_to_async(access.event_groups_for)(user)
        if not self.groups_joined:  # e.g. a media editor: no ticket events for them
            await self.close(code=4403)
            return
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "joined", "groups": len(self.groups_joined)})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    # Channels closes stale database connections (a hop to its one sync thread) before every message it
    # dispatches. The live events' handlers never touch the database, and with a hundred sockets in a
    # process those hops queued up behind each other on every event (bench/fanout.py): skip them.
    NO_DATABASE = frozenset({"ticket.event", "call.event"})

    async def dispatch(self, message):
        if message.get("type") in self.NO_DATABASE:
            await getattr(self, message["type"].replace(".", "_"))(message)
        else:
            await super().dispatch(message)

    async def ticket_event(self, event):
        await self.send_json({"type": "ticket", "event": event["event"], "ticket": event["ticket"]})

    async def call_event(self, event):
        # only the operators' group receives these (incoming-call screen-pop); ids only
        await self.send_json({"type": "call", "event": event["event"], "call": event["call"]})

"""msgspec encoding for the event store.

Events are msgspec Structs, so the mapper encodes them natively and decodes them with their
own type hints: Decimal, date, datetime and UUID come back exactly, with no tagging. The
generic `MsgspecTranscoder` keeps eventsourcing's `Transcoding` registry (same wire format as
its JSONTranscoder) for anything that is not a Struct.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import msgspec
from eventsourcing.persistence import (
    Mapper,
    StoredEvent,
    Transcoder,
    Transcoding,
    TranscodingNotRegisteredError,
)
from eventsourcing.utils import get_topic, resolve_topic


class MsgspecTranscoder(Transcoder):
    def __init__(self) -> None:
        self.types: dict[type, Transcoding] = {}
        self.names: dict[str, Transcoding] = {}
        self._encoder = msgspec.json.Encoder(enc_hook=self._encode_custom, decimal_format="string")
        self._typed_decoders: dict[type, msgspec.json.Decoder[Any]] = {}
        self.encode_struct: Callable[[msgspec.Struct], bytes] = self._encoder.encode  # no wrapper: per event

    def register(self, transcoding: Transcoding) -> None:
        self.types[transcoding.type] = transcoding
        self.names[transcoding.name] = transcoding

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(self._wrap_registered(obj) if self.types else obj)

    def decode(self, data: bytes) -> Any:
        return self._unwrap_registered(msgspec.json.decode(data))


    def decode_as(self, data: bytes, cls: type) -> Any:
        decoder = self._typed_decoders.get(cls)
        if decoder is None:
            decoder = self._typed_decoders[cls] = msgspec.json.Decoder(cls)
        return decoder.decode(data)

    def _encode_custom(self, obj: Any) -> Any:
        try:
            transcoding = self.types[type(obj)]
        except KeyError:
            msg = (
                f"Object of type {type(obj)} is not serializable. Please define "
                "and register a custom transcoding for this type."
            )
            raise TranscodingNotRegisteredError(msg) from None
        return {"_type_": transcoding.name, "_data_": self._wrap_registered(transcoding.encode(obj))}

    def _wrap_registered(self, obj: Any) -> Any:
        """Route registered types that msgspec would otherwise encode natively (UUID,
        Decimal, ...) through their transcoding, so they decode to the same type."""
        kind = type(obj)
        if kind in self.types:
            return self._encode_custom(obj)
        if kind is dict:
            return {k: self._wrap_registered(v) for k, v in obj.items()}
        if kind is list:
            return [self._wrap_registered(v) for v in obj]
        return obj

    def _unwrap_registered(self, obj: Any) -> Any:
        if isinstance(obj, list):
            return [self._unwrap_registered(v) for v in obj]
        if not isinstance(obj, dict):
            return obj
        if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
            name = obj["_type_"]
            try:
                transcoding = self.names[name]
            except KeyError:
                msg = (
                    f"Data serialized with name '{name}' is not deserializable. "
                    "Please register a custom transcoding for this type."
                )
                raise TranscodingNotRegisteredError(msg) from None
            return transcoding.decode(self._unwrap_registered(obj["_data_"]))
        return {k: self._unwrap_registered(v) for k, v in obj.items()}


@lru_cache(maxsize=None)
def _topic(cls: type) -> str:
    return get_topic(cls)


@lru_cache(maxsize=None)
def _resolve(topic: str) -> type:
    return resolve_topic(topic)


class StructMapper(Mapper):
    """Maps msgspec Struct events to stored events and back, typed by their topic.

    The stored state is the whole Struct, position included, so a stored row is
    self-describing and a hash over it covers the event's place in its stream.
    """

    transcoder: MsgspecTranscoder

    def __init__(self, transcoder: MsgspecTranscoder | None = None, **kwargs: Any) -> None:
        super().__init__(transcoder or MsgspecTranscoder(), **kwargs)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = self.transcoder.encode_struct(domain_event)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        return self.transcoder.decode_as(state, _resolve(stored_event.topic))


def positioned(body: bytes, plan: bytes, version: int, prev: str) -> bytes:
    """The stored state of a plan event encoded unpositioned (`body`), with its position put in:
    byte for byte what encoding the positioned event gives, because a plan event's position
    fields (originator_id, originator_version, prev) come first and are left out while they hold
    their defaults. `plan` is the plan id as its canonical text."""
    if prev:
        return b'{"originator_id":"%b","originator_version":%d,"prev":"%b",%b' % (plan, version, prev.encode(), body[1:])
    return b'{"originator_id":"%b","originator_version":%d,%b' % (plan, version, body[1:])

using System;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Writes a client message payload straight into the connection's send buffer and masks it as it goes, with
/// <paramref name="maskKey"/> from key byte 0 (RFC 6455 section 5.3), so that the bytes are masked while they are
/// still in the cache instead of in a second pass. <paramref name="destination"/> is exactly the declared payload
/// length, is the connection's send buffer (its own frame buffer or the pipe's memory; borrowed for the call only) and
/// must be filled completely.
/// </summary>
internal delegate void MaskedPayloadWriter<TState>(Span<byte> destination, int maskKey, TState state);

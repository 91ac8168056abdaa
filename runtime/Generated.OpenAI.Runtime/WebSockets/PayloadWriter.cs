using System;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Writes a message payload straight into the connection's send buffer. <paramref name="destination"/> is
/// exactly the declared payload length and is borrowed: it is the connection's send buffer, valid only during the call,
/// and must be filled completely. The connection masks it after the call returns. Pass a <c>static</c> lambda
/// and a struct <typeparamref name="TState"/> for zero allocations per send.
/// </summary>
public delegate void PayloadWriter<TState>(Span<byte> destination, TState state);

using System.Buffers;
using System.Net.WebSockets;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// One whole message returned by <see cref="WebSocketConnection.ReceiveMessageAsync"/>.
/// </summary>
/// <remarks>
/// <see cref="Payload"/> is BORROWED from the connection: a slice of the receive pipe's buffer (single-frame
/// messages) or of the connection's pooled reassembly buffer (fragmented messages). It is valid only until the
/// next call to <see cref="WebSocketConnection.ReceiveMessageAsync"/>, <see cref="WebSocketConnection.CloseAsync"/>
/// or <see cref="WebSocketConnection.DisposeAsync"/>; copy whatever must outlive that.
/// </remarks>
public readonly struct WebSocketReceivedMessage
{
    internal WebSocketReceivedMessage(WebSocketMessageType messageType, ReadOnlySequence<byte> payload, WebSocketCloseStatus? closeStatus = null, string? closeStatusDescription = null)
    {
        MessageType = messageType;
        Payload = payload;
        CloseStatus = closeStatus;
        CloseStatusDescription = closeStatusDescription;
    }

    internal WebSocketReceivedMessage(WebSocketMessageType messageType, ReadOnlySequence<byte> payload, int unescapedTailStart)
    {
        MessageType = messageType;
        Payload = payload;
        _unescapedTailStartPlusOne = unescapedTailStart + 1;
    }

    /// <summary>Text (UTF-8, already validated), Binary, or Close (the server closed; the handshake is complete).</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>The message payload; borrowed, see the type remarks. Empty for Close.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>For Close: the status the server sent (<see cref="WebSocketCloseStatus.Empty"/> when it sent none).</summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>For Close: the reason text the server sent, if any.</summary>
    public string? CloseStatusDescription { get; }

    /// <summary>
    /// For a Text message in one block, when the connection was asked to find it
    /// (<see cref="WebSocketConnection.FindsUnescapedTail"/>): where the run of plain bytes before the message's last
    /// two starts (see <see cref="Utf8Validation.IsValid(System.ReadOnlySpan{byte}, out int)"/>), found in the pass that
    /// validated its UTF-8; -1 otherwise.
    /// </summary>
    internal int UnescapedTailStart => _unescapedTailStartPlusOne - 1;

    // Kept plus one, so that a default message (and every one made without it) says -1: nothing found, check it all.
    private readonly int _unescapedTailStartPlusOne;
}

namespace Generated.OpenAI.WebSockets;

/// <summary>The 4-bit frame opcode of RFC 6455 section 5.2.</summary>
internal enum Opcode : byte
{
    /// <summary>A continuation of a fragmented data message.</summary>
    Continuation = 0x0,

    /// <summary>The first frame of a UTF-8 text message.</summary>
    Text = 0x1,

    /// <summary>The first frame of a binary message.</summary>
    Binary = 0x2,

    /// <summary>The close control frame.</summary>
    Close = 0x8,

    /// <summary>The ping control frame.</summary>
    Ping = 0x9,

    /// <summary>The pong control frame.</summary>
    Pong = 0xA,
}
